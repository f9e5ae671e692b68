import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { BOX_PHASES } from '../../api-types/box.ts';
import type { BoxMetrics } from '../box/operator-box.ts';
import { createQueueTimings } from '../kube/queue-metrics.ts';
import {
  APPLY_RESULTS,
  createMetrics,
  RECONCILE_RESULTS,
  RECONCILE_TIME_BUCKETS,
  WORKQUEUE_DURATION_BUCKETS,
} from './metrics.ts';

const idle = () => ({ unfinishedWorkSeconds: 0, longestRunningProcessorSeconds: 0 });

/** Sample lines (no comments) of the exposition text. */
async function lines(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l && !l.startsWith('#'));
}

async function types(registry: Registry): Promise<Map<string, string>> {
  return new Map((await registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
}

/** Label names of every sample of one metric (ignoring `le`). */
async function labelSets(registry: Registry, name: string): Promise<Set<string>> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  const { values } = await metric.get();
  return new Set(
    values.map((v) =>
      Object.keys(v.labels)
        .filter((l) => l !== 'le')
        .sort()
        .join(','),
    ),
  );
}

async function bucketBounds(registry: Registry, name: string): Promise<number[]> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric);
  // Histogram samples carry the series name (`_bucket`, `_sum`, `_count`).
  const values = (await metric.get()).values as { labels: Record<string, string | number>; metricName?: string }[];
  return values
    .filter((v) => v.metricName === `${name}_bucket` && v.labels.le !== '+Inf')
    .map((v) => Number(v.labels.le));
}

