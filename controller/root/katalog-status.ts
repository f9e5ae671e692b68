// The status the root controller writes on a Katalog, computed from the plan and the running
// boxes. Pure and stable: the same inputs give the same status, and times only move when a
// phase or condition actually changes, so a steady state writes nothing.
import type { BoxPhase, BoxStatus } from '../../api-types/box.ts';
import type { Katalog, KatalogStatus } from '../../api-types/katalog.ts';
import { progressConditions, type StatusCondition, withTransitionTimes } from '../../api-types/status-condition.ts';
import type { BoxStatusSnapshot } from '../box/operator-box.ts';
import type { PlannedBox } from './desired-boxes.ts';

/** What a box looks like right now: its planned state, plus its runtime snapshot if it runs. */
export interface ObservedBox {
  readonly planned: PlannedBox;
  readonly runtime: BoxStatusSnapshot | undefined;
  /** With sharding, a box another replica runs: the status entry that replica wrote. */
  readonly remote?: BoxStatus;
}

export function boxPhase(o: ObservedBox): BoxPhase {
  if (o.planned.action !== 'Run') return o.planned.action;
  return o.runtime?.phase ?? o.remote?.phase ?? 'Pending';
}

function boxStatus(o: ObservedBox, previous: BoxStatus | undefined, now: string): BoxStatus {
  const phase = boxPhase(o);
  const r = o.runtime;
  const message =
    o.planned.action !== 'Run'
      ? o.planned.message
      : phase === 'Degraded'
        ? `${r?.health.consecutiveFailures ?? 0} consecutive reconcile failures`
        : phase === 'Pending'
          ? 'starting: listing custom resources'
          : '';
  const status: BoxStatus = {
    phase,
    gvk: o.planned.gvk,
    since: previous?.phase === phase && previous.since ? previous.since : now,
  };
  if (message) status.message = message;
  if (r) {
    status.workers = r.workers;
    status.managed = r.managed;
    status.queueDepth = r.queueDepth;
    status.lastError = r.health.lastError;
  }
  return status;
}

type Cond = Omit<StatusCondition, 'lastTransitionTime'>;

function readyCondition(boxes: Record<string, BoxStatus>, generation: number | undefined): Cond {
  const active = Object.entries(boxes).filter(([, b]) => !(b.phase === 'Stopped'));
  const notRunning = active.filter(([, b]) => b.phase !== 'Running');
  const base = { type: 'Ready', observedGeneration: generation ?? 0 };
  if (active.length === 0) return { ...base, status: 'True', reason: 'NoActiveBoxes', message: 'no enabled boxes' };
  if (notRunning.length === 0)
    return { ...base, status: 'True', reason: 'AllBoxesRunning', message: `${active.length} boxes running` };
  const failed = notRunning.some(([, b]) => b.phase === 'Failed');
  return {
    ...base,
    status: 'False',
    reason: failed ? 'BoxFailed' : 'BoxesNotReady',
    message: notRunning.map(([n, b]) => `${n}: ${b.phase}${b.message ? ` (${b.message})` : ''}`).join('; '),
  };
}

/**
 * With sharding, a box that should run but runs on another replica has no local runtime; its
 * entry is the one that replica wrote (`elsewhere`), when there is one.
 */
export function katalogStatus(
  katalog: Katalog,
  observed: readonly ObservedBox[],
  now: Date,
  elsewhere?: (box: string) => BoxStatus | undefined,
): KatalogStatus {
  const previous = katalog.status;
  const nowIso = now.toISOString();
  const boxes: Record<string, BoxStatus> = {};
  for (const o of observed) {
    const remote = o.planned.action === 'Run' && !o.runtime ? elsewhere?.(o.planned.name) : undefined;
    boxes[o.planned.name] = remote ?? boxStatus(o, previous?.boxes?.[o.planned.name], nowIso);
  }
  const ready = readyCondition(boxes, katalog.metadata.generation);
  return {
    observedGeneration: katalog.metadata.generation ?? 0,
    // A Failed box waits for the Katalog to change: stalled. Any other box not Running is progressing.
    conditions: withTransitionTimes(
      [ready, ...progressConditions(ready, ready.reason === 'BoxFailed' ? ready : undefined, ready.reason)],
      previous?.conditions,
      nowIso,
    ),
    boxes,
    boxCount: observed.length,
    runningBoxes: Object.values(boxes).filter((b) => b.phase === 'Running').length,
  };
}
