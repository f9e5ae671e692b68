import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Clock } from '../clock.ts';
import { AGGREGATE_PREFIX, createAggregator } from './aggregator.ts';
import type { ObjectReference } from './core-event.ts';
import { createCorrelator } from './correlator.ts';
import { aggregateKey, eventKey, spamKey } from './event-keys.ts';
import { createEventLog } from './event-log.ts';
import { createSpamFilter } from './spam-filter.ts';

function fakeClock(start = 1_000): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const ref = (over: Partial<ObjectReference> = {}): ObjectReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: 'cm',
  namespace: 'ns',
  uid: 'u-1',
  ...over,
});

describe('event keys', () => {
  test('the dedup key is object + type + reason + message, not resourceVersion', () => {
    const base = eventKey(ref(), 'Normal', 'Synced', 'ok');
    assert.equal(eventKey(ref({ resourceVersion: '7' }), 'Normal', 'Synced', 'ok'), base);
    assert.notEqual(eventKey(ref({ uid: 'u-2' }), 'Normal', 'Synced', 'ok'), base);
    assert.notEqual(eventKey(ref(), 'Warning', 'Synced', 'ok'), base);
    assert.notEqual(eventKey(ref(), 'Normal', 'Failed', 'ok'), base);
    assert.notEqual(eventKey(ref(), 'Normal', 'Synced', 'ok!'), base);
  });

  test('fields cannot bleed into each other', () => {
    assert.notEqual(eventKey(ref(), 'Normal', 'ab', 'c'), eventKey(ref(), 'Normal', 'a', 'bc'));
    assert.notEqual(spamKey(ref({ namespace: 'a', name: 'bc' })), spamKey(ref({ namespace: 'ab', name: 'c' })));
  });

  test('the spam key is the object alone; the aggregate key adds type and reason', () => {
    assert.equal(spamKey(ref()), spamKey(ref({ resourceVersion: '9' })));
    assert.equal(aggregateKey(ref(), 'Normal', 'R'), aggregateKey(ref({ resourceVersion: '9' }), 'Normal', 'R'));
    assert.notEqual(aggregateKey(ref(), 'Normal', 'R'), aggregateKey(ref(), 'Warning', 'R'));
    assert.notEqual(aggregateKey(ref(), 'Normal', 'R'), eventKey(ref(), 'Normal', 'R', ''));
  });
});

describe('spam filter', () => {
  test('allows a burst of 25 per object, then one per 5 minutes', () => {
    const clock = fakeClock();
    const filter = createSpamFilter({ clock });
    const key = spamKey(ref());
    for (let i = 0; i < 25; i++) assert.equal(filter.allow(key), true, `event ${i}`);
    assert.equal(filter.allow(key), false);
    assert.equal(filter.allow(spamKey(ref({ uid: 'other' }))), true, 'other objects have their own bucket');
    clock.advance(299_000);
    assert.equal(filter.allow(key), false);
    clock.advance(1_000);
    assert.equal(filter.allow(key), true);
    assert.equal(filter.allow(key), false);
  });

  test('refills up to the burst, never beyond', () => {
    const clock = fakeClock();
    const filter = createSpamFilter({ clock, burst: 3, qps: 1 });
    for (let i = 0; i < 3; i++) filter.allow('k');
    clock.advance(3_600_000);
    const allowed = Array.from({ length: 10 }, () => filter.allow('k')).filter(Boolean).length;
    assert.equal(allowed, 3);
  });

  test('a clock that goes backwards mints no tokens', () => {
    const clock = fakeClock(10_000);
    const filter = createSpamFilter({ clock, burst: 1, qps: 1 });
    assert.equal(filter.allow('k'), true);
    clock.advance(-5_000);
    assert.equal(filter.allow('k'), false);
    clock.advance(5_000);
    assert.equal(filter.allow('k'), false, 'the time before the step back is not counted twice');
    clock.advance(1_000);
    assert.equal(filter.allow('k'), true);
  });

  test('forgets the least recently used objects beyond the LRU size', () => {
    const clock = fakeClock();
    const filter = createSpamFilter({ clock, burst: 1, qps: 0, lruEntries: 2 });
    assert.equal(filter.allow('a'), true);
    assert.equal(filter.allow('a'), false);
    filter.allow('b');
    filter.allow('c'); // evicts a
    assert.equal(filter.allow('a'), true);
  });
});

