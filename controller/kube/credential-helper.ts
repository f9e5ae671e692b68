// The credential process's program (see credential-process.ts): reads one CredentialRequest as
// JSON on stdin, loads the kubeconfig through client-node, resolves the context's credentials
// (running exec and auth-provider plugins, reading the files it names), writes one
// CredentialAnswer as JSON on stdout and exits, taking client-node's memory with it.
import { text } from 'node:stream/consumers';
import type { CredentialAnswer, CredentialRequest } from './credential-process.ts';
import { resolveAccess } from './credentials.ts';
import { KubeconfigError, loadKubeContext } from './kubeconfig.ts';

async function answer(request: CredentialRequest): Promise<CredentialAnswer> {
  try {
    const kc = loadKubeContext(request.kubeconfig, request.context);
    const { authProvider } = request;
    if (authProvider) {
      // The plugin's state from the previous run (e.g. a refreshed oidc token), which client-node
      // would otherwise have kept in memory.
      const current = kc.getCurrentUser()?.name;
      kc.users = kc.users.map((user) => (user.name === current ? { ...user, authProvider } : user));
    }
    return { access: await resolveAccess(kc) };
  } catch (err) {
    const failure = err instanceof KubeconfigError ? err.problem : 'credentials';
    return { failure, message: err instanceof Error ? err.message : String(err) };
  }
}

const request = JSON.parse(await text(process.stdin)) as CredentialRequest;
process.stdout.write(`${JSON.stringify(await answer(request))}\n`);
