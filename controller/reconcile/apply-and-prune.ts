// Apply and prune: server-side apply of each desired child (skipped when the live child already
// matches), deletion of the children this custom resource owns that no template wants any more,
// and one Event per reconcile that changed children (Events are writes too). A custom resource's
// first children make no Event: creating them is what the user just asked for, and the status
// written next lists them. Converging 1,000 new custom resources would otherwise write 1,000
// Events nobody reads; a recreation, an update or a prune still makes one.
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
  /** The custom resource never converged and owns no child yet: its creations make no Event. */
  readonly firstChildren?: boolean;
}

export interface ApplyAndPruneResult {
  readonly summaries: ChildSummary[];
  /** Live children after the applies, by childRef. */
  readonly liveByRef: ReadonlyMap<string, KubeObject>;
  /** The first apply or prune failure; the others are in the summaries and Events. */
  readonly firstError: unknown;
  /** The children this reconcile created, as `Kind name`. */
  readonly created: ReadonlySet<string>;
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

export async function applyAndPrune(args: ApplyAndPruneArgs): Promise<ApplyAndPruneResult> {
  const { client, desired, existing, countApply, emit } = args;
  const liveByRef = new Map(existing.map((c) => [childRef(c), c]));
  const summaries: ChildSummary[] = [];
  let firstError: unknown;
  const created: string[] = [];
  const updated: string[] = [];
  const pruned: string[] = [];
  for (const d of desired) {
    const live = liveByRef.get(childRef(d.object));
    const what = `${d.object.kind} ${d.object.metadata.name}`;
    try {
      if (skipApply(d, live)) {
        countApply?.('skipped');
      } else {
        const applied = await args.apply(childRef(d.object), d.resource, d.object, d.template.reconcile);
        liveByRef.set(childRef(d.object), applied);
        countApply?.(live ? 'updated' : 'created');
        (live ? updated : created).push(what);
      }
      summaries.push(summarizeChild(d.object, liveByRef.get(childRef(d.object)), args.namespace));
    } catch (err) {
      const conflict = isConflict(err);
      countApply?.(conflict ? 'conflict' : 'error');
      const reason = conflict
        ? `conflict: ${errorField(err)} (set reconcile: true to take ownership)`
        : errorField(err);
      summaries.push({
        apiVersion: d.object.apiVersion,
        kind: d.object.kind,
        name: d.object.metadata.name,
        state: 'Error',
        reason,
      });
      emit('Warning', conflict ? 'ApplyConflict' : 'ApplyFailed', `${what}: ${reason}`);
      firstError ??= err;
    }
  }

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

  const event = changeEvent(args.firstChildren ? [] : created, updated, pruned);
  if (event) emit('Normal', event.reason, event.message);
  return { summaries, liveByRef, firstError, created: new Set(created) };
}