describe('aggregator', () => {
  test('the 10th distinct message for one object/type/reason is combined', () => {
    const clock = fakeClock();
    const agg = createAggregator({ clock });
    for (let i = 0; i < 9; i++) {
      const r = agg.aggregate(ref(), 'Warning', 'Failed', `m${i}`);
      assert.deepEqual(r, { key: eventKey(ref(), 'Warning', 'Failed', `m${i}`), message: `m${i}` });
    }
    const tenth = agg.aggregate(ref(), 'Warning', 'Failed', 'm9');
    assert.deepEqual(tenth, { key: aggregateKey(ref(), 'Warning', 'Failed'), message: `${AGGREGATE_PREFIX}m9` });
    const eleventh = agg.aggregate(ref(), 'Warning', 'Failed', 'm10');
    assert.equal(eleventh.key, tenth.key, 'later ones update the same combined Event');
    assert.equal(agg.aggregate(ref(), 'Warning', 'Other', 'x').message, 'x', 'other reasons are separate');
  });

  test('repeating one message never aggregates', () => {
    const agg = createAggregator({ clock: fakeClock() });
    for (let i = 0; i < 50; i++) assert.equal(agg.aggregate(ref(), 'Normal', 'Synced', 'same').message, 'same');
  });

  test('a quiet interval resets the group', () => {
    const clock = fakeClock();
    const agg = createAggregator({ clock, maxEvents: 3, intervalMs: 600_000 });
    agg.aggregate(ref(), 'Normal', 'R', 'a');
    agg.aggregate(ref(), 'Normal', 'R', 'b');
    clock.advance(600_001);
    assert.equal(agg.aggregate(ref(), 'Normal', 'R', 'c').message, 'c');
    assert.equal(agg.aggregate(ref(), 'Normal', 'R', 'd').message, 'd');
    assert.equal(agg.aggregate(ref(), 'Normal', 'R', 'e').message, `${AGGREGATE_PREFIX}e`);
  });
});

describe('event log (dedup window)', () => {
  test('a series is patched within the window and restarted after it', () => {
    const clock = fakeClock();
    const log = createEventLog({ clock, windowMs: 60_000 });
    assert.equal(log.lookup('k'), undefined);
    log.record('k', { name: 'cm.1', namespace: 'ns', count: 1, firstTimestamp: 't' });
    clock.advance(60_000);
    assert.equal(log.lookup('k')?.count, 1);
    log.record('k', { name: 'cm.1', namespace: 'ns', count: 2, firstTimestamp: 't' });
    clock.advance(60_001);
    assert.equal(log.lookup('k'), undefined);
  });

  test('forget drops the series; the LRU bounds memory', () => {
    const log = createEventLog({ clock: fakeClock(), lruEntries: 2 });
    log.record('a', { name: 'a', namespace: 'ns', count: 1, firstTimestamp: 't' });
    log.forget('a');
    assert.equal(log.lookup('a'), undefined);
    for (const k of ['a', 'b', 'c']) log.record(k, { name: k, namespace: 'ns', count: 1, firstTimestamp: 't' });
    assert.equal(log.lookup('a'), undefined);
    assert.equal(log.lookup('c')?.name, 'c');
  });
});

describe('correlator', () => {
  test('filters spam before aggregating', () => {
    const clock = fakeClock();
    const c = createCorrelator({ clock, spamBurst: 2 });
    assert.equal(c.correlate(ref(), 'Normal', 'R', 'a').skip, false);
    assert.equal(c.correlate(ref(), 'Warning', 'Other', 'b').skip, false);
    assert.deepEqual(c.correlate(ref(), 'Normal', 'R', 'a'), { skip: true, why: 'rateLimited' });
  });
});
