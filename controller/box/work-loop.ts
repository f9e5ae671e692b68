// The work side of an operator box: a rate-limited queue drained by N workers. A failed item is
// retried for as long as it keeps failing, with capped exponential backoff, as controller-runtime
// does: work is never dropped. Consecutive failures only move the box's health to Degraded, and
// the next success moves it back.
//
// A failure that got no answer from the API server at all (refused, reset, timed out) is not the
// item's fault: it is retried on a short capped backoff of its own, outside the rate limiter; so
// is one whose answer names a wait (429, or 503 from a starting server), after that wait.
// Through the limiter, the per-item doubling and the shared bucket (10/s) would leave items
// waiting for as long again as the API server was away, some for far longer once hundreds of
// items had failed (a kube-apiserver restart under load: up to 31 s to converge again).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../kube/clock.ts';
import { splitKey } from '../kube/object.ts';
import type { UnfinishedWork, WorkqueueMetrics } from '../kube/queue-metrics.ts';
import { exponentialFailureRateLimiter, type RateLimiter } from '../kube/rate-limiter.ts';
import { createRateLimitingQueue } from '../kube/rate-limiting-queue.ts';
import { isUnreachable, serverRetryAfterMs } from '../kube/transient.ts';
import { errorField, type Logger } from '../observe/log.ts';
import type { Health } from './health.ts';
import type { ReconcileResult } from './reconciler.ts';

/** Optional per-box hooks for the metrics layer; every member may be absent. */
export interface BoxMetrics {
  readonly queue?: WorkqueueMetrics;
  reconciled?(result: 'success' | 'error' | 'requeue_after', seconds: number): void;
  setActiveWorkers?(n: number): void;
}

/** What one item's processing gets besides its key. */
export interface ItemContext {
  readonly reconcileID: string;
  readonly logger: Logger;
  /** Aborts when the loop stops and its grace period is over. */
  readonly signal: AbortSignal;
}

export interface WorkLoopOptions {
  readonly workers: number;
  readonly rateLimiter: RateLimiter;
  readonly health: Health;
  /** Carries the box's fields (controller, crd); items add namespace, name and reconcileID. */
  readonly logger: Logger;
  readonly metrics?: BoxMetrics;
  readonly clock?: Clock;
  /** Reconciles one key; a thrown error retries it after the rate limiter's delay. */
  readonly process: (key: string, ctx: ItemContext) => Promise<ReconcileResult | undefined>;
  /** Called after every item, e.g. to notice a change of the box's phase. */
  readonly afterItem?: () => void;
  /** Retries of a failure with no answer from the API server: the first delay, doubling to the cap (250 ms, 4 s). */
  readonly unreachableRetry?: { readonly baseMs: number; readonly maxMs: number };
}

export interface WorkLoop {
  add(key: string): void;
  /** Changes the pool size; surplus workers exit after their current item. */
  setWorkers(n: number): void;
  setRateLimiter(limiter: RateLimiter): void;
  depth(): number;
  workers(): number;
  /** Items processed so far, successful or not. */
  processed(): number;
  /** How many times `key` has failed since it last succeeded. */
  failures(key: string): number;
  unfinishedWork(): UnfinishedWork;
  /**
   * Stops taking work and lets in-flight items finish for up to `graceMs`; then aborts their
   * signal and resolves without waiting for them any longer.
   */
  stop(graceMs: number): Promise<void>;
}

export function startWorkLoop(options: WorkLoopOptions): WorkLoop {
  const { health, logger, metrics } = options;
  let limiter = options.rateLimiter;
  // The limiter can change on swap; the queue keeps calling through this indirection.
  const queue = createRateLimitingQueue({
    rateLimiter: {
      when: (item) => limiter.when(item),
      forget: (item) => limiter.forget(item),
      numRequeues: (item) => limiter.numRequeues(item),
    },
    clock: options.clock,
    metrics: metrics?.queue,
  });
  const stopper = new AbortController();
  let stopping = false;
  let processed = 0;
  const { baseMs, maxMs } = options.unreachableRetry ?? { baseMs: 250, maxMs: 4_000 };
  /** Consecutive no-answer failures per item, and their doubling delay. */
  const unanswered = exponentialFailureRateLimiter({ baseDelayMs: baseMs, maxDelayMs: maxMs });
  /** The next no-answer retry, with ±20% jitter so the items do not retry in step. */
  const unansweredDelay = (key: string) => Math.round(unanswered.when(key) * (0.8 + 0.4 * Math.random()));

  async function processItem(key: string) {
    const started = performance.now();
    const reconcileID = randomUUID();
    const log = logger.child({ ...splitKey(key), reconcileID });
    processed++;
    try {
      // Promise.resolve().then contains a reconciler that throws synchronously, too.
      const result = await Promise.resolve().then(() =>
        options.process(key, { reconcileID, logger: log, signal: stopper.signal }),
      );
      queue.forget(key);
      unanswered.forget(key);
      health.success();
      const seconds = (performance.now() - started) / 1000;
      log.debug('reconciled', { durationMs: Math.round(seconds * 1000) });
      if (result?.requeueAfterMs !== undefined) {
        queue.addAfter(key, result.requeueAfterMs);
        metrics?.reconciled?.('requeue_after', seconds);
      } else {
        metrics?.reconciled?.('success', seconds);
      }
    } catch (err) {
      const message = errorField(err);
      health.failure(message);
      metrics?.reconciled?.('error', (performance.now() - started) / 1000);
      const askedMs = serverRetryAfterMs(err, maxMs);
      if (askedMs !== undefined) {
        log.warn('reconcile: the API server asked to retry later', { err: message, delayMs: askedMs });
        queue.addAfter(key, askedMs);
      } else if (isUnreachable(err)) {
        const delayMs = unansweredDelay(key);
        log.warn('reconcile got no answer from the API server; retrying', { err: message, delayMs });
        queue.addAfter(key, delayMs);
      } else {
        unanswered.forget(key);
        log.error('reconcile failed', {
          err: message,
          retries: queue.numRequeues(key),
          durationMs: Math.round(performance.now() - started),
        });
        queue.addRateLimited(key);
      }
    }
    options.afterItem?.();
  }

  let target = options.workers;
  const running = new Set<Promise<void>>();
  let active = 0;
  function spawn() {
    while (active < target && !stopping) {
      active++;
      metrics?.setActiveWorkers?.(active);
      const w: Promise<void> = (async () => {
        try {
          for (;;) {
            if (active > target) return;
            const key = await queue.get();
            if (key === undefined) return;
            try {
              if (!stopping) await processItem(key);
            } finally {
              queue.done(key);
            }
          }
        } finally {
          active--;
          metrics?.setActiveWorkers?.(active);
        }
      })().finally(() => running.delete(w));
      running.add(w);
    }
  }
  spawn();

  return {
    add: (key) => queue.add(key),
    setWorkers(n) {
      target = n;
      spawn();
    },
    setRateLimiter(l) {
      limiter = l;
    },
    depth: () => queue.len(),
    workers: () => target,
    processed: () => processed,
    failures: (key) => queue.numRequeues(key) + unanswered.numRequeues(key),
    unfinishedWork: () => queue.unfinishedWork(),
    async stop(graceMs) {
      if (stopping) return;
      stopping = true;
      queue.shutDown();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, graceMs));
      });
      await Promise.race([Promise.allSettled([...running]), grace]);
      clearTimeout(timer);
      stopper.abort();
    },
  };
}
