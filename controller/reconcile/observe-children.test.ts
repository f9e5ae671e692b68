import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileBox } from '../box/compiled-box.ts';
import { createCache, labelIndex } from '../kube/cache.ts';
import { BOX_LABEL, KATALOG_LABEL, OWNER_INDEX, OWNER_UID_LABEL } from '../kube/child-watches.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import type { ChildWatchMap, HeldWatch } from './child-watch-set.ts';
import { childrenAfter, observeChildren, summarizeChild, templateKeys } from './observe-children.ts';
import type { DesiredChild } from './render.ts';

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const WIDGETS: ResourceRef = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
};
const compiled = compileBox('web', {
  apiTypes: { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs' },
  operatorBox: {
    reconcile: {
      onReconcile: {
        configMaps: [{ name: 'a' }],
        custom: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }],
      },
    },
  },
} as Box);
const owner = {
  katalog: 'k',
  box: 'web',
  object: { apiVersion: 'example.com/v1', kind: 'Web', metadata: { name: 'shop', namespace: 'ns', uid: 'u1' } },
};
const child = (kind: string, name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: kind === 'Widget' ? 'example.com/v1' : 'v1',
  kind,
  metadata: { name, namespace: 'ns', labels },
});
const mine = { [OWNER_UID_LABEL]: 'u1', [BOX_LABEL]: 'web', [KATALOG_LABEL]: 'k' };

function held(resource: ResourceRef, objects: KubeObject[]): HeldWatch {
  const cache = createCache({ [OWNER_INDEX]: labelIndex(OWNER_UID_LABEL) });
  for (const o of objects) cache.upsert(o);
  return { kind: { apiVersion: '', kind: resource.kind }, resource, watch: { cache, release: async () => {} } };
}

test('the children of a custom resource, keyed the way templates see them', () => {
  const watches: ChildWatchMap = new Map([
    [
      'v1/ConfigMap',
      held(CONFIGMAPS, [child('ConfigMap', 'a', mine), child('ConfigMap', 'b', { ...mine, [BOX_LABEL]: 'other' })]),
    ],
    ['example.com/v1/Widget', held(WIDGETS, [])],
  ]);
  const { byKey, all } = observeChildren(owner, watches, templateKeys(compiled));
  assert.deepEqual(Object.keys(byKey).sort(), ['configMaps', 'widgets'], 'shorthand keys, plurals for custom kinds');
  assert.deepEqual(
    all.map((c) => c.metadata.name),
    ['a'],
    "another box's child with the same owner UID is not this box's",
  );
  assert.deepEqual(byKey.widgets, [], 'a watched kind without children is an empty list, not a missing key');
});

test('children after a reconcile keep every key and list what is live; summaries read health', () => {
  const live = child('ConfigMap', 'a', mine);
  const desired = [{ template: compiled.children[0], resource: CONFIGMAPS, object: live } as DesiredChild];
  const after = childrenAfter(desired, new Map([['v1/ConfigMap/ns/a', live]]), { configMaps: [], widgets: [live] });
  assert.deepEqual(after, { configMaps: [live], widgets: [] });
  assert.deepEqual(summarizeChild(live, undefined, 'ns'), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'a',
    state: 'NotReady',
    reason: 'not created yet',
  });
  const elsewhere = { ...live, metadata: { ...live.metadata, namespace: 'other' } };
  assert.equal(summarizeChild(elsewhere, elsewhere, 'ns').namespace, 'other');
  assert.equal(summarizeChild(live, live, 'ns').state, 'Ready');
});
