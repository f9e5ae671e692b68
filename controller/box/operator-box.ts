// One operator box: an isolated controller for one CRD, with its own reflector (watch cache),
// rate-limited work queue and worker pool. The root controller starts it, swaps its
// configuration in place (the cache stays warm: no relist) and stops it.
import { randomUUID } from 'node:crypto';
import type { Box } from '../../api-types/box.ts';
import type { ApiClient } from '../kube/api-client.ts';
import { type KubeObject, objectKey, type ResourceRef, splitKey } from '../kube/object.ts';
import type { UnfinishedWork, WorkqueueMetrics } from '../kube/queue-metrics.ts';
import {
  exponentialFailureRateLimiter,
  maxOf,
  type RateLimiter,
  tokenBucketRateLimiter,
} from '../kube/rate-limiter.ts';
import { createRateLimitingQueue } from '../kube/rate-limiting-queue.ts';
import { type Reflector, startReflector } from '../kube/reflector.ts';
import { errorField, type Logger } from '../observe/log.ts';
import { parseDuration } from './duration.ts';
import { createHealth, type HealthSnapshot } from './health.ts';
import type { Reconciler } from './reconciler.ts';

/** Everything a box runs from. A new config with the same `resource` is swapped in place. */
export interface BoxConfig {
  readonly id: string;
  readonly katalog: string;
  readonly name: string;
  readonly resource: ResourceRef;
  readonly box: Box;
  readonly katalogFinalizers: readonly string[];
  readonly hasStatusSubresource: boolean;
  /** Generation of the Katalog the config came from. */
  readonly generation: number;
}

export type RunningPhase = 'Pending' | 'Running' | 'Degraded';

export interface BoxStatusSnapshot {
  readonly phase: RunningPhase;
  readonly workers: number;
  readonly managed: number;
  readonly queueDepth: number;
  readonly health: HealthSnapshot;
  readonly reconciles: number;
  readonly swaps: number;
}

/** Optional per-box hooks for the metrics layer; every member may be absent. */
export interface BoxMetrics {
  readonly queue?: WorkqueueMetrics;
  reconciled?(result: 'success' | 'error' | 'requeue_after', seconds: number): void;
  setActiveWorkers?(n: number): void;
}

/** What a reconciler may ask of the box that runs it. */
export interface BoxHandle {
  /** Enqueues the custom resource with this UID (a child of it changed). */
  enqueueUid(uid: string): void;
}

/**
 * A reconciler, optionally holding resources (child watches): `open` takes them, `close` releases
 * them when the reconciler is replaced or the box stops.
 */
export type BoxReconciler = Reconciler & { open?(): Promise<void>; close?(): Promise<void> };

export interface OperatorBoxDeps {
  readonly client: ApiClient;
  readonly logger: Logger;
  /** Builds the reconciler for a config; called at start and on every swap. */
  readonly reconcilerFor: (config: BoxConfig, handle: BoxHandle) => BoxReconciler;
  /** Told when the box's phase may have changed (synced, degraded, recovered). */
  readonly onChange?: (id: string) => void;
  readonly metrics?: BoxMetrics;
}

export interface OperatorBox {
  readonly id: string;
  readonly resource: ResourceRef;
  readonly reflector: Reflector;
  config(): BoxConfig;
  /** Replaces the configuration and reconciler without touching the watch; re-enqueues every object. */
  swap(config: BoxConfig): void;
  status(): BoxStatusSnapshot;
  /** In-flight work, for the workqueue_unfinished_work_seconds and longest-running gauges. */
  unfinishedWork(): UnfinishedWork;
  /** Stops taking work, lets in-flight reconciles finish (up to `graceMs`), ends the watch. */
  stop(graceMs?: number): Promise<void>;
}

const DEFAULTS = { workers: 1, failureThreshold: 5, maxRetries: 15 };

function rateLimiterFor(box: Box): RateLimiter {
  const q = box.operatorBox?.reconcile?.queue;
  return maxOf(
    exponentialFailureRateLimiter({
      baseDelayMs: parseDuration(q?.retryBackoff?.initial ?? '5ms'),
      maxDelayMs: parseDuration(q?.retryBackoff?.max ?? '1000s'),
    }),
    tokenBucketRateLimiter({ qps: q?.qps ?? 10, burst: q?.burst ?? 100 }),
  );
}

