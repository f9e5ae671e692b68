import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overlaps, type ReconcileLogEntry } from './reconcile-log.ts';

const e = (replica: string, key: string, event: 'start' | 'end', at: number): ReconcileLogEntry => ({
  replica,
  box: 'k/b',
  key,
  event,
  at,
});

test('overlapping reconciles of one key by two replicas are found; sequential ones and other keys are not', () => {
  const clean = [e('a', 'x', 'start', 0), e('a', 'x', 'end', 10), e('b', 'x', 'start', 10), e('b', 'x', 'end', 20)];
  assert.deepEqual(overlaps(clean), []);
  const otherKey = [e('a', 'x', 'start', 0), e('b', 'y', 'start', 1), e('a', 'x', 'end', 5), e('b', 'y', 'end', 6)];
  assert.deepEqual(overlaps(otherKey), []);
  const both = [e('a', 'x', 'start', 0), e('b', 'x', 'start', 5), e('a', 'x', 'end', 10), e('b', 'x', 'end', 20)];
  assert.equal(overlaps(both).length, 1);
});

test('a reconcile that never ended lasts until its replica ended', () => {
  const killed = [e('a', 'x', 'start', 0), e('b', 'x', 'start', 50), e('b', 'x', 'end', 60)];
  assert.deepEqual(
    overlaps(killed, (r) => (r === 'a' ? 40 : Number.POSITIVE_INFINITY)),
    [],
  );
  assert.equal(overlaps(killed).length, 1);
});
