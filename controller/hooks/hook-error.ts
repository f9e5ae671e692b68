// A failed hook call. Both kinds of hook fail the same way: the reconcile reports the message as
// Ready=False (reason HookFailed) and leaves the children untouched; `retryable` decides whether
// the box's backoff retries it or the custom resource is Stalled until something changes.
export class HookError extends Error {
  readonly retryable: boolean;
  /** The `code` label of orkestra_hook_requests_total: an HTTP status or a word. */
  readonly code: string;
  constructor(message: string, retryable: boolean, code: string) {
    super(message);
    this.retryable = retryable;
    this.code = code;
  }
}
