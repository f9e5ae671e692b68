import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { silentLogger } from './log.ts';
import { createMetrics } from './metrics.ts';
import {
  type BoxHealth,
  type HealthSource,
  type KatalogHealth,
  type ObserveServer,
  startObserveServer,
} from './server.ts';

/** A health source the tests steer directly. */
function fakeHealth() {
  const web: BoxHealth & { reconciles: number; errors: number } = {
    name: 'web',
    phase: 'Running',
    gvk: 'demo.orkestra.io/v1/Website',
    workers: 2,
    managed: 3,
    queueDepth: 1,
    reconciles: 0,
    errors: 0,
    lastError: 'boom',
    lastErrorAt: '2026-01-01T00:00:00.000Z',
    lastSuccessAt: '2026-01-01T00:01:00.000Z',
  };
  const state = {
    ready: { ready: true } as { ready: boolean; reason?: string },
    web,
    throwOnKatalogs: false,
  };
  const source: HealthSource = {
    ready: () => state.ready,
    katalogs(): KatalogHealth[] {
      if (state.throwOnKatalogs) throw new Error('secret internal detail');
      return [
        {
          name: 'k',
          boxes: [
            { ...state.web },
            { name: 'db', phase: 'WaitingForCRD', gvk: 'demo.orkestra.io/v1/Database', message: 'CRD not found' },
          ],
        },
      ];
    },
  };
  return { state, source };
}

describe('observe server', () => {
  const clock = { t: 0 };
  const { state, source } = fakeHealth();
  const metrics = createMetrics(new Registry(), { version: 'test' });
  let server: ObserveServer;
  let base: string;

  const get = (path: string) => fetch(`${base}${path}`);

  before(async () => {
    server = await startObserveServer({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      metrics,
      health: source,
      now: () => clock.t,
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.close();
  });

  test('listens on the actual port when asked for 0', () => {
    assert.ok(server.port > 0);
  });

  test('GET /metrics serves the registry in the Prometheus text format', async () => {
    const hooks = metrics.boxMetrics('k/web', () => undefined);
    hooks.reconciled?.('success', 0.01);
    const res = await get('/metrics');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    assert.match(body, /^controller_runtime_reconcile_total\{controller="k\/web",result="success"\} 1$/m);
    assert.match(body, /^# TYPE workqueue_depth gauge$/m);
    assert.match(body, /^process_cpu_seconds_total /m);
  });

  test('GET /healthz says ok', async () => {
    const res = await get('/healthz');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok');
  });

  test('GET /readyz follows health.ready()', async () => {
    const ok = await get('/readyz');
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'ok');

    state.ready = { ready: false, reason: 'caches not synced' };
    const notReady = await get('/readyz');
    assert.equal(notReady.status, 503);
    assert.match(notReady.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await notReady.json(), { ready: false, reason: 'caches not synced' });
    state.ready = { ready: true };
  });

  test('GET /api/katalogs lists Katalogs with their boxes', async () => {
    const res = await get('/api/katalogs');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), [
      {
        name: 'k',
        boxes: [
          { name: 'web', phase: 'Running', gvk: 'demo.orkestra.io/v1/Website', workers: 2, managed: 3, queueDepth: 1 },
          {
            name: 'db',
            phase: 'WaitingForCRD',
            gvk: 'demo.orkestra.io/v1/Database',
            workers: 0,
            managed: 0,
            queueDepth: 0,
          },
        ],
      },
    ]);
  });

  test('GET box health reports rates over the last minute', async () => {
    // The server sampled at start (t = 0, counters at 0); 20 s later there were 40 reconciles, 4 failed.
    clock.t = 20_000;
    state.web.reconciles = 40;
    state.web.errors = 4;
    const res = await get('/api/katalogs/k/boxes/web/health');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      katalog: 'k',
      box: 'web',
      phase: 'Running',
      gvk: 'demo.orkestra.io/v1/Website',
      queueDepth: 1,
      workers: 2,
      managed: 3,
      reconcileRate: 2,
      errorRate: 0.2,
      lastError: 'boom',
      lastErrorAt: '2026-01-01T00:00:00.000Z',
      lastSuccessAt: '2026-01-01T00:01:00.000Z',
      message: '',
    });
  });

  test('GET /api/katalogs/:name details every box', async () => {
    const res = await get('/api/katalogs/k');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { name: string; boxes: Record<string, unknown>[] };
    assert.equal(body.name, 'k');
    assert.deepEqual(
      body.boxes.map((b) => b.box),
      ['web', 'db'],
    );
    assert.deepEqual(body.boxes[1], {
      katalog: 'k',
      box: 'db',
      phase: 'WaitingForCRD',
      gvk: 'demo.orkestra.io/v1/Database',
      queueDepth: 0,
      workers: 0,
      managed: 0,
      reconcileRate: 0,
      errorRate: 0,
      lastError: null,
      lastErrorAt: null,
      lastSuccessAt: null,
      message: 'CRD not found',
    });
  });

  test('unknown names give 404 JSON', async () => {
    for (const [path, error] of [
      ['/api/katalogs/nope', 'katalog "nope" not found'],
      ['/api/katalogs/nope/boxes/web/health', 'katalog "nope" not found'],
      ['/api/katalogs/k/boxes/nope/health', 'box "nope" not found in katalog "k"'],
    ] as const) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await res.json(), { error }, path);
    }
    const route = await get('/no/such/route');
    assert.equal(route.status, 404);
    assert.deepEqual(await route.json(), { error: 'no route for GET /no/such/route' });
  });

  test('a thrown error gives 500 JSON with no stack or detail', async () => {
    state.throwOnKatalogs = true;
    try {
      for (const path of ['/api/katalogs', '/api/katalogs/k', '/api/katalogs/k/boxes/web/health']) {
        const res = await get(path);
        assert.equal(res.status, 500, path);
        const text = await res.text();
        assert.deepEqual(JSON.parse(text), { error: 'internal server error' });
        assert.doesNotMatch(text, /secret|at .*\.ts/);
      }
    } finally {
      state.throwOnKatalogs = false;
    }
  });
});

describe('observe server lifecycle', () => {
  test('close() ends the server, including kept-alive connections, and is idempotent', async () => {
    const { source } = fakeHealth();
    const server = await startObserveServer({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      metrics: createMetrics(new Registry(), { defaultMetrics: false }),
      health: source,
    });
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    assert.equal(await res.text(), 'ok');
    await Promise.all([server.close(), server.close()]);
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/healthz`));
  });

  test('a port in use rejects the start', async () => {
    const { source } = fakeHealth();
    const opts = {
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      metrics: createMetrics(new Registry(), { defaultMetrics: false }),
      health: source,
    };
    const first = await startObserveServer(opts);
    try {
      await assert.rejects(startObserveServer({ ...opts, port: first.port }), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
