// The operator box's reconcile for one custom resource (DESIGN.md §2, "Reconcile pipeline"):
// cache read → deletion path if terminating → ensure finalizers → mutation → validation →
// render → server-side apply (skipped when the live child already matches) → prune →
// observe children (from the shared child watches) → status (only when it changed) → Events.
import { isDeepStrictEqual } from 'node:util';
import type { Box } from '../../api-types/box.ts';
import { type ApiClient, ApiError, isConflict, isNotFound, resourcePath } from '../kube/api-client.ts';
import { applyObject, carriesAll } from '../kube/apply.ts';
import {
  BOX_LABEL,
  type ChildWatch,
  type ChildWatches,
  KATALOG_LABEL,
  OWNER_INDEX,
  OWNER_UID_LABEL,
} from '../kube/child-watches.ts';
import type { Discovery } from '../kube/discovery.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import { renderKind, type ShorthandKind } from '../render/kinds/index.ts';
import type { TemplateData } from '../render/template/index.ts';
import { applyMutations, validate } from './admission-rules.ts';
import { childHealth } from './child-health.ts';
import {
  type ChildKind,
  type ChildTemplate,
  type CompiledBox,
  compileBoxCached,
  expansionItems,
} from './compiled-box.ts';
import { type ChildSummary, crStatus, type Outcome, type Problem } from './cr-status.ts';
import { deleteCustomResource } from './deletion.ts';
import type { BoxConfig, BoxHandle } from './operator-box.ts';
import { FINALIZER, isOwnedBy, type Owner, stampOwnership } from './ownership.ts';
import type { ReconcileContext, Reconciler } from './reconciler.ts';
import { storedForm } from './stored-form.ts';

export interface EventRecorderLike {
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** Counts of what applies did, for metrics (`orkestra_apply_total{result}`) and tests. */
export type ApplyCounter = (result: 'created' | 'updated' | 'skipped' | 'conflict' | 'error' | 'pruned') => void;

export interface DeclarativeDeps {
  readonly client: ApiClient;
  readonly discovery: Discovery;
  readonly childWatches: ChildWatches;
  readonly events?: EventRecorderLike;
  /** The apply counter of one box, by box id. */
  readonly applyCounter?: (boxId: string) => ApplyCounter;
  /** Enqueues the parent with this UID in the owning box; children call it on every change. */
  readonly enqueueOwner: (uid: string) => void;
}

export interface DeclarativeReconciler extends Reconciler {
  /** Releases the box's child watches. */
  close(): Promise<void>;
}

interface HeldWatch {
  readonly kind: ChildKind;
  readonly resource: ResourceRef;
  readonly watch: ChildWatch;
}
type ChildWatchMap = ReadonlyMap<string, HeldWatch>;

interface DesiredChild {
  readonly template: ChildTemplate;
  readonly resource: ResourceRef;
  readonly object: KubeObject;
}

/** A reconcile that cannot go on: reported in status (and as an Event), children untouched. */
class Halt extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.message);
    this.problem = problem;
  }
}

