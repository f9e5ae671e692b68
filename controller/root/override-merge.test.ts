import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeOverride } from './override-merge.ts';

test('maps merge field by field, keeping fields the override does not name', () => {
  const base = { operatorBox: { reconcile: { workers: 2, resync: '10m' }, runtime: { finalizers: ['a'] } } };
  const merged = mergeOverride(base, { operatorBox: { reconcile: { workers: 8 } } });
  assert.deepEqual(merged, {
    operatorBox: { reconcile: { workers: 8, resync: '10m' }, runtime: { finalizers: ['a'] } },
  });
  assert.equal(base.operatorBox.reconcile.workers, 2, 'the base is not modified');
});

test('lists are replaced whole, not merged by index', () => {
  assert.deepEqual(mergeOverride({ dependsOn: ['a', 'b'] }, { dependsOn: ['c'] }), { dependsOn: ['c'] });
});

test('null deletes a field; scalars replace; a map replaces a scalar', () => {
  assert.deepEqual(mergeOverride({ a: 1, b: { c: 2 }, d: 'x' }, { a: null, d: { e: 1 } }), {
    b: { c: 2 },
    d: { e: 1 },
  });
  assert.deepEqual(mergeOverride({ enabled: true }, { enabled: false }), { enabled: false });
});

test('an undefined override changes nothing', () => {
  const base = { a: 1 };
  assert.deepEqual(mergeOverride(base, undefined), base);
});
