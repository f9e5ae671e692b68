import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFieldPath } from '../render/path/index.ts';
import { crStatus, type Outcome } from './cr-status.ts';

const base: Outcome = { generation: 4, warnings: [], children: [], fields: [] };
const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-02T00:00:00Z');

const cond = (s: Record<string, unknown>, type: string) =>
  (
    s.conditions as { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[]
  ).find((c) => c.type === type);

test('all children ready: Ready=True, Reconciling=False, Stalled=False, observedGeneration set', () => {
  const s = crStatus(
    { ...base, children: [{ apiVersion: 'v1', kind: 'Service', name: 'a', state: 'Ready' }] },
    undefined,
    t0,
    true,
  );
  assert.equal(s.observedGeneration, 4);
  assert.equal(cond(s, 'Ready')?.status, 'True');
  assert.equal(cond(s, 'Reconciling')?.status, 'False');
  assert.equal(cond(s, 'Stalled')?.status, 'False');
});

test('a child not ready: Ready=False with its reason, Reconciling=True (kstatus InProgress)', () => {
  const s = crStatus(
    {
      ...base,
      children: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', state: 'NotReady', reason: '0/2 available' },
      ],
    },
    undefined,
    t0,
    true,
  );
  assert.equal(cond(s, 'Ready')?.reason, 'ChildrenNotReady');
  assert.equal(cond(s, 'Ready')?.message, 'Deployment web: 0/2 available');
  assert.equal(cond(s, 'Reconciling')?.status, 'True');
});

test('a stalled problem: Ready=False, Stalled=True, Reconciling=False (kstatus Failed)', () => {
  const s = crStatus(
    { ...base, problem: { reason: 'RenderFailed', message: 'missing field .spec.image', stalled: true } },
    undefined,
    t0,
    true,
  );
  assert.equal(cond(s, 'Ready')?.message, 'missing field .spec.image');
  assert.equal(cond(s, 'Stalled')?.status, 'True');
  assert.equal(cond(s, 'Stalled')?.reason, 'RenderFailed');
  assert.equal(cond(s, 'Reconciling')?.status, 'False');
});

test('recomputing keeps transition times; fields land at their paths; warnings get their own condition', () => {
  const o: Outcome = {
    ...base,
    warnings: ['pin an image tag'],
    fields: [
      { path: parseFieldPath('url'), value: 'http://x' },
      { path: parseFieldPath('a.b'), value: 1 },
    ],
  };
  const first = crStatus(o, undefined, t0, true);
  const second = crStatus(o, first, t1, true);
  assert.deepEqual(second, first);
  assert.equal(second.url, 'http://x');
  assert.deepEqual(second.a, { b: 1 });
  assert.equal(cond(second, 'ValidationWarning')?.message, 'pin an image tag');
  const changed = crStatus({ ...o, problem: { reason: 'X', message: 'm', stalled: false } }, first, t1, true);
  assert.equal(cond(changed, 'Ready')?.lastTransitionTime, t1.toISOString(), 'Ready went True -> False');
  assert.equal(cond(changed, 'Stalled')?.lastTransitionTime, t0.toISOString(), 'Stalled stayed False');
});
