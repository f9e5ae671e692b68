import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createFifo } from './fifo.ts';

describe('fifo', () => {
  test('shifts in push order and reports empty as undefined', () => {
    const fifo = createFifo<string>();
    fifo.push('a');
    fifo.push('b');
    assert.equal(fifo.length, 2);
    assert.equal(fifo.shift(), 'a');
    assert.equal(fifo.shift(), 'b');
    assert.equal(fifo.shift(), undefined);
    assert.equal(fifo.length, 0);
  });

  test('matches an array model across compactions', () => {
    // Runs of pushes and shifts long enough to cross the internal compaction threshold.
    const opArb = fc.oneof(
      fc.record({ push: fc.constant(true), count: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ push: fc.constant(false), count: fc.integer({ min: 1, max: 3000 }) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 12 }), (ops) => {
        const fifo = createFifo<number>();
        const model: number[] = [];
        let next = 0;
        for (const op of ops) {
          for (let i = 0; i < op.count; i++) {
            if (op.push) {
              fifo.push(next);
              model.push(next++);
            } else {
              assert.equal(fifo.shift(), model.shift());
            }
          }
          assert.equal(fifo.length, model.length);
        }
      }),
      { numRuns: 50 },
    );
  });
});