function childRef(o: KubeObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function declarativeReconciler(
  config: BoxConfig,
  compiled: CompiledBox,
  deps: DeclarativeDeps,
): DeclarativeReconciler {
  const { client, discovery } = deps;
  const deletions = new Map<string, { group: number; since: number }>();
  const countApply = deps.applyCounter?.(config.id);
  const finalizers = [FINALIZER, ...config.katalogFinalizers, ...(config.box.operatorBox?.runtime?.finalizers ?? [])];

  // `children.<key>` in templates: the shorthand key, or the plural for custom kinds.
  const templateKeys = new Map<string, Set<string>>();
  for (const t of compiled.children) {
    const k = `${t.apiVersion}/${t.kind}`;
    templateKeys.set(k, (templateKeys.get(k) ?? new Set()).add(t.kindKey));
  }

  // Child watches are acquired once, on the first reconcile, for every kind the templates render.
  let watches: Promise<ChildWatchMap> | undefined;
  // The watch echo of our own apply carries no news, so it does not re-enqueue the parent
  // (client-go's "expectations"). The echo can arrive before the apply's response: events for a
  // child whose apply is in flight are held and judged once the response gives our version.
  const ownWrites = new Map<string, string>();
  const inFlight = new Map<string, { event: 'added' | 'updated' | 'deleted'; rv: string | undefined; uid: string }[]>();
  const listener = (child: KubeObject, event: 'added' | 'updated' | 'deleted') => {
    const labels = child.metadata.labels ?? {};
    if (labels[BOX_LABEL] !== config.name || labels[KATALOG_LABEL] !== config.katalog) return;
    const uid = labels[OWNER_UID_LABEL];
    if (!uid) return;
    const ref = childRef(child);
    const held = inFlight.get(ref);
    if (held) {
      held.push({ event, rv: child.metadata.resourceVersion, uid });
      return;
    }
    const expected = ownWrites.get(ref);
    if (expected !== undefined) {
      ownWrites.delete(ref);
      // A deletion always matters, whatever resourceVersion the deleted object carries.
      if (event !== 'deleted' && expected === child.metadata.resourceVersion) return;
    }
    deps.enqueueOwner(uid);
  };
  /** Applies a child, recording the version it produced so its echo is recognised. */
  async function applyTracked(
    ref: string,
    resource: ResourceRef,
    obj: KubeObject,
    force: boolean,
    signal: AbortSignal,
  ) {
    inFlight.set(ref, []);
    let rv: string | undefined;
    try {
      const applied = await applyObject(client, resource, obj, { force, signal });
      rv = applied.metadata.resourceVersion;
      return applied;
    } finally {
      const held = inFlight.get(ref) ?? [];
      inFlight.delete(ref);
      const news = held.filter((e) => e.event === 'deleted' || e.rv !== rv);
      if (news[0]) deps.enqueueOwner(news[0].uid);
      else if (held.length === 0 && rv) ownWrites.set(ref, rv);
    }
  }
  function childWatches() {
    watches ??= (async () => {
      const out = new Map<string, HeldWatch>();
      for (const kind of compiled.childKinds) {
        const resource = await discovery.resolve(kind.apiVersion, kind.kind);
        if (!resource) continue; // reported per child when rendering
        out.set(`${kind.apiVersion}/${kind.kind}`, {
          kind,
          resource,
          watch: await deps.childWatches.acquire(resource, listener),
        });
      }
      return out;
    })();
    watches.catch(() => {
      watches = undefined;
    });
    return watches;
  }

  /** Children of this CR in the shared caches: `children.<kind key>` for templates and CEL. */
  function observed(owner: Owner, w: ChildWatchMap) {
    const byKey: Record<string, KubeObject[]> = {};
    const all: KubeObject[] = [];
    for (const { resource, watch } of w.values()) {
      const mine = watch.cache.byIndex(OWNER_INDEX, owner.object.metadata.uid ?? '').filter((c) => isOwnedBy(c, owner));
      all.push(...mine);
      for (const key of templateKeys.get(
        `${resource.group ? `${resource.group}/` : ''}${resource.version}/${resource.kind}`,
      ) ?? []) {
        byKey[key === 'custom' ? resource.plural : key] = mine;
      }
    }
    return { byKey, all };
  }

  function render(
    owner: Owner,
    cr: KubeObject,
    base: TemplateData,
    w: ChildWatchMap,
    children: Record<string, KubeObject[]>,
  ): DesiredChild[] {
    const desired: DesiredChild[] = [];
    const seen = new Map<string, string>();
    for (const t of compiled.children) {
      if (!t.gate({ self: cr, children })) continue;
      const entry = w.get(`${t.apiVersion}/${t.kind}`);
      if (!entry) {
        throw new Halt({
          reason: 'KindNotServed',
          message: `${t.where}: the API server does not serve ${t.apiVersion} ${t.kind}`,
          stalled: false,
        });
      }
      expansionItems(t, cr).forEach((item, i) => {
        const data = t.forEach ? { ...base, item, [t.forEach.as]: item } : base;
        let object: KubeObject;
        try {
          const body = t.body.render(data) as Record<string, unknown>;
          object =
            t.kindKey === 'custom'
              ? (body as KubeObject)
              : (renderKind(t.kindKey as ShorthandKind, {
                  ...(body as { name: string }),
                  namespace: (body.namespace as string | undefined) ?? cr.metadata.namespace ?? '',
                }) as KubeObject);
        } catch (err) {
          const where = t.forEach ? `${t.where} (forEach item ${i})` : t.where;
          const message = errorField(err);
          throw new Halt({
            reason: 'RenderFailed',
            message: message.startsWith('spec.crds.') ? message : `${where}: ${message}`,
            stalled: true,
          });
        }
        const stamped = stampOwnership(storedForm(object), owner, entry.resource.namespaced);
        const ref = childRef(stamped);
        const previous = seen.get(ref);
        if (previous) {
          throw new Halt({
            reason: 'RenderFailed',
            message: `${t.where} renders ${stamped.kind} ${stamped.metadata.name}, as does ${previous}`,
            stalled: true,
          });
        }
        seen.set(ref, t.where);
        desired.push({ template: t, resource: entry.resource, object: stamped });
      });
    }
    return desired;
  }

  async function ensureFinalizers(cr: KubeObject, resource: ResourceRef, w: ChildWatchMap): Promise<KubeObject> {
    const current = cr.metadata.finalizers ?? [];
    // Orkestra's own finalizer only when deletion has work the garbage collector cannot do: one
    // write per custom resource saved otherwise. The Katalog's and the box's finalizers always go on.
    const ownNeeded = compiled.deletionWork || [...w.values()].some((e) => !e.resource.namespaced);
    const missing = (ownNeeded ? finalizers : finalizers.filter((f) => f !== FINALIZER)).filter(
      (f) => !current.includes(f),
    );
    if (missing.length === 0) return cr;
    // resourceVersion makes this a compare-and-swap: a concurrent change fails with 409 and retries.
    return client.request<KubeObject>({
      method: 'PATCH',
      path: resourcePath(resource, cr.metadata.namespace, cr.metadata.name),
      contentType: 'application/merge-patch+json',
      body: { metadata: { resourceVersion: cr.metadata.resourceVersion, finalizers: [...current, ...missing] } },
    });
  }

  async function writeStatus(cr: KubeObject, resource: ResourceRef, status: Record<string, unknown>) {
    if (!config.hasStatusSubresource) return; // without the subresource a status write would bump generation forever
    const live = (cr.status ?? {}) as Record<string, unknown>;
    // Only the fields Orkestra owns are compared; other writers' status fields are theirs.
    if (Object.keys(status).every((k) => isDeepStrictEqual(status[k], live[k]))) return;
    await applyObject(
      client,
      resource,
      {
        apiVersion: cr.apiVersion,
        kind: cr.kind,
        metadata: { name: cr.metadata.name, namespace: cr.metadata.namespace },
        status,
      },
      { force: true, subresource: 'status' },
    );
  }

  const reconcile = async (ctx: ReconcileContext) => {
    const cached = ctx.object;
    if (!cached) return undefined; // gone: owner-referenced children go with it; the rest went in the deletion path
    const resource = ctx.resource;
    const w = await childWatches();
    const owner: Owner = { katalog: config.katalog, box: config.name, object: cached };
    const emit = (type: 'Normal' | 'Warning', reason: string, message: string) => {
      if (compiled.eventsEnabled) deps.events?.event(cached, type, reason, message);
    };

    if (cached.metadata.deletionTimestamp) {
      const { all } = observed(owner, w);
      return deleteCustomResource({
        client,
        discovery,
        compiled,
        owner,
        children: all,
        emit,
        resource,
        progress: deletions,
        writeStatus: (s) => writeStatus(cached, resource, s),
      });
    }

    const cr = await ensureFinalizers(cached, resource, w);
    const { byKey: children, all: existing } = observed({ ...owner, object: cr }, w);
    const dataOf = (obj: KubeObject): TemplateData => ({
      metadata: obj.metadata,
      spec: obj.spec ?? {},
      status: obj.status ?? {},
      children,
    });
    const outcome: {
      problem?: Problem;
      warnings: string[];
      summaries: ChildSummary[];
      fields: Outcome['fields'][number][];
    } = {
      warnings: [],
      summaries: [],
      fields: [],
    };
    const liveByRef = new Map(existing.map((c) => [childRef(c), c]));

    try {
      const mutated = applyMutations(compiled, cr as KubeObject & Record<string, unknown>, dataOf);
      const verdict = validate(compiled, mutated);
      outcome.warnings.push(...verdict.warnings);
      if (verdict.denied.length > 0) {
        throw new Halt({ reason: 'ValidationFailed', message: verdict.denied.join('; '), stalled: true });
      }
      const desired = render({ ...owner, object: cr }, mutated, dataOf(mutated), w, children);

      let firstError: unknown;
      // One Event per reconcile that changed children, not one per child: Events are writes too.
      const created: string[] = [];
      const updated: string[] = [];
      const pruned: string[] = [];
      for (const d of desired) {
        const live = liveByRef.get(childRef(d.object));
        const what = `${d.object.kind} ${d.object.metadata.name}`;
        try {
          if (live && d.template.set === 'onCreate' && !d.template.reconcile) {
            countApply?.('skipped');
          } else if (live && carriesAll(d.object, live)) {
            countApply?.('skipped');
          } else {
            const applied = await applyTracked(
              childRef(d.object),
              d.resource,
              d.object,
              d.template.reconcile,
              ctx.signal,
            );
            liveByRef.set(childRef(d.object), applied);
            countApply?.(live ? 'updated' : 'created');
            (live ? updated : created).push(what);
          }
          const current = liveByRef.get(childRef(d.object));
          const health = current ? childHealth(current) : { ready: false, reason: 'not created yet' };
          outcome.summaries.push({
            apiVersion: d.object.apiVersion,
            kind: d.object.kind,
            name: d.object.metadata.name,
            ...(d.object.metadata.namespace && d.object.metadata.namespace !== cr.metadata.namespace
              ? { namespace: d.object.metadata.namespace }
              : {}),
            state: health.ready ? 'Ready' : 'NotReady',
            ...(health.reason ? { reason: health.reason } : {}),
          });
        } catch (err) {
          const conflict = isConflict(err);
          countApply?.(conflict ? 'conflict' : 'error');
          const reason = conflict
            ? `conflict: ${errorField(err)} (set reconcile: true to take ownership)`
            : errorField(err);
          outcome.summaries.push({
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
        const entry = w.get(`${child.apiVersion}/${child.kind}`);
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

      const changes = [
        ...created.map((w) => `created ${w}`),
        ...updated.map((w) => `updated ${w}`),
        ...pruned.map((w) => `pruned ${w}`),
      ];
      if (changes.length > 0) {
        emit(
          'Normal',
          created.length ? 'ChildCreated' : updated.length ? 'ChildUpdated' : 'ChildPruned',
          changes.join('; '),
        );
      }

      // Status fields see the children as this reconcile left them, not as the cache had them
      // before the applies: the watch echo of our own writes does not trigger another pass.
      const after: Record<string, KubeObject[]> = {};
      for (const d of desired) {
        const key = d.template.kindKey === 'custom' ? d.resource.plural : d.template.kindKey;
        const live = liveByRef.get(childRef(d.object));
        after[key] ??= [];
        if (live) after[key].push(live);
      }
      const dataAfter = { ...dataOf(mutated), children: after };
      for (const field of compiled.statusFields) {
        if (!field.gate({ self: mutated, children: after })) continue;
        try {
          outcome.fields.push({ path: field.path, value: field.value.render(dataAfter) });
        } catch (err) {
          throw new Halt({ reason: 'RenderFailed', message: errorField(err), stalled: true });
        }
      }
      if (firstError) {
        outcome.problem = {
          reason: isConflict(firstError) ? 'ApplyConflict' : 'ApplyFailed',
          message: errorField(firstError),
          stalled: isConflict(firstError) || (firstError instanceof ApiError && firstError.status === 422),
        };
      }
    } catch (err) {
      if (!(err instanceof Halt)) throw err;
      outcome.problem = err.problem;
      emit('Warning', err.problem.reason, err.problem.message);
    }

    const result: Outcome = {
      generation: cr.metadata.generation,
      problem: outcome.problem,
      warnings: outcome.warnings,
      children: outcome.summaries,
      fields: outcome.fields,
    };
    await writeStatus(
      cr,
      resource,
      crStatus(result, cr.status as Record<string, unknown> | undefined, new Date(), compiled.conditionsEnabled),
    );
    // Transient apply failures retry with backoff; stalled problems wait for a change.
    if (outcome.problem && !outcome.problem.stalled) throw new Error(outcome.problem.message);
    return undefined;
  };

  return Object.assign(reconcile, {
    async close() {
      const w = watches;
      watches = undefined;
      if (!w) return;
      const held = await w.catch(() => undefined);
      await Promise.all([...(held?.values() ?? [])].map((e) => e.watch.release()));
    },
  });
}

/** The two hooks the root controller needs to run declarative boxes. */
export function declarativeBoxes(deps: Omit<DeclarativeDeps, 'enqueueOwner'>) {
  return {
    reconcilerFor: (config: BoxConfig, handle: BoxHandle): DeclarativeReconciler =>
      declarativeReconciler(config, compileBoxCached(config.name, config.box), {
        ...deps,
        enqueueOwner: handle.enqueueUid,
      }),
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
