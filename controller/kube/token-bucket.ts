import { type Clock, monotonicClock } from './clock.ts';

/**
 * A token bucket that reserves rather than refuses, after golang.org/x/time/rate's
 * Limiter.Reserve: every call takes a token now, borrowing against future refills when the
 * bucket is empty, and reports how long the caller must wait for that token to exist.
 */
export interface TokenBucket {
  /** Reserves one token; returns the wait in ms (0 if available now, Infinity if never). */
  reserve(): number;
}

export interface TokenBucketOptions {
  /** Refill rate in tokens per second; Infinity disables limiting, 0 never refills. */
  qps: number;
  /** Bucket capacity, which is also how many tokens are available at start. */
  burst: number;
  clock?: Clock;
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { qps, burst } = options;
  if (Number.isNaN(qps) || qps < 0) throw new RangeError(`token bucket qps must be >= 0, got ${qps}`);
  if (!Number.isInteger(burst) || burst < 0)
    throw new RangeError(`token bucket burst must be an integer >= 0, got ${burst}`);
  const clock = options.clock ?? monotonicClock;
  // Negative while reservations have borrowed ahead: that debt is what makes successive waits
  // grow by 1/qps each instead of every caller being told the same short wait.
  let tokens = burst;
  let last = clock.now();

  return {
    reserve() {
      if (qps === Number.POSITIVE_INFINITY) return 0;
      // As in x/time/rate, a request larger than the bucket can never be satisfied and leaves
      // the state untouched; with one token per call that only happens when burst is 0.
      if (burst < 1) return Number.POSITIVE_INFINITY;
      const now = clock.now();
      // A clock that went backwards must not mint tokens from negative elapsed time.
      const elapsed = Math.max(0, now - Math.min(last, now));
      const available = Math.min(burst, tokens + (elapsed / 1000) * qps);
      const remaining = available - 1;
      const wait = remaining < 0 ? durationForTokens(-remaining, qps) : 0;
      tokens = remaining;
      last = now;
      return wait;
    },
  };
}

function durationForTokens(count: number, qps: number): number {
  return qps <= 0 ? Number.POSITIVE_INFINITY : (count / qps) * 1000;
}
