// One operator box: an isolated controller for one CRD, with its own reflector (watch cache),
// rate-limited work queue and worker pool. The root controller starts it, swaps its
// configuration in place (the cache stays warm: no relist) and stops it.
import type { Box } from '../../api-types/box.ts';
import type { ApiClient } from '../kube/api-client.ts';
import { startNamespacedReflectors } from '../kube/namespaced-reflectors.ts';
import { type KubeObject, objectKey, type ResourceRef, splitKey } from '../kube/object.ts';
import type { UnfinishedWork } from '../kube/queue-metrics.ts';
import {
  exponentialFailureRateLimiter,
  maxOf,
  type RateLimiter,
  tokenBucketRateLimiter,
} from '../kube/rate-limiter.ts';
import type { Reflector } from '../kube/reflector.ts';
import { errorField, type Logger } from '../observe/log.ts';
import { FINALIZER } from '../reconcile/ownership.ts';
import { type Fence, runFenced } from '../shard/fence.ts';
import type { ReconcileLog } from '../shard/reconcile-log.ts';
import { parseDuration } from './duration.ts';
import { createHealth, type HealthSnapshot } from './health.ts';
import type { Reconciler } from './reconciler.ts';
import { releaseFinalizers } from './release-finalizers.ts';
import { type BoxMetrics, startWorkLoop } from './work-loop.ts';

export type { BoxMetrics } from './work-loop.ts';

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

/** What a reconciler may ask of the box that runs it. */
export interface BoxHandle {
  /** Enqueues the custom resource with this UID (a child of it changed). */
  enqueueUid(uid: string): void;
  /** Whether the box's cache holds a custom resource with this UID; undefined until it has synced. */
  knowsUid(uid: string): boolean | undefined;
  /** Resolves once the box's cache has synced for the first time. */
  synced(): Promise<void>;
  /** Runs work started outside a reconcile (the orphan sweep) under the box's write fence. */
  fenced<T>(work: () => T): T;
  /** The box's logger (controller, crd). */
  readonly logger: Logger;
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
  /**
   * With sharding: checked before every write a reconcile of this box makes (the box's Lease
   * must still be held), so a reconcile that outlives its Lease sends nothing.
   */
  readonly fence?: Fence;
  /** Records each reconcile's start and end (ORKESTRA_RECONCILE_LOG). */
  readonly reconcileLog?: ReconcileLog;
}

export interface OperatorBox {
  readonly id: string;
  readonly resource: ResourceRef;
  readonly reflector: Reflector;
  config(): BoxConfig;
  /** The custom resources this box reconciles: its cache, within its namespace scope. */
  managedObjects(): KubeObject[];
  /** Replaces the configuration and reconciler without touching the watch; re-enqueues every object. */
  swap(config: BoxConfig): void;
  status(): BoxStatusSnapshot;
  /** In-flight work, for the workqueue_unfinished_work_seconds and longest-running gauges. */
  unfinishedWork(): UnfinishedWork;
  /** Stops taking work, lets in-flight reconciles finish (up to `graceMs`), ends the watch. */
  stop(options?: BoxStopOptions): Promise<void>;
}

export interface BoxStopOptions {
  /** How long in-flight reconciles may go on before their signal aborts; default 8 s. */
  readonly graceMs?: number;
  /**
   * The box stops for good: take Orkestra's finalizers (its own, the Katalog's and the box's
   * declared ones) off its custom resources, so they can be deleted without it.
   */
  readonly releaseFinalizers?: boolean;
}

const DEFAULTS = { workers: 1, failureThreshold: 5 };

/** Every finalizer Orkestra puts on the custom resources of a box. */
export function boxFinalizers(config: BoxConfig): string[] {
  return [FINALIZER, ...config.katalogFinalizers, ...(config.box.operatorBox?.runtime?.finalizers ?? [])];
}

