import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCache } from './cache.ts';
import { cacheView } from './namespaced-reflectors.ts';
import type { KubeObject } from './object.ts';

const obj = (namespace: string, name: string, uid: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { namespace, name, uid },
});

test('one view over per-namespace caches: get, list, size and indexes span them all', () => {
  const index = { uid: (o: KubeObject) => [o.metadata.uid ?? ''] };
  const a = createCache(index);
  const b = createCache(index);
  const view = cacheView(
    new Map([
      ['a', a],
      ['b', b],
    ]),
  );
  view.upsert(obj('a', 'x', '1'));
  view.upsert(obj('b', 'x', '2'));
  assert.equal(a.size(), 1, 'each object lands in its namespace cache');
  assert.equal(view.get('b/x')?.metadata.uid, '2');
  assert.equal(view.get('c/x'), undefined);
  assert.equal(view.size(), 2);
  assert.deepEqual(view.keys().sort(), ['a/x', 'b/x']);
  assert.deepEqual(
    view.byIndex('uid', '2').map((o) => o.metadata.namespace),
    ['b'],
  );
  assert.throws(() => view.upsert(obj('c', 'y', '3')), /outside the watched namespaces a, b/);
  view.remove('a/x');
  assert.deepEqual(
    view.list().map((o) => o.metadata.uid),
    ['2'],
  );
});
