// The reflector's loop against a scripted API client: what it lists, how it resumes, what it
// does on 410 Gone and on a throwing handler. The real API server is exercised in e2e/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApiClient, ApiError, type ApiRequest, type Query } from './api-client.ts';
import type { KubeObject } from './object.ts';
import { startReflector } from './reflector.ts';

const resource = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

function cm(name: string, rv: string, uid = `uid-${name}`): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns', name, resourceVersion: rv, uid } };
}

type Script = (query: Query, emit: (line: string) => void, signal: AbortSignal, accepted?: () => void) => Promise<void>;

/** A client whose lists return `lists` in turn and whose watches run `watches` in turn. */
function scriptedClient(lists: KubeObject[][], watches: Script[]) {
  const calls: { kind: 'list' | 'watch'; query: Query; at?: number }[] = [];
  let listIndex = 0;
  let watchIndex = 0;
  const client: ApiClient = {
    server: 'https://fake',
    async request<T>(req: ApiRequest): Promise<T> {
      calls.push({ kind: 'list', query: req.query ?? {} });
      const items = lists[Math.min(listIndex++, lists.length - 1)] ?? [];
      const rv = String(100 + listIndex);
      return {
        apiVersion: 'v1',
        kind: 'ConfigMapList',
        metadata: { resourceVersion: rv },
        items: structuredClone(items),
      } as T;
    },
    async stream(_path, query, onLine, signal, onActivity) {
      calls.push({ kind: 'watch', query, at: performance.now() });
      const script = watches[watchIndex++];
      if (!script) {
        // No more scripted watches: hang until stopped, like a quiet healthy watch.
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        return;
      }
      await script(query, onLine, signal, onActivity);
    },
    observe() {},
    openStreams: () => [],
    close() {},
  };
  return { client, calls };
}

const line = (type: string, object: unknown) => JSON.stringify({ type, object });

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

