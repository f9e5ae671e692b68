import { type Clock, monotonicClock } from './clock.ts';
import { createDeadlineHeap } from './deadline-heap.ts';
import type { WorkqueueMetrics } from './queue-metrics.ts';
import { createWorkQueue, type WorkQueue, type WorkQueueOptions } from './workqueue.ts';

/** A work queue that can also add an item once a delay has passed. */
export interface DelayingQueue extends WorkQueue {
  /**
   * Adds `item` after `delayMs`; immediately if the delay is not positive. If the item is
   * already waiting, the earlier of the two ready times wins. Waiting items are dropped on
   * shutdown.
   */
  addAfter(item: string, delayMs: number): void;
}

export interface DelayOptions {
  clock?: Clock;
  metrics?: WorkqueueMetrics;
}

// setTimeout fires after 1ms for anything above 2^31-1 ms; longer delays (a huge backoff cap,
// an exhausted zero-rate bucket) are reached by re-arming.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Wraps `queue` with delayed adds, using one timer armed for the earliest deadline. */
export function withDelays(queue: WorkQueue, options: DelayOptions = {}): DelayingQueue {
  const clock = options.clock ?? monotonicClock;
  const waiting = createDeadlineHeap();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedFor = Number.POSITIVE_INFINITY;

  const disarm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    armedFor = Number.POSITIVE_INFINITY;
  };

  const arm = (): void => {
    disarm();
    const next = waiting.peek();
    if (next === undefined) return;
    armedFor = next.at;
    const wait = Math.min(Math.max(0, next.at - clock.now()), MAX_TIMER_MS);
    timer = setTimeout(fire, wait);
  };

  // Timers may fire a little early relative to the clock, and a clamped timer fires long
  // before its deadline; both cases just re-arm for whatever is still outstanding.
  function fire(): void {
    timer = undefined;
    const now = clock.now();
    for (let next = waiting.peek(); next !== undefined && next.at <= now; next = waiting.peek()) {
      waiting.pop();
      queue.add(next.key);
    }
    arm();
  }

  const stop = (): void => {
    disarm();
    waiting.clear();
  };

  return {
    ...queue,
    addAfter(item, delayMs) {
      if (queue.shuttingDown()) return;
      options.metrics?.retry();
      if (!(delayMs > 0)) {
        queue.add(item);
        return;
      }
      const at = clock.now() + delayMs;
      // Re-arm only when this deadline beats the armed one, so a burst of adds costs one timer.
      if (waiting.scheduleEarliest(item, at) && at < armedFor) arm();
    },
    shutDown() {
      stop();
      queue.shutDown();
    },
    shutDownWithDrain() {
      // Unlike client-go, whose waiting loop outlives a drain, stop the timer here too: nothing
      // it could add would be accepted, and it would keep the process alive.
      stop();
      return queue.shutDownWithDrain();
    },
  };
}

export function createDelayingQueue(options: WorkQueueOptions = {}): DelayingQueue {
  return withDelays(createWorkQueue(options), options);
}
