import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BoxPhase } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import type { CrdInfo } from './crd-index.ts';
import { type PlannedBox, planBoxes } from './desired-boxes.ts';

function katalog(name: string, created: string, crds: Katalog['spec']['crds']): Katalog {
  return {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name, uid: `uid-${name}`, creationTimestamp: created },
    spec: { crds },
  };
}

const api = (kind: string, version = 'v1') => ({ group: 'demo.io', version, kind });

function crd(kind: string, extra: Partial<CrdInfo> = {}): CrdInfo {
  return {
    name: `${kind.toLowerCase()}s.demo.io`,
    group: 'demo.io',
    kind,
    plural: `${kind.toLowerCase()}s`,
    namespaced: true,
    servedVersions: ['v1'],
    storageVersion: 'v1',
    established: true,
    hasStatusSubresource: () => true,
    ...extra,
  };
}

function plan(katalogs: Katalog[], crds: CrdInfo[], running: Record<string, BoxPhase> = {}) {
  const byKind = new Map(crds.map((c) => [c.kind, c]));
  const result = planBoxes({ katalogs, crd: (_g, kind) => byKind.get(kind), runningPhase: (id) => running[id] });
  return Object.fromEntries(result.map((p) => [p.id, p])) as Record<string, PlannedBox>;
}

test('boxes whose CRDs are established run; a missing CRD waits', () => {
  const p = plan([katalog('k', 't1', { a: { apiTypes: api('A') }, c: { apiTypes: api('C') } })], [crd('A')]);
  assert.equal(p['k/a']?.action, 'Run');
  assert.deepEqual(p['k/a']?.resource, { group: 'demo.io', version: 'v1', kind: 'A', plural: 'as', namespaced: true });
  assert.equal(p['k/c']?.action, 'WaitingForCRD');
  assert.match(p['k/c']?.message ?? '', /CRD for C\.demo\.io not found/);
});

test('a CRD that is not established or does not serve the version waits', () => {
  const p = plan(
    [katalog('k', 't1', { a: { apiTypes: api('A') }, b: { apiTypes: api('B', 'v2') } })],
    [crd('A', { established: false }), crd('B')],
  );
  assert.match(p['k/a']?.message ?? '', /not Established/);
  assert.equal(p['k/b']?.action, 'WaitingForCRD');
  assert.match(p['k/b']?.message ?? '', /does not serve v2 \(serves v1\)/);
});

test('dependsOn waits until the dependency runs', () => {
  const k = katalog('k', 't1', { db: { apiTypes: api('D') }, web: { apiTypes: api('W'), dependsOn: ['db'] } });
  const crds = [crd('D'), crd('W')];
  assert.equal(plan([k], crds)['k/web']?.action, 'WaitingForDependency');
  assert.match(plan([k], crds, { 'k/db': 'Pending' })['k/web']?.message ?? '', /waiting for db \(Pending\)/);
  assert.equal(plan([k], crds, { 'k/db': 'Running' })['k/web']?.action, 'Run');
  assert.equal(plan([k], [crd('W')])['k/web']?.message, 'waiting for db (WaitingForCRD)');
});

test('a dependency cycle fails every box on it, naming the cycle', () => {
  const k = katalog('k', 't1', {
    a: { apiTypes: api('A'), dependsOn: ['b'] },
    b: { apiTypes: api('B'), dependsOn: ['a'] },
    c: { apiTypes: api('C') },
  });
  const p = plan([k], [crd('A'), crd('B'), crd('C')]);
  assert.equal(p['k/a']?.action, 'Failed');
  assert.match(p['k/a']?.message ?? '', /dependency cycle a -> b -> a/);
  assert.equal(p['k/b']?.action, 'Failed');
  assert.equal(p['k/c']?.action, 'Run');
});

test('two Katalogs claiming one kind: the later one fails, naming the other', () => {
  const older = katalog('first', '2026-01-01T00:00:00Z', { web: { apiTypes: api('W') } });
  const newer = katalog('second', '2026-02-01T00:00:00Z', { site: { apiTypes: api('W') } });
  const p = plan([newer, older], [crd('W')]);
  assert.equal(p['first/web']?.action, 'Run');
  assert.equal(p['second/site']?.action, 'Failed');
  assert.match(p['second/site']?.message ?? '', /already operated by box web of Katalog first/);
});

test('disabled boxes stop and do not claim their kind; invalid boxes fail with the field path', () => {
  const k = katalog('k', 't1', {
    off: { apiTypes: api('A'), enabled: false },
    bad: {
      apiTypes: api('B'),
      operatorBox: { reconcile: { onCreate: { services: [{ name: 's', port: 80, when: [{ field: 'spec.x' }] }] } } },
    },
  });
  const other = katalog('z', 't2', { a: { apiTypes: api('A') } });
  const p = plan([k, other], [crd('A'), crd('B')]);
  assert.equal(p['k/off']?.action, 'Stopped');
  assert.equal(p['z/a']?.action, 'Run');
  assert.equal(p['k/bad']?.action, 'Failed');
  assert.match(
    p['k/bad']?.message ?? '',
    /^spec\.crds\.bad\.operatorBox\.reconcile\.onCreate\.services\[0\]\.when\[0\]: /,
  );
});

test('a declared plural that differs from the CRD fails', () => {
  const p = plan([katalog('k', 't1', { a: { apiTypes: { ...api('A'), plural: 'alphas' } } })], [crd('A')]);
  assert.equal(p['k/a']?.action, 'Failed');
  assert.match(p['k/a']?.message ?? '', /apiTypes\.plural: alphas does not match the CRD's plural as/);
});
