// The dedup memory: for each event key, the Event last written and its count, so a repeat
// within the window becomes a PATCH of that Event's count rather than a new Event.
import { LRUCache } from 'lru-cache';
import { type Clock, monotonicClock } from '../clock.ts';
import { LRU_ENTRIES } from './event-keys.ts';

/**
 * How long after its last write a series is still patched rather than restarted. The API
 * server's default --event-ttl: past it the Event is most likely gone and a PATCH would 404.
 */
export const DEDUP_WINDOW_MS = 60 * 60_000;

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

export interface EventLog {
  /** The Event to patch for `key`, or undefined when a new one must be created. */
  lookup(key: string): SeriesState | undefined;
  record(key: string, state: Omit<SeriesState, 'writtenAt'>): void;
  forget(key: string): void;
}

export function createEventLog(options: EventLogOptions = {}): EventLog {
  const windowMs = options.windowMs ?? DEDUP_WINDOW_MS;
  const clock = options.clock ?? monotonicClock;
  const series = new LRUCache<string, SeriesState>({ max: options.lruEntries ?? LRU_ENTRIES });
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
