import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createWorkQueue, type WorkQueue } from './workqueue.ts';

// One macrotask turn: every promise continuation queued so far has run. Used to observe
// whether a get() has settled, never to wait for time to pass.
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function track<T>(promise: Promise<T>): { settled: boolean; value: T | undefined } {
  const state: { settled: boolean; value: T | undefined } = { settled: false, value: undefined };
  void promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

async function drainAll(q: WorkQueue): Promise<string[]> {
  const items: string[] = [];
  while (q.len() > 0) {
    const item = await q.get();
    assert.ok(item !== undefined);
    items.push(item);
    q.done(item);
  }
  return items;
}

describe('workqueue', () => {
  test('hands items out in FIFO order', async () => {
    const q = createWorkQueue();
    for (const item of ['a', 'b', 'c']) q.add(item);
    assert.equal(q.len(), 3);
    assert.deepEqual(await drainAll(q), ['a', 'b', 'c']);
  });

  test('adding a queued item is a no-op and keeps its place', async () => {
    const q = createWorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.deepEqual(await drainAll(q), ['a', 'b']);
  });

  test('re-adding an item being processed defers it until done', async () => {
    const q = createWorkQueue();
    q.add('a');
    const first = await q.get();
    assert.equal(first, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 'a processing item is not queued a second time');
    const second = track(q.get());
    await flush();
    assert.equal(second.settled, false, 'no second worker may receive a while it is processed');
    q.done('a');
    await flush();
    assert.deepEqual(second, { settled: true, value: 'a' });
    q.done('a');
    assert.equal(q.len(), 0, 'the coalesced re-adds produce exactly one more run');
  });

  test('a re-added item goes to the back of the queue after done', async () => {
    const q = createWorkQueue();
    q.add('a');
    assert.equal(await q.get(), 'a');
    q.add('a');
    q.add('b');
    q.done('a');
    assert.deepEqual(await drainAll(q), ['b', 'a']);
  });

  test('waiting getters are served in the order they asked', async () => {
    const q = createWorkQueue();
    const g1 = track(q.get());
    const g2 = track(q.get());
    const g3 = track(q.get());
    q.add('x');
    q.add('y');
    await flush();
    assert.deepEqual(g1, { settled: true, value: 'x' });
    assert.deepEqual(g2, { settled: true, value: 'y' });
    assert.equal(g3.settled, false);
    q.shutDown();
  });

  test('an item handed to a waiting getter is already owned before its promise settles', async () => {
    const q = createWorkQueue();
    const waiting = track(q.get());
    q.add('a');
    // Synchronously after the add: a fresh getter must not see 'a' again.
    const other = track(q.get());
    await flush();
    assert.equal(waiting.value, 'a');
    assert.equal(other.settled, false);
    q.shutDown();
  });

  test('waiting getters create no timers (no polling)', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const q = createWorkQueue();
    const pending = [q.get(), q.get()];
    await flush();
    assert.equal(timers(), before);
    q.shutDown();
    assert.deepEqual(await Promise.all(pending), [undefined, undefined]);
  });

  test('shutDown releases a waiting getter with undefined', async () => {
    const q = createWorkQueue();
    const waiting = track(q.get());
    await flush();
    assert.equal(waiting.settled, false);
    q.shutDown();
    await flush();
    assert.deepEqual(waiting, { settled: true, value: undefined });
    assert.equal(q.shuttingDown(), true);
  });

  test('after shutDown adds are ignored but queued items are still handed out', async () => {
    const q = createWorkQueue();
    q.add('a');
    q.add('b');
    q.shutDown();
    q.add('c');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(await q.get(), undefined);
  });

  test('shutDownWithDrain resolves only once every in-flight item is done', async () => {
    const q = createWorkQueue();
    q.add('a');
    q.add('b');
    const a = await q.get();
    const b = await q.get();
    assert.ok(a !== undefined && b !== undefined);
    const drained = track(q.shutDownWithDrain());
    q.done(a);
    await flush();
    assert.equal(drained.settled, false, 'b is still being processed');
    q.done(b);
    await flush();
    assert.equal(drained.settled, true);
  });

  test('shutDownWithDrain resolves at once when nothing is in flight', async () => {
    const q = createWorkQueue();
    q.add('queued');
    await q.shutDownWithDrain();
    assert.equal(q.shuttingDown(), true);
    assert.equal(await q.get(), 'queued');
  });

  test('during a drain an item re-added before shutdown is still handed out after done', async () => {
    const q = createWorkQueue();
    q.add('a');
    assert.equal(await q.get(), 'a');
    q.add('a');
    const drained = track(q.shutDownWithDrain());
    q.done('a');
    await flush();
    assert.equal(drained.settled, true);
    assert.equal(q.len(), 1);
    assert.equal(await q.get(), 'a');
  });

  test('shutDown cancels the wait of an ongoing drain', async () => {
    const q = createWorkQueue();
    q.add('a');
    await q.get();
    const drained = track(q.shutDownWithDrain());
    await flush();
    assert.equal(drained.settled, false);
    q.shutDown();
    await flush();
    assert.equal(drained.settled, true);
  });

  test('done for an item that is not being processed is a no-op', async () => {
    const q = createWorkQueue();
    q.add('a');
    q.done('a');
    q.done('never-added');
    assert.equal(q.len(), 1, 'the queued item is not duplicated');
    assert.deepEqual(await drainAll(q), ['a']);
  });
});

