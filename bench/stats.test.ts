import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leastSquares, median, pairRatios, percentile, spread } from './stats.ts';

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

test('spread is the min and max, NaN for none', () => {
  assert.deepEqual(spread([1.3, 1.1, 1.5]), { min: 1.1, max: 1.5 });
  assert.ok(Number.isNaN(spread([]).min));
});

test('per-pair ratios divide element by element and drop unpaired values', () => {
  assert.deepEqual(pairRatios([20, 30, 44], [10, 20]), [2, 1.5]);
  // The median of per-pair ratios is not the ratio of medians: one slow pair cannot decide it.
  const controller = [12, 13, 30];
  const floor = [10, 10, 29];
  assert.equal(median(pairRatios(controller, floor)), 1.2);
  assert.notEqual(median(controller) / median(floor), 1.2);
});

test('least squares recovers a line and reports how well it fits', () => {
  const exact = leastSquares([
    [100, 2.5],
    [1000, 20.5],
    [5000, 100.5],
    [10000, 200.5],
  ]);
  assert.ok(Math.abs(exact.slope - 0.02) < 1e-12);
  assert.ok(Math.abs(exact.intercept - 0.5) < 1e-9);
  assert.ok(Math.abs(exact.r2 - 1) < 1e-12);
  // A quadratic curve fits a line less well.
  const quadratic = leastSquares([1, 2, 3, 4, 5, 6].map((x) => [x, x * x] as const));
  assert.ok(quadratic.r2 < 0.97);
  assert.ok(Number.isNaN(leastSquares([[1, 1]]).slope));
});
