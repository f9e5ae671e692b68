import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Clock } from './clock.ts';
import type { WorkqueueMetrics } from './queue-metrics.ts';
import { createWorkQueue } from './workqueue.ts';

function recorder(): WorkqueueMetrics & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    add: () => events.push('add'),
    depth: (depth) => events.push(`depth ${depth}`),
    get: (seconds) => events.push(`get ${seconds}`),
    done: (seconds) => events.push(`done ${seconds}`),
    retry: () => events.push('retry'),
  };
}

function manualClock(): Clock & { set(ms: number): void } {
  let now = 0;
  return { now: () => now, set: (ms) => (now = ms) };
}

describe('workqueue metrics', () => {
  test('reports adds, depth, time queued and time worked', async () => {
    const clock = manualClock();
    const metrics = recorder();
    const q = createWorkQueue({ clock, metrics });
    q.add('a');
    clock.set(500);
    q.add('b');
    q.add('a');
    clock.set(2000);
    const a = await q.get();
    clock.set(5000);
    q.done(a ?? '');
    assert.deepEqual(metrics.events, ['add', 'depth 1', 'add', 'depth 2', 'depth 1', 'get 2', 'done 3']);
  });

  test('an item re-added while processing counts as an add and keeps its first add time', async () => {
    const clock = manualClock();
    const metrics = recorder();
    const q = createWorkQueue({ clock, metrics });
    q.add('a');
    await q.get();
    metrics.events.length = 0;
    clock.set(1000);
    q.add('a');
    clock.set(1500);
    q.add('a');
    clock.set(4000);
    q.done('a');
    await q.get();
    // Queued from the first re-add (t=1s) to the hand-out (t=4s), including the wait for done.
    assert.deepEqual(metrics.events, ['add', 'depth 1', 'done 4', 'depth 0', 'get 3']);
  });

  test('unfinishedWork sums in-flight processing time and reports the longest', async () => {
    const clock = manualClock();
    const q = createWorkQueue({ clock });
    assert.deepEqual(q.unfinishedWork(), { unfinishedWorkSeconds: 0, longestRunningProcessorSeconds: 0 });
    q.add('a');
    q.add('b');
    await q.get();
    clock.set(1000);
    await q.get();
    clock.set(4000);
    assert.deepEqual(q.unfinishedWork(), { unfinishedWorkSeconds: 7, longestRunningProcessorSeconds: 4 });
    q.done('a');
    assert.deepEqual(q.unfinishedWork(), { unfinishedWorkSeconds: 3, longestRunningProcessorSeconds: 3 });
    q.done('b');
    assert.deepEqual(q.unfinishedWork(), { unfinishedWorkSeconds: 0, longestRunningProcessorSeconds: 0 });
  });

  test('adds after shutdown and stray dones report nothing', () => {
    const metrics = recorder();
    const q = createWorkQueue({ metrics });
    q.done('a');
    q.shutDown();
    q.add('a');
    assert.deepEqual(metrics.events, []);
  });
});
