import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createDeadlineHeap } from './deadline-heap.ts';

describe('deadline heap', () => {
  test('pops by deadline, equal deadlines in scheduling order', () => {
    const heap = createDeadlineHeap();
    heap.scheduleEarliest('c', 30);
    heap.scheduleEarliest('a', 10);
    heap.scheduleEarliest('b1', 20);
    heap.scheduleEarliest('b2', 20);
    assert.deepEqual(heap.peek(), { key: 'a', at: 10 });
    const order = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) order.push(e.key);
    assert.deepEqual(order, ['a', 'b1', 'b2', 'c']);
    assert.equal(heap.pop(), undefined);
  });

  test('keeps one entry per key and only ever moves it earlier', () => {
    const heap = createDeadlineHeap();
    assert.equal(heap.scheduleEarliest('a', 50), true);
    assert.equal(heap.scheduleEarliest('a', 80), false);
    assert.equal(heap.scheduleEarliest('a', 50), false);
    assert.equal(heap.scheduleEarliest('a', 20), true);
    assert.equal(heap.size, 1);
    assert.deepEqual(heap.pop(), { key: 'a', at: 20 });
    assert.equal(heap.size, 0);
  });

  test('clear empties it', () => {
    const heap = createDeadlineHeap();
    heap.scheduleEarliest('a', 1);
    heap.clear();
    assert.equal(heap.size, 0);
    assert.equal(heap.peek(), undefined);
    heap.scheduleEarliest('a', 5);
    assert.deepEqual(heap.pop(), { key: 'a', at: 5 });
  });

  test('matches a sorted model under random schedules and pops', () => {
    const opArb = fc.oneof(
      fc.record({ pop: fc.constant(false), key: fc.integer({ min: 0, max: 15 }), at: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ pop: fc.constant(true), key: fc.constant(0), at: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const heap = createDeadlineHeap();
        const model = new Map<string, { at: number; seq: number }>();
        let seq = 0;
        for (const op of ops) {
          if (op.pop) {
            const expected = [...model].sort(([, x], [, y]) => x.at - y.at || x.seq - y.seq)[0];
            const actual = heap.pop();
            if (expected === undefined) assert.equal(actual, undefined);
            else {
              assert.deepEqual(actual, { key: expected[0], at: expected[1].at });
              model.delete(expected[0]);
            }
          } else {
            const key = `k${op.key}`;
            const current = model.get(key);
            if (current === undefined) model.set(key, { at: op.at, seq: seq++ });
            else if (op.at < current.at) current.at = op.at;
            heap.scheduleEarliest(key, op.at);
          }
          assert.equal(heap.size, model.size);
        }
      }),
      { numRuns: 200 },
    );
  });
});
