// From Katalogs and the CRDs in the cluster to the set of boxes that should run, and why each
// of the others does not. Pure: the root controller acts on the plan.
import type { Box, BoxPhase } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import type { ResourceRef } from '../kube/object.ts';
import { checkBox, checkConversion } from './box-checks.ts';
import type { CrdInfo } from './crd-index.ts';
import { findCycles } from './dag.ts';

/** `katalog/box`: unique across the cluster. */
export type BoxId = string;

export function boxId(katalog: string, box: string): BoxId {
  return `${katalog}/${box}`;
}

export interface PlannedBox {
  readonly id: BoxId;
  readonly katalog: string;
  readonly katalogUid: string | undefined;
  readonly name: string;
  readonly box: Box;
  /** Finalizers the Katalog adds to every custom resource, besides the box's own. */
  readonly katalogFinalizers: readonly string[];
  readonly gvk: string;
  /** Set when the CRD is served; what the box lists and watches. */
  readonly resource: ResourceRef | undefined;
  readonly hasStatusSubresource: boolean;
  readonly dependsOn: readonly BoxId[];
  /** `Run` when the box should be running; otherwise the phase that explains why not. */
  readonly action: 'Run' | Extract<BoxPhase, 'Failed' | 'WaitingForCRD' | 'WaitingForDependency' | 'Stopped'>;
  readonly message: string;
  /** Failed because another box already operates this kind: its resources are not this box's. */
  readonly claimedElsewhere?: boolean;
}

export interface PlanInput {
  readonly katalogs: readonly Katalog[];
  readonly crd: (group: string, kind: string) => CrdInfo | undefined;
  /** Observed phase of boxes that run now, for dependsOn. */
  readonly runningPhase: (id: BoxId) => BoxPhase | undefined;
  /** Further checks (e.g. compiling templates); returns the problem, naming the field path. */
  readonly check?: (boxName: string, box: Box) => string | undefined;
  /** Why a box must not run, decided before the plan (a Komposer's import conflicts). */
  readonly failed?: (katalog: string, boxName: string) => string | undefined;
}

/** Katalogs in claim order: older first, then by name, so the first claimant of a kind keeps it. */
function claimOrder(a: Katalog, b: Katalog): number {
  const ta = String(a.metadata.creationTimestamp ?? '');
  const tb = String(b.metadata.creationTimestamp ?? '');
  return ta === tb ? a.metadata.name.localeCompare(b.metadata.name) : ta.localeCompare(tb);
}

export function planBoxes(input: PlanInput): PlannedBox[] {
  const plan: PlannedBox[] = [];
  const claims = new Map<string, BoxId>();
  for (const katalog of [...input.katalogs].sort(claimOrder)) {
    const crds = katalog.spec.crds ?? {};
    const edges = new Map(Object.entries(crds).map(([n, b]) => [n, b.dependsOn ?? []]));
    const inCycle = new Map<string, string>();
    for (const cycle of findCycles(edges)) for (const n of cycle) inCycle.set(n, cycle.join(' -> '));

    const planned = new Map<string, PlannedBox>();
    for (const name of Object.keys(crds).sort()) {
      const box = crds[name] as Box;
      const id = boxId(katalog.metadata.name, name);
      const { group, version, kind } = box.apiTypes;
      const gvk = `${group}/${version}/${kind}`;
      const base = {
        id,
        katalog: katalog.metadata.name,
        katalogUid: katalog.metadata.uid,
        name,
        box,
        katalogFinalizers: katalog.spec.finalizers ?? [],
        gvk,
        resource: undefined,
        hasStatusSubresource: false,
        dependsOn: (box.dependsOn ?? []).map((d) => boxId(katalog.metadata.name, d)),
      };
      const decide = (action: PlannedBox['action'], message: string, extra: Partial<PlannedBox> = {}) =>
        planned.set(name, { ...base, ...extra, action, message });

      if (box.enabled === false) {
        decide('Stopped', 'disabled (enabled: false)');
        continue;
      }
      const preFailed = input.failed?.(katalog.metadata.name, name);
      if (preFailed) {
        decide('Failed', preFailed);
        continue;
      }
      const problems = checkBox(name, box);
      if (problems.length > 0) {
        decide('Failed', problems.map((p) => `${p.path}: ${p.message}`).join('; '));
        continue;
      }
      const compileProblem = input.check?.(name, box);
      if (compileProblem) {
        decide('Failed', compileProblem);
        continue;
      }
      const cycle = inCycle.get(name);
      if (cycle) {
        decide('Failed', `spec.crds.${name}.dependsOn: dependency cycle ${cycle}`);
        continue;
      }
      const claimKey = `${kind}.${group}`;
      const owner = claims.get(claimKey);
      if (owner) {
        const [otherKatalog, otherBox] = owner.split('/');
        decide(
          'Failed',
          `spec.crds.${name}.apiTypes: ${claimKey} is already operated by box ${otherBox} of Katalog ${otherKatalog}; one kind has one controller`,
          { claimedElsewhere: true },
        );
        continue;
      }
      claims.set(claimKey, id);
      const crd = input.crd(group, kind);
      const crdName = `${box.apiTypes.plural ?? `${kind.toLowerCase()}s`}.${group}`;
      if (!crd) {
        decide('WaitingForCRD', `CRD for ${claimKey} not found (expected ${crdName})`);
        continue;
      }
      if (box.apiTypes.plural && box.apiTypes.plural !== crd.plural) {
        decide(
          'Failed',
          `spec.crds.${name}.apiTypes.plural: ${box.apiTypes.plural} does not match the CRD's plural ${crd.plural}`,
        );
        continue;
      }
      if (!crd.established) {
        decide('WaitingForCRD', `CRD ${crd.name} is not Established yet`);
        continue;
      }
      if (!crd.servedVersions.includes(version)) {
        decide('WaitingForCRD', `CRD ${crd.name} does not serve ${version} (serves ${crd.servedVersions.join(', ')})`);
        continue;
      }
      const conversion = checkConversion(name, box, crd.servedVersions);
      if (conversion.length > 0) {
        decide('Failed', conversion.map((p) => `${p.path}: ${p.message}`).join('; '));
        continue;
      }
      decide('Run', '', {
        resource: { group, version, kind, plural: crd.plural, namespaced: crd.namespaced },
        hasStatusSubresource: crd.hasStatusSubresource(version),
      });
    }
    // dependsOn: a box runs only while every dependency runs.
    for (const [name, p] of planned) {
      if (p.action !== 'Run') continue;
      const waiting = (crds[name]?.dependsOn ?? [])
        .map((d) => ({
          d,
          phase:
            planned.get(d)?.action === 'Run'
              ? input.runningPhase(boxId(katalog.metadata.name, d))
              : planned.get(d)?.action,
        }))
        .filter(({ phase }) => phase !== 'Running' && phase !== 'Degraded');
      if (waiting.length > 0) {
        planned.set(name, {
          ...p,
          action: 'WaitingForDependency',
          message: `waiting for ${waiting.map(({ d, phase }) => `${d} (${phase ?? 'Pending'})`).join(', ')}`,
        });
      }
    }
    plan.push(...planned.values());
  }
  return plan;
}
