// The operator box's reconcile for one custom resource (DESIGN.md §2, "Reconcile pipeline"):
// cache read → deletion path if terminating → ensure finalizers → admission rules (mutation,
// validation) → render → apply and prune → observe children → status (only when it changed) →
// Events. Each stage lives in its own module; this one only sequences them.
import type { Box } from '../../api-types/box.ts';
import { type CompiledBox, compileBoxCached } from '../box/compiled-box.ts';
import type { BoxConfig, BoxHandle } from '../box/operator-box.ts';
import type { ReconcileContext, Reconciler } from '../box/reconciler.ts';
import type { ApiClient } from '../kube/api-client.ts';
import type { ChildWatches } from '../kube/child-watches.ts';
import type { Discovery } from '../kube/discovery.ts';
import type { KubeObject } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import type { FieldPath } from '../render/path/index.ts';
import type { TemplateData } from '../render/template/index.ts';
import { applyMutations, validate } from './admission-rules.ts';
import { type ApplyCounter, applyAndPrune, type Emit } from './apply-and-prune.ts';
import { type ChildWatchMap, childWatchSet } from './child-watch-set.ts';
import { type ChildSummary, crStatus, type Problem } from './cr-status.ts';
import { deleteCustomResource } from './deletion.ts';
import { ensureFinalizers } from './finalizers.ts';
import { Halt } from './halt.ts';
import { type HookRuntime, hookStage } from './hooks.ts';
import { childrenAfter, observeChildren, templateKeys } from './observe-children.ts';
import { orphanSweep } from './orphan-sweep.ts';
import { FINALIZER, type Owner } from './ownership.ts';
import { renderChildren } from './render.ts';
import { renderBackoff } from './render-backoff.ts';
import { applyProblem, keptStatusFields, type StatusKeyMemory, statusFields, writeStatus } from './status.ts';
import { statusGrace, waitsForNewChildren } from './status-grace.ts';

