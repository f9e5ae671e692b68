import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { Clock } from './clock.ts';
import type { WorkqueueMetrics } from './queue-metrics.ts';
import { exponentialFailureRateLimiter } from './rate-limiter.ts';
import { createRateLimitingQueue, type RateLimitingQueue } from './rate-limiting-queue.ts';

const dateClock: Clock = { now: () => Date.now() };

function fakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
}

async function processOnce(q: RateLimitingQueue): Promise<string> {
  const item = await q.get();
  assert.ok(item !== undefined);
  q.done(item);
  return item;
}

describe('rate limiting queue', () => {
  test('addRateLimited waits the limiter delay, which grows with each retry until forget', async (t) => {
    fakeTime(t);
    const q = createRateLimitingQueue({
      clock: dateClock,
      rateLimiter: exponentialFailureRateLimiter({ baseDelayMs: 10, maxDelayMs: 1000 }),
    });
    const readyAfter = async (): Promise<number> => {
      q.addRateLimited('a');
      let waited = 0;
      while (q.len() === 0) {
        t.mock.timers.tick(1);
        waited++;
      }
      assert.equal(await processOnce(q), 'a');
      return waited;
    };
    assert.equal(await readyAfter(), 10);
    assert.equal(await readyAfter(), 20);
    assert.equal(await readyAfter(), 40);
    assert.equal(q.numRequeues('a'), 3);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
    assert.equal(await readyAfter(), 10);
    q.shutDown();
  });

  test('forget does not remove a queued item', async () => {
    const q = createRateLimitingQueue({ rateLimiter: exponentialFailureRateLimiter({ baseDelayMs: 0 }) });
    q.addRateLimited('a');
    q.forget('a');
    assert.equal(q.len(), 1);
    assert.equal(await processOnce(q), 'a');
    q.shutDown();
  });

  test('uses the default controller limiter when none is given', (t) => {
    fakeTime(t);
    const q = createRateLimitingQueue({ clock: dateClock });
    q.addRateLimited('a');
    t.mock.timers.tick(4);
    assert.equal(q.len(), 0);
    t.mock.timers.tick(1);
    assert.equal(q.len(), 1, 'the first retry waits the 5ms base delay');
    assert.equal(q.numRequeues('a'), 1);
    q.shutDown();
  });

  test('every addRateLimited counts as a retry and plain adds do not', () => {
    let retries = 0;
    let adds = 0;
    const metrics: WorkqueueMetrics = { add: () => adds++, depth() {}, get() {}, done() {}, retry: () => retries++ };
    const q = createRateLimitingQueue({ metrics, rateLimiter: exponentialFailureRateLimiter({ baseDelayMs: 0 }) });
    q.add('a');
    q.addRateLimited('b');
    q.addRateLimited('c');
    assert.equal(retries, 2);
    assert.equal(adds, 3);
    q.shutDown();
  });

  test('plain queue operations pass through the wrappers', async () => {
    const q = createRateLimitingQueue();
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 1);
    assert.equal(await q.get(), 'a');
    q.add('a');
    assert.equal(q.len(), 0, 'still coalesced while processing');
    q.done('a');
    assert.equal(q.len(), 1);
    await q.shutDownWithDrain();
    assert.equal(q.shuttingDown(), true);
  });
});
