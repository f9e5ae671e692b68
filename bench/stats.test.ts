import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, percentile } from './stats.ts';

test('nearest-rank percentiles', () => {
  const v = [5, 1, 4, 2, 3];
  assert.equal(median(v), 3);
  assert.equal(percentile(v, 95), 5);
  assert.equal(percentile(v, 0), 1);
  assert.equal(
    percentile(
      Array.from({ length: 100 }, (_, i) => i + 1),
      99,
    ),
    99,
  );
  assert.ok(Number.isNaN(median([])));
});
