// The status Orkestra writes on each custom resource: observedGeneration, kstatus conditions
// (Ready, Reconciling, Stalled, and ValidationWarning when warn rules fire), a summary of the
// children, and the box's declarative fields. Pure and stable: transition times only move when a
// condition's status changes, so recomputing at steady state yields the same object.
import { progressConditions, type StatusCondition, withTransitionTimes } from '../../api-types/status-condition.ts';
import { type FieldPath, setPath } from '../render/path/index.ts';

export interface ChildSummary {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly state: 'Ready' | 'NotReady' | 'Missing' | 'Error';
  readonly reason?: string;
}

export interface Problem {
  /** CamelCase reason, e.g. ValidationFailed, RenderFailed, ApplyFailed. */
  readonly reason: string;
  readonly message: string;
  /** True when retrying cannot help until the resource or the Katalog changes. */
  readonly stalled: boolean;
  /**
   * The templates stopped at a cost limit (CPU budget, range iterations, output size): rendering
   * the same resource again waits out a growing delay (render-backoff.ts).
   */
  readonly renderLimit?: true;
}

export interface Outcome {
  readonly generation: number | undefined;
  readonly problem?: Problem;
  readonly warnings: readonly string[];
  readonly children: readonly ChildSummary[];
  readonly fields: readonly { readonly path: FieldPath; readonly value: unknown }[];
  /** While deleting: what the deletion waits for. */
  readonly deleting?: string;
}

type Cond = Omit<StatusCondition, 'lastTransitionTime'>;

function ready(o: Outcome, gen: number): Cond {
  if (o.deleting)
    return { type: 'Ready', status: 'False', reason: 'Deleting', message: o.deleting, observedGeneration: gen };
  if (o.problem)
    return {
      type: 'Ready',
      status: 'False',
      reason: o.problem.reason,
      message: o.problem.message,
      observedGeneration: gen,
    };
  const notReady = o.children.filter((c) => c.state !== 'Ready');
  if (notReady.length > 0) {
    return {
      type: 'Ready',
      status: 'False',
      reason: 'ChildrenNotReady',
      message: notReady.map((c) => `${c.kind} ${c.name}: ${c.reason ?? c.state}`).join('; '),
      observedGeneration: gen,
    };
  }
  return {
    type: 'Ready',
    status: 'True',
    reason: 'Reconciled',
    message: `${o.children.length} children ready`,
    observedGeneration: gen,
  };
}

export function crConditions(
  o: Outcome,
  previous: readonly StatusCondition[] | undefined,
  now: string,
): StatusCondition[] {
  const gen = o.generation ?? 0;
  const r = ready(o, gen);
  const stalled = o.problem?.stalled === true ? o.problem : undefined;
  const progressing = o.deleting ? 'Deleting' : o.problem ? 'Retrying' : 'Progressing';
  const conds: Cond[] = [r, ...progressConditions(r, stalled, progressing)];
  if (o.warnings.length > 0) {
    conds.push({
      type: 'ValidationWarning',
      status: 'True',
      reason: 'WarnRuleFailed',
      message: o.warnings.join('; '),
      observedGeneration: gen,
    });
  }
  return withTransitionTimes(conds, previous, now);
}

/** The fields Orkestra owns in `.status`; everything else there belongs to someone else. */
export function crStatus(
  o: Outcome,
  previous: Record<string, unknown> | undefined,
  now: Date,
  withConditions: boolean,
): Record<string, unknown> {
  const status: Record<string, unknown> = { observedGeneration: o.generation ?? 0 };
  if (withConditions) {
    status.conditions = crConditions(o, previous?.conditions as StatusCondition[] | undefined, now.toISOString());
  }
  status.children = o.children.map((c) => ({ ...c }));
  for (const f of o.fields) setPath(status, f.path, f.value);
  return status;
}
