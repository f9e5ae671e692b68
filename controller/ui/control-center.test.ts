import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../kube/object.ts';
import { silentLogger } from '../observe/log.ts';
import { createMetrics } from '../observe/metrics.ts';
import { type ObserveServer, startObserveServer } from '../observe/server.ts';
import type { UiAccess } from './access.ts';
import { CONTENT_SECURITY_POLICY, createControlCenter, type RunningBox } from './control-center.ts';

const TOKEN = 'test-token-0123456789';

function fakeBox(objects: Map<string, KubeObject>): RunningBox {
  return {
    config: () => ({
      id: 'k/site',
      katalog: 'k',
      name: 'site',
      resource: { group: 'demo.orkestra.io', version: 'v1', kind: 'Website', plural: 'websites', namespaced: true },
      box: { apiTypes: { group: 'demo.orkestra.io', version: 'v1', kind: 'Website' } },
      katalogFinalizers: [],
      hasStatusSubresource: true,
      generation: 1,
    }),
    reflector: { cache: { list: () => [...objects.values()], get: (k) => objects.get(k) } },
  };
}

async function serve(access: Exclude<UiAccess, { mode: 'off' }>, objects: Map<string, KubeObject>) {
  const ui = createControlCenter({
    access,
    logger: silentLogger,
    katalogs: () => [{ name: 'k', boxes: [{ name: 'site', phase: 'Running', gvk: 'demo.orkestra.io/v1/Website' }] }],
    boxes: () => new Map([['k/site', fakeBox(objects)]]),
    replica: () => ({ role: 'single' }),
    events: { about: () => [] },
    tickMs: 20,
  });
  return startObserveServer({
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    metrics: createMetrics(),
    health: { ready: () => ({ ready: true }), katalogs: () => [] },
    ui,
  });
}

/** Reads `text/event-stream` views until `done` accepts one. */
async function readViews(res: Response, done: (view: { kind: string; total?: number }) => boolean) {
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  const seen: { kind: string; total?: number }[] = [];
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) throw new Error('stream ended');
    buffered += value;
    for (const m of buffered.matchAll(/event: view\ndata: (.*)\n\n/g)) {
      const view = JSON.parse(m[1] ?? '{}');
      seen.push(view);
      if (done(view)) {
        await reader.cancel();
        return seen;
      }
    }
    buffered = buffered.slice(buffered.lastIndexOf('\n\n') + 2);
  }
}

const site = (name: string): KubeObject => ({
  apiVersion: 'demo.orkestra.io/v1',
  kind: 'Website',
  metadata: { name, namespace: 'ns', uid: name },
});

// First in the file: nothing else here has loaded Express yet.
test('Express is loaded by the first Control Center request, not by probes and scrapes', async () => {
  const expressLoaded = () =>
    Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('/node_modules/express/'));
  const server = await serve({ mode: 'open' }, new Map());
  try {
    const base = `http://127.0.0.1:${server.port}`;
    for (const path of ['/healthz', '/readyz', '/metrics', '/api/katalogs'])
      assert.equal((await fetch(base + path)).status, 200, path);
    assert.equal(expressLoaded(), false, 'Express loaded before any Control Center request');
    assert.equal((await fetch(`${base}/`)).status, 200);
    assert.equal(expressLoaded(), true, 'the Control Center is served by Express');
    assert.equal((await fetch(`${base}/no/such/page`)).status, 404);
  } finally {
    await server.close();
  }
});

describe('Control Center server, open (loopback)', () => {
  let server: ObserveServer;
  let base: string;
  const objects = new Map([['ns/a', site('a')]]);
  before(async () => {
    server = await serve({ mode: 'open' }, objects);
    base = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  test('deep links get the page shell with a strict CSP and no inline script', async () => {
    for (const path of ['/', '/katalogs/k/boxes/site', '/katalogs/k/boxes/site/namespaces/ns/a']) {
      const res = await fetch(base + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      const html = await res.text();
      assert.match(html, /<script type="module" src="\/ui\/app\.js"><\/script>/);
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(html, /\bstyle=|<style/, 'no inline style');
    }
    const deep = await fetch(`${base}/katalogs/k/boxes/site?ns=team-a&page=2`);
    assert.equal(
      deep.headers.get('link'),
      '</api/ui/view?view=box&katalog=k&box=site&ns=team-a&page=2>; rel=preload; as=fetch; crossorigin=anonymous',
      'the shell preloads its first view',
    );
    const js = await fetch(`${base}/ui/app.js`);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal((await fetch(`${base}/ui/nope.js`)).status, 404);
  });

  test('read-only: writes are not routed', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      assert.equal((await fetch(`${base}/api/ui/view?view=overview`, { method })).status, 404, method);
    }
  });

  test('the stream sends the view at once and again when the cache changes', async () => {
    const res = await fetch(`${base}/api/ui/stream?view=box&katalog=k&box=site`);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const views = await readViews(res, (v) => {
      if (v.total === 1) objects.set('ns/b', site('b'));
      return v.total === 2;
    });
    assert.deepEqual(
      views.map((v) => v.total),
      [1, 2],
      'an unchanged view is not sent again',
    );
  });

  test('unknown boxes answer a not-found view', async () => {
    const res = await fetch(`${base}/api/ui/view?view=resource&katalog=k&box=nope&namespace=ns&name=a`);
    assert.deepEqual(await res.json(), { kind: 'notfound', message: 'box "nope" not found in Katalog "k"' });
  });
});

describe('Control Center server, with a token', () => {
  let server: ObserveServer;
  let base: string;
  before(async () => {
    server = await serve({ mode: 'token', token: TOKEN }, new Map());
    base = `http://127.0.0.1:${server.port}`;
  });

  test('data needs the bearer token; the shell, probes and metrics do not', async () => {
    for (const auth of [undefined, 'Bearer wrong-token-0123456789', TOKEN]) {
      const res = await fetch(`${base}/api/ui/view?view=overview`, auth ? { headers: { authorization: auth } } : {});
      assert.equal(res.status, 401, String(auth));
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="orkestra"');
    }
    const stream = await fetch(`${base}/api/ui/stream?view=overview`);
    assert.equal(stream.status, 401);
    const ok = await fetch(`${base}/api/ui/view?view=overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { kind: string }).kind, 'overview');
    assert.equal((await fetch(`${base}/`)).status, 200);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  test('closing the server ends open streams', async () => {
    const res = await fetch(`${base}/api/ui/stream?view=overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    await server.close();
    await assert.rejects(
      readViews(res, () => false),
      /stream ended|terminated/,
    );
  });
});
