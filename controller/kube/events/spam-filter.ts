// client-go's per-object spam filter: a token bucket per object that refuses (rather than
// delays) once empty, so a hot loop on one object cannot flood the API server with Events.
import { LRUCache } from 'lru-cache';
import { type Clock, monotonicClock } from '../clock.ts';
import { LRU_ENTRIES } from './event-keys.ts';

/** Events a source may emit about one object at once... */
export const SPAM_BURST = 25;
/** ...and the refill rate after that: one every five minutes. */
export const SPAM_QPS = 1 / 300;

export interface SpamFilterOptions {
  burst?: number;
  /** Tokens per second. */
  qps?: number;
  lruEntries?: number;
  clock?: Clock;
}

export interface SpamFilter {
  /** Takes a token for `key`; false means the event must be dropped. */
  allow(key: string): boolean;
}

export function createSpamFilter(options: SpamFilterOptions = {}): SpamFilter {
  const burst = options.burst ?? SPAM_BURST;
  const qps = options.qps ?? SPAM_QPS;
  const clock = options.clock ?? monotonicClock;
  const buckets = new LRUCache<string, { tokens: number; last: number }>({ max: options.lruEntries ?? LRU_ENTRIES });
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
