import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChildTemplate } from '../box/compiled-box.ts';
import { type ApiClient, ApiError, type ApiRequest } from '../kube/api-client.ts';
import { withAppliedHash } from '../kube/apply.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { applyAndPrune, applyWaves, changeEvent, skipApply } from './apply-and-prune.ts';
import type { ChildWatchMap, HeldWatch } from './child-watch-set.ts';
import type { DesiredChild } from './render.ts';

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const watches: ChildWatchMap = new Map([['v1/ConfigMap', { resource: CONFIGMAPS } as HeldWatch]]);
const template = (set: 'onCreate' | 'onReconcile' = 'onReconcile', reconcile = false) =>
  ({ set, reconcile, kindKey: 'configMaps' }) as ChildTemplate;
const cm = (name: string, data: Record<string, string>): KubeObject =>
  withAppliedHash({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', uid: `uid-${name}` },
    data,
  });
const desiredOf = (o: KubeObject, t = template()): DesiredChild => ({ template: t, resource: CONFIGMAPS, object: o });

/** An API client that records requests and answers DELETEs with `deleteAnswer`. */
function recordingClient(deleteAnswer: () => Promise<unknown> = async () => ({})) {
  const requests: ApiRequest[] = [];
  const client = {
    request: async (req: ApiRequest) => {
      requests.push(req);
      return deleteAnswer();
    },
  } as unknown as ApiClient;
  return { client, requests };
}

test('skip: onCreate children once they exist, and children already carrying the same manifest', () => {
  const live = cm('a', { k: 'v' });
  assert.equal(skipApply(desiredOf(live), undefined), false, 'a missing child is applied');
  assert.equal(skipApply(desiredOf(live), live), true);
  assert.equal(skipApply(desiredOf(cm('a', { k: 'other' }), template('onCreate')), live), true);
  assert.equal(skipApply(desiredOf(cm('a', { k: 'other' }), template('onCreate', true)), live), false);
  assert.equal(skipApply(desiredOf(cm('a', {})), live), false, 'a removed key is applied even though live carries all');
});

test('applies what changed, prunes what no template wants, one Event for all changes', async () => {
  const { client, requests } = recordingClient();
  const applied: string[] = [];
  const events: string[] = [];
  const counts: string[] = [];
  const keep = cm('keep', { k: 'v' });
  const result = await applyAndPrune({
    client,
    desired: [desiredOf(keep), desiredOf(cm('changed', { k: 'new' })), desiredOf(cm('fresh', { k: 'v' }))],
    existing: [keep, cm('changed', { k: 'old' }), cm('orphan', {})],
    watches,
    namespace: 'ns',
    apply: async (ref, _resource, obj) => {
      applied.push(ref);
      return { ...obj, status: {} };
    },
    countApply: (r) => counts.push(r),
    emit: (type, reason, message) => events.push(`${type} ${reason}: ${message}`),
  });
  assert.deepEqual(applied, ['v1/ConfigMap/ns/changed', 'v1/ConfigMap/ns/fresh']);
  assert.deepEqual(counts.sort(), ['created', 'pruned', 'skipped', 'updated']);
  assert.equal(requests.length, 1);
  assert.equal(requests[0]?.method, 'DELETE');
  assert.equal(requests[0]?.path, '/api/v1/namespaces/ns/configmaps/orphan');
  assert.deepEqual((requests[0]?.body as { preconditions?: unknown } | undefined)?.preconditions, {
    uid: 'uid-orphan',
  });
  assert.deepEqual(events, [
    'Normal ChildCreated: created ConfigMap fresh; updated ConfigMap changed; pruned ConfigMap orphan',
  ]);
  assert.deepEqual(
    result.summaries.map((s) => `${s.name}=${s.state}`),
    ['keep=Ready', 'changed=Ready', 'fresh=Ready'],
  );
  assert.equal(result.firstError, undefined);
});

test('a conflict is an Error row and a Warning; a prune that finds the child gone is not an error', async () => {
  const notFound = new ApiError('DELETE', '/x', 404, undefined, 'not found');
  const { client } = recordingClient(async () => {
    throw notFound;
  });
  const conflict = new ApiError(
    'PATCH',
    '/x',
    409,
    undefined,
    'Apply failed with 1 conflict: conflict with "intruder"',
  );
  const events: string[] = [];
  const result = await applyAndPrune({
    client,
    desired: [desiredOf(cm('a', { k: 'v' }))],
    existing: [cm('gone', {})],
    watches,
    namespace: 'ns',
    apply: async () => {
      throw conflict;
    },
    emit: (type, reason) => events.push(`${type} ${reason}`),
  });
  assert.equal(result.firstError, conflict);
  assert.equal(result.summaries[0]?.state, 'Error');
  assert.match(result.summaries[0]?.reason ?? '', /conflict: .*intruder.*set reconcile: true/);
  assert.deepEqual(events, ['Warning ApplyConflict'], 'a child already gone was not pruned by us');
});

