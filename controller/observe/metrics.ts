// Prometheus metrics for the controller. The controller-runtime families keep their upstream
// names, label sets and buckets, so the kubebuilder / controller-runtime Grafana dashboards and
// alerts work unchanged; everything Orkestra-specific carries the `orkestra_` prefix.
//
// Upstream definitions (kubernetes-sigs/controller-runtime):
// - pkg/internal/controller/metrics/metrics.go: controller_runtime_* (label `controller`).
// - pkg/metrics/workqueue.go: workqueue_* (labels `name`, `controller`; `workqueue_depth` also
//   `priority`, "" for a queue without priorities). controller-runtime names a controller's queue
//   after the controller, so both labels carry the box id.
// - pkg/internal/controller/controller.go (initMetrics): every series of a controller exists at
//   0 from its start, so rate() and absent() behave from the first scrape.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { BOX_PHASES } from '../../api-types/box.ts';
import type { BoxMetrics } from '../box/operator-box.ts';
import type { UnfinishedWork, WorkqueueMetrics } from '../kube/queue-metrics.ts';

/** controller-runtime's reconcile outcomes (`result` label of controller_runtime_reconcile_total). */
export const RECONCILE_RESULTS = ['success', 'error', 'requeue', 'requeue_after'] as const;
export type ReconcileResult = (typeof RECONCILE_RESULTS)[number];

/** Outcomes of applying one child object (`result` label of orkestra_apply_total). */
export const APPLY_RESULTS = ['created', 'updated', 'skipped', 'conflict', 'error', 'pruned'] as const;
export type ApplyResult = (typeof APPLY_RESULTS)[number];

/** controller_runtime_reconcile_time_seconds buckets, as listed in controller-runtime. */
export const RECONCILE_TIME_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75,
  2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/**
 * workqueue_{queue,work}_duration_seconds buckets: upstream's ExponentialBuckets(10e-9, 10, 12).
 * Written as literals because computing them in floating point yields bounds like 9.999999999999999e-6.
 */
export const WORKQUEUE_DURATION_BUCKETS: readonly number[] = [
  1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000,
];

/** One box as the scrape-time gauges see it. */
export interface BoxSnapshot {
  readonly id: string;
  readonly phase: string;
  readonly managed: number;
  readonly workers: number;
}

export interface CreateMetricsOptions {
  /** Value of orkestra_build_info{version}. */
  readonly version?: string;
  /** Register prom-client's default process and Node.js metrics (default true). */
  readonly defaultMetrics?: boolean;
  /** Told when a scrape-time callback throws; the scrape goes on without that value. */
  readonly onCollectError?: (err: unknown) => void;
}

export interface OrkestraMetrics {
  readonly registry: Registry;
  /**
   * The hooks to hand to the box with this id (`<katalog>/<box>`). Creates the box's series at 0.
   * `unfinished` is read at scrape time for the two in-flight workqueue gauges.
   */
  boxMetrics(id: string, unfinished: () => UnfinishedWork | undefined): BoxMetrics;
  /** Counts child applies of the box with this id into orkestra_apply_total. */
  applyCounter(id: string): (result: ApplyResult) => void;
  /** Counts and times one hook call of a box (orkestra_hook_requests_total{box,code}, _duration_seconds). */
  observeHook(box: string, code: string, seconds: number): void;
  /** Drops every series of this box; hooks handed out before stay silent afterwards. */
  removeBox(id: string): void;
  /** Read at scrape time for orkestra_boxes, orkestra_managed_objects and max_concurrent_reconciles. */
  setSnapshotSource(fn: () => readonly BoxSnapshot[]): void;
  /** Read at scrape time for orkestra_watch_count. */
  setWatchCount(fn: () => number): void;
  /** Read at scrape time for orkestra_box_owner: the boxes this replica runs under its Lease (--shard). */
  setBoxOwners(fn: () => readonly { box: string; replica: string }[]): void;
  /** Counts a completed API request into rest_client_requests_total (client-go's name). */
  observeRequest(method: string, status: number): void;
}

