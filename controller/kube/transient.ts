// Failures that say nothing about the request, only that the API server is away or busy for now
// (as while it restarts), and so are retried on the server's terms rather than the caller's
// growing backoff: no answer at all (the connection refused, reset, or timed out), or an answer
// that names how long to wait.
import { ApiError } from './api-client.ts';

/** Node's codes for a request that never got an answer. */
const NO_ANSWER = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** `err` and the errors it was caused by, outermost first. */
function* causes(err: unknown): Generator<Error> {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) yield e;
}

/** True when `err`, or an error it was caused by, is a request that got no answer. */
export function isUnreachable(err: unknown): boolean {
  for (const e of causes(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NO_ANSWER.has(code)) return true;
  }
  return false;
}

/**
 * The wait the server asked for, capped: a 429's Retry-After (1 s when absent), or a 503 that
 * names one (a starting API server's "before all known HTTP paths have been installed" asks for
 * 5 s); undefined for other errors, which back off.
 */
export function serverRetryAfterMs(err: unknown, capMs: number): number | undefined {
  for (const e of causes(err)) {
    if (!(e instanceof ApiError)) continue;
    const asked = e.details?.details?.retryAfterSeconds;
    if (e.status === 429) return Math.min((asked ?? 1) * 1000, capMs);
    if (e.status === 503 && asked !== undefined) return Math.min(asked * 1000, capMs);
    return undefined;
  }
  return undefined;
}