test('the change Event is named after the first kind of change', () => {
  assert.equal(changeEvent([], [], []), undefined);
  assert.equal(changeEvent([], ['ConfigMap a'], ['ConfigMap b'])?.reason, 'ChildUpdated');
  assert.equal(changeEvent([], [], ['ConfigMap b'])?.message, 'pruned ConfigMap b');
});

const NAMESPACES: ResourceRef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};
const ns = (name: string): KubeObject => withAppliedHash({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const nsDesired = (o: KubeObject): DesiredChild => ({ template: template(), resource: NAMESPACES, object: o });
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('independent children are applied together; a prerequisite kind waits for those before it and holds back those after', async () => {
  const log: string[] = [];
  let inFlight = 0;
  let most = 0;
  await applyAndPrune({
    client: recordingClient().client,
    desired: [
      desiredOf(cm('a', {})),
      desiredOf(cm('b', {})),
      nsDesired(ns('team')),
      desiredOf(cm('c', {})),
      desiredOf(cm('d', {})),
      desiredOf(cm('e', {})),
    ],
    existing: [],
    watches,
    namespace: 'ns',
    apply: async (_ref, _resource, obj) => {
      inFlight++;
      most = Math.max(most, inFlight);
      log.push(`start ${obj.metadata.name}`);
      await tick();
      log.push(`end ${obj.metadata.name}`);
      inFlight--;
      return obj;
    },
    emit: () => {},
  });
  assert.equal(most, 3, 'c, d and e were in flight at once');
  const at = (entry: string) => log.indexOf(entry);
  assert.ok(at('end a') < at('start team') && at('end b') < at('start team'), log.join(', '));
  assert.ok(at('end team') < Math.min(at('start c'), at('start d'), at('start e')), log.join(', '));
});

test('answers arriving out of order still give summaries, Warnings, the Event and the first error in template order', async () => {
  const failure = (name: string) => new ApiError('PATCH', `/${name}`, 422, undefined, `${name} is invalid`);
  const events: string[] = [];
  const delays: Record<string, number> = { a: 4, b: 3, c: 2, d: 1 };
  const result = await applyAndPrune({
    client: recordingClient().client,
    desired: ['a', 'b', 'c', 'd'].map((n) => desiredOf(cm(n, {}))),
    existing: [],
    watches,
    namespace: 'ns',
    apply: async (_ref, _resource, obj) => {
      for (let i = 0; i < (delays[obj.metadata.name] ?? 0); i++) await tick();
      if (obj.metadata.name === 'b' || obj.metadata.name === 'd') throw failure(obj.metadata.name);
      return obj;
    },
    emit: (type, reason, message) => events.push(`${type} ${reason}: ${message}`),
  });
  assert.deepEqual(
    result.summaries.map((s) => `${s.name}=${s.state}`),
    ['a=Ready', 'b=Error', 'c=Ready', 'd=Error'],
  );
  assert.match(String(result.firstError), /\/b: 422/);
  assert.deepEqual(events, [
    'Warning ApplyFailed: ConfigMap b: PATCH /b: 422 b is invalid',
    'Warning ApplyFailed: ConfigMap d: PATCH /d: 422 d is invalid',
    'Normal ChildCreated: created ConfigMap a; created ConfigMap c',
  ]);
});

test('apply waves: runs of ordinary kinds together, each prerequisite kind alone, in template order', () => {
  const kinds = (...ks: string[]) =>
    ks.map((kind) => ({ object: { apiVersion: 'v1', kind, metadata: { name: kind } } }));
  assert.deepEqual(applyWaves(kinds('ConfigMap', 'Service', 'Secret')), [[0, 1, 2]]);
  assert.deepEqual(applyWaves(kinds('Namespace', 'ConfigMap', 'ServiceAccount', 'ServiceAccount', 'Secret')), [
    [0],
    [1],
    [2],
    [3],
    [4],
  ]);
  assert.deepEqual(applyWaves(kinds('Deployment', 'CustomResourceDefinition', 'Widget', 'Service')), [
    [0],
    [1],
    [2, 3],
  ]);
  assert.deepEqual(applyWaves([]), []);
});
