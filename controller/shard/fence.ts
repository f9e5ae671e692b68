// Write fencing for box ownership. A reconcile runs inside the fence of the box that started it
// (AsyncLocalStorage follows it through every await, timer and callback it starts); the client
// the reconcilers write through checks that fence before each mutating request. The check is a
// local comparison (is the box Lease still held, and its last renewal within the renew deadline
// on the monotonic clock), so a reconcile that began under a Lease that has since lapsed — a
// process paused past its lease, say — sends nothing once it resumes.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApiClient, ApiRequest } from '../kube/api-client.ts';

/** Throws a FencedError when the caller's box may no longer write. */
export type Fence = () => void;

export class FencedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FencedError';
  }
}

const current = new AsyncLocalStorage<Fence>();

/** Runs `work` (and everything it starts) inside `fence`. */
export function runFenced<T>(fence: Fence | undefined, work: () => T): T {
  return fence ? current.run(fence, work) : work();
}

/** Checks the fence of the caller's context, if any. */
export function checkFence(): void {
  current.getStore()?.();
}

/** The same client, with every request other than a GET checked against the caller's fence. */
export function fencedClient(client: ApiClient): ApiClient {
  return {
    get server() {
      return client.server;
    },
    request<T>(req: ApiRequest): Promise<T> {
      if (req.method !== 'GET') {
        try {
          checkFence();
        } catch (err) {
          return Promise.reject(err);
        }
      }
      return client.request<T>(req);
    },
    stream: (...args) => client.stream(...args),
    observe: (observer) => client.observe(observer),
    openStreams: () => client.openStreams(),
    close: () => client.close(),
  };
}
