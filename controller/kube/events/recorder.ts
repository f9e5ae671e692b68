// Kubernetes Events about the objects Orkestra manages, after client-go's tools/record.
//
// `event()` is synchronous, never throws and never waits: it runs the correlator (per-object spam
// filter, then aggregation of similar messages) and puts the result on a bounded queue. One async
// loop drains the queue in order and hands each item to the writer (create, or patch the count of
// the Event already written for that key), retrying transport errors and throttling. Repeats that
// arrive while an earlier write for the same key is still queued are folded into it, so a burst
// costs one write, not one per call.
import { hostname } from 'node:os';
import type { ApiClient } from '../api-client.ts';
import { type Clock, monotonicClock } from '../clock.ts';
import { createFifo } from '../fifo.ts';
import type { KubeObject } from '../object.ts';
import { type EventType, type ObjectReference, objectReference, truncateMessage } from './core-event.ts';
import { createCorrelator } from './correlator.ts';
import { createEventLog } from './event-log.ts';
import { createEventWriter, isQuietRejection, isRetryable, type PendingEvent } from './event-writer.ts';

export type { CoreEvent, EventType } from './core-event.ts';

/** Pending writes; past this, new events are dropped and counted (client-go: 1000). */
export const DEFAULT_QUEUE_SIZE = 1000;
/** Attempts per write on transport errors and 429/5xx answers (client-go: 12, 10 s apart). */
export const DEFAULT_MAX_TRIES = 12;
export const DEFAULT_RETRY_DELAY_MS = 10_000;
const DROP_LOG_INTERVAL_MS = 60_000;

/** What the recorder logs through; a winston Logger fits. */
export interface EventLogger {
  warn(message: string, meta?: Record<string, unknown>): unknown;
  debug?(message: string, meta?: Record<string, unknown>): unknown;
}

export interface EventRecorderOptions {
  client: Pick<ApiClient, 'request'>;
  /** source.component and reportingComponent. */
  component: string;
  /** source.host and reportingInstance; default the machine's hostname. */
  host?: string;
  logger?: EventLogger;
  /** Monotonic time for windows and buckets. */
  clock?: Clock;
  /** Wall-clock epoch milliseconds for timestamps and Event names. */
  wallClock?: () => number;
  queueSize?: number;
  maxTries?: number;
  retryDelayMs?: number;
  lruEntries?: number;
  spamBurst?: number;
  spamQps?: number;
  aggregateMaxEvents?: number;
  aggregateIntervalMs?: number;
  dedupWindowMs?: number;
}

export interface EventRecorderStats {
  /** event() calls that led to a write (queued, or folded into a queued one). */
  readonly accepted: number;
  /** Occurrences folded into a write that was already queued for the same key. */
  readonly coalesced: number;
  readonly created: number;
  readonly patched: number;
  /** Dropped by the per-object spam filter. */
  readonly rateLimited: number;
  /** Dropped because the queue was full. */
  readonly queueFull: number;
  /** Dropped because the object or type was unusable. */
  readonly invalid: number;
  /** Dropped because the recorder was stopped. */
  readonly afterStop: number;
  /** Writes abandoned: rejected by the API server, or out of retries. */
  readonly failed: number;
  readonly retries: number;
  /** rateLimited + queueFull + invalid + afterStop. */
  readonly dropped: number;
  /** Writes waiting in the queue now. */
  readonly queued: number;
}

export interface EventRecorder {
  /** Records an event about `object`. Never throws, never waits. */
  event(object: KubeObject, type: EventType, reason: string, message: string): void;
  /** Resolves once every event recorded so far has been written (or given up on). */
  flush(): Promise<void>;
  /** Stops accepting events; pending ones get one attempt each, without retry delays. */
  stop(): Promise<void>;
  stats(): EventRecorderStats;
}

type Counter = Exclude<keyof EventRecorderStats, 'dropped' | 'queued'>;
type DropReason = 'rateLimited' | 'queueFull' | 'invalid' | 'afterStop';

