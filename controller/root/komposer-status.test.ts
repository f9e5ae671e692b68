import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Komposer } from '../../api-types/komposer.ts';
import type { PlannedBox } from './desired-boxes.ts';
import type { ObservedBox } from './katalog-status.ts';
import { komposerStatus } from './komposer-status.ts';
import { compose, type ResolvedImport } from './komposition.ts';

const komposer: Komposer = {
  apiVersion: 'orkestra.orkspace.io/v1alpha1',
  kind: 'Komposer',
  metadata: { name: 'p', generation: 2 },
  spec: { imports: { oci: [{ ref: 'r.example/a:1' }] } },
};
const doc = {
  apiVersion: 'orkestra.orkspace.io/v1alpha1' as const,
  kind: 'Katalog' as const,
  metadata: { name: 'a' },
  spec: { crds: { web: { apiTypes: { group: 'g.example.io', version: 'v1', kind: 'Web' } } } },
};
const now = new Date('2026-01-01T00:00:00Z');

function observedRunning(): ObservedBox[] {
  const planned = { id: 'p/web', katalog: 'p', name: 'web', gvk: 'g.example.io/v1/Web', action: 'Run', message: '' };
  return [
    {
      planned: planned as unknown as PlannedBox,
      runtime: { phase: 'Running', workers: 1, managed: 0, queueDepth: 0, health: { lastError: '' } } as never,
    },
  ];
}
const cond = (s: ReturnType<typeof komposerStatus>, type: string) => s.conditions?.find((c) => c.type === type);

test('a failed refresh with content kept: Degraded True, Ready False ImportsDegraded, boxes still Running', () => {
  const imports: ResolvedImport[] = [
    { kind: 'OCI', name: 'r.example/a:1', document: doc, digest: 'sha256:1', error: 'cannot reach the registry' },
  ];
  const s = komposerStatus(komposer, compose(komposer, imports), imports, observedRunning(), true, now);
  assert.equal(cond(s, 'Degraded')?.status, 'True');
  assert.equal(cond(s, 'Ready')?.reason, 'ImportsDegraded');
  assert.equal(cond(s, 'Stalled')?.status, 'False');
  assert.equal(s.boxes?.web?.phase, 'Running');
  assert.equal(s.boxes?.web?.source, 'OCI r.example/a:1');
  assert.deepEqual(s.imports, [
    { kind: 'OCI', name: 'r.example/a:1', digest: 'sha256:1', error: 'cannot reach the registry', boxes: ['web'] },
  ]);
  assert.equal(s.importCount, 1);
});

test('resolved and running: Ready True, nothing Degraded, Reconciling False; unresolved: ResolvingImports', () => {
  const imports: ResolvedImport[] = [{ kind: 'OCI', name: 'r.example/a:1', document: doc, digest: 'sha256:1' }];
  const s = komposerStatus(komposer, compose(komposer, imports), imports, observedRunning(), true, now);
  assert.equal(cond(s, 'Ready')?.status, 'True');
  assert.equal(cond(s, 'Degraded')?.status, 'False');
  assert.equal(cond(s, 'Reconciling')?.status, 'False');
  assert.equal(s.observedGeneration, 2);
  const pending = komposerStatus(komposer, compose(komposer, []), [], [], false, now);
  assert.equal(cond(pending, 'Ready')?.reason, 'ResolvingImports');
  assert.equal(cond(pending, 'Reconciling')?.status, 'True');
});

test('an import with no content is Stalled ImportFailed; an unchanged status keeps its transition times', () => {
  const imports: ResolvedImport[] = [{ kind: 'OCI', name: 'r.example/a:1', document: undefined, error: 'HTTP 401' }];
  const first = komposerStatus(komposer, compose(komposer, imports), imports, [], true, now);
  assert.equal(cond(first, 'Ready')?.reason, 'ImportFailed');
  assert.equal(cond(first, 'Stalled')?.reason, 'ImportFailed');
  const later = komposerStatus(
    { ...komposer, status: first },
    compose(komposer, imports),
    imports,
    [],
    true,
    new Date('2026-01-01T01:00:00Z'),
  );
  assert.deepEqual(later, first);
});
