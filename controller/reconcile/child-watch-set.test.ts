import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient } from '../kube/api-client.ts';
import { createCache } from '../kube/cache.ts';
import {
  BOX_LABEL,
  type ChildListener,
  type ChildSubscriber,
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

/**
 * A set over fakes: the subscriber the watch got, an apply answered by `respond`, the enqueued
 * UIDs, the discovery waits. `served` lists the kinds discovery resolves; `ready` answers every
 * watch's ready().
 */
function harness(
  respond: (listener: ChildListener) => Promise<KubeObject>,
  options: { served?: Set<string>; ready?: () => Promise<void> } = {},
) {
  const served = options.served ?? new Set(['ConfigMap']);
  let subscriber: ChildSubscriber = { onChild: () => {} };
  const enqueued: string[] = [];
  const acquired: string[] = [];
  const released: string[] = [];
  const waits = new Map<string, () => void>();
  const watches: ChildWatches = {
    acquire: (resource, s) => {
      subscriber = s;
      acquired.push(resource.kind);
      return {
        cache: createCache(),
        ready: options.ready ?? (async () => {}),
        release: async () => void released.push(resource.kind),
      };
    },
    count: () => acquired.length - released.length,
    held: () => [],
    stopAll: async () => {},
  };
  const discovery: Discovery = {
    resolve: async (apiVersion, kind) =>
      served.has(kind) ? { ...CONFIGMAPS, group: apiVersion === 'v1' ? '' : 'example.com', kind } : undefined,
    invalidate: () => {},
    crdChanged: () => {},
    whenServed: (_apiVersion, kind, onServed) => {
      waits.set(kind, onServed);
      return () => waits.delete(kind);
    },
  };
  const client = { request: async () => respond(subscriber.onChild) } as unknown as ApiClient;
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
  return {
    set,
    served,
    enqueued,
    acquired,
    released,
    waits,
    subscriber: () => subscriber,
    listener: () => subscriber.onChild,
  };
}
const signal = new AbortController().signal;

test('watches are acquired once for the served kinds and released on close', async () => {
  const h = harness(async () => cm('1'));
  const first = await h.set.childWatches('u1');
  assert.deepEqual([...(await h.set.childWatches('u1')).keys()], [...first.keys()]);
  assert.deepEqual([...first.keys()], ['v1/ConfigMap']);
  assert.deepEqual(h.acquired, ['ConfigMap'], 'acquired once');
  assert.equal(h.waits.size, 1, 'waiting for the unserved kind only');
  await h.set.close();
  assert.deepEqual(h.released, ['ConfigMap']);
  assert.equal(h.waits.size, 0, 'the discovery wait is cancelled');
});

test('a reconcile that lacked a kind is re-enqueued once the kind is served, and then gets its watch', async () => {
  const h = harness(async () => cm('1'));
  assert.deepEqual([...(await h.set.childWatches('u1')).keys()], ['v1/ConfigMap']);
  assert.deepEqual(h.enqueued, []);
  h.served.add('Unserved');
  h.waits.get('Unserved')?.(); // discovery: the CRD made the kind served
  assert.deepEqual(h.enqueued, ['u1']);
  assert.deepEqual([...(await h.set.childWatches('u1')).keys()], ['v1/ConfigMap', 'example.com/v1/Unserved']);
  assert.deepEqual(h.acquired, ['ConfigMap', 'Unserved']);
  h.subscriber().onReady?.();
  assert.deepEqual(h.enqueued, ['u1'], 'a parent that got every watch is not parked');
});

test('a refused watch fails the reconcile with its reason; the parent is re-enqueued when it works again', async () => {
  let refused = true;
  const h = harness(async () => cm('1'), {
    served: new Set(['ConfigMap', 'Unserved']),
    ready: async () => {
      if (refused) throw new Error('configmaps is forbidden: User "sa" cannot list resource "configmaps"');
    },
  });
  await assert.rejects(h.set.childWatches('u1'), /cannot list resource "configmaps"/);
  await assert.rejects(h.set.childWatches('u2'), /forbidden/);
  assert.deepEqual(h.enqueued, []);
  refused = false;
  h.subscriber().onReady?.();
  assert.deepEqual(h.enqueued.sort(), ['u1', 'u2']);
  assert.equal((await h.set.childWatches('u1')).size, 2);
});

test('open() acquires every served kind without waiting for the caches', async () => {
  const h = harness(async () => cm('1'), { ready: () => new Promise(() => {}) });
  await h.set.open();
  assert.deepEqual(h.acquired, ['ConfigMap']);
  await h.set.close();
  assert.deepEqual(h.released, ['ConfigMap']);
});

test("the echo of our own apply does not enqueue the owner; anyone else's change does", async () => {
  const h = harness(async () => cm('5'));
  await h.set.childWatches('u1');
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
  await echoFirst.set.childWatches('u1');
  await echoFirst.set.applyTracked('v1/ConfigMap/ns/a', CONFIGMAPS, cm(''), false, signal);
  assert.deepEqual(echoFirst.enqueued, []);

  const deleted = harness(async (listener) => {
    listener(cm('5'), 'deleted');
    return cm('5');
  });
  await deleted.set.childWatches('u1');
  await deleted.set.applyTracked('v1/ConfigMap/ns/a', CONFIGMAPS, cm(''), false, signal);
  assert.deepEqual(deleted.enqueued, ['u1'], 'a deletion always matters');
});
