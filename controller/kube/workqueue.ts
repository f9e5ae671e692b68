import { type Clock, monotonicClock } from './clock.ts';
import { createFifo } from './fifo.ts';
import { createQueueTimings, type UnfinishedWork, type WorkqueueMetrics } from './queue-metrics.ts';

/**
 * A de-duplicating work queue over string keys with client-go's util/workqueue semantics:
 * fair (FIFO), stingy (a key is never handed to two workers at once, and adds made before it
 * is processed collapse into one), re-adds while processing are deferred until `done`.
 */
export interface WorkQueue {
  /** Marks `item` as needing processing. A no-op once shutting down. */
  add(item: string): void;
  /**
   * Resolves with the next item, which the caller then owns until it calls `done`, or with
   * `undefined` once the queue is shutting down and holds no more items.
   */
  get(): Promise<string | undefined>;
  /** Releases `item`; if it was added again meanwhile it goes back to the end of the queue. */
  done(item: string): void;
  /** Items waiting to be handed out (excluding re-added items still being processed). */
  len(): number;
  /** Stops accepting adds and releases waiting getters; queued items can still be drained with `get`. */
  shutDown(): void;
  /** Like `shutDown`, then resolves once every item handed out has been `done`. */
  shutDownWithDrain(): Promise<void>;
  shuttingDown(): boolean;
  /** In-flight work for the unfinished-work gauges, computed now from processing start times. */
  unfinishedWork(): UnfinishedWork;
}

export interface WorkQueueOptions {
  clock?: Clock;
  metrics?: WorkqueueMetrics;
}

export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  const timings = createQueueTimings(options.clock ?? monotonicClock, options.metrics);
  // Invariant (client-go's): every queued item is dirty and not processing; a dirty item that
  // is processing is not queued and waits for `done`. Hence no duplicates in `order`.
  const order = createFifo<string>();
  const dirty = new Set<string>();
  const processing = new Set<string>();
  // Getters parked while `order` is empty, served in arrival order. Resolving them directly
  // from add/done replaces Go's condition variable without any polling.
  const getters = createFifo<(item: string | undefined) => void>();
  const drainers: Array<() => void> = [];
  let stopping = false;
  let draining = false;

  const take = (): string | undefined => {
    const item = order.shift();
    if (item === undefined) return undefined;
    processing.add(item);
    dirty.delete(item);
    timings.taken(item, dirty.size);
    return item;
  };

  // Hand the item to a parked getter at once rather than leaving it queued: ownership is then
  // settled synchronously, so a get() issued meanwhile cannot claim the same item.
  const enqueue = (item: string): void => {
    order.push(item);
    const getter = getters.shift();
    if (getter !== undefined) getter(take());
  };

  const releaseGetters = (): void => {
    for (let getter = getters.shift(); getter !== undefined; getter = getters.shift()) getter(undefined);
  };

  const releaseDrainers = (): void => {
    for (const resolve of drainers.splice(0)) resolve();
  };

  return {
    add(item) {
      if (stopping || dirty.has(item)) return;
      dirty.add(item);
      timings.added(item, dirty.size);
      if (processing.has(item)) return;
      enqueue(item);
    },
    get() {
      if (order.length > 0) return Promise.resolve(take());
      if (stopping) return Promise.resolve(undefined);
      return new Promise((resolve) => getters.push(resolve));
    },
    done(item) {
      // Deviation from client-go, which would re-push a dirty item here even if it was never
      // handed out and so duplicate it in the queue: a stray done() must not break dedup.
      if (!processing.delete(item)) return;
      timings.finished(item);
      if (dirty.has(item)) enqueue(item);
      if (draining && processing.size === 0) releaseDrainers();
    },
    len() {
      return order.length;
    },
    shutDown() {
      stopping = true;
      // As in client-go, a plain shutdown cancels an ongoing drain wait.
      draining = false;
      releaseGetters();
      releaseDrainers();
    },
    shutDownWithDrain() {
      stopping = true;
      draining = true;
      releaseGetters();
      if (processing.size === 0) return Promise.resolve();
      return new Promise((resolve) => drainers.push(resolve));
    },
    shuttingDown() {
      return stopping;
    },
    unfinishedWork() {
      return timings.unfinishedWork();
    },
  };
}
