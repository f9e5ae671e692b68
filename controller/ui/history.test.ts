import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUCKET_MS, createBoxHistory, WINDOW_MS } from './history.ts';

describe('box history', () => {
  test('rates cover the last minute; older reconciles drop out of the rate but stay in the chart', () => {
    let now = 1_000_000_000_000;
    const h = createBoxHistory(() => now);
    for (let i = 0; i < 10; i++) h.reconciled('k/b', i < 2, 0.02);
    assert.deepEqual(h.rates('k/b'), { reconcilesPerMinute: 10, errorRatio: 0.2, p95Ms: 25 });
    now += 2 * 60_000;
    h.reconciled('k/b', false, 0.2);
    assert.equal(h.rates('k/b').reconcilesPerMinute, 1);
    assert.equal(h.rates('k/b').errorRatio, 0);
    const series = h.series('k/b');
    assert.equal(series.length, WINDOW_MS / BUCKET_MS);
    assert.equal(
      series.reduce((n, p) => n + p.reconciles, 0),
      11,
    );
    assert.equal(series.at(-1)?.reconciles, 1);
  });

  test('the p95 is the histogram bound under which 95% of reconciles fell', () => {
    const h = createBoxHistory(() => 5_000_000);
    for (let i = 0; i < 94; i++) h.reconciled('x', false, 0.004);
    for (let i = 0; i < 6; i++) h.reconciled('x', false, 3);
    assert.equal(h.rates('x').p95Ms, 5000);
    assert.equal(createBoxHistory().rates('none').p95Ms, null);
  });

  test('memory is bounded: a bucket slot is reused after 15 minutes and old points leave the chart', () => {
    let now = 0;
    const h = createBoxHistory(() => now);
    h.reconciled('x', false, 0.01);
    h.queueDepth('x', 7);
    now += WINDOW_MS;
    h.queueDepth('x', 2);
    const series = h.series('x');
    assert.equal(
      series.reduce((n, p) => n + p.reconciles, 0),
      0,
      'the 15-minute-old reconcile is gone',
    );
    assert.equal(series.at(-1)?.queueDepth, 2, 'the reused slot starts empty');
    assert.equal(Math.max(...series.map((p) => p.queueDepth)), 2);
  });

  test('retain drops boxes that are gone', () => {
    const h = createBoxHistory(() => 0);
    h.reconciled('a', false, 0.01);
    h.reconciled('b', false, 0.01);
    h.retain(new Set(['a']));
    assert.equal(h.rates('a').reconcilesPerMinute, 1);
    assert.equal(h.rates('b').reconcilesPerMinute, 0);
  });
});