describe('controller-runtime metric families', () => {
  test('names, types and label sets match controller-runtime', async () => {
    const m = createMetrics();
    m.boxMetrics('k/web', idle);
    const t = await types(m.registry);
    const expected: [string, string, string][] = [
      ['controller_runtime_reconcile_total', 'counter', 'controller,result'],
      ['controller_runtime_reconcile_errors_total', 'counter', 'controller'],
      ['controller_runtime_reconcile_time_seconds', 'histogram', 'controller'],
      ['controller_runtime_active_workers', 'gauge', 'controller'],
      ['workqueue_depth', 'gauge', 'controller,name,priority'],
      ['workqueue_adds_total', 'counter', 'controller,name'],
      ['workqueue_queue_duration_seconds', 'histogram', 'controller,name'],
      ['workqueue_work_duration_seconds', 'histogram', 'controller,name'],
      ['workqueue_retries_total', 'counter', 'controller,name'],
      ['workqueue_unfinished_work_seconds', 'gauge', 'controller,name'],
      ['workqueue_longest_running_processor_seconds', 'gauge', 'controller,name'],
    ];
    for (const [name, type, labels] of expected) {
      assert.equal(t.get(name), type, `${name} type`);
      assert.deepEqual(await labelSets(m.registry, name), new Set([labels]), `${name} labels`);
    }
    assert.equal(t.get('controller_runtime_max_concurrent_reconciles'), 'gauge');
  });

  test('histogram buckets equal controller-runtime', async () => {
    const m = createMetrics();
    m.boxMetrics('k/web', idle);
    // pkg/internal/controller/metrics/metrics.go, ReconcileTime.
    const reconcile = [
      0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5,
      1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
    ];
    assert.deepEqual(RECONCILE_TIME_BUCKETS, reconcile);
    assert.deepEqual(await bucketBounds(m.registry, 'controller_runtime_reconcile_time_seconds'), reconcile);
    // pkg/metrics/workqueue.go: ExponentialBuckets(10e-9, 10, 12) is 1e-8 · 10^i for i in 0..11.
    const workqueue = Array.from({ length: 12 }, (_, i) => Number(`1e${i - 8}`));
    assert.deepEqual(WORKQUEUE_DURATION_BUCKETS, workqueue);
    for (const name of ['workqueue_queue_duration_seconds', 'workqueue_work_duration_seconds']) {
      assert.deepEqual(await bucketBounds(m.registry, name), workqueue, name);
    }
    const text = await m.registry.metrics();
    assert.doesNotMatch(text, /le="[0-9.]*9999/, 'no floating-point noise in bucket bounds');
  });

  test('a new box has every series at 0, as controller-runtime initMetrics does', async () => {
    const m = createMetrics();
    m.boxMetrics('k/web', idle);
    const l = await lines(m.registry);
    for (const result of RECONCILE_RESULTS) {
      assert.ok(l.includes(`controller_runtime_reconcile_total{controller="k/web",result="${result}"} 0`), result);
    }
    for (const sample of [
      'controller_runtime_reconcile_errors_total{controller="k/web"} 0',
      'controller_runtime_active_workers{controller="k/web"} 0',
      'controller_runtime_reconcile_time_seconds_count{controller="k/web"} 0',
      'workqueue_depth{name="k/web",controller="k/web",priority=""} 0',
      'workqueue_adds_total{name="k/web",controller="k/web"} 0',
      'workqueue_retries_total{name="k/web",controller="k/web"} 0',
      'workqueue_queue_duration_seconds_count{name="k/web",controller="k/web"} 0',
      'workqueue_work_duration_seconds_count{name="k/web",controller="k/web"} 0',
      'workqueue_unfinished_work_seconds{name="k/web",controller="k/web"} 0',
      'workqueue_longest_running_processor_seconds{name="k/web",controller="k/web"} 0',
    ]) {
      assert.ok(l.includes(sample), sample);
    }
  });

  test('reconcile hooks count results, errors and durations', async () => {
    const m = createMetrics();
    const hooks: BoxMetrics = m.boxMetrics('k/web', idle);
    hooks.reconciled?.('success', 0.02);
    hooks.reconciled?.('success', 0.3);
    hooks.reconciled?.('error', 1.1);
    hooks.reconciled?.('requeue_after', 0.004);
    hooks.setActiveWorkers?.(3);
    const l = await lines(m.registry);
    for (const sample of [
      'controller_runtime_reconcile_total{controller="k/web",result="success"} 2',
      'controller_runtime_reconcile_total{controller="k/web",result="error"} 1',
      'controller_runtime_reconcile_total{controller="k/web",result="requeue_after"} 1',
      'controller_runtime_reconcile_total{controller="k/web",result="requeue"} 0',
      'controller_runtime_reconcile_errors_total{controller="k/web"} 1',
      'controller_runtime_reconcile_time_seconds_count{controller="k/web"} 4',
      'controller_runtime_reconcile_time_seconds_bucket{le="0.005",controller="k/web"} 1',
      'controller_runtime_reconcile_time_seconds_bucket{le="0.3",controller="k/web"} 3',
      'controller_runtime_active_workers{controller="k/web"} 3',
    ]) {
      assert.ok(l.includes(sample), sample);
    }
  });

  test('queue hooks fed by the real queue timings', async () => {
    const m = createMetrics();
    let now = 0;
    let inFlight: (() => ReturnType<typeof idle>) | undefined;
    const hooks = m.boxMetrics('k/web', () => inFlight?.());
    const timings = createQueueTimings({ now: () => now }, hooks.queue);
    inFlight = () => timings.unfinishedWork();
    timings.added('ns/a', 1);
    timings.added('ns/b', 2);
    now = 250;
    timings.taken('ns/a', 1);
    now = 1250;
    timings.taken('ns/b', 0);
    now = 2250;
    hooks.queue?.retry();
    const l = await lines(m.registry);
    for (const sample of [
      'workqueue_adds_total{name="k/web",controller="k/web"} 2',
      'workqueue_depth{name="k/web",controller="k/web",priority=""} 0',
      'workqueue_queue_duration_seconds_count{name="k/web",controller="k/web"} 2',
      'workqueue_queue_duration_seconds_sum{name="k/web",controller="k/web"} 1.5',
      'workqueue_retries_total{name="k/web",controller="k/web"} 1',
      // a in flight for 2 s, b for 1 s.
      'workqueue_unfinished_work_seconds{name="k/web",controller="k/web"} 3',
      'workqueue_longest_running_processor_seconds{name="k/web",controller="k/web"} 2',
    ]) {
      assert.ok(l.includes(sample), sample);
    }
    timings.finished('ns/a');
    const after = await lines(m.registry);
    assert.ok(after.includes('workqueue_work_duration_seconds_count{name="k/web",controller="k/web"} 1'));
    assert.ok(after.includes('workqueue_work_duration_seconds_sum{name="k/web",controller="k/web"} 2'));
    assert.ok(after.includes('workqueue_longest_running_processor_seconds{name="k/web",controller="k/web"} 1'));
  });
});

describe('removeBox', () => {
  test('drops every series of the box and leaves the others', async () => {
    const m = createMetrics();
    const web = m.boxMetrics('k/web', idle);
    m.boxMetrics('k/db', idle);
    const apply = m.applyCounter('k/web');
    web.reconciled?.('error', 0.1);
    web.queue?.add();
    apply('created');
    m.setSnapshotSource(() => [
      { id: 'k/web', phase: 'Running', managed: 2, workers: 1 },
      { id: 'k/db', phase: 'Running', managed: 1, workers: 1 },
    ]);
    assert.ok((await lines(m.registry)).some((l) => l.includes('"k/web"')));

    m.setSnapshotSource(() => [{ id: 'k/db', phase: 'Running', managed: 1, workers: 1 }]);
    m.removeBox('k/web');
    const l = await lines(m.registry);
    assert.deepEqual(
      l.filter((x) => x.includes('k/web')),
      [],
    );
    assert.ok(l.includes('controller_runtime_reconcile_total{controller="k/db",result="success"} 0'));
    assert.ok(l.includes('workqueue_depth{name="k/db",controller="k/db",priority=""} 0'));
  });

  test('hooks handed out before removal stay silent; a restarted box starts fresh hooks', async () => {
    const m = createMetrics();
    const old = m.boxMetrics('k/web', idle);
    const oldApply = m.applyCounter('k/web');
    m.removeBox('k/web');
    old.reconciled?.('success', 0.1);
    old.setActiveWorkers?.(0);
    old.queue?.depth(0);
    oldApply('updated');
    assert.deepEqual(
      (await lines(m.registry)).filter((x) => x.includes('k/web')),
      [],
    );

    const again = m.boxMetrics('k/web', idle);
    again.reconciled?.('success', 0.1);
    old.reconciled?.('success', 0.1);
    assert.ok(
      (await lines(m.registry)).includes('controller_runtime_reconcile_total{controller="k/web",result="success"} 1'),
    );
  });
});

describe('Orkestra metrics', () => {
  test('orkestra_boxes lists every phase, even at 0', async () => {
    const m = createMetrics();
    const l = await lines(m.registry);
    for (const phase of BOX_PHASES) assert.ok(l.includes(`orkestra_boxes{phase="${phase}"} 0`), phase);

    m.setSnapshotSource(() => [
      { id: 'k/a', phase: 'Running', managed: 1, workers: 1 },
      { id: 'k/b', phase: 'Running', managed: 0, workers: 1 },
      { id: 'k/c', phase: 'WaitingForCRD', managed: 0, workers: 0 },
    ]);
    const counted = await lines(m.registry);
    assert.ok(counted.includes('orkestra_boxes{phase="Running"} 2'));
    assert.ok(counted.includes('orkestra_boxes{phase="WaitingForCRD"} 1'));
    assert.ok(counted.includes('orkestra_boxes{phase="Degraded"} 0'));
    assert.equal(counted.filter((x) => x.startsWith('orkestra_boxes{')).length, BOX_PHASES.length);
  });

  test('managed objects and max concurrent reconciles come from the snapshot at scrape time', async () => {
    const m = createMetrics();
    m.boxMetrics('k/a', idle);
    let managed = 4;
    m.setSnapshotSource(() => [
      { id: 'k/a', phase: 'Running', managed, workers: 3 },
      { id: 'k/b', phase: 'WaitingForCRD', managed: 0, workers: 0 },
    ]);
    let l = await lines(m.registry);
    assert.ok(l.includes('orkestra_managed_objects{controller="k/a"} 4'));
    assert.ok(l.includes('orkestra_managed_objects{controller="k/b"} 0'));
    assert.ok(l.includes('controller_runtime_max_concurrent_reconciles{controller="k/a"} 3'));
    assert.ok(
      !l.some((x) => x.startsWith('controller_runtime_max_concurrent_reconciles{controller="k/b"}')),
      'only started boxes report max_concurrent_reconciles, as upstream',
    );
    managed = 7;
    l = await lines(m.registry);
    assert.ok(l.includes('orkestra_managed_objects{controller="k/a"} 7'));
  });

  test('apply counter, watch count and build info', async () => {
    const m = createMetrics(new Registry(), { version: '1.2.3' });
    const apply = m.applyCounter('k/web');
    apply('created');
    apply('created');
    apply('pruned');
    m.setWatchCount(() => 5);
    const l = await lines(m.registry);
    assert.ok(l.includes('orkestra_apply_total{controller="k/web",result="created"} 2'));
    assert.ok(l.includes('orkestra_apply_total{controller="k/web",result="pruned"} 1'));
    for (const result of APPLY_RESULTS) {
      assert.ok(
        l.some((x) => x.startsWith(`orkestra_apply_total{controller="k/web",result="${result}"}`)),
        result,
      );
    }
    assert.ok(l.includes('orkestra_watch_count 5'));
    assert.ok(l.includes('orkestra_build_info{version="1.2.3"} 1'));
  });

  test('hook calls are counted by box and code and timed by box; removeBox drops them', async () => {
    const m = createMetrics(new Registry(), { defaultMetrics: false });
    m.observeHook('k/web', '200', 0.002);
    m.observeHook('k/web', '200', 0.004);
    m.observeHook('k/web', 'timeout', 1);
    m.observeHook('k/db', '503', 0.1);
    let l = await lines(m.registry);
    assert.ok(l.includes('orkestra_hook_requests_total{box="k/web",code="200"} 2'));
    assert.ok(l.includes('orkestra_hook_requests_total{box="k/web",code="timeout"} 1'));
    assert.ok(l.includes('orkestra_hook_duration_seconds_count{box="k/web"} 3'));
    m.removeBox('k/web');
    l = await lines(m.registry);
    assert.ok(!l.some((x) => x.includes('box="k/web"')), 'every series of the removed box is gone');
    assert.ok(l.includes('orkestra_hook_requests_total{box="k/db",code="503"} 1'));
  });

  test('a throwing scrape-time callback is reported and does not fail the scrape', async () => {
    const errors: unknown[] = [];
    const m = createMetrics(new Registry(), { onCollectError: (err) => errors.push(err) });
    m.boxMetrics('k/web', () => {
      throw new Error('queue gone');
    });
    m.setWatchCount(() => {
      throw new Error('no watches');
    });
    const l = await lines(m.registry);
    assert.ok(l.includes('orkestra_watch_count 0'));
    assert.ok(l.includes('workqueue_unfinished_work_seconds{name="k/web",controller="k/web"} 0'));
    assert.ok(errors.length >= 2);
  });

  test('default process metrics live in the given registry', async () => {
    const registry = new Registry();
    const m = createMetrics(registry);
    assert.equal(m.registry, registry);
    const t = await types(registry);
    assert.equal(t.get('process_cpu_seconds_total'), 'counter');
    assert.equal(t.get('process_start_time_seconds'), 'gauge');
    assert.equal(
      (await types(createMetrics(new Registry(), { defaultMetrics: false }).registry)).has('process_cpu_seconds_total'),
      false,
    );
  });
});
