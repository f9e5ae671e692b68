import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Katalog } from '../../api-types/katalog.ts';
import type { BoxStatusSnapshot } from '../box/operator-box.ts';
import type { PlannedBox } from './desired-boxes.ts';
import { katalogStatus, type ObservedBox } from './katalog-status.ts';

const katalog: Katalog = {
  apiVersion: 'orkestra.orkspace.io/v1alpha1',
  kind: 'Katalog',
  metadata: { name: 'k', generation: 3 },
  spec: { crds: {} },
};

function planned(name: string, action: PlannedBox['action'], message = ''): PlannedBox {
  return {
    id: `k/${name}`,
    katalog: 'k',
    katalogUid: 'u',
    name,
    box: { apiTypes: { group: 'g.io', version: 'v1', kind: 'K' } },
    katalogFinalizers: [],
    gvk: 'g.io/v1/K',
    resource: undefined,
    hasStatusSubresource: true,
    dependsOn: [],
    action,
    message,
  };
}

const runtime = (phase: BoxStatusSnapshot['phase']): BoxStatusSnapshot => ({
  phase,
  workers: 2,
  managed: 14,
  queueDepth: 0,
  reconciles: 20,
  swaps: 0,
  health: {
    degraded: phase === 'Degraded',
    consecutiveFailures: 0,
    successes: 20,
    failures: 0,
    lastError: '',
    lastErrorAt: undefined,
    lastSuccessAt: undefined,
  },
});

test('all boxes running: Ready=True AllBoxesRunning, with per-box details', () => {
  const observed: ObservedBox[] = [{ planned: planned('web', 'Run'), runtime: runtime('Running') }];
  const s = katalogStatus(katalog, observed, new Date('2026-01-01T00:00:00Z'));
  assert.equal(s.observedGeneration, 3);
  assert.deepEqual(s.conditions?.[0] && { ...s.conditions[0] }, {
    type: 'Ready',
    status: 'True',
    reason: 'AllBoxesRunning',
    message: '1 boxes running',
    observedGeneration: 3,
    lastTransitionTime: '2026-01-01T00:00:00.000Z',
  });
  assert.deepEqual(s.boxes?.web, {
    phase: 'Running',
    gvk: 'g.io/v1/K',
    since: '2026-01-01T00:00:00.000Z',
    workers: 2,
    managed: 14,
    queueDepth: 0,
    lastError: '',
  });
  assert.equal(s.runningBoxes, 1);
});

test('a waiting or failed box makes Ready False with its message', () => {
  const observed: ObservedBox[] = [
    { planned: planned('web', 'Run'), runtime: runtime('Running') },
    { planned: planned('db', 'WaitingForCRD', 'CRD databases.demo.io not found'), runtime: undefined },
    { planned: planned('off', 'Stopped', 'disabled'), runtime: undefined },
  ];
  const s = katalogStatus(katalog, observed, new Date());
  assert.equal(s.conditions?.[0]?.status, 'False');
  assert.equal(s.conditions?.[0]?.reason, 'BoxesNotReady');
  assert.equal(s.conditions?.[0]?.message, 'db: WaitingForCRD (CRD databases.demo.io not found)');
  assert.equal(s.boxCount, 3);
  const failed = katalogStatus(katalog, [{ planned: planned('x', 'Failed', 'bad'), runtime: undefined }], new Date());
  assert.equal(failed.conditions?.[0]?.reason, 'BoxFailed');
});

test('recomputing with the previous status changes nothing (no write at steady state)', () => {
  const observed: ObservedBox[] = [{ planned: planned('web', 'Run'), runtime: runtime('Running') }];
  const first = katalogStatus(katalog, observed, new Date('2026-01-01T00:00:00Z'));
  const second = katalogStatus({ ...katalog, status: first }, observed, new Date('2026-01-02T00:00:00Z'));
  assert.deepEqual(second, first);
  const degraded = katalogStatus(
    { ...katalog, status: first },
    [{ ...observed[0], runtime: runtime('Degraded') } as ObservedBox],
    new Date('2026-01-03T00:00:00Z'),
  );
  assert.equal(degraded.boxes?.web?.since, '2026-01-03T00:00:00.000Z', 'since moves with the phase');
});

test('Reconciling and Stalled follow the kstatus convention beside Ready', () => {
  const byType = (s: ReturnType<typeof katalogStatus>) =>
    Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}/${c.message}`]));
  const running = katalogStatus(katalog, [{ planned: planned('web', 'Run'), runtime: runtime('Running') }], new Date());
  assert.deepEqual(byType(running), {
    Ready: 'True/AllBoxesRunning/1 boxes running',
    Reconciling: 'False/Reconciled/',
    Stalled: 'False/NotStalled/',
  });
  const waiting = katalogStatus(
    katalog,
    [{ planned: planned('db', 'WaitingForCRD', 'no CRD'), runtime: undefined }],
    new Date(),
  );
  assert.equal(byType(waiting).Reconciling, 'True/BoxesNotReady/db: WaitingForCRD (no CRD)');
  assert.equal(byType(waiting).Stalled, 'False/NotStalled/');
  const failed = katalogStatus(
    katalog,
    [{ planned: planned('x', 'Failed', 'bad template'), runtime: undefined }],
    new Date(),
  );
  assert.equal(byType(failed).Reconciling, 'False/Stalled/');
  assert.equal(byType(failed).Stalled, 'True/BoxFailed/x: Failed (bad template)');
});
