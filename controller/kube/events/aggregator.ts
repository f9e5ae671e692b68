// client-go's EventAggregator: events that differ only by message are combined once there are
// too many distinct ones, so a message carrying a changing detail does not mint a new Event each time.
import { LRUCache } from 'lru-cache';
import { type Clock, monotonicClock } from '../clock.ts';
import { type ObjectReference, truncateMessage } from './core-event.ts';
import { aggregateKey, eventKey, LRU_ENTRIES } from './event-keys.ts';

/** Distinct messages with the same object/type/reason within the interval before combining. */
export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 10 * 60_000;
export const AGGREGATE_PREFIX = '(combined from similar events): ';

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
  const records = new LRUCache<string, { messages: Set<string>; last: number }>({
    max: options.lruEntries ?? LRU_ENTRIES,
  });
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
