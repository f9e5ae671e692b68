// Kubernetes Events about the objects Orkestra manages, after client-go's tools/record.
//
// `event()` is synchronous, never throws and never waits: it runs the cheap, purely local part of
// client-go's EventCorrelator (per-object spam filter, then aggregation of similar messages) and
// puts the result on a bounded queue. One async loop drains the queue in order and talks to the
// API server: the first occurrence of an event creates a core/v1 Event, a repeat within the
// window merge-patches that Event's `count` and `lastTimestamp`, and a patch that finds the Event
// gone (TTL expiry, deletion) creates a fresh one. Repeats that arrive while an earlier write for
// the same key is still queued are folded into it, so a burst costs one write, not one per call.
import { hostname } from 'node:os';
import { type ApiClient, ApiError, isNotFound } from './api-client.ts';
import { type Clock, monotonicClock } from './clock.ts';
import { createFifo } from './fifo.ts';
import type { KubeObject } from './object.ts';

export type EventType = 'Normal' | 'Warning';

/** core/v1 ObjectReference, as written into `involvedObject`. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

/** The core/v1 Event fields this recorder writes. */
export interface CoreEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  type: EventType;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

/** What the recorder logs through; a winston Logger fits. */
export interface EventLogger {
  warn(message: string, meta?: Record<string, unknown>): unknown;
  debug?(message: string, meta?: Record<string, unknown>): unknown;
}

// ---------------------------------------------------------------------------------------------
// Constants (client-go's defaults where it has one)

/** Entries in each correlation cache (spam filter, aggregator, event log). */
export const LRU_ENTRIES = 4096;
/** Events a source may emit about one object at once... */
export const SPAM_BURST = 25;
/** ...and the refill rate after that: one every five minutes. */
export const SPAM_QPS = 1 / 300;
/** Distinct messages with the same object/type/reason within the interval before combining. */
export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 10 * 60_000;
export const AGGREGATE_PREFIX = '(combined from similar events): ';
/**
 * How long after its last write a series is still patched rather than restarted. The API
 * server's default --event-ttl: past it the Event is most likely gone and a PATCH would 404.
 */
export const DEDUP_WINDOW_MS = 60 * 60_000;
/** Message limit, in UTF-8 bytes (events.k8s.io's note limit; core/v1 has none). */
export const MAX_MESSAGE_BYTES = 1024;
/** core/v1 validation limit for reportingInstance. */
const MAX_REPORTING_INSTANCE = 128;
const MAX_NAME = 253;
/** Pending writes; past this, new events are dropped and counted (client-go: 1000). */
export const DEFAULT_QUEUE_SIZE = 1000;
/** Attempts per write on transport errors and 429/5xx answers (client-go: 12, 10 s apart). */
export const DEFAULT_MAX_TRIES = 12;
export const DEFAULT_RETRY_DELAY_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// Pure helpers

/** Events about cluster-scoped objects live in `default`, as client-go writes them. */
export function eventNamespace(ref: Pick<ObjectReference, 'namespace'>): string {
  return ref.namespace || 'default';
}

