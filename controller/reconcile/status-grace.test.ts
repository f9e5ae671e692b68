import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import type { ChildSummary } from './cr-status.ts';
import { statusGrace, waitsForNewChildren } from './status-grace.ts';

const child = (kind: string, state: ChildSummary['state']): ChildSummary => ({
  apiVersion: 'v1',
  kind,
  name: 'shop',
  state,
});
const outcome = (summaries: ChildSummary[], extra: { problem?: unknown; warnings?: string[] } = {}) => ({
  warnings: extra.warnings ?? [],
  problem: extra.problem,
  summaries,
});

test('a first status waits only on children this reconcile created, with nothing wrong', () => {
  const justCreated = new Set(['Deployment shop', 'Service shop']);
  const children = [child('Deployment', 'NotReady'), child('Service', 'Ready')];
  assert.equal(waitsForNewChildren(undefined, outcome(children), justCreated), true);
  assert.equal(
    waitsForNewChildren({ observedGeneration: 1 }, outcome(children), justCreated),
    false,
    'a custom resource that has a status reports progress at once',
  );
  assert.equal(waitsForNewChildren(undefined, outcome(children), new Set()), false, 'an older child is not ready');
  assert.equal(waitsForNewChildren(undefined, outcome([child('Service', 'Ready')]), justCreated), false, 'all ready');
  assert.equal(waitsForNewChildren(undefined, outcome(children, { problem: {} }), justCreated), false);
  assert.equal(waitsForNewChildren(undefined, outcome(children, { warnings: ['w'] }), justCreated), false);
});

test('a deferred status is re-enqueued when the grace ends, unless a reconcile settled it', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const enqueued: string[] = [];
    const grace = statusGrace((uid) => enqueued.push(uid), 5_000);
    grace.defer('a');
    grace.defer('b');
    mock.timers.tick(3_000);
    grace.defer('a'); // a second defer keeps the first deadline
    grace.settle('b');
    mock.timers.tick(2_000);
    assert.deepEqual(enqueued, ['a']);
    grace.defer('c');
    grace.close();
    mock.timers.tick(10_000);
    assert.deepEqual(enqueued, ['a'], 'a closed reconciler enqueues nothing');
  } finally {
    mock.timers.reset();
  }
});