/** The retry pacing a box declares, with client-go's defaults (5ms..1000s per item, 10 qps burst 100 overall). */
export function rateLimiterFor(box: Box): RateLimiter {
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

/** The namespaces a box lists and watches in; undefined for all of them. */
export function watchedNamespaces(config: BoxConfig): readonly string[] | undefined {
  return config.resource.namespaced ? config.box.operatorBox?.runtime?.allowedNamespaces : undefined;
}

const UID_INDEX = 'uid';

export function startOperatorBox(initial: BoxConfig, deps: OperatorBoxDeps): OperatorBox {
  let config = initial;
  const logger = deps.logger.child({
    controller: config.id,
    crd: `${config.resource.plural}.${config.resource.group}`,
  });
  const handle: BoxHandle = {
    enqueueUid(uid) {
      for (const obj of reflector.cache.byIndex(UID_INDEX, uid)) enqueue(obj);
    },
    knowsUid: (uid) => (reflector.hasSynced() ? reflector.cache.byIndex(UID_INDEX, uid).length > 0 : undefined),
    // Deferred: the first reconciler is built, and may ask, before the reflector below exists.
    synced: () => Promise.resolve().then(() => reflector.waitForSync()),
    fenced: (work) => runFenced(deps.fence, work),
    logger,
  };
  let reconciler = deps.reconcilerFor(config, handle);
  let inNamespace = namespaceFilter(config.box);
  const health = createHealth(config.box.operatorBox?.reconcile?.queue?.failureThreshold ?? DEFAULTS.failureThreshold);
  let stopping = false;
  let swaps = 0;
  let lastPhase: RunningPhase = 'Pending';

  const work = startWorkLoop({
    workers: config.box.operatorBox?.reconcile?.workers ?? DEFAULTS.workers,
    rateLimiter: rateLimiterFor(config.box),
    health,
    logger,
    metrics: deps.metrics,
    process: (key, item) => {
      const { namespace, name } = splitKey(key);
      const run = () =>
        reconciler({
          request: { key, namespace, name },
          object: reflector.cache.get(key),
          cache: reflector.cache,
          resource: config.resource,
          reconcileID: item.reconcileID,
          logger: item.logger,
          signal: item.signal,
        });
      const record = deps.reconcileLog;
      if (!record) return runFenced(deps.fence, run);
      record(config.id, key, 'start');
      return Promise.resolve(runFenced(deps.fence, run)).finally(() => record(config.id, key, 'end'));
    },
    afterItem: () => notifyIfChanged(),
  });

  const enqueue = (obj: KubeObject) => {
    if (inNamespace(obj.metadata.namespace)) work.add(objectKey(obj));
  };
  // With allowedNamespaces the box lists and watches only those namespaces, never cluster-wide.
  const reflector = startNamespacedReflectors(
    {
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
    },
    watchedNamespaces(config),
  );

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
  const managedObjects = () => reflector.cache.list().filter((o) => inNamespace(o.metadata.namespace));

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
    managedObjects,
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
      if (queueChanged) work.setRateLimiter(rateLimiterFor(next.box));
      health.setThreshold(next.box.operatorBox?.reconcile?.queue?.failureThreshold ?? DEFAULTS.failureThreshold);
      work.setWorkers(next.box.operatorBox?.reconcile?.workers ?? DEFAULTS.workers);
      armResync();
      swaps++;
      logger.info('box configuration swapped in place', { generation: next.generation, workers: work.workers() });
      // New templates apply to every object now, not at the next resync.
      for (const obj of reflector.cache.list()) enqueue(obj);
      notifyIfChanged();
    },
    unfinishedWork: () => work.unfinishedWork(),
    status: () => ({
      phase: phase(),
      workers: work.workers(),
      managed: reflector.cache.size(),
      queueDepth: work.depth(),
      health: health.snapshot(),
      reconciles: work.processed(),
      swaps,
    }),
    async stop(options = {}) {
      if (stopping) return;
      stopping = true;
      if (resyncTimer) clearInterval(resyncTimer);
      await work.stop(options.graceMs ?? 8_000);
      // After the workers, so no reconcile puts a finalizer back; before the watch, whose cache
      // names the objects.
      if (options.releaseFinalizers) {
        try {
          const released = await runFenced(deps.fence, () =>
            releaseFinalizers(deps.client, config.resource, managedObjects(), boxFinalizers(config)),
          );
          logger.info('finalizers released', { objects: released });
        } catch (err) {
          logger.error('releasing finalizers failed', { err: errorField(err) });
        }
      }
      await reflector.stop();
      await reconciler
        .close?.()
        .catch((err: unknown) => logger.error('releasing the reconciler failed', { err: errorField(err) }));
      logger.info('box stopped');
    },
  };
}
