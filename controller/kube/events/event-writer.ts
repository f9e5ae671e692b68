// Writes one event series to the API server: the first occurrence creates a core/v1 Event, a
// repeat within the dedup window merge-patches that Event's `count` and `lastTimestamp`, and a
// patch that finds the Event gone (TTL expiry, deletion) starts a new series.
import { type ApiClient, ApiError, isNotFound } from '../api-client.ts';
import {
  type CoreEvent,
  type EventType,
  eventName,
  eventNamespace,
  kubeTime,
  MAX_REPORTING_INSTANCE,
  type ObjectReference,
} from './core-event.ts';
import type { EventLog } from './event-log.ts';

const REQUEST_TIMEOUT_MS = 10_000;

/** One or more occurrences of the same event key, waiting to be written. */
export interface PendingEvent {
  readonly key: string;
  readonly ref: ObjectReference;
  readonly type: EventType;
  readonly reason: string;
  message: string;
  occurrences: number;
  readonly firstMs: number;
  lastMs: number;
}

export interface EventWriterOptions {
  client: Pick<ApiClient, 'request'>;
  /** source.component and reportingComponent. */
  component: string;
  /** source.host and reportingInstance. */
  host: string;
  log: EventLog;
  /** Wall-clock epoch milliseconds for Event names. */
  wallClock: () => number;
}

export interface EventWriter {
  /** Creates or patches the Event for `item`; throws what the API server answered. */
  write(item: PendingEvent): Promise<'created' | 'patched'>;
}

export function createEventWriter(options: EventWriterOptions): EventWriter {
  const { client, component, host, log, wallClock } = options;
  let lastNanos = 0n;

  /** Unique and increasing, so two Events created in the same millisecond get different names. */
  function nextNanos(): bigint {
    const nanos = BigInt(Math.floor(wallClock())) * 1_000_000n;
    lastNanos = nanos > lastNanos ? nanos : lastNanos + 1n;
    return lastNanos;
  }

  async function patch(item: PendingEvent): Promise<boolean> {
    const previous = log.lookup(item.key);
    if (!previous) return false;
    const count = previous.count + item.occurrences;
    try {
      const patched = await client.request<CoreEvent>({
        method: 'PATCH',
        path: `/api/v1/namespaces/${encodeURIComponent(previous.namespace)}/events/${encodeURIComponent(previous.name)}`,
        contentType: 'application/merge-patch+json',
        body: { count, lastTimestamp: kubeTime(item.lastMs), message: item.message },
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      log.record(item.key, {
        name: previous.name,
        namespace: previous.namespace,
        count: patched?.count ?? count,
        firstTimestamp: previous.firstTimestamp,
      });
      return true;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // The Event expired or was deleted: start a new series with this occurrence.
      log.forget(item.key);
      return false;
    }
  }

  async function create(item: PendingEvent): Promise<void> {
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
      lastTimestamp: kubeTime(item.lastMs),
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
  }

  return {
    async write(item) {
      if (await patch(item)) return 'patched';
      await create(item);
      return 'created';
    },
  };
}

/** Whether a failed write is worth retrying: transport errors, throttling, server errors. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 429 || err.status >= 500;
}

/** Rejections client-go drops without complaint: a duplicate name, a namespace being deleted. */
export function isQuietRejection(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 409 && err.reason === 'AlreadyExists') return true;
  return err.status === 403 && /NamespaceTerminating|being terminated/i.test(err.message);
}
