// What `orkestra run` checks before it starts anything, so that an operator's mistake (a busy
// port, a cluster that is down, credentials the API server refuses) ends in one line that says
// what failed and what to do, the way kubectl reports it, instead of a stack trace or a retry loop.
import { type ApiClient, ApiError } from '../kube/api-client.ts';
import { CliError } from './terminal.ts';

/** A listen failure (EADDRINUSE, EACCES, EADDRNOTAVAIL) as advice naming the flag that sets it. */
export function listenError(err: unknown, address: string, flag: string): CliError {
  const code = (err as { code?: string }).code;
  const why =
    code === 'EADDRINUSE'
      ? 'the address is already in use; stop what listens there or'
      : code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges);'
        : code === 'EADDRNOTAVAIL'
          ? 'no interface of this machine has that address;'
          : `${(err as Error).message};`;
  return new CliError(`cannot listen on ${address}: ${why} pass ${flag} HOST:PORT (port 0 picks a free one)`);
}

/**
 * Asks the API server for /version until it answers or `timeoutMs` passes. Refused credentials
 * fail at once: retrying would not change them.
 */
export async function checkApiServer(client: ApiClient, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      await client.request({ method: 'GET', path: '/version', signal: AbortSignal.timeout(5_000) });
      return;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        throw new CliError(
          `the API server at ${client.server} refused the credentials (${err.status} ${err.reason || 'Unauthorized'}): check the user of the kubeconfig context (--kubeconfig, --context)`,
        );
      }
      if (Date.now() + delay > deadline) {
        const why = err instanceof Error ? err.message : String(err);
        throw new CliError(
          `cannot reach the API server at ${client.server} (${why}): check that the cluster is up and that --kubeconfig/--context name it`,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
