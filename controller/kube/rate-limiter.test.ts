import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Clock } from './clock.ts';
import {
  defaultControllerRateLimiter,
  exponentialFailureRateLimiter,
  maxOf,
  type RateLimiter,
  tokenBucketRateLimiter,
} from './rate-limiter.ts';

const frozenClock: Clock = { now: () => 0 };

function whenMany(limiter: RateLimiter, item: string, count: number): number[] {
  return Array.from({ length: count }, () => limiter.when(item));
}

describe('exponential failure rate limiter', () => {
  test('defaults to 5ms doubling per failure', () => {
    const limiter = exponentialFailureRateLimiter();
    assert.deepEqual(whenMany(limiter, 'a', 5), [5, 10, 20, 40, 80]);
    assert.equal(limiter.numRequeues('a'), 5);
  });

  test('caps at the default 1000s', () => {
    const limiter = exponentialFailureRateLimiter();
    const delays = whenMany(limiter, 'a', 30);
    // 5ms * 2^17 = 655.36s is the last step below the cap.
    assert.equal(delays[17], 655_360);
    assert.equal(delays[18], 1_000_000);
    assert.equal(delays[29], 1_000_000);
  });

  test('doubles up to a configured cap and stays there', () => {
    const limiter = exponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 100 });
    assert.deepEqual(whenMany(limiter, 'a', 9), [1, 2, 4, 8, 16, 32, 64, 100, 100]);
  });

  test('stays at the cap after the exponent overflows', () => {
    const limiter = exponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 5000 });
    const delays = whenMany(limiter, 'a', 2000);
    assert.equal(delays.at(-1), 5000);
    assert.equal(limiter.numRequeues('a'), 2000);
  });

  test('forget resets the backoff and the requeue count', () => {
    const limiter = exponentialFailureRateLimiter();
    whenMany(limiter, 'a', 4);
    limiter.forget('a');
    assert.equal(limiter.numRequeues('a'), 0);
    assert.equal(limiter.when('a'), 5);
  });

  test('tracks items independently', () => {
    const limiter = exponentialFailureRateLimiter();
    whenMany(limiter, 'a', 3);
    assert.equal(limiter.when('b'), 5);
    assert.equal(limiter.numRequeues('a'), 3);
    assert.equal(limiter.numRequeues('b'), 1);
    assert.equal(limiter.numRequeues('never-seen'), 0);
  });

  test('rejects negative or NaN delays', () => {
    assert.throws(() => exponentialFailureRateLimiter({ baseDelayMs: -1 }), RangeError);
    assert.throws(() => exponentialFailureRateLimiter({ maxDelayMs: Number.NaN }), RangeError);
  });
});

describe('token bucket rate limiter', () => {
  test('defaults to a burst of 100 then 10 per second, shared by all items', () => {
    const limiter = tokenBucketRateLimiter({ clock: frozenClock });
    const delays = Array.from({ length: 102 }, (_, i) => limiter.when(`item-${i}`));
    assert.deepEqual(delays.slice(0, 100), Array(100).fill(0));
    assert.deepEqual(delays.slice(100), [100, 200]);
  });

  test('counts no requeues and forget is harmless', () => {
    const limiter = tokenBucketRateLimiter({ qps: 1, burst: 1, clock: frozenClock });
    limiter.when('a');
    limiter.forget('a');
    assert.equal(limiter.numRequeues('a'), 0);
    assert.equal(limiter.when('a'), 1000, 'forget does not refund the reservation');
  });
});

describe('maxOf', () => {
  const fixed = (delay: number, requeues: number, log: string[]): RateLimiter => ({
    when: (item) => {
      log.push(`when ${delay} ${item}`);
      return delay;
    },
    forget: (item) => log.push(`forget ${delay} ${item}`),
    numRequeues: () => requeues,
  });

  test('returns the longest delay and the highest requeue count, consulting every limiter', () => {
    const log: string[] = [];
    const limiter = maxOf(fixed(5, 2, log), fixed(50, 1, log), fixed(10, 7, log));
    assert.equal(limiter.when('a'), 50);
    assert.equal(limiter.numRequeues('a'), 7);
    limiter.forget('a');
    assert.deepEqual(log, ['when 5 a', 'when 50 a', 'when 10 a', 'forget 5 a', 'forget 50 a', 'forget 10 a']);
  });

  test('with no limiters never delays', () => {
    assert.equal(maxOf().when('a'), 0);
    assert.equal(maxOf().numRequeues('a'), 0);
  });
});

describe('default controller rate limiter', () => {
  test('per-item backoff dominates until the shared burst is spent', () => {
    const limiter = defaultControllerRateLimiter({ clock: frozenClock });
    assert.deepEqual(whenMany(limiter, 'a', 3), [5, 10, 20]);
    assert.equal(limiter.numRequeues('a'), 3);
    const firstFailures = Array.from({ length: 97 }, (_, i) => limiter.when(`item-${i}`));
    assert.deepEqual(firstFailures, Array(97).fill(5));
    // The bucket (100 tokens) is now empty: the next first failure waits for a refill.
    assert.equal(limiter.when('late'), 100);
    limiter.forget('a');
    assert.equal(limiter.numRequeues('a'), 0);
  });
});

describe('rate limiter properties', () => {
  test('(d) exponential delays are non-decreasing, capped, and double until the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 200 }),
        (baseDelayMs, maxDelayMs, failures) => {
          const limiter = exponentialFailureRateLimiter({ baseDelayMs, maxDelayMs });
          const delays = whenMany(limiter, 'item', failures);
          delays.forEach((delay, i) => {
            assert.ok(delay <= maxDelayMs, `delay ${i} above cap`);
            assert.ok(i === 0 || delay >= (delays[i - 1] ?? 0), `delay ${i} decreased`);
            assert.equal(delay, Math.min(baseDelayMs * 2 ** i, maxDelayMs));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  test('each item backs off independently and forget resets only that item', () => {
    const opArb = fc.record({ forget: fc.boolean(), item: fc.constantFrom('a', 'b', 'c') });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const limiter = exponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 1000 });
        const failures = new Map<string, number>();
        for (const op of ops) {
          if (op.forget) {
            limiter.forget(op.item);
            failures.delete(op.item);
          } else {
            const n = failures.get(op.item) ?? 0;
            assert.equal(limiter.when(op.item), Math.min(2 ** n, 1000));
            failures.set(op.item, n + 1);
          }
          for (const item of ['a', 'b', 'c']) assert.equal(limiter.numRequeues(item), failures.get(item) ?? 0);
        }
      }),
    );
  });
});