export function createMetrics(
  registry: Registry = new Registry(),
  options: CreateMetricsOptions = {},
): OrkestraMetrics {
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  let snapshotSource: (() => readonly BoxSnapshot[]) | undefined;
  let watchCount: (() => number) | undefined;
  // In-flight work providers of the boxes whose hooks are live.
  const unfinishedOf = new Map<string, () => UnfinishedWork | undefined>();
  // Bumped by removeBox: hooks remember the epoch they were made in and go quiet once it moves,
  // so a box still winding down cannot recreate the series just dropped.
  const epochs = new Map<string, number>();
  const epochOf = (id: string) => epochs.get(id) ?? 0;

  const guarded = <T>(fallback: T, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      options.onCollectError?.(err);
      return fallback;
    }
  };
  const snapshots = (): readonly BoxSnapshot[] | undefined =>
    snapshotSource ? guarded<readonly BoxSnapshot[] | undefined>(undefined, snapshotSource) : undefined;

  // --- controller-runtime: pkg/internal/controller/metrics/metrics.go ---
  const reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers,
  });
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'] as const,
    buckets: [...RECONCILE_TIME_BUCKETS],
    registers,
  });
  const maxConcurrent = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'] as const,
    registers,
    collect() {
      const list = snapshots();
      if (!list) return;
      // Only started controllers have this series upstream: boxes with live hooks.
      for (const s of list) if (unfinishedOf.has(s.id)) this.set({ controller: s.id }, s.workers);
    },
  });
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'] as const,
    registers,
  });

  // --- controller-runtime: pkg/metrics/workqueue.go ---
  const depth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue by workqueue and priority',
    labelNames: ['name', 'controller', 'priority'] as const,
    registers,
  });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers,
  });
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name', 'controller'] as const,
    buckets: [...WORKQUEUE_DURATION_BUCKETS],
    registers,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes.',
    labelNames: ['name', 'controller'] as const,
    buckets: [...WORKQUEUE_DURATION_BUCKETS],
    registers,
  });
  const readUnfinished = (set: (labels: { name: string; controller: string }, w: UnfinishedWork) => void) => {
    for (const [id, provider] of unfinishedOf) {
      const w = guarded(undefined, provider) ?? { unfinishedWorkSeconds: 0, longestRunningProcessorSeconds: 0 };
      set({ name: id, controller: id }, w);
    }
  };
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help:
      "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. " +
      'Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at ' +
      'which this increases.',
    labelNames: ['name', 'controller'] as const,
    registers,
    collect() {
      this.reset();
      readUnfinished((labels, w) => this.set(labels, w.unfinishedWorkSeconds));
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames: ['name', 'controller'] as const,
    registers,
    collect() {
      this.reset();
      readUnfinished((labels, w) => this.set(labels, w.longestRunningProcessorSeconds));
    },
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers,
  });

  // --- Orkestra ---
  let boxOwners: () => readonly { box: string; replica: string }[] = () => [];
  new Gauge({
    name: 'orkestra_box_owner',
    help: '1 for each box this replica runs under its box Lease (with --shard)',
    labelNames: ['box', 'replica'] as const,
    registers,
    collect() {
      this.reset();
      for (const o of boxOwners()) this.set(o, 1);
    },
  });
  new Gauge({
    name: 'orkestra_boxes',
    help: 'Number of operator boxes per phase',
    labelNames: ['phase'] as const,
    registers,
    collect() {
      const counts = new Map<string, number>(BOX_PHASES.map((p) => [p, 0]));
      for (const s of snapshots() ?? []) counts.set(s.phase, (counts.get(s.phase) ?? 0) + 1);
      this.reset();
      for (const [phase, n] of counts) this.set({ phase }, n);
    },
  });
  const managed = new Gauge({
    name: 'orkestra_managed_objects',
    help: "Custom resources in each box's cache",
    labelNames: ['controller'] as const,
    registers,
    collect() {
      const list = snapshots();
      if (!list) return;
      this.reset();
      for (const s of list) this.set({ controller: s.id }, s.managed);
    },
  });
  const applyTotal = new Counter({
    name: 'orkestra_apply_total',
    help: 'Child objects applied per box, by outcome',
    labelNames: ['controller', 'result'] as const,
    registers,
  });
  const hookRequests = new Counter({
    name: 'orkestra_hook_requests_total',
    help: 'Hook calls per box, by HTTP status code or failure (timeout, error, invalid, not_found, auth)',
    labelNames: ['box', 'code'] as const,
    registers,
  });
  // The codes seen per box, so removeBox can drop each of its series.
  const hookCodes = new Map<string, Set<string>>();
  const hookDuration = new Histogram({
    name: 'orkestra_hook_duration_seconds',
    help: 'How long hook calls took per box, failures included',
    labelNames: ['box'] as const,
    buckets: [...RECONCILE_TIME_BUCKETS],
    registers,
  });
  new Gauge({
    name: 'orkestra_watch_count',
    help: 'Open watches against the API server',
    registers,
    collect() {
      this.set(watchCount ? guarded(0, watchCount) : 0);
    },
  });
  new Gauge({
    name: 'orkestra_build_info',
    help: 'Orkestra build information; the value is always 1',
    labelNames: ['version'] as const,
    registers,
  }).set({ version: options.version ?? 'unknown' }, 1);

  // client-go's rest_client_requests_total; `host` is left out (one API server per process).
  const requests = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests to the API server, partitioned by status code and method.',
    labelNames: ['code', 'method'] as const,
    registers,
  });

  return {
    registry,
    observeRequest(method, status) {
      requests.inc({ code: String(status), method });
    },
    boxMetrics(id, unfinished) {
      const epoch = epochOf(id);
      const live = () => epochOf(id) === epoch;
      const controller = { controller: id };
      const queue = { name: id, controller: id };
      const depthLabels = { name: id, controller: id, priority: '' };
      unfinishedOf.set(id, unfinished);

      for (const result of RECONCILE_RESULTS) reconcileTotal.inc({ controller: id, result }, 0);
      reconcileErrors.inc(controller, 0);
      reconcileTime.zero(controller);
      activeWorkers.set(controller, 0);
      depth.set(depthLabels, 0);
      adds.inc(queue, 0);
      retries.inc(queue, 0);
      queueDuration.zero(queue);
      workDuration.zero(queue);

      const queueHooks: WorkqueueMetrics = {
        add() {
          if (live()) adds.inc(queue);
        },
        depth(n) {
          if (live()) depth.set(depthLabels, n);
        },
        get(seconds) {
          if (live()) queueDuration.observe(queue, seconds);
        },
        done(seconds) {
          if (live()) workDuration.observe(queue, seconds);
        },
        retry() {
          if (live()) retries.inc(queue);
        },
      };
      const hooks: BoxMetrics = {
        queue: queueHooks,
        reconciled(result: ReconcileResult, seconds: number) {
          if (!live()) return;
          reconcileTotal.inc({ controller: id, result });
          if (result === 'error') reconcileErrors.inc(controller);
          reconcileTime.observe(controller, seconds);
        },
        setActiveWorkers(n) {
          if (live()) activeWorkers.set(controller, n);
        },
      };
      return hooks;
    },

    applyCounter(id) {
      const epoch = epochOf(id);
      for (const result of APPLY_RESULTS) applyTotal.inc({ controller: id, result }, 0);
      return (result) => {
        if (epochOf(id) === epoch) applyTotal.inc({ controller: id, result });
      };
    },

    observeHook(box, code, seconds) {
      hookCodes.set(box, (hookCodes.get(box) ?? new Set()).add(code));
      hookRequests.inc({ box, code });
      hookDuration.observe({ box }, seconds);
    },

    removeBox(id) {
      epochs.set(id, epochOf(id) + 1);
      for (const code of hookCodes.get(id) ?? []) hookRequests.remove({ box: id, code });
      hookCodes.delete(id);
      hookDuration.remove({ box: id });
      unfinishedOf.delete(id);
      const controller = { controller: id };
      const queue = { name: id, controller: id };
      for (const result of RECONCILE_RESULTS) reconcileTotal.remove({ controller: id, result });
      for (const result of APPLY_RESULTS) applyTotal.remove({ controller: id, result });
      reconcileErrors.remove(controller);
      reconcileTime.remove(controller);
      activeWorkers.remove(controller);
      maxConcurrent.remove(controller);
      managed.remove(controller);
      depth.remove({ name: id, controller: id, priority: '' });
      adds.remove(queue);
      retries.remove(queue);
      queueDuration.remove(queue);
      workDuration.remove(queue);
    },

    setSnapshotSource(fn) {
      snapshotSource = fn;
    },
    setWatchCount(fn) {
      watchCount = fn;
    },
    setBoxOwners(fn) {
      boxOwners = fn;
    },
  };
}
