// Shared child watches against a scripted API client: one reflector per resource whatever the
// number of holders, and a refused LIST that rejects `ready()` with the server's reason instead of
// leaving the caller waiting, then tells subscribers when it works again. The real API server and
// RBAC are exercised in e2e/child-watch-lifecycle.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApiClient, ApiError, type ApiRequest } from './api-client.ts';
import { ChildWatchError, createChildWatches } from './child-watches.ts';
import type { KubeStatus } from './object.ts';

const secrets = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };
const FORBIDDEN =
  'secrets is forbidden: User "system:serviceaccount:ops:orkestra" cannot list resource "secrets" in API group "" at the cluster scope';

/** Lists are refused with 403 while `allowed` is false; watches stay open and quiet until stopped. */
function client(state: { allowed: boolean; lists: number }): ApiClient {
  return {
    server: 'https://fake',
    async request<T>(req: ApiRequest): Promise<T> {
      state.lists++;
      if (!state.allowed) {
        const status: KubeStatus = { kind: 'Status', code: 403, reason: 'Forbidden', message: FORBIDDEN };
        throw new ApiError('GET', req.path, 403, status, JSON.stringify(status));
      }
      return { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: '5' }, items: [] } as T;
    },
    async stream(_path, _query, _onLine, signal, onActivity) {
      onActivity?.();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
    observe() {},
    openStreams: () => [],
    close() {},
  };
}

const quiet = { onChild: () => {} };

test('holders of one resource share one watch, which stops with the last release', async () => {
  const state = { allowed: true, lists: 0 };
  const watches = createChildWatches(client(state));
  const a = watches.acquire(secrets, quiet);
  const b = watches.acquire(secrets, quiet);
  await Promise.all([a.ready(), b.ready()]);
  assert.equal(watches.count(), 1);
  assert.equal(state.lists, 1, 'one LIST for both holders');
  await a.release();
  assert.equal(watches.count(), 1, 'still held by b');
  await b.release();
  assert.equal(watches.count(), 0);
});

test('a refused LIST rejects ready() with the reason, and subscribers hear when it is allowed', async () => {
  const state = { allowed: false, lists: 0 };
  const watches = createChildWatches(client(state));
  let readyCalls = 0;
  const held = watches.acquire(secrets, { onChild: () => {}, onReady: () => readyCalls++ });
  const refused = await held.ready().then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(refused instanceof ChildWatchError);
  assert.equal(refused.refused, true);
  assert.match(refused.message, /^cannot watch child resource secrets: secrets is forbidden: User/);
  assert.match(refused.message, /system:serviceaccount:ops:orkestra" cannot list resource "secrets"/);
  assert.match(refused.message, /grant get, list and watch on secrets/);
  assert.equal(readyCalls, 0);

  state.allowed = true; // the reflector retries after its backoff
  const deadline = Date.now() + 5_000;
  while (readyCalls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(readyCalls, 1, 'the subscriber heard the watch became ready');
  await held.ready();
  await watches.stopAll();
});

test('ready() waits for the first list and rejects if the watch is released first', async () => {
  let answer: () => void = () => {};
  const slow: ApiClient = {
    ...client({ allowed: true, lists: 0 }),
    request: <T>() =>
      new Promise<T>((resolve) => {
        answer = () => resolve({ apiVersion: 'v1', kind: 'SecretList', metadata: {}, items: [] } as T);
      }),
  };
  const watches = createChildWatches(slow);
  const first = watches.acquire(secrets, quiet);
  const waiting = first.ready();
  let settled = false;
  waiting.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(settled, false, 'still waiting for the first list');
  answer();
  await waiting;

  // A list that never answers until it is aborted.
  const hanging = <T>(req: ApiRequest) =>
    new Promise<T>((_resolve, reject) =>
      req.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
    );
  const second = createChildWatches({ ...slow, request: hanging });
  const held = second.acquire(secrets, quiet);
  const pending = held.ready();
  await held.release();
  await assert.rejects(pending, /released/);
  await watches.stopAll();
});

test('a refused WATCH after a good LIST also fails ready(), until a watch is accepted again', async () => {
  const state = { allowed: true, lists: 0 };
  let watchAllowed = false;
  const base = client(state);
  const watchRefused: ApiClient = {
    ...base,
    async stream(path, query, onLine, signal, onActivity) {
      if (!watchAllowed) {
        const message = FORBIDDEN.replace('cannot list', 'cannot watch');
        throw new ApiError('WATCH', path, 403, { kind: 'Status', code: 403, reason: 'Forbidden', message }, message);
      }
      await base.stream(path, query, onLine, signal, onActivity);
    },
  };
  const watches = createChildWatches(watchRefused);
  let readyCalls = 0;
  const held = watches.acquire(secrets, { onChild: () => {}, onReady: () => readyCalls++ });
  const deadline = Date.now() + 5_000;
  let refused: unknown;
  while (!refused && Date.now() < deadline) {
    refused = await held.ready().then(
      () => new Promise((r) => setTimeout(r, 10)).then(() => undefined),
      (err: unknown) => err,
    );
  }
  assert.ok(refused instanceof ChildWatchError);
  assert.match(refused.message, /cannot watch resource "secrets"/);
  const before = readyCalls;
  watchAllowed = true;
  while (readyCalls === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(readyCalls, before + 1, 'the subscriber heard the watch was accepted');
  await held.ready();
  await watches.stopAll();
});

test('held() lists the synced caches without starting a watch, and drops released ones', async (t) => {
  const refusing = createChildWatches(client({ allowed: false, lists: 0 }));
  t.after(() => refusing.stopAll());
  const refused = refusing.acquire(secrets, quiet);
  await refused.ready().catch(() => {});
  assert.deepEqual(refusing.held(), [], 'a refused watch is not a cache to read');

  const state = { allowed: true, lists: 0 };
  const watches = createChildWatches(client(state));
  t.after(() => watches.stopAll());
  assert.deepEqual(watches.held(), []);
  assert.equal(state.lists, 0, 'asking starts nothing');
  const a = watches.acquire(secrets, quiet);
  await a.ready();
  assert.deepEqual(
    watches.held().map((h) => [h.resource.plural, h.cache === a.cache]),
    [['secrets', true]],
  );
  await a.release();
  assert.deepEqual(watches.held(), []);
});