/** `<objname>.<hex unix nanos>`, shortened on the object side if the whole would exceed 253. */
export function eventName(objectName: string, unixNanos: bigint): string {
  const suffix = `.${unixNanos.toString(16)}`;
  return `${objectName.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/** Cuts `message` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateMessage(message: string, maxBytes = MAX_MESSAGE_BYTES): string {
  if (message.length * 3 <= maxBytes || Buffer.byteLength(message) <= maxBytes) return message;
  let bytes = 0;
  let end = 0;
  for (const ch of message) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return message.slice(0, end);
}

/** metav1.Time: RFC 3339 with whole seconds. */
export function kubeTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function objectReference(object: KubeObject): ObjectReference {
  const meta = object.metadata;
  const ref: ObjectReference = { apiVersion: object.apiVersion, kind: object.kind, name: meta.name };
  if (meta.namespace) ref.namespace = meta.namespace;
  if (meta.uid) ref.uid = meta.uid;
  if (meta.resourceVersion) ref.resourceVersion = meta.resourceVersion;
  return ref;
}

// NUL-joined so that no two different tuples share a key (client-go joins with "").
const join = (parts: readonly (string | undefined)[]): string => parts.map((p) => p ?? '').join('\u0000');

/** Identity of the object, without resourceVersion (which changes on every write). */
function objectIdentity(ref: ObjectReference): (string | undefined)[] {
  return [ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid];
}

/** One object: the spam filter's bucket. */
export function spamKey(ref: ObjectReference): string {
  return join(objectIdentity(ref));
}

/** Same object, type and reason: events that differ only by message aggregate here. */
export function aggregateKey(ref: ObjectReference, type: string, reason: string): string {
  return join([...objectIdentity(ref), type, reason]);
}

/** Same object, type, reason and message: one Event whose count grows. */
export function eventKey(ref: ObjectReference, type: string, reason: string, message: string): string {
  return join([...objectIdentity(ref), type, reason, message]);
}

// ---------------------------------------------------------------------------------------------
// Correlation state

/** A size-bounded map that forgets the least recently used key. */
export interface Lru<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
}

export function createLru<V>(maxEntries: number): Lru<V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`LRU size must be >= 1, got ${maxEntries}`);
  const map = new Map<string, V>();
  return {
    get(key) {
      const value = map.get(key);
      if (value === undefined) return undefined;
      map.delete(key);
      map.set(key, value);
      return value;
    },
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      if (map.size > maxEntries) {
        const oldest = map.keys().next();
        if (!oldest.done) map.delete(oldest.value);
      }
    },
    delete(key) {
      map.delete(key);
    },
    get size() {
      return map.size;
    },
  };
}

export interface SpamFilterOptions {
  burst?: number;
  /** Tokens per second. */
  qps?: number;
  lruEntries?: number;
  clock?: Clock;
}

/** Per-key token buckets that refuse (rather than delay) once empty. */
export interface SpamFilter {
  /** Takes a token for `key`; false means the event must be dropped. */
  allow(key: string): boolean;
}

export function createSpamFilter(options: SpamFilterOptions = {}): SpamFilter {
  const burst = options.burst ?? SPAM_BURST;
  const qps = options.qps ?? SPAM_QPS;
  const clock = options.clock ?? monotonicClock;
  const buckets = createLru<{ tokens: number; last: number }>(options.lruEntries ?? LRU_ENTRIES);
  return {
    allow(key) {
      const now = clock.now();
      const bucket = buckets.get(key) ?? { tokens: burst, last: now };
      const elapsed = Math.max(0, now - bucket.last);
      bucket.tokens = Math.min(burst, bucket.tokens + (elapsed / 1000) * qps);
      bucket.last = Math.max(bucket.last, now);
      const ok = bucket.tokens >= 1;
      if (ok) bucket.tokens -= 1;
      buckets.set(key, bucket);
      return ok;
    },
  };
}

export interface AggregatorOptions {
  maxEvents?: number;
  intervalMs?: number;
  lruEntries?: number;
  clock?: Clock;
}

/**
 * Groups events that differ only by message: once `maxEvents` distinct messages arrived for one
 * object/type/reason within `intervalMs` of each other, further ones are written as a single
 * combined Event (keyed by the aggregate key) whose message is the latest one, prefixed.
 */
export interface Aggregator {
  aggregate(ref: ObjectReference, type: string, reason: string, message: string): { key: string; message: string };
}

export function createAggregator(options: AggregatorOptions = {}): Aggregator {
  const maxEvents = options.maxEvents ?? AGGREGATE_MAX_EVENTS;
  const intervalMs = options.intervalMs ?? AGGREGATE_INTERVAL_MS;
  const clock = options.clock ?? monotonicClock;
  const records = createLru<{ messages: Set<string>; last: number }>(options.lruEntries ?? LRU_ENTRIES);
  return {
    aggregate(ref, type, reason, message) {
      const now = clock.now();
      const aggKey = aggregateKey(ref, type, reason);
      let record = records.get(aggKey);
      if (!record || now - record.last > intervalMs) record = { messages: new Set(), last: now };
      record.messages.add(message);
      record.last = now;
      records.set(aggKey, record);
      if (record.messages.size < maxEvents) return { key: eventKey(ref, type, reason, message), message };
      // Keep the set from growing past the threshold; which message goes does not matter.
      const any = record.messages.values().next();
      if (!any.done) record.messages.delete(any.value);
      return { key: aggKey, message: truncateMessage(AGGREGATE_PREFIX + message) };
    },
  };
}

/** What the API server holds for one series, as last written. */
export interface SeriesState {
  readonly name: string;
  readonly namespace: string;
  readonly count: number;
  readonly firstTimestamp: string;
  /** Monotonic time of the last successful write. */
  readonly writtenAt: number;
}

export interface EventLogOptions {
  windowMs?: number;
  lruEntries?: number;
  clock?: Clock;
}

/** The dedup memory: which Event to patch for a key, if any. */
export interface EventLog {
  /** The Event to patch for `key`, or undefined when a new one must be created. */
  lookup(key: string): SeriesState | undefined;
  record(key: string, state: Omit<SeriesState, 'writtenAt'>): void;
  forget(key: string): void;
}

export function createEventLog(options: EventLogOptions = {}): EventLog {
  const windowMs = options.windowMs ?? DEDUP_WINDOW_MS;
  const clock = options.clock ?? monotonicClock;
  const series = createLru<SeriesState>(options.lruEntries ?? LRU_ENTRIES);
  return {
    lookup(key) {
      const state = series.get(key);
      if (!state) return undefined;
      if (clock.now() - state.writtenAt > windowMs) {
        series.delete(key);
        return undefined;
      }
      return state;
    },
    record(key, state) {
      series.set(key, { ...state, writtenAt: clock.now() });
    },
    forget(key) {
      series.delete(key);
    },
  };
}

export type Correlation =
  | { readonly skip: true; readonly why: 'rateLimited' }
  | { readonly skip: false; readonly key: string; readonly message: string };

export interface CorrelatorOptions {
  clock?: Clock;
  lruEntries?: number;
  spamBurst?: number;
  spamQps?: number;
  aggregateMaxEvents?: number;
  aggregateIntervalMs?: number;
}

/** The local half of client-go's EventCorrelator: spam filter, then aggregation. */
export interface Correlator {
  correlate(ref: ObjectReference, type: string, reason: string, message: string): Correlation;
}

export function createCorrelator(options: CorrelatorOptions = {}): Correlator {
  const spam = createSpamFilter({
    burst: options.spamBurst,
    qps: options.spamQps,
    lruEntries: options.lruEntries,
    clock: options.clock,
  });
  const aggregator = createAggregator({
    maxEvents: options.aggregateMaxEvents,
    intervalMs: options.aggregateIntervalMs,
    lruEntries: options.lruEntries,
    clock: options.clock,
  });
  return {
    correlate(ref, type, reason, message) {
      if (!spam.allow(spamKey(ref))) return { skip: true, why: 'rateLimited' };
      return { skip: false, ...aggregator.aggregate(ref, type, reason, message) };
    },
  };
}

/** Whether a failed write is worth retrying: transport errors, throttling, server errors. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 429 || err.status >= 500;
}

// ---------------------------------------------------------------------------------------------
// The recorder

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

interface Pending {
  readonly key: string;
  readonly ref: ObjectReference;
  readonly type: EventType;
  readonly reason: string;
  message: string;
  occurrences: number;
  readonly firstMs: number;
  lastMs: number;
}

type Counter = Exclude<keyof EventRecorderStats, 'dropped' | 'queued'>;

const DROP_LOG_INTERVAL_MS = 60_000;

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
  const queue = createFifo<Pending>();
  /** Queued, not yet taken by the loop: a repeat of one of these is folded into it. */
  const waiting = new Map<string, Pending>();
  let running = false;
  let stopping = false;
  let idleWaiters: (() => void)[] = [];
  let cancelSleep: (() => void) | undefined;
  let lastNanos = 0n;
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

  function nextNanos(): bigint {
    const nanos = BigInt(Math.floor(wallClock())) * 1_000_000n;
    lastNanos = nanos > lastNanos ? nanos : lastNanos + 1n;
    return lastNanos;
  }

  type DropReason = 'rateLimited' | 'queueFull' | 'invalid' | 'afterStop';

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
    const item: Pending = {
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

  async function deliver(item: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write(item);
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

  async function write(item: Pending): Promise<void> {
    const previous = log.lookup(item.key);
    const lastTimestamp = kubeTime(item.lastMs);
    if (previous) {
      const count = previous.count + item.occurrences;
      try {
        const patched = await client.request<CoreEvent>({
          method: 'PATCH',
          path: `/api/v1/namespaces/${encodeURIComponent(previous.namespace)}/events/${encodeURIComponent(previous.name)}`,
          contentType: 'application/merge-patch+json',
          body: { count, lastTimestamp, message: item.message },
          timeoutMs: REQUEST_TIMEOUT_MS,
        });
        log.record(item.key, {
          name: previous.name,
          namespace: previous.namespace,
          count: patched?.count ?? count,
          firstTimestamp: previous.firstTimestamp,
        });
        counters.patched++;
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // The Event expired or was deleted: start a new series with this occurrence.
        log.forget(item.key);
      }
    }
    const namespace = eventNamespace(item.ref);
    const firstTimestamp = kubeTime(item.firstMs);
    const body: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(item.ref.name, nextNanos()), namespace },
      involvedObject: item.ref,
      reason: item.reason,
      message: item.message,
      type: item.type,
      source: host ? { component, host } : { component },
      reportingComponent: component,
      reportingInstance: host.slice(0, MAX_REPORTING_INSTANCE),
      firstTimestamp,
      lastTimestamp,
      count: item.occurrences,
    };
    const created = await client.request<CoreEvent>({
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
      body,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    log.record(item.key, {
      name: created?.metadata?.name ?? body.metadata.name,
      namespace,
      count: created?.count ?? body.count,
      firstTimestamp,
    });
    counters.created++;
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

/** Rejections client-go drops without complaint: a duplicate name, a namespace being deleted. */
function isQuietRejection(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 409 && err.reason === 'AlreadyExists') return true;
  return err.status === 403 && /NamespaceTerminating|being terminated/i.test(err.message);
}