export interface EventRecorderLike {
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface DeclarativeDeps {
  readonly client: ApiClient;
  readonly discovery: Discovery;
  readonly childWatches: ChildWatches;
  readonly events?: EventRecorderLike;
  /** The apply counter of one box, by box id. */
  readonly applyCounter?: (boxId: string) => ApplyCounter;
  /** Enqueues the parent with this UID in the owning box; children call it on every change. */
  readonly enqueueOwner: (uid: string) => void;
  /**
   * The box running this reconciler: with it, the children of custom resources that are gone are
   * removed by Orkestra (the orphan sweep), not left to the garbage collector alone.
   */
  readonly box?: Pick<BoxHandle, 'knowsUid' | 'synced' | 'fenced' | 'logger'>;
  /** Status keys of the last status apply per custom resource; outlives a box's reconcilers. */
  readonly statusKeys?: StatusKeyMemory;
  /** Typed-hook workers and hook metrics; remote hooks need nothing more than the client. */
  readonly hooks?: HookRuntime;
}

export interface DeclarativeReconciler extends Reconciler {
  /** Acquires the box's child watches (a swap does this before closing the reconciler it replaces). */
  open(): Promise<void>;
  /** Releases the box's child watches. */
  close(): Promise<void>;
}

interface Converged {
  /** Set when the reconcile halted: it decided nothing, so the declarative status stays as it is. */
  readonly halted?: true;
  readonly problem?: Problem;
  readonly warnings: readonly string[];
  readonly summaries: readonly ChildSummary[];
  readonly fields: readonly { path: FieldPath; value: unknown }[];
  /** The hook's status, under the declarative status. */
  readonly hookStatus?: Record<string, unknown>;
  readonly requeueAfterMs?: number;
  /** The children this reconcile created, as `Kind name`. */
  readonly created?: ReadonlySet<string>;
  /** The first failed child write, kept as the retry's cause (a no-answer failure retries sooner). */
  readonly applyError?: unknown;
}

export function declarativeReconciler(
  config: BoxConfig,
  compiled: CompiledBox,
  deps: DeclarativeDeps,
): DeclarativeReconciler {
  const { client, discovery } = deps;
  const deletions = new Map<string, { group: number; since: number }>();
  // Per reconciler: a Katalog change (a new reconciler) renders every resource again at once.
  const backoff = renderBackoff();
  const countApply = deps.applyCounter?.(config.id);
  const finalizers = [FINALIZER, ...config.katalogFinalizers, ...(config.box.operatorBox?.runtime?.finalizers ?? [])];
  const keys = templateKeys(compiled);
  const box = deps.box;
  const sweep = box
    ? orphanSweep({
        client,
        box: config,
        resource: config.resource,
        knowsUid: box.knowsUid,
        // Every kind the box renders, even with no custom resource left to have acquired it.
        watches: async () => {
          await watchSet.open();
          return (await watchSet.synced()).map((h) => ({ resource: h.resource, cache: h.watch.cache }));
        },
        enqueueOwner: deps.enqueueOwner,
        fenced: box.fenced,
        logger: box.logger,
      })
    : undefined;
  const watchSet = childWatchSet({
    config,
    childKinds: compiled.childKinds,
    client,
    discovery,
    childWatches: deps.childWatches,
    // A child whose owner the box's cache does not know may have outlived it.
    enqueueOwner: (uid) => {
      if (sweep && box?.knowsUid(uid) === false) sweep.request();
      else deps.enqueueOwner(uid);
    },
  });
  // Children orphaned while no controller ran are swept once the box's cache has synced.
  box?.synced().then(
    () => sweep?.request(),
    () => {},
  );
  const hooks = hookStage({
    boxId: config.id,
    compiled,
    workers: config.box.operatorBox?.reconcile?.workers ?? 1,
    client,
    runtime: deps.hooks,
  });
  const statusKeys = deps.statusKeys ?? new Map();
  const grace = statusGrace(deps.enqueueOwner);
  const statusKey = (ctx: ReconcileContext) => `${config.katalog}/${config.name}/${ctx.request.key}`;
  const putStatus = (cr: KubeObject, ctx: ReconcileContext, status: Record<string, unknown>) =>
    writeStatus(client, config.hasStatusSubresource, cr, ctx.resource, status, {
      keys: statusKeys,
      key: statusKey(ctx),
    });

  /** Admission rules → render → apply and prune → status fields; a Halt leaves children untouched. */
  async function converge(ctx: ReconcileContext, owner: Owner, w: ChildWatchMap, emit: Emit): Promise<Converged> {
    const cr = owner.object;
    const { byKey: children, all: existing } = observeChildren(owner, w, keys);
    const dataOf = (obj: KubeObject): TemplateData => ({
      metadata: obj.metadata,
      spec: obj.spec ?? {},
      status: obj.status ?? {},
      children,
    });
    const warnings: string[] = [];
    let summaries: readonly ChildSummary[] = [];
    try {
      const mutated = applyMutations(compiled, cr as KubeObject & Record<string, unknown>, dataOf);
      const verdict = validate(compiled, mutated);
      warnings.push(...verdict.warnings);
      if (verdict.denied.length > 0) {
        throw new Halt({ reason: 'ValidationFailed', message: verdict.denied.join('; '), stalled: true });
      }
      const call = { owner, parent: mutated, observed: existing, w, signal: ctx.signal };
      let data = dataOf(mutated);
      const early = hooks.first ? await hooks.sync({ ...call, data, rendered: [] }) : undefined;
      // A hook that runs first lends its status to the templates (`.status.*`).
      if (early) data = { ...data, status: { ...(data.status as object), ...early.status } };
      const rendered = renderChildren(compiled, owner, mutated, data, w, children);
      const answer = early ?? (await hooks.sync({ ...call, data, rendered }));
      const desired = hooks.merge(rendered, answer);
      const applied = await applyAndPrune({
        client,
        desired,
        existing,
        watches: w,
        namespace: cr.metadata.namespace,
        apply: (ref, resource, obj, force) => watchSet.applyTracked(ref, resource, obj, force, ctx.signal),
        countApply,
        emit,
        firstChildren:
          existing.length === 0 &&
          (cr.status as { observedGeneration?: number } | undefined)?.observedGeneration === undefined,
      });
      summaries = applied.summaries;
      // Status fields see the children as this reconcile left them, not as the cache had them
      // before the applies: the watch echo of our own writes does not trigger another pass.
      const after = childrenAfter(desired, applied.liveByRef, children);
      const fields = statusFields(compiled, mutated, { ...dataOf(mutated), children: after });
      return {
        warnings,
        summaries,
        fields,
        hookStatus: answer?.status,
        requeueAfterMs: answer?.requeueAfterMs,
        created: applied.created,
        ...(applied.firstError ? { problem: applyProblem(applied.firstError), applyError: applied.firstError } : {}),
      };
    } catch (err) {
      if (!(err instanceof Halt)) throw err;
      emit('Warning', err.problem.reason, err.problem.message);
      return { halted: true, problem: err.problem, warnings, summaries, fields: [] };
    }
  }

  const reconcile = async (ctx: ReconcileContext) => {
    const cached = ctx.object;
    if (!cached) {
      // Gone: its owner-referenced children are swept (the garbage collector may be slow or
      // absent); the rest went in the deletion path.
      statusKeys.delete(statusKey(ctx));
      sweep?.request();
      backoff.clear(ctx.request.key);
      return undefined;
    }
    // Its last render hit a cost limit: it renders again once its delay is over, not per change.
    const waitMs = cached.metadata.deletionTimestamp ? 0 : backoff.wait(ctx.request.key, cached.metadata.uid);
    if (waitMs > 0) return { requeueAfterMs: waitMs };
    const w = await watchSet.childWatches(cached.metadata.uid ?? '');
    const owner: Owner = { katalog: config.katalog, box: config.name, object: cached };
    const emit: Emit = (type, reason, message) => {
      if (compiled.eventsEnabled) deps.events?.event(cached, type, reason, message);
    };

    if (cached.metadata.deletionTimestamp) {
      const held = await hooks.holdDeletion(
        {
          owner,
          parent: cached,
          data: { metadata: cached.metadata, spec: cached.spec ?? {}, status: cached.status ?? {} },
          observed: observeChildren(owner, w, keys).all,
          w,
          signal: ctx.signal,
        },
        (s) => putStatus(cached, ctx, s),
      );
      if (held) return held;
      return deleteCustomResource({
        client,
        discovery,
        compiled,
        owner,
        children: observeChildren(owner, w, keys).all,
        emit,
        resource: ctx.resource,
        progress: deletions,
        writeStatus: (s) => putStatus(cached, ctx, s),
      });
    }

    const ownNeeded = compiled.deletionWork || [...w.values()].some((e) => !e.resource.namespaced);
    const cr = await ensureFinalizers(client, cached, ctx.resource, finalizers, ownNeeded);
    const outcome = await converge(ctx, { ...owner, object: cr }, w, emit);
    const live = cr.status as Record<string, unknown> | undefined;
    const uid = cr.metadata.uid ?? '';
    if (!outcome.hookStatus && waitsForNewChildren(live, outcome, outcome.created ?? new Set())) {
      grace.defer(uid);
      return outcome.requeueAfterMs ? { requeueAfterMs: outcome.requeueAfterMs } : undefined;
    }
    grace.settle(uid);
    const kept = outcome.halted ? keptStatusFields(live, statusKeys.get(statusKey(ctx)), compiled) : {};
    await putStatus(cr, ctx, {
      ...kept,
      ...outcome.hookStatus,
      ...crStatus(
        {
          generation: cr.metadata.generation,
          problem: outcome.problem,
          warnings: outcome.warnings,
          children: outcome.summaries,
          fields: outcome.fields,
        },
        live,
        new Date(),
        compiled.conditionsEnabled,
      ),
    });
    if (outcome.problem?.renderLimit) {
      const delayMs = backoff.limitHit(ctx.request.key, cr.metadata.uid);
      ctx.logger.info('render stopped at a limit; the next render of this resource waits', { delayMs });
    } else {
      backoff.clear(ctx.request.key);
    }
    // Transient apply failures retry with backoff; stalled problems wait for a change.
    if (outcome.problem && !outcome.problem.stalled)
      throw new Error(outcome.problem.message, { cause: outcome.applyError });
    return outcome.requeueAfterMs ? { requeueAfterMs: outcome.requeueAfterMs } : undefined;
  };

  return Object.assign(reconcile, {
    open: () => watchSet.open(),
    // The sweep stops before the watches it reads are released.
    close: async () => {
      grace.close();
      await Promise.all([sweep?.close().then(watchSet.close) ?? watchSet.close(), hooks.close()]);
    },
  });
}

/** The hooks the root controller needs to run declarative boxes. */
export function declarativeBoxes(deps: Omit<DeclarativeDeps, 'enqueueOwner' | 'statusKeys'>) {
  const statusKeys: StatusKeyMemory = new Map();
  return {
    reconcilerFor: (config: BoxConfig, handle: BoxHandle): DeclarativeReconciler =>
      declarativeReconciler(config, compileBoxCached(config.name, config.box), {
        ...deps,
        enqueueOwner: handle.enqueueUid,
        box: handle,
        statusKeys,
      }),
    // A child kind may be served only once its CRD is: discovery forgets and re-checks it.
    onCrdChanged: (crd: KubeObject): void => deps.discovery.crdChanged(crd),
    checkBox: (boxName: string, box: Box): string | undefined => {
      try {
        compileBoxCached(boxName, box);
        return undefined;
      } catch (err) {
        return errorField(err);
      }
    },
  };
}
