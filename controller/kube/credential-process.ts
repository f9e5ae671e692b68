// Credentials resolved in a short-lived child process. client-node is the project's library for
// kubeconfig and authentication, but loading it keeps about 60 MiB resident for the life of the
// process (its config module imports every generated API model), a third of an idle
// controller. So the controller runs credential-helper.ts as a child process that loads
// client-node, resolves the credentials, answers plain data and exits. A worker thread was
// measured too: after it exits, 25-60 MiB of its allocations stay in the process.
//
// Users whose credentials come from the kubeconfig and files (a token, a token file, the in-cluster
// service account, client certificates) need the child once, at start: the credential source
// re-reads their files itself. Plugin users (exec, auth providers) run it again on each refresh
// and after a 401, as client-node would have re-run the plugin.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClusterAccess } from './api-client.ts';
import {
  type AuthProviderState,
  type CredentialSource,
  createCredentialSource,
  type ResolvedAccess,
} from './credentials.ts';
import { KubeconfigError, type KubeconfigProblem } from './kubeconfig.ts';

export interface CredentialRequest {
  /** kubeconfig file; default: $KUBECONFIG, ~/.kube/config, in-cluster (as client-node's loadFromDefault). */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** The auth provider's state from the previous answer. */
  readonly authProvider?: AuthProviderState;
}

export type CredentialAnswer =
  | { readonly access: ResolvedAccess }
  | { readonly failure: KubeconfigProblem; readonly message: string };

const helper = fileURLToPath(new URL('./credential-helper.ts', import.meta.url));

/** Runs the credential helper once. Kubeconfig problems throw a KubeconfigError. */
export async function resolveInChildProcess(request: CredentialRequest): Promise<ResolvedAccess> {
  const answer = await new Promise<CredentialAnswer>((resolve, reject) => {
    // No execArgv: the parent's V8 flags are sized for a long-running controller.
    const child = spawn(process.execPath, [helper], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as CredentialAnswer);
      } catch {
        reject(new Error(`the credential helper exited with ${code}: ${err.trim().split('\n').at(-1) ?? ''}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
  if ('access' in answer) return answer.access;
  throw new KubeconfigError(answer.failure, answer.message);
}

/** The cluster a kubeconfig context names, with credentials resolved by the credential helper. */
export async function loadClusterAccess(
  request: Pick<CredentialRequest, 'kubeconfig' | 'context'>,
): Promise<ClusterAccess & { readonly namespace?: string }> {
  const initial = await resolveInChildProcess(request);
  const credentials: CredentialSource = createCredentialSource(
    (previous) => resolveInChildProcess({ ...request, authProvider: previous?.authProvider }),
    { initial },
  );
  return { server: initial.server, namespace: initial.namespace, credentials };
}
