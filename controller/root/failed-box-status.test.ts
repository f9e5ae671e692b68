import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/object.ts';
import { boxFailedConditions } from './failed-box-status.ts';

const now = new Date('2026-02-01T00:00:00Z');
const earlier = '2026-01-01T00:00:00Z';

function cr(conditions: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name: 'a', namespace: 'ns', generation: 3 },
    status: { conditions },
  };
}

test("Ready=False and Stalled=True with reason BoxFailed; other writers' conditions kept", () => {
  const conditions = boxFailedConditions(
    cr([
      { type: 'Ready', status: 'True', reason: 'Reconciled', message: '', lastTransitionTime: earlier },
      { type: 'Backup', status: 'True', reason: 'Done', message: '', lastTransitionTime: earlier },
    ]),
    'box x of Katalog k is Failed',
    now,
  );
  const byType = new Map(conditions?.map((c) => [c.type, c]));
  assert.equal(byType.get('Ready')?.status, 'False');
  assert.equal(byType.get('Ready')?.reason, 'BoxFailed');
  assert.equal(byType.get('Ready')?.message, 'box x of Katalog k is Failed');
  assert.equal(byType.get('Ready')?.lastTransitionTime, now.toISOString());
  assert.equal(byType.get('Ready')?.observedGeneration, 3);
  assert.equal(byType.get('Stalled')?.status, 'True');
  assert.equal(byType.get('Reconciling')?.status, 'False');
  assert.deepEqual(byType.get('Backup')?.lastTransitionTime, earlier);
});

test('nothing to write when the resource already says exactly this', () => {
  const first = boxFailedConditions(cr([]), 'box x is Failed', now);
  assert.ok(first);
  assert.equal(boxFailedConditions(cr(first), 'box x is Failed', now), undefined);
  assert.ok(boxFailedConditions(cr(first), 'box x is Failed: another reason', now), 'a new message is written');
});
