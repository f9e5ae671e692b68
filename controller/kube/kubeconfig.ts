// Loading a kubeconfig through client-node, keeping token files as files.
//
// client-node reads a user's `token-file` once, into a fixed token. client-go instead re-reads
// the file, so a token rotated on disk is picked up by a running client. Users with a
// `token-file` (and no inline token) are therefore given client-node's `tokenFile` auth
// provider, the same shape it uses for the in-cluster service-account token, and the
// credential source re-reads both.
//
// client-node is loaded on the first call, not on import: loading it makes about 60 MiB of its
// generated API models resident, and the controller process (which resolves its credentials in
// a child process, see credential-process.ts) imports this module without ever calling it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, dirname, resolve } from 'node:path';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { parse } from 'yaml';

type ClientNode = typeof import('@kubernetes/client-node');

export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  // require() of an ES module keeps this function synchronous, as the CLI's callers need.
  const { KubeConfig } = createRequire(import.meta.url)('@kubernetes/client-node') as ClientNode;
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromDefault();
  const files = kubeconfigPath ? [kubeconfigPath] : defaultKubeconfigFiles();
  const tokenFiles = kubeconfigTokenFiles(files);
  kc.users = kc.users.map((user) => withTokenFile(user, tokenFiles.get(user.name)));
  return kc;
}

/** Why a kubeconfig context could not be used: the file, the context named, or the user's credentials. */
export type KubeconfigProblem = 'unreadable' | 'unknown-context' | 'credentials';

export class KubeconfigError extends Error {
  readonly problem: KubeconfigProblem;
  constructor(problem: KubeconfigProblem, message: string) {
    super(message);
    this.name = 'KubeconfigError';
    this.problem = problem;
  }
}

/** The kubeconfig at `path` (else the default ones, else in-cluster), switched to `context` when given. */
export function loadKubeContext(path: string | undefined, context: string | undefined): KubeConfig {
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(path);
  } catch (err) {
    throw new KubeconfigError('unreadable', (err as Error).message);
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      throw new KubeconfigError('unknown-context', `context "${context}" does not exist in the kubeconfig`);
    }
    kc.setCurrentContext(context);
  }
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
