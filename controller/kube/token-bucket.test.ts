import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Clock } from './clock.ts';
import { createTokenBucket } from './token-bucket.ts';

function manualClock(start = 0): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

const reserveMany = (bucket: { reserve(): number }, count: number): number[] =>
  Array.from({ length: count }, () => bucket.reserve());

describe('token bucket', () => {
  test('the full burst is free, then each reservation waits 1/qps longer than the last', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ qps: 10, burst: 100, clock });
    assert.deepEqual(reserveMany(bucket, 100), Array(100).fill(0));
    assert.deepEqual(reserveMany(bucket, 3), [100, 200, 300]);
  });

  test('elapsed time pays back borrowed tokens before new ones are free', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ qps: 10, burst: 10, clock });
    reserveMany(bucket, 10 + 3);
    // 1s refills 10 tokens: 3 repay the debt, 7 are free.
    clock.advance(1000);
    assert.deepEqual(reserveMany(bucket, 8), [0, 0, 0, 0, 0, 0, 0, 100]);
  });

  test('idle time never fills the bucket beyond its burst', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ qps: 10, burst: 3, clock });
    clock.advance(3_600_000);
    assert.deepEqual(reserveMany(bucket, 4), [0, 0, 0, 100]);
  });

  test('a reservation waits only for the part of the token not yet refilled', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ qps: 10, burst: 1, clock });
    assert.equal(bucket.reserve(), 0);
    clock.advance(40);
    assert.ok(Math.abs(bucket.reserve() - 60) < 1e-9);
  });

  test('infinite qps never limits, even with no burst', () => {
    const bucket = createTokenBucket({ qps: Number.POSITIVE_INFINITY, burst: 0, clock: manualClock() });
    assert.deepEqual(reserveMany(bucket, 5), [0, 0, 0, 0, 0]);
  });

  test('zero burst with a finite rate can never be satisfied', () => {
    const bucket = createTokenBucket({ qps: 10, burst: 0, clock: manualClock() });
    assert.equal(bucket.reserve(), Number.POSITIVE_INFINITY);
  });

  test('zero qps allows the burst and then never refills', () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ qps: 0, burst: 2, clock });
    clock.advance(1_000_000);
    assert.deepEqual(reserveMany(bucket, 3), [0, 0, Number.POSITIVE_INFINITY]);
  });

  test('a clock stepping backwards mints no tokens', () => {
    const clock = manualClock(10_000);
    const bucket = createTokenBucket({ qps: 10, burst: 1, clock });
    assert.equal(bucket.reserve(), 0);
    clock.set(0);
    assert.equal(bucket.reserve(), 100);
  });

  test('rejects invalid parameters', () => {
    assert.throws(() => createTokenBucket({ qps: -1, burst: 1 }), RangeError);
    assert.throws(() => createTokenBucket({ qps: Number.NaN, burst: 1 }), RangeError);
    assert.throws(() => createTokenBucket({ qps: 1, burst: 1.5 }), RangeError);
    assert.throws(() => createTokenBucket({ qps: 1, burst: -1 }), RangeError);
  });
});

describe('token bucket properties', () => {
  test('granted times never exceed burst + qps * window in any window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 120 }),
        (qps, burst, gaps) => {
          const clock = manualClock();
          const bucket = createTokenBucket({ qps, burst, clock });
          const granted: number[] = [];
          for (const gap of gaps) {
            clock.advance(gap);
            const wait = bucket.reserve();
            assert.ok(wait >= 0);
            granted.push(clock.now() + wait);
          }
          // Reservations are granted in call order, so act times are already sorted.
          for (let i = 0; i < granted.length; i++) {
            for (let j = i; j < granted.length; j++) {
              const window = (granted[j] ?? 0) - (granted[i] ?? 0);
              assert.ok(j - i + 1 <= burst + (qps * window) / 1000 + 1e-6, `calls ${i}..${j} over ${window}ms`);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('back-to-back reservations wait a growing multiple of 1/qps once the burst is spent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 50 }), (qps, burst) => {
        const bucket = createTokenBucket({ qps, burst, clock: manualClock() });
        const waits = reserveMany(bucket, burst + 10);
        waits.forEach((wait, i) => {
          const expected = i < burst ? 0 : burst === 0 ? Number.POSITIVE_INFINITY : ((i - burst + 1) / qps) * 1000;
          assert.ok(wait === expected || Math.abs(wait - expected) < 1e-6, `call ${i}: ${wait} vs ${expected}`);
        });
      }),
    );
  });
});
