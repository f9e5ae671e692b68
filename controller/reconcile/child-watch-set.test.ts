import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient } from '../kube/api-client.ts';
import { createCache } from '../kube/cache.ts';
import {
  BOX_LABEL,
  type ChildListener,
  type ChildWatches,
  KATALOG_LABEL,
  OWNER_UID_LABEL,
} from '../kube/child-watches.ts';
import type { Discovery } from '../kube/discovery.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { childWatchSet } from './child-watch-set.ts';

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const labels = { [BOX_LABEL]: 'web', [KATALOG_LABEL]: 'k', [OWNER_UID_LABEL]: 'u1' };
const cm = (rv: string, l: Record<string, string> = labels): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a', namespace: 'ns', resourceVersion: rv, labels: l },
});

/** A set over fakes: the listener the watch got, an apply answered by `respond`, the enqueued UIDs. */
function harness(respond: (listener: ChildListener) => Promise<KubeObject>) {
  let listener: ChildListener = () => {};
  const enqueued: string[] = [];
  const released: string[] = [];
  const watches = {
    acquire: async (resource: ResourceRef, l: ChildListener) => {
      listener = l;
      return { cache: createCache(), release: async () => void released.push(resource.kind) };
    },
  } as unknown as ChildWatches;
  const discovery = {
    resolve: async (_apiVersion: string, kind: string) => (kind === 'ConfigMap' ? CONFIGMAPS : undefined),
  } as unknown as Discovery;
  const client = { request: async () => respond(listener) } as unknown as ApiClient;
  const set = childWatchSet({
    config: { name: 'web', katalog: 'k' },
    childKinds: [
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'example.com/v1', kind: 'Unserved' },
    ],
    client,
    discovery,
    childWatches: watches,
    enqueueOwner: (uid) => enqueued.push(uid),
  });
  return { set, enqueued, released, listener: () => listener };
}
const signal = new AbortController().signal;

test('watches are acquired once for the served kinds and released on close', async () => {
  const h = harness(async () => cm('1'));
  const first = await h.set.childWatches();
  assert.equal(await h.set.childWatches(), first);
  assert.deepEqual([...first.keys()], ['v1/ConfigMap']);
  await h.set.close();
  assert.deepEqual(h.released, ['ConfigMap']);
});

test("the echo of our own apply does not enqueue the owner; anyone else's change does", async () => {
  const h = harness(async () => cm('5'));
  await h.set.childWatches();
  await h.set.applyTracked('v1/ConfigMap/ns/a', CONFIGMAPS, cm(''), false, signal);
  h.listener()(cm('5'), 'updated');
  assert.deepEqual(h.enqueued, [], 'our echo');
  h.listener()(cm('6'), 'updated');
  assert.deepEqual(h.enqueued, ['u1'], 'a later change');
  h.listener()(cm('7', { ...labels, [BOX_LABEL]: 'other' }), 'updated');
  assert.deepEqual(h.enqueued, ['u1'], "another box's child");
});

test('events during an apply are held: our echo is dropped, other news and deletions enqueue', async () => {
  const echoFirst = harness(async (listener) => {
    listener(cm('5'), 'updated'); // the echo arrives before the response
    return cm('5');
  });
  await echoFirst.set.childWatches();
  await echoFirst.set.applyTracked('v1/ConfigMap/ns/a', CONFIGMAPS, cm(''), false, signal);
  assert.deepEqual(echoFirst.enqueued, []);

  const deleted = harness(async (listener) => {
    listener(cm('5'), 'deleted');
    return cm('5');
  });
  await deleted.set.childWatches();
  await deleted.set.applyTracked('v1/ConfigMap/ns/a', CONFIGMAPS, cm(''), false, signal);
  assert.deepEqual(deleted.enqueued, ['u1'], 'a deletion always matters');
});
