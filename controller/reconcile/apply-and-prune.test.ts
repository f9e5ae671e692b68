import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChildTemplate } from '../box/compiled-box.ts';
import { type ApiClient, ApiError, type ApiRequest } from '../kube/api-client.ts';
import { withAppliedHash } from '../kube/apply.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { applyAndPrune, changeEvent, skipApply } from './apply-and-prune.ts';
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

test("a custom resource's first children make no Event; a recreation does", async () => {
  const { client } = recordingClient();
  const run = async (firstChildren: boolean) => {
    const events: string[] = [];
    const result = await applyAndPrune({
      client,
      desired: [desiredOf(cm('a', { k: 'v' })), desiredOf(cm('b', { k: 'v' }))],
      existing: [],
      watches,
      namespace: 'ns',
      apply: async (_ref, _resource, obj) => obj,
      emit: (type, reason, message) => events.push(`${type} ${reason}: ${message}`),
      firstChildren,
    });
    assert.deepEqual(
      result.summaries.map((s) => s.name),
      ['a', 'b'],
    );
    return events;
  };
  assert.deepEqual(await run(true), []);
  assert.deepEqual(await run(false), ['Normal ChildCreated: created ConfigMap a; created ConfigMap b']);
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
