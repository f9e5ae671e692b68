import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Files and secrets a fresh control plane authenticates with. */
export interface ControlPlaneCredentials {
  /** Bearer token of `admin` (group `system:masters`). */
  readonly adminToken: string;
  readonly tokenFile: string;
  readonly serviceAccountKeyFile: string;
  readonly serviceAccountPublicKeyFile: string;
}

/**
 * Writes a static token file and a service-account signing key pair into `dir`. A static token
 * keeps kubeconfigs small and lets every client (kubectl, client-node, kube-controller-manager)
 * authenticate the same way; RBAC stays on, so any other identity is checked for real.
 */
export async function writeCredentials(dir: string): Promise<ControlPlaneCredentials> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const adminToken = randomBytes(24).toString('hex');
  const creds: ControlPlaneCredentials = {
    adminToken,
    tokenFile: join(dir, 'tokens.csv'),
    serviceAccountKeyFile: join(dir, 'sa.key'),
    serviceAccountPublicKeyFile: join(dir, 'sa.pub'),
  };
  await writeFile(creds.serviceAccountKeyFile, privateKey, { mode: 0o600 });
  await writeFile(creds.serviceAccountPublicKeyFile, publicKey);
  await writeFile(creds.tokenFile, `${adminToken},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });
  return creds;
}
