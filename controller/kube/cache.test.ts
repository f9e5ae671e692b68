import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCache, labelIndex, NAMESPACE_INDEX } from './cache.ts';
import type { KubeObject } from './object.ts';

function obj(ns: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ns, name, labels } };
}

test('objects are stored by namespace/name and found through indexes', () => {
  const cache = createCache({ owner: labelIndex('owner') });
  cache.upsert(obj('a', 'x', { owner: 'u1' }));
  cache.upsert(obj('a', 'y', { owner: 'u1' }));
  cache.upsert(obj('b', 'x', { owner: 'u2' }));
  assert.equal(cache.size(), 3);
  assert.equal(cache.get('a/x')?.metadata.name, 'x');
  assert.deepEqual(
    cache
      .byIndex(NAMESPACE_INDEX, 'a')
      .map((o) => o.metadata.name)
      .sort(),
    ['x', 'y'],
  );
  assert.deepEqual(
    cache.byIndex('owner', 'u2').map((o) => o.metadata.namespace),
    ['b'],
  );
});

test('an update moves the object between index values; removal clears them', () => {
  const cache = createCache({ owner: labelIndex('owner') });
  cache.upsert(obj('a', 'x', { owner: 'u1' }));
  const old = cache.upsert(obj('a', 'x', { owner: 'u2' }));
  assert.equal(old?.metadata.labels?.owner, 'u1');
  assert.deepEqual(cache.byIndex('owner', 'u1'), []);
  assert.equal(cache.byIndex('owner', 'u2').length, 1);
  assert.equal(cache.remove('a/x')?.metadata.name, 'x');
  assert.deepEqual(cache.byIndex('owner', 'u2'), []);
  assert.equal(cache.remove('a/x'), undefined);
  assert.equal(cache.size(), 0);
});
