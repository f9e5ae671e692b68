import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/object.ts';
import { createRecentEvents } from './recent-events.ts';

const obj = (uid: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Website',
  metadata: { name: `n-${uid}`, namespace: 'ns', uid },
});

describe('recent events', () => {
  test('passes every event on and keeps the last ones per object, newest first', () => {
    const passed: string[] = [];
    let t = 0;
    const recent = createRecentEvents(
      { event: (_o, _t, reason) => passed.push(reason) },
      { perObject: 2, now: () => ++t * 1000 },
    );
    recent.event(obj('a'), 'Normal', 'One', 'm');
    recent.event(obj('a'), 'Warning', 'Two', 'm');
    recent.event(obj('a'), 'Normal', 'Three', 'm');
    recent.event(obj('b'), 'Normal', 'Other', 'm');
    assert.deepEqual(passed, ['One', 'Two', 'Three', 'Other']);
    assert.deepEqual(
      recent.about(['a']).map((e) => e.reason),
      ['Three', 'Two'],
    );
    assert.deepEqual(
      recent.about(['a', 'b']).map((e) => e.reason),
      ['Other', 'Three', 'Two'],
    );
  });

  test('forgets the least recently active object past the bound', () => {
    const recent = createRecentEvents({ event: () => {} }, { objects: 2 });
    recent.event(obj('a'), 'Normal', 'A', 'm');
    recent.event(obj('b'), 'Normal', 'B', 'm');
    recent.event(obj('a'), 'Normal', 'A2', 'm');
    recent.event(obj('c'), 'Normal', 'C', 'm');
    assert.equal(recent.about(['b']).length, 0);
    assert.equal(recent.about(['a']).length, 2);
    assert.equal(recent.about(['c']).length, 1);
  });
});
