import type { Clock } from './clock.ts';

/**
 * Hooks a metrics layer (e.g. prom-client) implements to publish the controller-runtime
 * workqueue metrics. The queue computes the durations so the layer stays a thin mapping and
 * needs no clock or per-item bookkeeping of its own.
 */
export interface WorkqueueMetrics {
  /** An item became pending (`workqueue_adds_total`); adds coalesced into a pending item are not counted. */
  add(): void;
  /** The number of pending items after a change (`workqueue_depth`). */
  depth(depth: number): void;
  /** A worker took an item that had been pending this long (`workqueue_queue_duration_seconds`). */
  get(queuedSeconds: number): void;
  /** A worker finished an item it had held this long (`workqueue_work_duration_seconds`). */
  done(workSeconds: number): void;
  /** An item was scheduled again through addAfter or addRateLimited (`workqueue_retries_total`). */
  retry(): void;
}

/** The two gauges that describe in-flight work; read at scrape time rather than pushed. */
export interface UnfinishedWork {
  /** Sum over in-flight items of how long each has been processed (`workqueue_unfinished_work_seconds`). */
  unfinishedWorkSeconds: number;
  /** How long the oldest in-flight item has been processed (`workqueue_longest_running_processor_seconds`). */
  longestRunningProcessorSeconds: number;
}

/** Per-item timestamps behind the duration metrics, fed by the queue at each transition. */
export interface QueueTimings {
  added(item: string, depth: number): void;
  taken(item: string, depth: number): void;
  finished(item: string): void;
  unfinishedWork(): UnfinishedWork;
}

export function createQueueTimings(clock: Clock, metrics: WorkqueueMetrics | undefined): QueueTimings {
  // First add time of each pending item: like client-go, a pending item keeps its original
  // timestamp when re-added, so the queue duration measures the oldest outstanding request.
  const addedAt = new Map<string, number>();
  // Kept even without metrics so a stuck reconcile can be diagnosed from unfinishedWork().
  const startedAt = new Map<string, number>();

  return {
    added(item, depth) {
      if (!addedAt.has(item)) addedAt.set(item, clock.now());
      metrics?.add();
      metrics?.depth(depth);
    },
    taken(item, depth) {
      const now = clock.now();
      startedAt.set(item, now);
      const since = addedAt.get(item);
      addedAt.delete(item);
      metrics?.depth(depth);
      if (since !== undefined) metrics?.get(seconds(now - since));
    },
    finished(item) {
      const since = startedAt.get(item);
      if (since === undefined) return;
      startedAt.delete(item);
      metrics?.done(seconds(clock.now() - since));
    },
    unfinishedWork() {
      const now = clock.now();
      let total = 0;
      let longest = 0;
      for (const since of startedAt.values()) {
        const elapsed = seconds(now - since);
        total += elapsed;
        if (elapsed > longest) longest = elapsed;
      }
      return { unfinishedWorkSeconds: total, longestRunningProcessorSeconds: longest };
    },
  };
}

// Prometheus convention is base-unit seconds; the clock speaks milliseconds.
function seconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}
