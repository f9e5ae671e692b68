// Loading a kubeconfig through client-node, keeping token files as files.
//
// client-node reads a user's `token-file` once, into a fixed token. client-go instead re-reads
// the file, so a token rotated on disk is picked up by a running client. Users with a
// `token-file` (and no inline token) are therefore given client-node's `tokenFile` auth
// provider, the same shape it uses for the in-cluster service-account token, and the
// credential source re-reads both.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, resolve } from 'node:path';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { parse } from 'yaml';

export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromDefault();
  const files = kubeconfigPath ? [kubeconfigPath] : defaultKubeconfigFiles();
  const tokenFiles = kubeconfigTokenFiles(files);
  kc.users = kc.users.map((user) => withTokenFile(user, tokenFiles.get(user.name)));
  return kc;
}

/** The files client-node's loadFromDefault reads: $KUBECONFIG's list, else ~/.kube/config. */
function defaultKubeconfigFiles(): string[] {
  const env = process.env.KUBECONFIG;
  const files = env ? env.split(delimiter).filter(Boolean) : [resolve(homedir(), '.kube', 'config')];
  return files.filter((f) => existsSync(f));
}

interface RawKubeconfig {
  users?: { name?: string; user?: { token?: string; 'token-file'?: string } }[];
}

/** User name → absolute token-file path, for users with a `token-file` and no inline token. */
export function kubeconfigTokenFiles(files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files) {
    const raw = parse(readFileSync(file, 'utf8')) as RawKubeconfig | null;
    for (const entry of raw?.users ?? []) {
      const tokenFile = entry.user?.['token-file'];
      if (!entry.name || !tokenFile || entry.user?.token || out.has(entry.name)) continue;
      // Relative paths are relative to the kubeconfig file, as in client-go.
      out.set(entry.name, resolve(dirname(file), tokenFile));
    }
  }
  return out;
}

function withTokenFile(user: User, tokenFile: string | undefined): User {
  if (!tokenFile) return user;
  return { ...user, token: undefined, authProvider: { name: 'tokenFile', config: { tokenFile } } };
}
