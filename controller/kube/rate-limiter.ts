import type { Clock } from './clock.ts';
import { createTokenBucket } from './token-bucket.ts';

/** Decides how long an item should wait before being retried, as client-go's RateLimiter. */
export interface RateLimiter {
  /** The delay in ms before `item` may be retried; counts as a retry where the limiter tracks them. */
  when(item: string): number;
  /** Stops tracking `item` (call after it succeeds), resetting its backoff. */
  forget(item: string): void;
  /** How many times `item` has been through `when` since it was last forgotten. */
  numRequeues(item: string): number;
}

export interface ExponentialOptions {
  /** Delay of the first retry; default 5ms. */
  baseDelayMs?: number;
  /** Upper bound of any delay; default 1000s. */
  maxDelayMs?: number;
}

/** Per-item backoff of baseDelayMs * 2^failures, capped at maxDelayMs (client-go's ItemExponentialFailureRateLimiter). */
export function exponentialFailureRateLimiter(options: ExponentialOptions = {}): RateLimiter {
  const base = options.baseDelayMs ?? 5;
  const max = options.maxDelayMs ?? 1_000_000;
  if (!(base >= 0)) throw new RangeError(`baseDelayMs must be >= 0, got ${base}`);
  if (!(max >= 0)) throw new RangeError(`maxDelayMs must be >= 0, got ${max}`);
  const failures = new Map<string, number>();
  return {
    when(item) {
      const exponent = failures.get(item) ?? 0;
      failures.set(item, exponent + 1);
      // 2 ** exponent overflows to Infinity long before the count does; min() turns that
      // into the cap, which is where Go's MaxInt64 overflow check also lands.
      return Math.min(base * 2 ** exponent, max);
    },
    forget(item) {
      failures.delete(item);
    },
    numRequeues(item) {
      return failures.get(item) ?? 0;
    },
  };
}

export interface TokenBucketLimiterOptions {
  /** Sustained retries per second across all items; default 10. */
  qps?: number;
  /** Retries allowed at once before throttling starts; default 100. */
  burst?: number;
  clock?: Clock;
}

/**
 * An overall retry budget shared by all items (client-go's BucketRateLimiter). It counts no
 * per-item requeues, so combine it with a per-item limiter via maxOf.
 */
export function tokenBucketRateLimiter(options: TokenBucketLimiterOptions = {}): RateLimiter {
  const bucket = createTokenBucket({ qps: options.qps ?? 10, burst: options.burst ?? 100, clock: options.clock });
  return {
    when: () => bucket.reserve(),
    forget: () => {},
    numRequeues: () => 0,
  };
}

/** The strictest of several limiters: the longest delay, the highest requeue count. */
export function maxOf(...limiters: RateLimiter[]): RateLimiter {
  return {
    when(item) {
      // Every limiter is consulted, not just until one wins, so each one's state (failure
      // count, reserved token) advances exactly as it would on its own.
      let delay = 0;
      for (const limiter of limiters) delay = Math.max(delay, limiter.when(item));
      return delay;
    },
    forget(item) {
      for (const limiter of limiters) limiter.forget(item);
    },
    numRequeues(item) {
      let count = 0;
      for (const limiter of limiters) count = Math.max(count, limiter.numRequeues(item));
      return count;
    },
  };
}

/** client-go's DefaultControllerRateLimiter: per-item 5ms..1000s backoff, overall 10 qps with burst 100. */
export function defaultControllerRateLimiter(options: { clock?: Clock } = {}): RateLimiter {
  return maxOf(exponentialFailureRateLimiter(), tokenBucketRateLimiter({ clock: options.clock }));
}
