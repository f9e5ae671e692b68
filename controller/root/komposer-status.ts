// The status the root controller writes on a Komposer: every import's resolution, the effective
// boxes with their source, and Ready / Reconciling / Stalled / Degraded conditions. Pure and
// stable like the Katalog status: the same inputs write nothing new.
import type { BoxStatus } from '../../api-types/box.ts';
import type { Komposer, KomposerStatus } from '../../api-types/komposer.ts';
import { type StatusCondition, withTransitionTimes } from '../../api-types/status-condition.ts';
import { katalogStatus, type ObservedBox } from './katalog-status.ts';
import { type Composition, importLabel, type ResolvedImport } from './komposition.ts';

type Condition = Omit<StatusCondition, 'lastTransitionTime'>;

const WAITING = new Set(['Pending', 'WaitingForCRD', 'WaitingForDependency']);

export function komposerStatus(
  komposer: Komposer,
  composition: Composition,
  imports: readonly ResolvedImport[],
  observed: readonly ObservedBox[],
  settled: boolean,
  now: Date,
): KomposerStatus {
  const nowIso = now.toISOString();
  const generation = komposer.metadata.generation ?? 0;
  const previous = komposer.status;
  const base = katalogStatus(
    { ...composition.katalog, status: { boxes: previous?.boxes, conditions: previous?.conditions } },
    observed,
    now,
  );
  const boxes: Record<string, BoxStatus & { source?: string }> = {};
  for (const [name, b] of Object.entries(base.boxes ?? {}))
    boxes[name] = { ...b, source: composition.sources.get(name) };
  // Failures with no box in the plan (an override naming no imported box) still show.
  for (const [name, message] of composition.failures) {
    if (boxes[name]) continue;
    const since = previous?.boxes?.[name]?.phase === 'Failed' ? previous.boxes[name]?.since : nowIso;
    boxes[name] = { phase: 'Failed', message, since, source: 'override' };
  }

  const broken = imports.filter((i) => i.error && !i.document);
  const stale = imports.filter((i) => i.error && i.document);
  const failed = Object.entries(boxes).filter(([, b]) => b.phase === 'Failed');
  const waiting = Object.entries(boxes).filter(([, b]) => WAITING.has(b.phase));
  const describe = (list: readonly ResolvedImport[]) => list.map((i) => `${importLabel(i)}: ${i.error}`).join('; ');
  const boxesReady = base.conditions?.find((c) => c.type === 'Ready');

  const c = (type: string, status: boolean, reason: string, message: string): Condition => ({
    type,
    status: status ? 'True' : 'False',
    reason,
    message,
    observedGeneration: generation,
  });
  let ready: Condition;
  if (!settled) ready = c('Ready', false, 'ResolvingImports', 'resolving ConfigMap and OCI imports');
  else if (broken.length > 0) ready = c('Ready', false, 'ImportFailed', describe(broken));
  else if (stale.length > 0)
    ready = c('Ready', false, 'ImportsDegraded', `running the last resolved content; ${describe(stale)}`);
  else if (boxesReady) ready = c('Ready', boxesReady.status === 'True', boxesReady.reason, boxesReady.message);
  else ready = c('Ready', true, 'NoActiveBoxes', 'no enabled boxes');
  const conflicts = [...composition.failures.values()];
  const stalled =
    conflicts.length > 0
      ? c('Stalled', true, 'ImportConflict', conflicts.join('; '))
      : broken.length > 0
        ? c('Stalled', true, 'ImportFailed', describe(broken))
        : failed.length > 0
          ? c('Stalled', true, 'BoxFailed', failed.map(([n, b]) => `${n}: ${b.message ?? ''}`).join('; '))
          : c('Stalled', false, 'NotStalled', '');
  const reconciling = !settled
    ? c('Reconciling', true, 'ResolvingImports', 'resolving ConfigMap and OCI imports')
    : waiting.length > 0
      ? c('Reconciling', true, 'BoxesStarting', waiting.map(([n, b]) => `${n}: ${b.phase}`).join('; '))
      : c('Reconciling', false, 'Resolved', '');
  const degraded =
    stale.length > 0
      ? c('Degraded', true, 'ImportUnreachable', `running the last resolved content; ${describe(stale)}`)
      : c('Degraded', false, 'ImportsResolved', '');

  const importCount =
    (komposer.spec.imports.katalogs?.length ?? 0) +
    (komposer.spec.imports.configMaps?.length ?? 0) +
    (komposer.spec.imports.oci?.length ?? 0);
  return {
    observedGeneration: generation,
    conditions: withTransitionTimes([ready, reconciling, stalled, degraded], previous?.conditions, nowIso),
    imports: imports.map((i) => {
      const out: NonNullable<KomposerStatus['imports']>[number] = { kind: i.kind, name: i.name };
      if (i.digest) out.digest = i.digest;
      if (i.resolvedAt) out.resolvedAt = i.resolvedAt;
      if (i.error) out.error = i.error;
      const mine = [...composition.sources].filter(([, s]) => s === importLabel(i)).map(([n]) => n);
      if (mine.length > 0) out.boxes = mine;
      return out;
    }),
    boxes,
    importCount,
    boxCount: Object.keys(boxes).length,
    runningBoxes: base.runningBoxes,
  };
}
