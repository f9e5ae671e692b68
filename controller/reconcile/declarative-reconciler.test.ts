import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileBox } from '../box/compiled-box.ts';
import type { BoxConfig } from '../box/operator-box.ts';
import type { ReconcileContext } from '../box/reconciler.ts';
import type { ApiClient, ApiRequest } from '../kube/api-client.ts';
import { createCache, labelIndex } from '../kube/cache.ts';
import { type ChildWatches, OWNER_INDEX, OWNER_UID_LABEL } from '../kube/child-watches.ts';
import type { Discovery } from '../kube/discovery.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { silentLogger } from '../observe/log.ts';
import { declarativeReconciler } from './declarative-reconciler.ts';
import { RENDER_BACKOFF_BASE_MS } from './render-backoff.ts';

const API = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs' };
const WEBS: ResourceRef = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs', namespaced: true };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
type Status = { conditions?: { type: string; status: string; reason: string; message: string }[] } & Record<
  string,
  unknown
>;

/**
 * One box over fakes: API requests are recorded (applies answer with the applied object and a
 * new resourceVersion), the child cache holds what the test puts there.
 */
function harness(box: Record<string, unknown>) {
  const requests: ApiRequest[] = [];
  let rv = 100;
  const client = {
    request: async (req: ApiRequest) => {
      requests.push(req);
      const body = req.body as KubeObject;
      return { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
    },
  } as unknown as ApiClient;
  const cache = createCache({ [OWNER_INDEX]: labelIndex(OWNER_UID_LABEL) });
  const childWatches = {
    acquire: () => ({ cache, ready: async () => {}, release: async () => {} }),
  } as unknown as ChildWatches;
  const discovery = { resolve: async () => CONFIGMAPS, whenServed: () => () => {} } as unknown as Discovery;
  const events: string[] = [];
  const config = {
    id: 'k/web',
    katalog: 'k',
    name: 'web',
    resource: WEBS,
    box: { apiTypes: API, ...box } as Box,
    katalogFinalizers: [],
    hasStatusSubresource: true,
    generation: 1,
  } as BoxConfig;
  const reconcile = declarativeReconciler(config, compileBox('web', config.box), {
    client,
    discovery,
    childWatches,
    events: { event: (_o, type, reason, message) => events.push(`${type} ${reason}: ${message}`) },
    enqueueOwner: () => {},
  });
  const run = (object: KubeObject) =>
    reconcile({
      request: { key: 'ns/shop', namespace: 'ns', name: 'shop' },
      object,
      resource: WEBS,
      reconcileID: 'r',
      logger: silentLogger,
      signal: new AbortController().signal,
    } as unknown as ReconcileContext);
  return { run, requests, cache, events };
}

const web = (spec: Record<string, unknown>, status: Status = {}, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Web',
  metadata: { name: 'shop', namespace: 'ns', uid: 'u1', generation: 1, resourceVersion: '1', labels },
  spec,
  status,
});
const statusOf = (req: ApiRequest | undefined) => (req?.body as { status: Status } | undefined)?.status;

const box = {
  operatorBox: {
    reconcile: {
      onReconcile: {
        configMaps: [{ name: 'shop-gated', data: { v: '1' }, when: [{ cel: 'self.spec.tier.level > 1' }] }],
      },
    },
    emit: {
      status: {
        fields: [{ path: 'phase', value: 'Serving', when: [{ field: 'metadata.labels.serve', equals: 'yes' }] }],
      },
    },
  },
};

test('first reconcile applies the child and the status; the next one writes nothing', async () => {
  const h = harness(box);
  await h.run(web({ tier: { level: 2 } }, {}, { serve: 'yes' }));
  assert.deepEqual(
    h.requests.map((r) => `${r.method} ${r.path}`),
    ['PATCH /api/v1/namespaces/ns/configmaps/shop-gated', 'PATCH /apis/example.com/v1/namespaces/ns/webs/shop/status'],
  );
  const status = statusOf(h.requests[1]) ?? {};
  assert.equal(status.phase, 'Serving');
  // The cache and the CR now hold what was written: a steady state.
  h.cache.upsert(h.requests[0]?.body as KubeObject);
  h.requests.length = 0;
  await h.run(web({ tier: { level: 2 } }, status, { serve: 'yes' }));
  assert.deepEqual(h.requests, [], 'no write at steady state');
});