export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const { client, component, logger } = options;
  const host = options.host ?? hostname();
  const clock = options.clock ?? monotonicClock;
  const wallClock = options.wallClock ?? Date.now;
  const queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
  const maxTries = Math.max(1, options.maxTries ?? DEFAULT_MAX_TRIES);
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const correlator = createCorrelator({ ...options, clock });
  const log = createEventLog({ windowMs: options.dedupWindowMs, lruEntries: options.lruEntries, clock });
  const writer = createEventWriter({ client, component, host, log, wallClock });

  const counters: Record<Counter, number> = {
    accepted: 0,
    coalesced: 0,
    created: 0,
    patched: 0,
    rateLimited: 0,
    queueFull: 0,
    invalid: 0,
    afterStop: 0,
    failed: 0,
    retries: 0,
  };
  const queue = createFifo<PendingEvent>();
  /** Queued, not yet taken by the loop: a repeat of one of these is folded into it. */
  const waiting = new Map<string, PendingEvent>();
  let running = false;
  let stopping = false;
  let idleWaiters: (() => void)[] = [];
  let cancelSleep: (() => void) | undefined;
  const lastDropLog = new Map<string, number>();

  function warn(message: string, meta?: Record<string, unknown>): void {
    try {
      logger?.warn(message, meta);
    } catch {
      // A broken logger must not break the caller.
    }
  }

  function drop(why: DropReason, ref: Partial<ObjectReference>): void {
    counters[why]++;
    const now = clock.now();
    const last = lastDropLog.get(why);
    if (last !== undefined && now - last < DROP_LOG_INTERVAL_MS) return;
    lastDropLog.set(why, now);
    warn(`event dropped (${why})`, { kind: ref.kind, namespace: ref.namespace, name: ref.name, total: counters[why] });
  }

  /** Queues (or folds) one occurrence; returns why it was dropped, if it was. */
  function enqueue(ref: ObjectReference, type: EventType, reason: string, message: string): DropReason | undefined {
    if (stopping) return 'afterStop';
    if (!ref.name || !ref.kind || (type !== 'Normal' && type !== 'Warning') || !reason) return 'invalid';
    const c = correlator.correlate(ref, type, reason, truncateMessage(String(message ?? '')));
    if (c.skip) return c.why;
    const now = wallClock();
    const queued = waiting.get(c.key);
    if (queued) {
      queued.occurrences++;
      queued.lastMs = now;
      queued.message = c.message;
      counters.accepted++;
      counters.coalesced++;
      return undefined;
    }
    if (queue.length >= queueSize) return 'queueFull';
    const item: PendingEvent = {
      key: c.key,
      ref,
      type,
      reason,
      message: c.message,
      occurrences: 1,
      firstMs: now,
      lastMs: now,
    };
    queue.push(item);
    waiting.set(c.key, item);
    counters.accepted++;
    if (!running) {
      running = true;
      // Deferred so the caller's synchronous work is never interleaved with ours.
      queueMicrotask(() => void loop());
    }
    return undefined;
  }

  function event(object: KubeObject, type: EventType, reason: string, message: string): void {
    let ref: Partial<ObjectReference> = {};
    try {
      ref = objectReference(object);
      const dropped = enqueue(ref as ObjectReference, type, reason, message);
      if (dropped) drop(dropped, ref);
    } catch (err) {
      try {
        drop('invalid', ref);
        warn('event could not be recorded', { error: err instanceof Error ? err.message : String(err) });
      } catch {
        // never throw to the caller
      }
    }
  }

  async function loop(): Promise<void> {
    try {
      for (;;) {
        const item = queue.shift();
        if (!item) break;
        if (waiting.get(item.key) === item) waiting.delete(item.key);
        try {
          await deliver(item);
        } catch (err) {
          counters.failed++;
          warn('event write failed', { error: err instanceof Error ? err.message : String(err) });
        }
      }
    } finally {
      if (queue.length > 0) {
        // Only reachable if something above threw unexpectedly: keep draining.
        queueMicrotask(() => void loop());
      } else {
        running = false;
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  async function deliver(item: PendingEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        counters[await writer.write(item)]++;
        return;
      } catch (err) {
        const retry = isRetryable(err) && attempt < maxTries && !stopping;
        if (!retry) {
          counters.failed++;
          if (!isQuietRejection(err)) {
            warn('event not written', {
              kind: item.ref.kind,
              namespace: item.ref.namespace,
              name: item.ref.name,
              reason: item.reason,
              attempts: attempt,
              error: err instanceof Error ? err.message : String(err),
            });
          }
          return;
        }
        counters.retries++;
        // The first delay is randomised so that clients do not retry in lockstep after an outage.
        await sleep(attempt === 1 ? retryDelayMs * Math.random() : retryDelayMs);
        if (stopping) {
          counters.failed++;
          return;
        }
      }
    }
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        cancelSleep = undefined;
        resolve();
      }
      cancelSleep = done;
    });
  }

  function flush(): Promise<void> {
    if (!running && queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  return {
    event,
    flush,
    async stop() {
      stopping = true;
      cancelSleep?.();
      await flush();
    },
    stats() {
      return {
        ...counters,
        dropped: counters.rateLimited + counters.queueFull + counters.invalid + counters.afterStop,
        queued: queue.length,
      };
    },
  };
}
