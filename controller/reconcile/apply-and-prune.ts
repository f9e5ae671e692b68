// Apply and prune: server-side apply of each desired child (skipped when the live child already
// matches; independent children concurrently), deletion of the children this custom resource owns that no template wants any more,
// and one Event per reconcile that changed children (Events are writes too).
import { type ApiClient, isConflict, isNotFound, resourcePath } from '../kube/api-client.ts';
import { upToDate } from '../kube/apply.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import type { ChildWatchMap } from './child-watch-set.ts';
import type { ChildSummary } from './cr-status.ts';
import { summarizeChild } from './observe-children.ts';
import { childRef } from './ownership.ts';
import type { DesiredChild } from './render.ts';

/** Counts of what applies did, for metrics (`orkestra_apply_total{result}`) and tests. */
export type ApplyCounter = (result: 'created' | 'updated' | 'skipped' | 'conflict' | 'error' | 'pruned') => void;

export type Emit = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface ApplyAndPruneArgs {
  readonly client: ApiClient;
  readonly desired: readonly DesiredChild[];
  /** The children this custom resource owns, from the shared caches. */
  readonly existing: readonly KubeObject[];
  readonly watches: ChildWatchMap;
  /** The custom resource's namespace: summaries name a child's namespace only when it differs. */
  readonly namespace: string | undefined;
  readonly apply: (ref: string, resource: ResourceRef, obj: KubeObject, force: boolean) => Promise<KubeObject>;
  readonly countApply?: ApplyCounter;
  readonly emit: Emit;
}

export interface ApplyAndPruneResult {
  readonly summaries: ChildSummary[];
  /** Live children after the applies, by childRef. */
  readonly liveByRef: ReadonlyMap<string, KubeObject>;
  /** The first apply or prune failure; the others are in the summaries and Events. */
  readonly firstError: unknown;
}

/** Whether a live child needs no apply for this desired manifest. */
export function skipApply(d: DesiredChild, live: KubeObject | undefined): boolean {
  if (!live) return false;
  if (d.template.set === 'onCreate' && !d.template.reconcile) return true;
  return upToDate(d.object, live);
}

/** One Event for the reconcile's changes: the reason names the first kind of change. */
export function changeEvent(created: readonly string[], updated: readonly string[], pruned: readonly string[]) {
  const changes = [
    ...created.map((w) => `created ${w}`),
    ...updated.map((w) => `updated ${w}`),
    ...pruned.map((w) => `pruned ${w}`),
  ];
  if (changes.length === 0) return undefined;
  return {
    reason: created.length ? 'ChildCreated' : updated.length ? 'ChildUpdated' : 'ChildPruned',
    message: changes.join('; '),
  };
}

/**
 * Kinds other children are created or admitted against: a Namespace before what lives in it, a
 * CRD before its custom resources, a ServiceAccount before its token Secret, quotas and limit
 * ranges before the pods they admit, the classes that pods and claims name.
 */
const PREREQUISITE_KINDS = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ServiceAccount',
  'ResourceQuota',
  'LimitRange',
  'PriorityClass',
  'StorageClass',
]);

/** Applies in flight at once for one custom resource; the box's workers multiply it. */
export const APPLY_CONCURRENCY = 4;

/**
 * The desired children in the order they may be applied: runs of ordinary kinds go together (no
 * one of them needs another to exist), and a prerequisite kind stands alone, after everything
 * rendered before it and before everything rendered after it, as the templates list them.
 */
export function applyWaves<T extends { readonly object: KubeObject }>(desired: readonly T[]): number[][] {
  const waves: number[][] = [];
  let run: number[] = [];
  desired.forEach((d, i) => {
    if (!PREREQUISITE_KINDS.has(d.object.kind)) {
      run.push(i);
      return;
    }
    if (run.length > 0) waves.push(run);
    waves.push([i]);
    run = [];
  });
  if (run.length > 0) waves.push(run);
  return waves;
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

type ApplyOutcome =
  | { readonly kind: 'skipped' | 'created' | 'updated'; readonly summary: ChildSummary }
  | {
      readonly kind: 'failed';
      readonly summary: ChildSummary;
      readonly err: unknown;
      readonly warning: { readonly reason: string; readonly message: string };
    };

export async function applyAndPrune(args: ApplyAndPruneArgs): Promise<ApplyAndPruneResult> {
  const { client, desired, existing, countApply, emit } = args;
  const liveByRef = new Map(existing.map((c) => [childRef(c), c]));
  const created: string[] = [];
  const updated: string[] = [];
  const pruned: string[] = [];

  // Children of one wave are applied concurrently: a reconcile waits for its slowest apply, not
  // for the sum of them. Outcomes are kept by position, so summaries, Events and the error that
  // the status reports come out in template order whatever order the answers arrive in.
  const outcomes: ApplyOutcome[] = new Array(desired.length);
  const applyOne = async (i: number) => {
    const d = desired[i] as DesiredChild;
    const ref = childRef(d.object);
    const live = liveByRef.get(ref);
    try {
      let kind: 'skipped' | 'created' | 'updated' = 'skipped';
      if (skipApply(d, live)) {
        countApply?.('skipped');
      } else {
        liveByRef.set(ref, await args.apply(ref, d.resource, d.object, d.template.reconcile));
        kind = live ? 'updated' : 'created';
        countApply?.(kind);
      }
      outcomes[i] = { kind, summary: summarizeChild(d.object, liveByRef.get(ref), args.namespace) };
    } catch (err) {
      const conflict = isConflict(err);
      countApply?.(conflict ? 'conflict' : 'error');
      const reason = conflict
        ? `conflict: ${errorField(err)} (set reconcile: true to take ownership)`
        : errorField(err);
      outcomes[i] = {
        kind: 'failed',
        err,
        warning: {
          reason: conflict ? 'ApplyConflict' : 'ApplyFailed',
          message: `${d.object.kind} ${d.object.metadata.name}: ${reason}`,
        },
        summary: {
          apiVersion: d.object.apiVersion,
          kind: d.object.kind,
          name: d.object.metadata.name,
          state: 'Error',
          reason,
        },
      };
    }
  };
  for (const wave of applyWaves(desired)) await eachLimited(wave, APPLY_CONCURRENCY, applyOne);

  const summaries: ChildSummary[] = [];
  let firstError: unknown;
  outcomes.forEach((o, i) => {
    const d = desired[i] as DesiredChild;
    summaries.push(o.summary);
    if (o.kind === 'failed') {
      firstError ??= o.err;
      emit('Warning', o.warning.reason, o.warning.message);
    } else if (o.kind !== 'skipped')
      (o.kind === 'created' ? created : updated).push(`${d.object.kind} ${d.object.metadata.name}`);
  });

  // Prune: children this CR owns that no template wants any more.
  const wanted = new Set(desired.map((d) => childRef(d.object)));
  for (const child of existing) {
    if (wanted.has(childRef(child))) continue;
    const entry = args.watches.get(`${child.apiVersion}/${child.kind}`);
    if (!entry) continue;
    try {
      await client.request({
        method: 'DELETE',
        path: resourcePath(entry.resource, child.metadata.namespace, child.metadata.name),
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          propagationPolicy: 'Background',
          preconditions: { uid: child.metadata.uid },
        },
      });
      countApply?.('pruned');
      pruned.push(`${child.kind} ${child.metadata.name}`);
    } catch (err) {
      if (!isNotFound(err)) firstError ??= err;
    }
  }

  const event = changeEvent(created, updated, pruned);
  if (event) emit('Normal', event.reason, event.message);
  return { summaries, liveByRef, firstError };
}
