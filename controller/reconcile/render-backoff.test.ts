import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RENDER_BACKOFF_BASE_MS, RENDER_BACKOFF_MAX_MS, renderBackoff } from './render-backoff.ts';

function clock() {
  let now = 5_000;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

test('a resource that hit a render limit waits a delay that doubles with each consecutive hit, up to the cap', () => {
  const c = clock();
  const b = renderBackoff({ clock: c });
  assert.equal(b.wait('ns/a', 'u1'), 0, 'never failed: renders at once');
  const delays: number[] = [];
  for (let i = 0; i < 9; i++) {
    delays.push(b.limitHit('ns/a', 'u1'));
    assert.equal(b.wait('ns/a', 'u1'), delays[i]);
    c.advance(400);
    assert.equal(b.wait('ns/a', 'u1'), (delays[i] as number) - 400, 'the wait runs down with time');
    c.advance((delays[i] as number) - 400);
    assert.equal(b.wait('ns/a', 'u1'), 0, 'renders once the delay is over');
  }
  assert.deepEqual(delays, [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000, 60_000]);
  assert.equal(delays[0], RENDER_BACKOFF_BASE_MS);
  assert.equal(delays.at(-1), RENDER_BACKOFF_MAX_MS);
  assert.equal(b.wait('ns/other', 'u2'), 0, 'other resources are not held');
});

test('a render within the limits, or a new object under the same name, starts afresh', () => {
  const c = clock();
  const b = renderBackoff({ clock: c, baseMs: 100, maxMs: 10_000 });
  b.limitHit('ns/a', 'u1');
  b.limitHit('ns/a', 'u1');
  assert.equal(b.wait('ns/a', 'u1'), 200);
  b.clear('ns/a');
  assert.equal(b.wait('ns/a', 'u1'), 0);
  assert.equal(b.limitHit('ns/a', 'u1'), 100, 'the count starts over');

  assert.equal(b.wait('ns/a', 'u2'), 0, 'deleted and created again: a new object');
  assert.equal(b.limitHit('ns/a', 'u2'), 100);
});
