import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import fc from 'fast-check';
import type { Clock } from './clock.ts';
import { createDelayingQueue, type DelayingQueue } from './delaying-queue.ts';
import type { WorkqueueMetrics } from './queue-metrics.ts';

// mock.timers fakes setTimeout and Date together; the queue reads time through this clock, so
// timer callbacks and deadlines move in lockstep under tick().
const dateClock: Clock = { now: () => Date.now() };

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function fakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
}

async function takeAll(q: DelayingQueue): Promise<string[]> {
  const items: string[] = [];
  while (q.len() > 0) {
    const item = await q.get();
    assert.ok(item !== undefined);
    items.push(item);
    q.done(item);
  }
  return items;
}

const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('delaying queue', () => {
  test('addAfter makes the item available exactly when its delay has passed', (t) => {
    fakeTime(t);
    const q = createDelayingQueue({ clock: dateClock });
    q.addAfter('a', 100);
    assert.equal(q.len(), 0);
    t.mock.timers.tick(99);
    assert.equal(q.len(), 0);
    t.mock.timers.tick(1);
    assert.equal(q.len(), 1);
    q.shutDown();
  });

  test('a non-positive delay adds immediately', () => {
    const q = createDelayingQueue();
    q.addAfter('zero', 0);
    q.addAfter('negative', -5);
    assert.equal(q.len(), 2);
    q.shutDown();
  });

  test('an earlier delay for a waiting item wins', async (t) => {
    fakeTime(t);
    const q = createDelayingQueue({ clock: dateClock });
    q.addAfter('a', 500);
    q.addAfter('a', 100);
    t.mock.timers.tick(100);
    assert.deepEqual(await takeAll(q), ['a']);
    t.mock.timers.tick(400);
    assert.equal(q.len(), 0, 'the superseded 500ms entry does not add it again');
    q.shutDown();
  });

  test('a later delay for a waiting item does not postpone it', async (t) => {
    fakeTime(t);
    const q = createDelayingQueue({ clock: dateClock });
    q.addAfter('a', 100);
    q.addAfter('a', 500);
    t.mock.timers.tick(100);
    assert.deepEqual(await takeAll(q), ['a']);
    t.mock.timers.tick(400);
    assert.equal(q.len(), 0);
    q.shutDown();
  });

  test('items become ready in deadline order, ties in the order they were added', async (t) => {
    fakeTime(t);
    const q = createDelayingQueue({ clock: dateClock });
    q.addAfter('late', 300);
    q.addAfter('tie-1', 200);
    q.addAfter('early', 100);
    q.addAfter('tie-2', 200);
    t.mock.timers.tick(300);
    assert.deepEqual(await takeAll(q), ['early', 'tie-1', 'tie-2', 'late']);
    q.shutDown();
  });

  test('a waiting getter receives the item when its delay passes', async (t) => {
    fakeTime(t);
    const q = createDelayingQueue({ clock: dateClock });
    const got = q.get();
    q.addAfter('a', 50);
    t.mock.timers.tick(50);
    assert.equal(await got, 'a');
    q.shutDown();
  });

  test('delays beyond the setTimeout limit are honoured, not fired early', (t) => {
    fakeTime(t);
    const q = createDelayingQueue({ clock: dateClock });
    const limit = 2 ** 31 - 1;
    q.addAfter('a', limit + 1000);
    t.mock.timers.tick(limit);
    assert.equal(q.len(), 0);
    t.mock.timers.tick(1000);
    assert.equal(q.len(), 1);
    q.shutDown();
  });

  test('waiting items are dropped on shutdown and later addAfter calls are ignored', async (t) => {
    fakeTime(t);
    const q = createDelayingQueue({ clock: dateClock });
    q.addAfter('a', 100);
    q.shutDown();
    q.addAfter('b', 10);
    q.addAfter('c', 0);
    t.mock.timers.tick(1000);
    assert.equal(q.len(), 0);
    assert.equal(await q.get(), undefined);
  });

  test('many waiting items share one timer, which shutDown clears', () => {
    const before = activeTimers();
    const q = createDelayingQueue();
    for (let i = 0; i < 50; i++) q.addAfter(`item-${i}`, 60_000 - i * 100);
    assert.equal(activeTimers(), before + 1);
    q.shutDown();
    assert.equal(activeTimers(), before);
  });

  test('shutDownWithDrain also clears the timer', async () => {
    const before = activeTimers();
    const q = createDelayingQueue();
    q.addAfter('a', 60_000);
    assert.equal(activeTimers(), before + 1);
    await q.shutDownWithDrain();
    assert.equal(activeTimers(), before);
  });

  test('the timer is released once nothing is waiting', async () => {
    const before = activeTimers();
    const q = createDelayingQueue();
    q.addAfter('a', 1);
    assert.equal(activeTimers(), before + 1);
    // Waits on the event (the item arriving), not on a guessed duration.
    assert.equal(await q.get(), 'a');
    assert.equal(activeTimers(), before);
    q.shutDown();
  });

  test('every addAfter counts as a retry', () => {
    let retries = 0;
    const metrics: WorkqueueMetrics = { add() {}, depth() {}, get() {}, done() {}, retry: () => retries++ };
    const q = createDelayingQueue({ metrics });
    q.addAfter('a', 0);
    q.addAfter('b', 1000);
    q.addAfter('b', 10);
    assert.equal(retries, 3);
    q.shutDown();
    q.addAfter('c', 10);
    assert.equal(retries, 3, 'ignored adds after shutdown are not retries');
  });
});

// Model: each addAfter lowers the item's pending deadline (earliest wins); when the clock
// reaches a deadline the item joins the queue. Checkpoints are every add time and every
// possible deadline, so no transition can happen unobserved between two of them.
type Schedule = { at: number; item: string; delay: number };
const scheduleArb: fc.Arbitrary<Schedule[]> = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 200 }),
    item: fc.constantFrom('a', 'b', 'c', 'd'),
    delay: fc.integer({ min: -10, max: 300 }),
  }),
  { minLength: 1, maxLength: 30 },
);

describe('delaying queue properties', () => {
  test('each item becomes ready at its earliest pending deadline', async (t) => {
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (schedule) => {
        fakeTime(t);
        try {
          const q = createDelayingQueue({ clock: dateClock });
          const adds = [...schedule].sort((x, y) => x.at - y.at);
          const checkpoints = [...new Set(adds.flatMap((s) => [s.at, s.at + Math.max(0, s.delay)]))].sort(
            (x, y) => x - y,
          );
          const deadline = new Map<string, number>();
          let now = 0;
          let next = 0;
          for (const checkpoint of checkpoints) {
            t.mock.timers.tick(checkpoint - now);
            now = checkpoint;
            const expected = new Set<string>();
            for (const [item, at] of deadline) {
              if (at <= now) {
                expected.add(item);
                deadline.delete(item);
              }
            }
            for (let add = adds[next]; add !== undefined && add.at === now; add = adds[++next]) {
              q.addAfter(add.item, add.delay);
              if (add.delay <= 0) expected.add(add.item);
              else
                deadline.set(add.item, Math.min(deadline.get(add.item) ?? Number.POSITIVE_INFINITY, now + add.delay));
            }
            await flush();
            const ready = await takeAll(q);
            assert.equal(new Set(ready).size, ready.length, 'no item is ready twice at once');
            assert.deepEqual(new Set(ready), expected, `at t=${now}`);
          }
          q.shutDown();
        } finally {
          t.mock.timers.reset();
        }
      }),
      { numRuns: 100 },
    );
  });
});