// Simulated workers drive the queue through random interleavings of add/get/done. The
// simulation records what each invariant needs; each property below checks one of them.
type Op = { kind: 'add'; item: string } | { kind: 'get'; worker: number } | { kind: 'done'; worker: number };

const WORKERS = 4;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), item: fc.constantFrom('a', 'b', 'c', 'd', 'e') }),
  fc.record({ kind: fc.constant('get' as const), worker: fc.integer({ min: 0, max: WORKERS - 1 }) }),
  fc.record({ kind: fc.constant('done' as const), worker: fc.integer({ min: 0, max: WORKERS - 1 }) }),
);

interface Outcome {
  /** Items a worker received while another worker still held them. */
  doubleHeld: string[];
  /** Steps at which len() disagreed with the number of distinct pending, unheld items. */
  lenMismatches: string[];
  /** Items whose last add was not followed by a processing start. */
  lost: string[];
  /** Items handed out more than once when draining a quiescent queue. */
  drainDuplicates: string[];
}

async function simulate(ops: Op[]): Promise<Outcome> {
  const q = createWorkQueue();
  const held = new Map<number, string>();
  const waiting = new Set<number>();
  // Items added since they were last handed out: exactly those that must still be processed.
  const pending = new Set<string>();
  const lastAdd = new Map<string, number>();
  const lastStart = new Map<string, number>();
  const outcome: Outcome = { doubleHeld: [], lenMismatches: [], lost: [], drainDuplicates: [] };
  let step = 0;

  const startGet = (worker: number): void => {
    if (held.has(worker) || waiting.has(worker)) return;
    waiting.add(worker);
    void q.get().then((item) => {
      waiting.delete(worker);
      if (item === undefined) return;
      for (const other of held.values()) if (other === item) outcome.doubleHeld.push(item);
      held.set(worker, item);
      pending.delete(item);
      lastStart.set(item, ++step);
    });
  };
  const finish = (worker: number): void => {
    const item = held.get(worker);
    if (item === undefined) return;
    held.delete(worker);
    q.done(item);
  };
  const checkLen = (label: string): void => {
    const heldItems = new Set(held.values());
    const expected = [...pending].filter((item) => !heldItems.has(item)).length;
    if (q.len() !== expected) outcome.lenMismatches.push(`${label}: len ${q.len()} expected ${expected}`);
  };

  for (const [i, op] of ops.entries()) {
    if (op.kind === 'add') {
      lastAdd.set(op.item, ++step);
      pending.add(op.item);
      q.add(op.item);
    } else if (op.kind === 'get') {
      startGet(op.worker);
    } else {
      finish(op.worker);
    }
    await flush();
    checkLen(`op ${i}`);
  }

  // Quiesce: workers keep finishing and fetching until nothing is pending or held. Each
  // round hands out at least one item or ends the loop, so it terminates.
  while (held.size > 0 || q.len() > 0) {
    for (const worker of [...held.keys()]) finish(worker);
    await flush();
    for (let worker = 0; worker < WORKERS; worker++) startGet(worker);
    await flush();
    checkLen('quiesce');
  }
  q.shutDown();
  await flush();

  for (const [item, added] of lastAdd) {
    if ((lastStart.get(item) ?? 0) <= added) outcome.lost.push(item);
  }

  // A quiescent queue re-filled with many adds of few keys must yield each key once.
  const q2 = createWorkQueue();
  for (const op of ops) if (op.kind === 'add') q2.add(op.item);
  const seen = new Set<string>();
  for (const item of await drainAll(q2)) {
    if (seen.has(item)) outcome.drainDuplicates.push(item);
    seen.add(item);
  }
  return outcome;
}

const opsArb = fc.array(opArb, { minLength: 1, maxLength: 60 });

describe('workqueue properties', () => {
  test('(a) no item is ever held by two workers at once', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        assert.deepEqual((await simulate(ops)).doubleHeld, []);
      }),
      { numRuns: 150 },
    );
  });

  test('(b) every added item is processed after its last add', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        assert.deepEqual((await simulate(ops)).lost, []);
      }),
      { numRuns: 150 },
    );
  });

  test('(c) the queue never holds duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const outcome = await simulate(ops);
        assert.deepEqual(outcome.lenMismatches, []);
        assert.deepEqual(outcome.drainDuplicates, []);
      }),
      { numRuns: 150 },
    );
  });
});