test('lists, then watches from the list resourceVersion with bookmarks, applying events to the cache', async () => {
  const seen: string[] = [];
  const { client, calls } = scriptedClient(
    [[cm('a', '1'), cm('b', '2')]],
    [
      async (_q, emit) => {
        emit(line('ADDED', cm('c', '102')));
        emit(line('MODIFIED', cm('a', '103')));
        emit(line('DELETED', cm('b', '104')));
        emit(line('BOOKMARK', { metadata: { resourceVersion: '110' } }));
      },
    ],
  );
  const r = startReflector({
    client,
    resource,
    handler: {
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_o, n) => seen.push(`update ${n.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    },
    backoffInitialMs: 1,
  });
  await r.waitForSync();
  await until(() => calls.filter((c) => c.kind === 'watch').length >= 2, 'the second watch');
  await r.stop();
  assert.deepEqual(seen, ['add a', 'add b', 'add c', 'update a', 'delete b']);
  assert.deepEqual(r.cache.keys().sort(), ['ns/a', 'ns/c']);
  const [first, second] = calls.filter((c) => c.kind === 'watch');
  assert.equal(first?.query.resourceVersion, '101');
  assert.equal(first?.query.allowWatchBookmarks, true);
  assert.equal(second?.query.resourceVersion, '110', 'resumes from the bookmark, no relist');
  assert.equal(calls.filter((c) => c.kind === 'list').length, 1);
});

test('an ERROR 410 event relists and emits only the differences', async () => {
  const seen: string[] = [];
  const { client, calls } = scriptedClient(
    [
      [cm('a', '1'), cm('b', '2')],
      [cm('a', '1'), cm('c', '5')],
    ],
    [async (_q, emit) => emit(line('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }))],
  );
  const r = startReflector({
    client,
    resource,
    handler: {
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_o, n) => seen.push(`update ${n.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    },
    backoffInitialMs: 1,
  });
  await until(() => calls.filter((c) => c.kind === 'list').length === 2 && calls.at(-1)?.kind === 'watch', 'relist');
  await r.stop();
  assert.deepEqual(seen, ['add a', 'add b', 'add c', 'delete b']);
  assert.equal(r.stats().lists, 2);
});

test('a handler that throws neither stalls the stream nor loses cache updates', async () => {
  const names: string[] = [];
  const { client, calls } = scriptedClient(
    [[]],
    [
      async (_q, emit) => {
        emit(line('ADDED', cm('boom', '2')));
        emit(line('ADDED', cm('fine', '3')));
      },
    ],
  );
  const r = startReflector({
    client,
    resource,
    handler: {
      onAdd: (o) => {
        names.push(o.metadata.name);
        if (o.metadata.name === 'boom') throw new Error('handler bug');
      },
    },
    logger: { info() {}, error() {} },
    backoffInitialMs: 1,
  });
  await until(() => calls.filter((c) => c.kind === 'watch').length >= 2, 'the next watch');
  await r.stop();
  assert.deepEqual(names, ['boom', 'fine']);
  assert.equal(r.cache.size(), 2);
  assert.equal(r.stats().handlerErrors, 1);
});

test('a failing watch backs off and resumes from the last resourceVersion without relisting', async () => {
  const { client, calls } = scriptedClient(
    [[cm('a', '1')]],
    [
      async () => {
        throw new ApiError('WATCH', '/x', 500, { message: 'boom' }, 'boom');
      },
    ],
  );
  const r = startReflector({ client, resource, backoffInitialMs: 1, logger: { info() {}, error() {} } });
  await until(() => calls.filter((c) => c.kind === 'watch').length >= 2, 'the retried watch');
  await r.stop();
  assert.equal(calls.filter((c) => c.kind === 'list').length, 1);
  const watches = calls.filter((c) => c.kind === 'watch');
  assert.equal(watches[1]?.query.resourceVersion, watches[0]?.query.resourceVersion);
});

/**
 * Fails the watch three times with `failure` under a backoff of a minute, which would stall past
 * the 2 s deadline of `until` if these failures took the growing backoff; returns the calls made.
 */
async function retriedPastBackoff(failure: () => Promise<void>, options: { unreachableBackoffMaxMs?: number } = {}) {
  const { client, calls } = scriptedClient([[cm('a', '1')]], [failure, failure, failure]);
  const r = startReflector({
    client,
    resource,
    backoffInitialMs: 60_000,
    backoffMaxMs: 60_000,
    ...options,
    logger: { info() {}, error() {} },
  });
  try {
    await until(() => calls.filter((c) => c.kind === 'watch').length >= 4, 'the watch after three failures');
  } finally {
    await r.stop();
  }
  assert.equal(calls.filter((c) => c.kind === 'list').length, 1);
  return r;
}

test('a 429 waits the Retry-After the server gives, not the growing backoff', async () => {
  const r = await retriedPastBackoff(async () => {
    const status = { code: 429, reason: 'TooManyRequests', message: 'storage is (re)initializing' };
    throw new ApiError('WATCH', '/x', 429, { ...status, details: { retryAfterSeconds: 0 } }, 'busy');
  });
  assert.equal(r.lastError(), undefined);
});

test('a 503 that names a Retry-After (an API server still installing its paths) waits that, not the backoff', async () => {
  const r = await retriedPastBackoff(async () => {
    const status = {
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'the request has been made before all known HTTP paths have been installed, please try again',
    };
    throw new ApiError('WATCH', '/x', 503, { ...status, details: { retryAfterSeconds: 0 } }, 'unavailable');
  });
  assert.equal(r.lastError(), undefined);
});

test('a watch that served for over a second resets the backoff, even when it ends in an error', async () => {
  const fail = async () => {
    throw new ApiError('WATCH', '/x', 500, { message: 'boom' }, 'boom');
  };
  // Four failures grow the backoff from 40 ms to 640 ms; then a watch serves 1.2 s and drops.
  const served: Script = async (_q, _emit, signal, accepted) => {
    accepted?.();
    await new Promise((r) => setTimeout(r, 1_200));
    if (!signal.aborted) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  };
  const { client, calls } = scriptedClient([[cm('a', '1')]], [fail, fail, fail, fail, served, fail]);
  const r = startReflector({
    client,
    resource,
    backoffInitialMs: 40,
    backoffMaxMs: 60_000,
    unreachableBackoffMaxMs: 60_000,
    logger: { info() {}, error() {} },
  });
  try {
    const deadline = Date.now() + 10_000;
    while (calls.filter((c) => c.kind === 'watch').length < 7 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    await r.stop();
  }
  const watches = calls.filter((c) => c.kind === 'watch').map((c) => c.at ?? 0);
  assert.equal(watches.length, 7, 'seven watches');
  const gap = (i: number) => (watches[i] ?? 0) - (watches[i - 1] ?? 0);
  // Before: the fourth failure waited 320-384 ms. After the served watch: 40-48 ms, then 80-96.
  assert.ok(gap(4) >= 320, `backoff grew before the served watch: ${gap(4)} ms`);
  const afterServed = gap(5) - 1_200;
  assert.ok(afterServed < 200, `retried ${afterServed.toFixed(0)} ms after the served watch dropped`);
  assert.ok(gap(6) < 200, `and ${gap(6).toFixed(0)} ms after the next failure`);
});

test('an unreachable server is retried within the short cap, not the growing backoff', async () => {
  await retriedPastBackoff(
    async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    },
    { unreachableBackoffMaxMs: 1 },
  );
});

test('a re-created object (new uid, same name) is a delete then an add', async () => {
  const seen: string[] = [];
  const { client, calls } = scriptedClient(
    [[cm('a', '1', 'u1')]],
    [async (_q, emit) => emit(line('MODIFIED', cm('a', '5', 'u2')))],
  );
  const r = startReflector({
    client,
    resource,
    handler: {
      onAdd: (o) => seen.push(`add ${o.metadata.uid}`),
      onUpdate: (_o, n) => seen.push(`update ${n.metadata.uid}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.uid}`),
    },
    backoffInitialMs: 1,
  });
  await until(() => calls.filter((c) => c.kind === 'watch').length >= 2, 'the next watch');
  await r.stop();
  assert.deepEqual(seen, ['add u1', 'delete u1', 'add u2']);
});

test('waitForSync rejects when stopped before the first list succeeds', async () => {
  const client: ApiClient = {
    server: 'https://fake',
    request: () => Promise.reject(new ApiError('GET', '/x', 403, { message: 'forbidden' }, 'forbidden')),
    stream: () => Promise.resolve(),
    observe() {},
    openStreams: () => [],
    close() {},
  };
  const r = startReflector({ client, resource, backoffInitialMs: 1, logger: { info() {}, error() {} } });
  const sync = r.waitForSync();
  await r.stop();
  await assert.rejects(sync, /stopped before syncing/);
  assert.equal(r.hasSynced(), false);
});

test('cached objects lose managedFields and last-applied by default, from lists and watches alike', async () => {
  const withBookkeeping = (o: KubeObject): KubeObject => ({
    ...o,
    metadata: {
      ...o.metadata,
      managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' },
    },
  });
  const { client } = scriptedClient(
    [[withBookkeeping(cm('listed', '1'))]],
    [async (_q, emit) => emit(line('ADDED', withBookkeeping(cm('watched', '2'))))],
  );
  const handed: KubeObject[] = [];
  const r = startReflector({ client, resource, backoffInitialMs: 1, handler: { onAdd: (o) => handed.push(o) } });
  await until(() => r.cache.size() === 2, 'both objects cached');
  await r.stop();
  for (const obj of [...r.cache.list(), ...handed]) {
    assert.equal(obj.metadata.managedFields, undefined, `${obj.metadata.name} has no managedFields`);
    assert.deepEqual(obj.metadata.annotations, { keep: 'me' });
  }
});

test('a transform replaces the default and decides what is cached', async () => {
  const { client } = scriptedClient([[cm('a', '1')]], []);
  const r = startReflector({
    client,
    resource,
    transform: (o) => ({ ...o, metadata: { ...o.metadata, labels: { slim: 'true' } } }),
  });
  await r.waitForSync();
  await r.stop();
  assert.deepEqual(r.cache.get('ns/a')?.metadata.labels, { slim: 'true' });
});
