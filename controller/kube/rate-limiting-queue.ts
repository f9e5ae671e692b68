import type { Clock } from './clock.ts';
import { createDelayingQueue, type DelayingQueue } from './delaying-queue.ts';
import type { WorkqueueMetrics } from './queue-metrics.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';

/** A delaying queue whose retries are paced by a rate limiter (client-go's RateLimitingInterface). */
export interface RateLimitingQueue extends DelayingQueue {
  /** Adds `item` once the limiter allows it; each call counts as another retry of the item. */
  addRateLimited(item: string): void;
  /**
   * Resets the item's retry history. Call it when the item is processed successfully; it does
   * not remove the item from the queue.
   */
  forget(item: string): void;
  /** How many times the item has been retried since it was last forgotten. */
  numRequeues(item: string): number;
}

/** Wraps `queue` so retries go through `limiter`. */
export function withRateLimiting(queue: DelayingQueue, limiter: RateLimiter): RateLimitingQueue {
  return {
    ...queue,
    addRateLimited(item) {
      queue.addAfter(item, limiter.when(item));
    },
    forget(item) {
      limiter.forget(item);
    },
    numRequeues(item) {
      return limiter.numRequeues(item);
    },
  };
}

export interface RateLimitingQueueOptions {
  /** Default: defaultControllerRateLimiter on the same clock. */
  rateLimiter?: RateLimiter;
  clock?: Clock;
  metrics?: WorkqueueMetrics;
}

export function createRateLimitingQueue(options: RateLimitingQueueOptions = {}): RateLimitingQueue {
  const limiter = options.rateLimiter ?? defaultControllerRateLimiter({ clock: options.clock });
  return withRateLimiting(createDelayingQueue(options), limiter);
}