test('a when that fails to evaluate touches no child and keeps the declarative status', async () => {
  const h = harness(box);
  await h.run(web({ tier: { level: 2 } }, {}, { serve: 'yes' }));
  h.cache.upsert(h.requests[0]?.body as KubeObject);
  const before = statusOf(h.requests[1]) ?? {};
  h.requests.length = 0;

  await h.run(web({}, before, { serve: 'yes' }));
  assert.deepEqual(
    h.requests.map((r) => r.method + (r.path.endsWith('/status') ? ' status' : ` ${r.path}`)),
    ['PATCH status'],
    'no DELETE, no child apply',
  );
  const status = statusOf(h.requests[0]) ?? {};
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'EvaluationError');
  assert.equal(status.conditions?.find((c) => c.type === 'Stalled')?.status, 'True');
  assert.equal(status.phase, 'Serving', 'the declarative field stays as it was');
  assert.ok(h.events.some((e) => e.startsWith('Warning EvaluationError: box web: ')));
});

test('a status field whose when turned false is left out of a status apply that is then needed', async () => {
  const h = harness(box);
  await h.run(web({ tier: { level: 2 } }, {}, { serve: 'yes' }));
  h.cache.upsert(h.requests[0]?.body as KubeObject);
  const before = statusOf(h.requests[1]) ?? {};
  h.requests.length = 0;
  await h.run(web({ tier: { level: 2 } }, before, { serve: 'no' }));
  assert.equal(h.requests.length, 1, 'only the stale field makes the write');
  assert.equal(statusOf(h.requests[0])?.phase, undefined);
});

test('a resource whose render hit a limit is rendered again only after a delay, whatever changed; deletion is not delayed', async () => {
  // 200,000 iterations: past the range cap, which stops it in a few milliseconds.
  const h = harness({
    operatorBox: {
      reconcile: { onReconcile: { configMaps: [{ name: 'c', data: { v: '{{ range .spec.n }}{{ end }}' } }] } },
    },
  });
  const hostile = (annotations: Record<string, string>, uid = 'u1'): KubeObject => {
    const o = web({ n: 200_000 });
    return { ...o, metadata: { ...o.metadata, uid, annotations } };
  };
  assert.equal(await h.run(hostile({})), undefined, 'stalled: waits for a change');
  const ready = statusOf(h.requests.at(-1))?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'RenderFailed');
  assert.match(ready?.message ?? '', /more than 100000 range iterations/);
  assert.equal(h.events.length, 1);

  h.requests.length = 0;
  const touched = await h.run(hostile({ touch: '1' }));
  assert.ok(
    touched?.requeueAfterMs !== undefined &&
      touched.requeueAfterMs > 0 &&
      touched.requeueAfterMs <= RENDER_BACKOFF_BASE_MS,
    `rendered again after its delay, not now: ${JSON.stringify(touched)}`,
  );
  const fixed = { ...hostile({ touch: '2' }), spec: { n: 1 } };
  assert.ok((await h.run(fixed))?.requeueAfterMs, 'a spec change waits out the delay too');
  assert.equal(h.requests.length, 0, 'nothing rendered, applied or written while it waits');
  assert.equal(h.events.length, 1, 'no Event either');

  const deleting = { ...hostile({}), metadata: { ...hostile({}).metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  assert.equal((await h.run(deleting))?.requeueAfterMs, undefined, 'the deletion path runs at once');

  assert.equal(await h.run({ ...fixed, metadata: { ...fixed.metadata, uid: 'u2' } }), undefined);
  assert.ok(
    h.requests.some((r) => r.path === '/api/v1/namespaces/ns/configmaps/c'),
    'a new object under the same name renders at once, and applies its child',
  );
});
