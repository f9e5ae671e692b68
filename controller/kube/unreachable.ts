// Whether a failed request got no answer from the API server at all: the connection was refused,
// reset, or timed out. Such a failure says nothing about the request, only that the server (or
// the way to it) is away for now, as during its restart; an HTTP answer, even an error, does not
// count.

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

/** True when `err`, or an error it was caused by, is a request that got no answer. */
export function isUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NO_ANSWER.has(code)) return true;
  }
  return false;
}
