import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApiClient, ApiError, type ApiRequest } from '../kube/api-client.ts';
import { createCache } from '../kube/cache.ts';
import { BOX_LABEL, KATALOG_LABEL, OWNER_UID_LABEL } from '../kube/child-watches.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { silentLogger } from '../observe/log.ts';
import { orphanCandidates, orphanSweep, ownerGone, ownerLookupFailure } from './orphan-sweep.ts';

const SITES: ResourceRef = { group: 'example.com', version: 'v1', kind: 'Site', plural: 'sites', namespaced: true };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const BOX = { name: 'web', katalog: 'k' };

/** A ConfigMap of box `web` owned by Site `owner` with UID `uid`; `reference: false` drops the owner reference. */
function child(
  name: string,
  uid: string,
  options: { owner?: string; box?: string; reference?: boolean; kind?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: 'ns',
      uid: `child-${name}`,
      resourceVersion: '7',
      labels: { [BOX_LABEL]: options.box ?? 'web', [KATALOG_LABEL]: 'k', [OWNER_UID_LABEL]: uid },
      ...(options.reference === false
        ? {}
        : {
            ownerReferences: [
              { apiVersion: 'example.com/v1', kind: options.kind ?? 'Site', name: options.owner ?? 'site', uid },
            ],
          }),
    },
  };
}

function watchOf(objects: KubeObject[]) {
  const cache = createCache();
  for (const o of objects) cache.upsert(o);
  return { resource: CONFIGMAPS, cache };
}

test('orphanCandidates: groups by absent owner the children of this box that carry an owner reference', () => {
  const groups = orphanCandidates(
    [
      watchOf([
        child('a-1', 'gone-a', { owner: 'a' }),
        child('a-2', 'gone-a', { owner: 'a' }),
        child('live', 'here'),
        child('other-box', 'gone-b', { box: 'api' }),
        child('unreferenced', 'gone-c', { reference: false }),
        child('other-kind', 'gone-d', { kind: 'Shop' }),
      ]),
    ],
    { ...BOX, kind: 'Site' },
    (uid) => uid === 'here',
  );
  assert.deepEqual(
    groups.map((g) => ({ uid: g.ownerUid, owner: g.owner, children: g.children.map((c) => c.object.metadata.name) })),
    [{ uid: 'gone-a', owner: { name: 'a', namespace: 'ns' }, children: ['a-1', 'a-2'] }],
  );
});

test('ownerGone: not found, or the name now holds another UID', () => {
  assert.equal(ownerGone({ state: 'gone' }, 'u1'), true);
  assert.equal(ownerGone({ state: 'alive', uid: 'u2' }, 'u1'), true);
  assert.equal(ownerGone({ state: 'alive', uid: 'u1' }, 'u1'), false);
});

test('ownerLookupFailure: only a 404 naming the owner proves it gone; a 404 for the path (kind not served) does not', () => {
  const notFound = (details?: { name: string }) =>
    new ApiError('GET', '/apis/example.com/v1/namespaces/ns/sites/a', 404, { reason: 'NotFound', details }, '');
  assert.deepEqual(ownerLookupFailure(notFound({ name: 'a' }), 'a'), { state: 'gone' });
  assert.deepEqual(ownerLookupFailure(notFound(), 'a'), { state: 'unknown' });
  assert.equal(ownerGone({ state: 'unknown' }, 'u1'), false);
  const unavailable = new ApiError('GET', '/x', 503, undefined, 'down');
  assert.throws(() => ownerLookupFailure(unavailable, 'a'), /503/);
});

