import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateWindow } from './rate-window.ts';

function clock() {
  const c = { t: 0, now: () => c.t };
  return c;
}

test('no rate until two samples span some time', () => {
  const c = clock();
  const w = createRateWindow({ now: c.now });
  assert.deepEqual(w.rates('k/a'), []);
  w.record('k/a', [10, 1]);
  assert.deepEqual(w.rates('k/a'), [0, 0]);
});

test('per-second rate between the oldest and newest sample in the window', () => {
  const c = clock();
  const w = createRateWindow({ now: c.now });
  w.record('k/a', [0, 0]);
  c.t = 10_000;
  w.record('k/a', [20, 5]);
  assert.deepEqual(w.rates('k/a'), [2, 0.5]);
  c.t = 30_000;
  w.record('k/a', [60, 5]);
  assert.deepEqual(w.rates('k/a'), [2, 5 / 30]);
});

test('samples older than the window stop counting', () => {
  const c = clock();
  const w = createRateWindow({ now: c.now, windowMs: 60_000 });
  w.record('k/a', [0, 0]);
  c.t = 30_000;
  w.record('k/a', [300, 30]);
  c.t = 70_000;
  w.record('k/a', [300, 30]);
  // The burst between 0 s and 30 s is partly out of the window: only 30 s → 70 s remains, flat.
  assert.deepEqual(w.rates('k/a'), [0, 0]);
  c.t = 200_000;
  assert.deepEqual(w.rates('k/a'), [], 'nothing recent: no samples left');
});

test('a counter going down restarts the history', () => {
  const c = clock();
  const w = createRateWindow({ now: c.now });
  w.record('k/a', [100, 10]);
  c.t = 10_000;
  w.record('k/a', [3, 0]);
  assert.deepEqual(w.rates('k/a'), [0, 0]);
  c.t = 20_000;
  w.record('k/a', [13, 2]);
  assert.deepEqual(w.rates('k/a'), [1, 0.2]);
});

test('close samples replace one another, so frequent reads stay bounded', () => {
  const c = clock();
  const w = createRateWindow({ now: c.now, minSpacingMs: 1_000 });
  for (let i = 0; i <= 100; i++) {
    c.t = i * 10;
    w.record('k/a', [i, 0]);
  }
  // Spanning 0 → 1000 ms with 101 records; the rate still uses the true endpoints.
  assert.deepEqual(w.rates('k/a'), [100, 0]);
});

test('retain forgets keys that are gone', () => {
  const c = clock();
  const w = createRateWindow({ now: c.now });
  w.record('k/a', [0, 0]);
  w.record('k/b', [0, 0]);
  w.retain(new Set(['k/b']));
  assert.deepEqual(w.rates('k/a'), []);
  assert.deepEqual(w.rates('k/b'), [0, 0]);
});
