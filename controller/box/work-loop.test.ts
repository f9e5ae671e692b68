import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import type { Clock } from '../kube/clock.ts';
import { silentLogger } from '../observe/log.ts';
import { createHealth } from './health.ts';
import { rateLimiterFor } from './operator-box.ts';
import { startWorkLoop } from './work-loop.ts';

// mock.timers fakes setTimeout and Date together; the queue reads time through this clock.
const dateClock: Clock = { now: () => Date.now() };
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const DEFAULT_BOX = { apiTypes: { group: 'example.com', version: 'v1', kind: 'Thing' } } as Box;

async function until(what: string, done: () => boolean) {
  for (let i = 0; i < 200 && !done(); i++) await flush();
  assert.ok(done(), `expected ${what}`);
}

function fakeTime(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
}

describe('box work loop', () => {
  test('with default queue settings a failing item is retried past 15 failures, then converges', async (t) => {
    fakeTime(t);
    const failuresWanted = 25;
    let calls = 0;
    const health = createHealth(5);
    const loop = startWorkLoop({
      workers: 1,
      rateLimiter: rateLimiterFor(DEFAULT_BOX),
      health,
      logger: silentLogger,
      clock: dateClock,
      process: async () => {
        calls++;
        if (calls <= failuresWanted) throw new Error('configmaps is forbidden');
        return undefined;
      },
    });
    loop.add('ns/a');
    let waited = 0;
    for (let failure = 0; failure < failuresWanted; failure++) {
      await until(`attempt ${failure + 1}`, () => calls === failure + 1);
      await until(`failure ${failure + 1} counted`, () => loop.failures('ns/a') === failure + 1);
      if (failure + 1 >= 5) assert.equal(health.snapshot().degraded, true, 'Degraded after failureThreshold');
      // client-go's per-item backoff: 5 ms doubling, capped at 1000 s.
      const delay = Math.min(5 * 2 ** failure, 1_000_000);
      t.mock.timers.tick(delay - 1);
      await flush();
      assert.equal(calls, failure + 1, 'not retried before its backoff');
      t.mock.timers.tick(1);
      waited += delay;
    }
    await until('the item to succeed after its failures', () => calls === failuresWanted + 1);
    await until('the failure count to reset', () => loop.failures('ns/a') === 0);
    assert.equal(health.snapshot().degraded, false, 'one success brings the box back from Degraded');
    assert.ok(waited > 165_000, `retried for ${waited} ms of fake time, longer than the old 15-failure limit`);
    await loop.stop(0);
  });

  test('no answer from the API server retries on its own capped backoff, outside the rate limiter', async (t) => {
    fakeTime(t);
    const unanswered = 12;
    let calls = 0;
    const limiterCalls: string[] = [];
    const limiter = rateLimiterFor(DEFAULT_BOX);
    const loop = startWorkLoop({
      workers: 1,
      rateLimiter: {
        when: (item) => {
          limiterCalls.push(item);
          return limiter.when(item);
        },
        forget: (item) => limiter.forget(item),
        numRequeues: (item) => limiter.numRequeues(item),
      },
      health: createHealth(5),
      logger: silentLogger,
      clock: dateClock,
      unreachableRetry: { baseMs: 100, maxMs: 1_000 },
      process: async () => {
        calls++;
        if (calls <= unanswered)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
        if (calls === unanswered + 1) throw new Error('configmaps is forbidden');
        return undefined;
      },
    });
    loop.add('ns/a');
    for (let failure = 0; failure < unanswered; failure++) {
      await until(`attempt ${failure + 1}`, () => calls === failure + 1);
      await until(`failure ${failure + 1} counted`, () => loop.failures('ns/a') === failure + 1);
      // Doubling from 100 ms to the 1 s cap, with up to 20% jitter either way.
      const delay = Math.min(100 * 2 ** failure, 1_000);
      t.mock.timers.tick(Math.floor(delay * 0.8) - 1);
      await flush();
      assert.equal(calls, failure + 1, `retry ${failure + 1} not before 80% of ${delay} ms`);
      t.mock.timers.tick(Math.ceil(delay * 0.4) + 1);
    }
    await until('the answered failure', () => calls === unanswered + 1);
    // Twelve failures through client-go's limiter would wait 5 ms * 2^12 = 20 s now; the
    // no-answer retries never reached it, so the first answered failure starts its backoff fresh.
    assert.deepEqual(limiterCalls, ['ns/a']);
    t.mock.timers.tick(5);
    await until('the item to succeed', () => calls === unanswered + 2);
    await until('the failure count to reset', () => loop.failures('ns/a') === 0);
    await loop.stop(0);
  });

  test('stop waits for in-flight work up to the grace period, then aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const loop = startWorkLoop({
      workers: 1,
      rateLimiter: rateLimiterFor(DEFAULT_BOX),
      health: createHealth(5),
      logger: silentLogger,
      process: (_key, item) => {
        signal = item.signal;
        // A reconcile stuck on a slow API call that honours its signal.
        return new Promise((_resolve, reject) =>
          item.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      },
    });
    loop.add('ns/stuck');
    await until('the item to start', () => signal !== undefined);
    const started = performance.now();
    await loop.stop(50);
    const took = performance.now() - started;
    assert.equal(signal?.aborted, true);
    assert.ok(took >= 45 && took < 1_000, `stop took ${took} ms`);
  });

  test('more workers than items process them in parallel; surplus workers leave on resize', async () => {
    const inFlight = new Set<string>();
    let peak = 0;
    const release: (() => void)[] = [];
    const loop = startWorkLoop({
      workers: 3,
      rateLimiter: rateLimiterFor(DEFAULT_BOX),
      health: createHealth(5),
      logger: silentLogger,
      process: (key) =>
        new Promise((resolve) => {
          inFlight.add(key);
          peak = Math.max(peak, inFlight.size);
          release.push(() => {
            inFlight.delete(key);
            resolve(undefined);
          });
        }),
    });
    for (const k of ['a', 'b', 'c']) loop.add(`ns/${k}`);
    await until('three items in flight', () => inFlight.size === 3);
    loop.setWorkers(1);
    for (const r of release.splice(0)) r();
    await until('all done', () => inFlight.size === 0 && loop.processed() === 3);
    assert.equal(peak, 3);
    assert.equal(loop.workers(), 1);
    await loop.stop(0);
  });
});