/** A sweep over a fake API: `owners` answers the live GET by name (absent: 404), every call is recorded. */
function harness(
  objects: KubeObject[],
  owners: Record<string, string>,
  options: { synced?: boolean; known?: string[]; refuseDeletes?: number } = {},
) {
  let refusals = options.refuseDeletes ?? 0;
  const calls: ApiRequest[] = [];
  const enqueued: string[] = [];
  const fenced: string[] = [];
  const client = {
    request: async (req: ApiRequest) => {
      calls.push(req);
      if (req.method === 'GET') {
        const name = req.path.split('/').at(-1) ?? '';
        const uid = owners[name];
        if (uid === undefined) throw new ApiError('GET', req.path, 404, { reason: 'NotFound', details: { name } }, '');
        return { apiVersion: 'example.com/v1', kind: 'Site', metadata: { name, uid } };
      }
      if (refusals-- > 0) throw new ApiError('DELETE', req.path, 403, { reason: 'Forbidden' }, '');
      return {};
    },
  } as unknown as ApiClient;
  const sweep = orphanSweep({
    client,
    box: BOX,
    resource: SITES,
    knowsUid: (uid) => (options.synced === false ? undefined : (options.known ?? []).includes(uid)),
    watches: async () => [watchOf(objects)],
    enqueueOwner: (uid) => enqueued.push(uid),
    fenced: (work) => {
      fenced.push('write');
      return work();
    },
    logger: silentLogger,
    coalesceMs: 1,
  });
  return { sweep, calls, enqueued, fenced };
}

test('orphanSweep: a confirmed-gone owner has its children deleted with UID and resourceVersion preconditions', async () => {
  const h = harness(
    [child('a-1', 'gone-a', { owner: 'a' }), child('live', 'here', { owner: 'b' })],
    {},
    { known: ['here'] },
  );
  h.sweep.request();
  await h.sweep.idle();
  assert.deepEqual(
    h.calls.map((c) => `${c.method} ${c.path}`),
    ['GET /apis/example.com/v1/namespaces/ns/sites/a', 'DELETE /api/v1/namespaces/ns/configmaps/a-1'],
  );
  assert.deepEqual((h.calls[1]?.body as { preconditions?: unknown } | undefined)?.preconditions, {
    uid: 'child-a-1',
    resourceVersion: '7',
  });
  assert.equal(h.fenced.length, 1, 'the delete runs under the box fence');
  await h.sweep.close();
});

test('orphanSweep: an owner the cache lacks but the API server has (cache behind) keeps its children', async () => {
  const h = harness([child('a-1', 'u-a', { owner: 'a' })], { a: 'u-a' });
  h.sweep.request();
  await h.sweep.idle();
  assert.deepEqual(
    h.calls.map((c) => c.method),
    ['GET'],
  );
  // Remembered alive: the next sweep does not ask again.
  h.sweep.request();
  await h.sweep.idle();
  assert.equal(h.calls.length, 1);
  await h.sweep.close();
});

test('orphanSweep: a name re-used by a new custom resource: the old child goes and the new owner is reconciled', async () => {
  const h = harness([child('a-1', 'old-a', { owner: 'a' })], { a: 'new-a' });
  h.sweep.request();
  await h.sweep.idle();
  assert.deepEqual(
    h.calls.map((c) => c.method),
    ['GET', 'DELETE'],
  );
  assert.deepEqual(h.enqueued, ['new-a']);
  await h.sweep.close();
});

test('orphanSweep: nothing is judged before the box cache has synced', async () => {
  const h = harness([child('a-1', 'gone-a', { owner: 'a' })], {}, { synced: false });
  h.sweep.request();
  await h.sweep.idle();
  assert.deepEqual(h.calls, []);
  await h.sweep.close();
});

test('orphanSweep: requests while a sweep waits are coalesced into one', async () => {
  const h = harness([child('a-1', 'gone-a', { owner: 'a' })], {});
  for (let i = 0; i < 10; i++) h.sweep.request();
  await h.sweep.idle();
  assert.equal(h.calls.filter((c) => c.method === 'GET').length, 1);
  await h.sweep.close();
});

test('orphanSweep: a delete that failed is retried after a pause', async () => {
  const h = harness([child('a-1', 'gone-a', { owner: 'a' })], {}, { refuseDeletes: 1 });
  h.sweep.request();
  // idle() waits out the retry too.
  await h.sweep.idle();
  assert.deepEqual(
    h.calls.map((c) => c.method),
    ['GET', 'DELETE', 'GET', 'DELETE'],
  );
  await h.sweep.close();
});