/** Updates that touch nothing a reconcile reads from the parent (status-only writes, for one) are ignored. */
function meaningfulChange(oldObj: KubeObject, newObj: KubeObject): boolean {
  const a = oldObj.metadata;
  const b = newObj.metadata;
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    a.uid !== b.uid ||
    JSON.stringify(a.labels ?? {}) !== JSON.stringify(b.labels ?? {}) ||
    JSON.stringify(a.annotations ?? {}) !== JSON.stringify(b.annotations ?? {}) ||
    JSON.stringify(a.finalizers ?? []) !== JSON.stringify(b.finalizers ?? [])
  );
}

function namespaceFilter(box: Box): (namespace: string | undefined) => boolean {
  const allowed = box.operatorBox?.runtime?.allowedNamespaces;
  const restricted = box.operatorBox?.runtime?.restrictedNamespaces;
  if (allowed) {
    const set = new Set(allowed);
    return (ns) => ns !== undefined && set.has(ns);
  }
  if (restricted) {
    const set = new Set(restricted);
    return (ns) => ns === undefined || !set.has(ns);
  }
  return () => true;
}

const UID_INDEX = 'uid';

export function startOperatorBox(initial: BoxConfig, deps: OperatorBoxDeps): OperatorBox {
  let config = initial;
  const handle: BoxHandle = {
    enqueueUid(uid) {
      for (const obj of reflector.cache.byIndex(UID_INDEX, uid)) enqueue(obj);
    },
  };
  let reconciler = deps.reconcilerFor(config, handle);
  let inNamespace = namespaceFilter(config.box);
  let limiter = rateLimiterFor(config.box);
  const health = createHealth(config.box.operatorBox?.reconcile?.queue?.failureThreshold ?? DEFAULTS.failureThreshold);
  const logger = deps.logger.child({
    controller: config.id,
    crd: `${config.resource.plural}.${config.resource.group}`,
  });
  // The limiter can change on swap; the queue keeps calling through this indirection.
  const queue = createRateLimitingQueue({
    rateLimiter: {
      when: (item) => limiter.when(item),
      forget: (item) => limiter.forget(item),
      numRequeues: (item) => limiter.numRequeues(item),
    },
    metrics: deps.metrics?.queue,
  });
  const stopper = new AbortController();
  let stopping = false;
  let reconciles = 0;
  let swaps = 0;
  let lastPhase: RunningPhase = 'Pending';

  const enqueue = (obj: KubeObject) => {
    if (inNamespace(obj.metadata.namespace)) queue.add(objectKey(obj));
  };
  const reflector = startReflector({
    client: deps.client,
    resource: config.resource,
    logger,
    indexers: { [UID_INDEX]: (o) => (o.metadata.uid ? [o.metadata.uid] : []) },
    handler: {
      onAdd: enqueue,
      onUpdate: (oldObj, newObj) => {
        if (meaningfulChange(oldObj, newObj)) enqueue(newObj);
      },
      onDelete: enqueue,
    },
  });

  const phase = (): RunningPhase =>
    !reflector.hasSynced() ? 'Pending' : health.snapshot().degraded ? 'Degraded' : 'Running';
  const notifyIfChanged = () => {
    const p = phase();
    if (p !== lastPhase) {
      lastPhase = p;
      logger.info('box phase changed', { phase: p });
      deps.onChange?.(config.id);
    }
  };
  reflector.waitForSync().then(notifyIfChanged, () => {});

  async function processItem(key: string) {
    const started = performance.now();
    const reconcileID = randomUUID();
    const { namespace, name } = splitKey(key);
    const log = logger.child({ namespace, name, reconcileID });
    reconciles++;
    try {
      // Promise.resolve().then contains a reconciler that throws synchronously, too.
      const result = await Promise.resolve().then(() =>
        reconciler({
          request: { key, namespace, name },
          object: reflector.cache.get(key),
          cache: reflector.cache,
          resource: config.resource,
          reconcileID,
          logger: log,
          signal: stopper.signal,
        }),
      );
      queue.forget(key);
      health.success();
      const seconds = (performance.now() - started) / 1000;
      log.debug('reconciled', { durationMs: Math.round(seconds * 1000) });
      if (result?.requeueAfterMs !== undefined) {
        queue.addAfter(key, result.requeueAfterMs);
        deps.metrics?.reconciled?.('requeue_after', seconds);
      } else {
        deps.metrics?.reconciled?.('success', seconds);
      }
    } catch (err) {
      const message = errorField(err);
      health.failure(message);
      deps.metrics?.reconciled?.('error', (performance.now() - started) / 1000);
      const maxRetries = config.box.operatorBox?.reconcile?.queue?.maxRetries ?? DEFAULTS.maxRetries;
      const retries = queue.numRequeues(key);
      if (maxRetries === 0 || retries < maxRetries) {
        log.error('reconcile failed', { err: message, retries, durationMs: Math.round(performance.now() - started) });
        queue.addRateLimited(key);
      } else {
        // Bounded retries: wait for the next change or resync rather than spin forever.
        log.error('reconcile failed, giving up until the next change', { err: message, retries });
        queue.forget(key);
      }
    }
    notifyIfChanged();
  }

  // Worker pool: `target` can change on swap; surplus workers exit after their current item.
  let target = config.box.operatorBox?.reconcile?.workers ?? DEFAULTS.workers;
  const workers = new Set<Promise<void>>();
  let active = 0;
  function spawnWorkers() {
    while (active < target && !stopping) {
      active++;
      deps.metrics?.setActiveWorkers?.(active);
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
          deps.metrics?.setActiveWorkers?.(active);
        }
      })().finally(() => workers.delete(w));
      workers.add(w);
    }
  }
  spawnWorkers();

  // Resync: a periodic re-enqueue of every cached object, so drift nobody told us about is caught.
  let resyncTimer: ReturnType<typeof setInterval> | undefined;
  function armResync() {
    if (resyncTimer) clearInterval(resyncTimer);
    resyncTimer = undefined;
    const resync = config.box.operatorBox?.reconcile?.resync;
    if (!resync) return;
    const ms = parseDuration(resync);
    if (ms <= 0) return;
    resyncTimer = setInterval(() => {
      for (const obj of reflector.cache.list()) enqueue(obj);
    }, ms);
    resyncTimer.unref();
  }
  armResync();

  return {
    id: config.id,
    resource: config.resource,
    reflector,
    config: () => config,
    swap(next) {
      if (JSON.stringify(next.resource) !== JSON.stringify(config.resource)) {
        throw new Error(`box ${config.id}: cannot swap ${config.resource.kind} for ${next.resource.kind} in place`);
      }
      const queueChanged =
        JSON.stringify(next.box.operatorBox?.reconcile?.queue) !==
        JSON.stringify(config.box.operatorBox?.reconcile?.queue);
      config = next;
      const previous = reconciler;
      reconciler = deps.reconcilerFor(next, handle);
      // The new reconciler takes its (shared) child watches before the old one lets go of them,
      // so a watch both use stays open and warm instead of stopping and relisting.
      Promise.resolve(reconciler.open?.())
        .catch((err: unknown) => logger.error('opening the new reconciler failed', { err: errorField(err) }))
        .then(() => previous.close?.())
        .catch((err: unknown) => logger.error('releasing the previous reconciler failed', { err: errorField(err) }));
      inNamespace = namespaceFilter(next.box);
      if (queueChanged) limiter = rateLimiterFor(next.box);
      health.setThreshold(next.box.operatorBox?.reconcile?.queue?.failureThreshold ?? DEFAULTS.failureThreshold);
      target = next.box.operatorBox?.reconcile?.workers ?? DEFAULTS.workers;
      spawnWorkers();
      armResync();
      swaps++;
      logger.info('box configuration swapped in place', { generation: next.generation, workers: target });
      // New templates apply to every object now, not at the next resync.
      for (const obj of reflector.cache.list()) enqueue(obj);
      notifyIfChanged();
    },
    unfinishedWork: () => queue.unfinishedWork(),
    status: () => ({
      phase: phase(),
      workers: target,
      managed: reflector.cache.size(),
      queueDepth: queue.len(),
      health: health.snapshot(),
      reconciles,
      swaps,
    }),
    async stop(graceMs = 8_000) {
      if (stopping) return;
      stopping = true;
      if (resyncTimer) clearInterval(resyncTimer);
      await reflector.stop();
      queue.shutDown();
      // In-flight reconciles get `graceMs` to finish; then their signal aborts and we stop waiting.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...workers]), grace]);
      clearTimeout(timer);
      stopper.abort();
      await reconciler
        .close?.()
        .catch((err: unknown) => logger.error('releasing the reconciler failed', { err: errorField(err) }));
      logger.info('box stopped');
    },
  };
}
