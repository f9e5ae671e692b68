// Counts Ready Websites from one watch, opened before the first create: how the bench learns that a
// controller has converged. Polling a LIST of every Website instead cost the API server a full
// list (1,000 objects with their status) every 100 ms, CPU the controller under test then lacked
// and the floor, which learns its progress from its own watch, never paid.
import type { ApiClient } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { crsPath, isReady, type Subject } from './workload.ts';

export interface ReadyWatch {
  /** Websites Ready now. */
  ready(): number;
  /** Resolves once `n` Websites are Ready; rejects after `timeoutMs` with the count seen. */
  until(n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

interface WatchEvent {
  type: string;
  object: KubeObject;
}

export function watchReady(client: ApiClient, subject: Subject): ReadyWatch {
  const ready = new Set<string>();
  const stop = new AbortController();
  let waiter: { n: number; resolve: () => void } | undefined;
  let failure: Error | undefined;
  let rv = '0';
  const onLine = (line: string) => {
    const event = JSON.parse(line) as WatchEvent;
    if (event.type === 'ERROR') throw new Error(`watch of ${subject.plural}: ${JSON.stringify(event.object)}`);
    rv = event.object.metadata.resourceVersion ?? rv;
    if (event.type === 'BOOKMARK') return;
    const name = event.object.metadata.name;
    if (event.type !== 'DELETED' && isReady(event.object)) ready.add(name);
    else ready.delete(name);
    if (waiter && ready.size >= waiter.n) waiter.resolve();
  };
  // The API server ends a watch after its timeout; a converge of 10,000 Websites may outlast one.
  const watching = (async () => {
    while (!stop.signal.aborted) {
      await client.stream(
        crsPath(subject),
        { watch: true, resourceVersion: rv, allowWatchBookmarks: true },
        onLine,
        stop.signal,
      );
    }
  })().catch((err: unknown) => {
    if (!stop.signal.aborted) failure = err as Error;
  });
  return {
    ready: () => ready.size,
    async until(n, timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          new Promise<void>((resolve) => {
            waiter = { n, resolve };
            if (ready.size >= n) resolve();
          }),
          watching.then(() => {
            throw failure ?? new Error(`the watch of ${subject.plural} ended`);
          }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () =>
                reject(new Error(`timed out after ${timeoutMs} ms with ${ready.size}/${n} ${subject.plural} Ready`)),
              timeoutMs,
            );
          }),
        ]);
      } finally {
        clearTimeout(timer);
        waiter = undefined;
      }
    },
    async stop() {
      stop.abort();
      await watching;
    },
  };
}
