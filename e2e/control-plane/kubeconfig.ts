import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/**
 * A kubeconfig that kubectl and @kubernetes/client-node both accept. The CA is embedded so the
 * file stays valid on its own, wherever it is copied.
 */
export function kubeconfigYaml(server: string, caPem: Buffer, token: string, name = 'orkestra-local'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': caPem.toString('base64') } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name, context: { cluster: name, user: 'admin' } }],
    'current-context': name,
  });
}

export async function writeKubeconfig(path: string, yaml: string): Promise<void> {
  await writeFile(path, yaml, { mode: 0o600 });
}
