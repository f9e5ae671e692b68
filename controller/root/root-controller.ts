// The root controller: watches Katalogs, Komposers and CRDs, plans the boxes that should run, and
// starts, swaps in place or stops them; then writes each Katalog's and Komposer's status. A
// Komposer runs as the Katalog it composes (named after it); the Katalogs it imports run only
// through it. All decisions go through one
// de-duplicating queue key, so bursts of events collapse into one pass and passes never overlap.
import { isDeepStrictEqual } from 'node:util';
import type { Box, BoxStatus } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import type { Komposer } from '../../api-types/komposer.ts';
import {
  type BoxConfig,
  type BoxHandle,
  type BoxMetrics,
  type BoxReconciler,
  type OperatorBox,
  startOperatorBox,
  watchedNamespaces,
} from '../box/operator-box.ts';
import { type ApiClient, isNotFound, resourcePath } from '../kube/api-client.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { type Reflector, startReflector } from '../kube/reflector.ts';
import { createWorkQueue } from '../kube/workqueue.ts';
import { errorField, type Logger } from '../observe/log.ts';
import type { Fence } from '../shard/fence.ts';
import type { ReconcileLog } from '../shard/reconcile-log.ts';
import { crdForIndex, indexCrds } from './crd-index.ts';
import { stopLevels } from './dag.ts';
import { type BoxId, type PlannedBox, planBoxes } from './desired-boxes.ts';
import { reportBoxFailed } from './failed-box-status.ts';
import { createImportResolver } from './import-resolver.ts';
import {
  deleteResources,
  deletesResources,
  finalizerChange,
  isDeleting,
  setKatalogFinalizer,
} from './katalog-deletion.ts';
import { boxPhase, katalogStatus, type ObservedBox } from './katalog-status.ts';
import { komposerStatus } from './komposer-status.ts';
import { type Composition, compose, type ResolvedImport } from './komposition.ts';

export const KATALOG_RESOURCE: ResourceRef = {
  group: 'orkestra.orkspace.io',
  version: 'v1alpha1',
  kind: 'Katalog',
  plural: 'katalogs',
  namespaced: false,
};
export const KOMPOSER_RESOURCE: ResourceRef = {
  group: 'orkestra.orkspace.io',
  version: 'v1alpha1',
  kind: 'Komposer',
  plural: 'komposers',
  namespaced: false,
};
const CRD_RESOURCE: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

/**
 * Box ownership when replicas shard the boxes (`run --shard`). Every replica plans every box;
 * it runs only those whose Lease it holds and writes only their Katalog status entries. The
 * replica that `leads` writes what belongs to no box: the Katalog-wide status fields, the entries
 * of boxes that do not run, Katalog finalizers.
 */
export interface Ownership {
  readonly identity: string;
  /** Told after every planning pass which boxes should run somewhere. */
  setBoxes(ids: readonly string[]): void;
  owns(id: string): boolean;
  fence(id: string): Fence;
  leads(): boolean;
}

/** Where box lifecycle events go; `kubectl describe katalog` shows them. */
export interface EventSink {
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface RootControllerDeps {
  readonly client: ApiClient;
  readonly logger: Logger;
  readonly events?: EventSink;
  readonly reconcilerFor: (config: BoxConfig, handle: BoxHandle) => BoxReconciler;
  /** Told of every CRD added, changed or deleted (e.g. a child kind may have become served). */
  readonly onCrdChanged?: (crd: KubeObject) => void;
  /** Checks a box beyond the schema (e.g. that its templates compile); a message makes it Failed. */
  readonly checkBox?: (boxName: string, box: Box) => string | undefined;
  readonly boxMetrics?: (id: string) => BoxMetrics;
  /** Told after every planning pass which boxes run (e.g. to register their admission webhooks). */
  readonly onBoxesChanged?: (running: readonly BoxConfig[]) => void;
  /** Told after a box stopped, e.g. to drop its metric series. */
  readonly onBoxStopped?: (id: string) => void;
  /** How often box runtime figures (managed, queueDepth) are refreshed into Katalog status. */
  readonly statusRefreshMs?: number;
  /** The controller's namespace, the only one Komposer pull Secrets and CA ConfigMaps come from. */
  readonly namespace?: string;
  /** Set when replicas shard the boxes; unset, this controller runs every box. */
  readonly ownership?: Ownership;
  readonly reconcileLog?: ReconcileLog;
}

/** A Komposer in the current pass: what its imports resolved to and what they compose. */
interface ActiveKomposer {
  readonly komposer: Komposer;
  readonly imports: readonly ResolvedImport[];
  readonly composition: Composition;
}

export interface RootController {
  /** Resolves when the Katalog and CRD caches are filled. */
  waitForSync(): Promise<void>;
  boxes(): ReadonlyMap<BoxId, OperatorBox>;
  /** The current plan with every box's observed phase, for health endpoints and tests. */
  observed(): ObservedBox[];
  /** Asks for a planning pass (e.g. box ownership changed). */
  resync(): void;
  /**
   * Stops every box (dependents before their dependencies, each level in parallel), then the
   * watches. In-flight reconciles get what is left of `graceMs` (default 8 s) before they abort.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

const SYNC = 'sync';
const BOX_GRACE_MS = 8_000;
/** A box handed to another replica gets this long to finish in-flight reconciles (its writes are fenced anyway). */
const HANDOVER_GRACE_MS = 1_000;
/** How soon a pass runs again while a Katalog with onDelete: Delete waits for its resources to go. */
const DRAIN_POLL_MS = 250;

/** Why a running box stops, which decides what happens to its custom resources' finalizers. */
type StopCause = 'gone' | 'paused' | 'shutdown';

export function startRootController(deps: RootControllerDeps): RootController {
  const { client, logger, ownership } = deps;
  const log = logger.child({ controller: 'root' });
  const running = new Map<BoxId, OperatorBox>();
  let plan: PlannedBox[] = [];
  /** Every box that should run on some replica (with sharding, webhooks are registered for all of them). */
  let plannedConfigs: BoxConfig[] = [];
  const queue = createWorkQueue();
  const trigger = () => queue.add(SYNC);
  const handler = { onAdd: trigger, onUpdate: trigger, onDelete: trigger };

  // CRD updates matter only when they touch what a box depends on (Established, served versions,
  // names, scope), but any CRD event triggers one cheap pass; the plan decides.
  const katalogs: Reflector = startReflector({ client, resource: KATALOG_RESOURCE, handler, logger: log });
  const crdChanged = (crd: KubeObject) => {
    deps.onCrdChanged?.(crd);
    trigger();
  };
  const crds: Reflector = startReflector({
    client,
    resource: CRD_RESOURCE,
    handler: { onAdd: crdChanged, onUpdate: (_old, crd) => crdChanged(crd), onDelete: crdChanged },
    logger: log,
    transform: crdForIndex,
  });
  const komposers: Reflector = startReflector({ client, resource: KOMPOSER_RESOURCE, handler, logger: log });
  const resolver = createImportResolver({
    client,
    namespace: deps.namespace ?? 'orkestra-system',
    logger,
    onChange: trigger,
  });
  /** Komposers of the last pass by name; their composed Katalogs run under the same name. */
  let active = new Map<string, ActiveKomposer>();
  /** Imported Katalog name → the Komposer that runs it. */
  let composedBy = new Map<string, string>();

  /** What box events are reported on: the Komposer for its composed boxes, else the Katalog. */
  const katalogObject = (name: string) =>
    (active.get(name)?.komposer ?? katalogs.cache.get(name)) as Katalog | undefined;
  const asKube = (k: Katalog) => k as unknown as KubeObject;

  function configFor(p: PlannedBox, generation: number): BoxConfig | undefined {
    if (!p.resource) return undefined;
    return {
      id: p.id,
      katalog: p.katalog,
      name: p.name,
      resource: p.resource,
      box: p.box,
      katalogFinalizers: p.katalogFinalizers,
      hasStatusSubresource: p.hasStatusSubresource,
      generation,
    };
  }

  /**
   * Stops boxes dependents-first, each DAG level in parallel. `deadline` (performance.now() ms)
   * bounds the whole stop; each level gets an equal share of what is left. Boxes stopping
   * because they are `gone` release their custom resources' finalizers.
   */
  async function stopBoxes(ids: BoxId[], reason: string, cause: (id: BoxId) => StopCause, deadline?: number) {
    const edges = new Map(
      ids.map((id) => {
        const katalog = id.split('/')[0];
        return [
          id,
          running
            .get(id)
            ?.config()
            .box.dependsOn?.map((d) => `${katalog}/${d}`) ?? [],
        ] as const;
      }),
    );
    const levels = stopLevels(edges);
    for (const [i, level] of levels.entries()) {
      const graceMs =
        deadline === undefined ? BOX_GRACE_MS : Math.max(0, deadline - performance.now()) / (levels.length - i);
      await Promise.all(
        level.map(async (id) => {
          const box = running.get(id);
          if (!box) return;
          running.delete(id);
          await box.stop({ graceMs, releaseFinalizers: cause(id) === 'gone' });
          deps.onBoxStopped?.(id);
          const k = katalogObject(box.config().katalog);
          if (k) deps.events?.event(asKube(k), 'Normal', 'BoxStopped', `box ${box.config().name} stopped: ${reason}`);
          log.info('box stopped', { box: id, reason });
        }),
      );
    }
  }

  /**
   * A box stops for good (its finalizers are released) when its Katalog or entry is gone, it is
   * disabled, or its kind changed; a Failed or waiting box is expected back and keeps them.
   */
  function stopCause(box: OperatorBox, p: PlannedBox | undefined): StopCause {
    if (!p || p.action === 'Stopped') return 'gone';
    if (p.action !== 'Run') return 'paused';
    const a = box.resource;
    const b = p.resource;
    return b && (a.group !== b.group || a.kind !== b.kind) ? 'gone' : 'paused';
  }

  /** onDelete: Delete — delete the custom resources of a deleting Katalog; true once all are gone. */
  async function drainKatalog(name: string): Promise<boolean> {
    let drained = true;
    // Boxes running on other replicas drain there; their status entries say when they are empty.
    if (ownership) {
      const stored = (katalogs.cache.get(name) as Katalog | undefined)?.status?.boxes ?? {};
      for (const p of plan) {
        if (p.katalog !== name || p.action !== 'Run' || running.has(p.id)) continue;
        if (stored[p.name]?.managed !== 0) drained = false;
      }
    }
    for (const box of running.values()) {
      if (box.config().katalog !== name) continue;
      if (!box.reflector.hasSynced()) {
        drained = false;
        continue;
      }
      const left = box.managedObjects();
      if (left.length === 0) continue;
      drained = false;
      const sent = await deleteResources(client, box.resource, left);
      if (sent > 0) log.info('deleting custom resources of a deleting Katalog', { box: box.id, count: sent });
    }
    return drained;
  }

  // Deleting Katalogs whose finalizer was just removed: their boxes must not start again in the
  // moment before the watch reports them gone.
  const released = new Set<string>();

  async function katalogFinalizers(katalogList: readonly Katalog[]) {
    let waiting = false;
    for (const k of katalogList) {
      const draining = isDeleting(k) && deletesResources(k);
      const drained = draining ? await drainKatalog(k.metadata.name) : false;
      const change = finalizerChange(k, drained);
      if (draining && !drained) waiting = true;
      if (!change || (ownership && !ownership.leads())) continue;
      if (change === 'remove' && draining) {
        const mine = [...running.keys()].filter((id) => id.startsWith(`${k.metadata.name}/`));
        await stopBoxes(mine, 'Katalog deleted (onDelete: Delete), its custom resources are gone', () => 'gone');
      }
      if (change === 'remove' && isDeleting(k)) released.add(k.metadata.uid as string);
      await setKatalogFinalizer(client, KATALOG_RESOURCE, k, change);
      log.info(change === 'add' ? 'Katalog finalizer added' : 'Katalog finalizer removed', { name: k.metadata.name });
    }
    const present = new Set(katalogList.map((k) => k.metadata.uid as string));
    for (const uid of released) if (!present.has(uid)) released.delete(uid);
    if (waiting) setTimeout(trigger, DRAIN_POLL_MS).unref();
  }

  /**
   * Resolves every live Komposer (oldest first): Katalog imports from the cache, ConfigMap and
   * OCI imports from the background resolver. A Katalog already run by an older Komposer is an
   * import error of the younger one, never a second controller.
   */
  function composeAll(live: readonly Katalog[]): void {
    const list = (komposers.cache.list() as unknown as Komposer[]).filter((k) => !k.metadata.deletionTimestamp);
    list.sort(
      (a, b) =>
        String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
    resolver.sync(list);
    const liveByName = new Map(live.map((k) => [k.metadata.name, k]));
    const nextActive = new Map<string, ActiveKomposer>();
    const nextComposed = new Map<string, string>();
    for (const komposer of list) {
      const name = komposer.metadata.name;
      const katalogImports: ResolvedImport[] = (komposer.spec.imports.katalogs ?? []).map((katalogName) => {
        const katalog = liveByName.get(katalogName);
        const owner = nextComposed.get(katalogName);
        const error = !katalog
          ? `Katalog ${katalogName} not found`
          : owner
            ? `Katalog ${katalogName} is already run through Komposer ${owner}; a Katalog runs once`
            : undefined;
        return { kind: 'Katalog', name: katalogName, document: error ? undefined : katalog, error };
      });
      for (const i of katalogImports) if (i.document) nextComposed.set(i.name, name);
      const imports = [...katalogImports, ...resolver.resolved(komposer)];
      nextActive.set(name, { komposer, imports, composition: compose(komposer, imports) });
    }
    active = nextActive;
    composedBy = nextComposed;
  }

  async function reconcileBoxes() {
    const all = katalogs.cache.list().map((k) => k as unknown as Katalog);
    // A deleting Katalog runs on only while onDelete: Delete has custom resources to delete.
    const live = all.filter((k) => !isDeleting(k) || (deletesResources(k) && !released.has(k.metadata.uid as string)));
    composeAll(live);
    // Katalogs a Komposer imports run through it; a Katalog named like a Komposer yields to it.
    const planned = [
      ...live.filter((k) => !composedBy.has(k.metadata.name) && !active.has(k.metadata.name)),
      ...[...active.values()].map((a) => a.composition.katalog),
    ];
    const byName = new Map(planned.map((k) => [k.metadata.name, k]));
    plan = planBoxes({
      katalogs: planned,
      crd: indexCrds(crds.cache.list()),
      runningPhase: (id) => running.get(id)?.status().phase,
      check: deps.checkBox,
      failed: (katalog, box) => active.get(katalog)?.composition.failures.get(box),
    });
    const wanted = new Map(plan.filter((p) => p.action === 'Run').map((p) => [p.id, p]));
    ownership?.setBoxes([...wanted.keys()]);
    plannedConfigs = [...wanted.values()].flatMap((p) => {
      const c = configFor(p, byName.get(p.katalog)?.metadata.generation ?? 0);
      return c ? [c] : [];
    });
    // Boxes another replica holds (or nobody yet) do not run here.
    const disowned = new Set<BoxId>();
    if (ownership) {
      for (const id of wanted.keys()) {
        if (ownership.owns(id)) continue;
        wanted.delete(id);
        disowned.add(id);
      }
    }

    // Stop what should not run, and boxes whose kind or namespaces changed (they restart below).
    const plannedById = new Map(plan.map((p) => [p.id, p]));
    const toStop: BoxId[] = [];
    for (const [id, box] of running) {
      const p = wanted.get(id);
      if (
        !p ||
        !isDeepStrictEqual(p.resource, box.resource) ||
        !isDeepStrictEqual(p.box.operatorBox?.runtime?.allowedNamespaces, watchedNamespaces(box.config()))
      )
        toStop.push(id);
    }
    const causes = new Map(toStop.map((id) => [id, stopCause(running.get(id) as OperatorBox, plannedById.get(id))]));
    const handedOver = toStop.filter((id) => disowned.has(id));
    await stopBoxes(
      handedOver,
      'its Lease is held elsewhere or lost',
      () => 'paused',
      performance.now() + HANDOVER_GRACE_MS,
    );
    await stopBoxes(
      toStop.filter((id) => !disowned.has(id)),
      'no longer wanted or kind changed',
      (id) => causes.get(id) ?? 'paused',
    );

    for (const p of plan) {
      const katalog = byName.get(p.katalog);
      const generation = katalog?.metadata.generation ?? 0;
      const config = configFor(p, generation);
      if (p.action !== 'Run' || !config || !katalog || disowned.has(p.id)) continue;
      const box = running.get(p.id);
      if (!box) {
        running.set(
          p.id,
          startOperatorBox(config, {
            client,
            logger,
            reconcilerFor: deps.reconcilerFor,
            onChange: trigger,
            metrics: deps.boxMetrics?.(p.id),
            fence: ownership?.fence(p.id),
            reconcileLog: deps.reconcileLog,
          }),
        );
        deps.events?.event(asKube(katalog), 'Normal', 'BoxStarted', `box ${p.name} started for ${p.gvk}`);
        log.info('box started', { box: p.id, gvk: p.gvk });
        continue;
      }
      const current = box.config();
      if (
        !isDeepStrictEqual(current.box, config.box) ||
        !isDeepStrictEqual(current.katalogFinalizers, config.katalogFinalizers) ||
        current.hasStatusSubresource !== config.hasStatusSubresource
      ) {
        box.swap(config);
        deps.events?.event(
          asKube(katalog),
          'Normal',
          'BoxUpdated',
          `box ${p.name} reconfigured in place (generation ${generation})`,
        );
      }
    }
  }

  const lastPhase = new Map<BoxId, string>();
  function observedBoxes(): ObservedBox[] {
    return plan.map((planned) => {
      const runtime = planned.action === 'Run' ? running.get(planned.id)?.status() : undefined;
      if (!ownership || runtime || planned.action !== 'Run') return { planned, runtime };
      const entry = (katalogs.cache.get(planned.katalog) as Katalog | undefined)?.status?.boxes?.[planned.name];
      // Only an entry its runner wrote says where and how the box runs.
      return entry?.replica ? { planned, runtime, remote: entry } : { planned, runtime };
    });
  }

  async function writeStatuses() {
    const now = new Date();
    const observed = observedBoxes();
    for (const k of katalogs.cache.list()) {
      const katalog = k as unknown as Katalog;
      const owner = composedBy.get(katalog.metadata.name);
      const source = `Katalog ${katalog.metadata.name}`;
      // A composed Katalog shows its boxes as the Komposer runs them (overrides applied).
      const mine = owner
        ? observed.filter(
            (o) => o.planned.katalog === owner && active.get(owner)?.composition.sources.get(o.planned.name) === source,
          )
        : active.has(katalog.metadata.name)
          ? []
          : observed.filter((o) => o.planned.katalog === katalog.metadata.name);
      for (const o of mine) {
        const phase = boxPhase(o);
        if (phase === 'Failed' && lastPhase.get(o.planned.id) !== 'Failed' && (!ownership || ownership.leads())) {
          deps.events?.event(k, 'Warning', 'BoxFailed', `box ${o.planned.name}: ${o.planned.message}`);
          await markFailedBoxResources(o.planned);
        }
        lastPhase.set(o.planned.id, phase);
      }
      if (ownership) {
        await writeShardedStatus(katalog, mine, now, owner);
        continue;
      }
      await writeStatus(KATALOG_RESOURCE, k, { ...katalogStatus(katalog, mine, now), composedBy: owner });
    }
    if (ownership && !ownership.leads()) return;
    for (const a of active.values()) {
      const name = a.komposer.metadata.name;
      const mine = observed.filter((o) => o.planned.katalog === name);
      const status = komposerStatus(a.komposer, a.composition, a.imports, mine, resolver.settled(a.komposer), now);
      await writeStatus(KOMPOSER_RESOURCE, a.komposer as unknown as KubeObject, status);
    }
  }

  /**
   * Katalog status with sharding: a merge patch in which each replica writes only the entries of
   * the boxes it runs (each checked against the box's fence, and naming this replica), and the
   * replica that leads adds everything else — conditions, counts, the entries of boxes that do not
   * run, the removal of entries for boxes gone. The Katalog-wide fields are computed from the
   * entries the box owners wrote, so replicas never overwrite each other's entries.
   */
  async function writeShardedStatus(
    katalog: Katalog,
    mine: readonly ObservedBox[],
    now: Date,
    composedBy: string | undefined,
  ) {
    if (!ownership) return;
    const stored = (katalog.status ?? {}) as Record<string, unknown> & { boxes?: Record<string, BoxStatus> };
    const storedBoxes = stored.boxes ?? {};
    const full = JSON.parse(
      JSON.stringify({ ...katalogStatus(katalog, mine, now, (box) => storedBoxes[box]), composedBy }),
    ) as Record<string, unknown> & { boxes: Record<string, BoxStatus> };
    const boxes: Record<string, BoxStatus | null> = {};
    const leads = ownership.leads();
    for (const o of mine) {
      const name = o.planned.name;
      const runsHere = o.planned.action === 'Run' && running.has(o.planned.id) && ownership.owns(o.planned.id);
      if (runsHere) {
        try {
          ownership.fence(o.planned.id)();
        } catch {
          continue;
        }
        const entry = { ...full.boxes[name], replica: ownership.identity } as BoxStatus;
        if (!isDeepStrictEqual(entry, storedBoxes[name])) boxes[name] = entry;
      } else if (leads && (o.planned.action !== 'Run' || storedBoxes[name] === undefined)) {
        const entry = full.boxes[name];
        if (entry && !isDeepStrictEqual(entry, storedBoxes[name])) boxes[name] = entry;
      }
    }
    const patch: Record<string, unknown> = {};
    if (leads) {
      const names = new Set(mine.map((o) => o.planned.name));
      for (const name of Object.keys(storedBoxes)) if (!names.has(name)) boxes[name] = null;
      for (const [field, value] of Object.entries(full)) {
        if (field !== 'boxes' && !isDeepStrictEqual(value, stored[field])) patch[field] = value;
      }
      for (const field of Object.keys(stored)) if (field !== 'boxes' && !(field in full)) patch[field] = null;
    }
    if (Object.keys(boxes).length > 0) patch.boxes = boxes;
    if (Object.keys(patch).length === 0) return;
    try {
      await client.request({
        method: 'PATCH',
        path: resourcePath(KATALOG_RESOURCE, undefined, katalog.metadata.name, 'status'),
        contentType: 'application/merge-patch+json',
        body: { status: patch },
      });
    } catch (err) {
      if (!isNotFound(err))
        log.error('writing Katalog status failed', { name: katalog.metadata.name, err: errorField(err) });
    }
  }

  /** Replaces the status subresource unless it already holds exactly this. */
  async function writeStatus(resource: ResourceRef, object: KubeObject, value: unknown) {
    // JSON round trip drops undefined members, so the comparison matches what the server stores.
    const status = JSON.parse(JSON.stringify(value));
    if (isDeepStrictEqual(status, object.status)) return;
    try {
      await client.request({
        method: 'PATCH',
        path: resourcePath(resource, undefined, object.metadata.name, 'status'),
        contentType: 'application/json-patch+json',
        body: [{ op: 'add', path: '/status', value: status }],
      });
    } catch (err) {
      if (!isNotFound(err))
        log.error(`writing ${resource.kind} status failed`, { name: object.metadata.name, err: errorField(err) });
    }
  }

  /** Tells the custom resources of a box that just became Failed why nothing reconciles them. */
  async function markFailedBoxResources(p: PlannedBox) {
    if (p.claimedElsewhere) return; // another box operates this kind
    const { group, version, kind } = p.box.apiTypes;
    const crd = indexCrds(crds.cache.list())(group, kind);
    if (!crd?.established || !crd.servedVersions.includes(version) || !crd.hasStatusSubresource(version)) return;
    const resource = { group, version, kind, plural: crd.plural, namespaced: crd.namespaced };
    const message = `box ${p.name} of Katalog ${p.katalog} is Failed, so nothing reconciles this resource until the Katalog is fixed: ${p.message}`;
    try {
      const written = await reportBoxFailed(client, resource, p.box.operatorBox?.runtime?.allowedNamespaces, message);
      log.info('custom resources told their box failed', { box: p.id, count: written });
    } catch (err) {
      log.error('writing BoxFailed status on custom resources failed', { box: p.id, err: errorField(err) });
    }
  }

  let stopped = false;
  // A cache that never syncs (its LIST refused, the API server gone) must not keep stop() waiting.
  let stopping = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    stopping = resolve;
  });
  const loop = (async () => {
    await Promise.race([
      Promise.all([katalogs.waitForSync(), komposers.waitForSync(), crds.waitForSync()]).catch(() => undefined),
      stopRequested,
    ]);
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        if (!stopped) {
          await reconcileBoxes();
          await katalogFinalizers(katalogs.cache.list() as unknown as Katalog[]);
          deps.onBoxesChanged?.(ownership ? plannedConfigs : [...running.values()].map((b) => b.config()));
          await writeStatuses();
        }
      } catch (err) {
        log.error('root sync failed', { err: errorField(err) });
        // Retry soon; the next event would also trigger a pass.
        setTimeout(trigger, 1_000).unref();
      } finally {
        queue.done(key);
      }
    }
  })();
  trigger();
  const refresh = setInterval(trigger, deps.statusRefreshMs ?? 5_000);
  refresh.unref();

  return {
    waitForSync: async () => {
      await Promise.all([katalogs.waitForSync(), komposers.waitForSync(), crds.waitForSync()]);
    },
    boxes: () => running,
    observed: observedBoxes,
    resync: trigger,
    async stop(options = {}) {
      const deadline = performance.now() + (options.graceMs ?? BOX_GRACE_MS);
      stopped = true;
      stopping();
      clearInterval(refresh);
      resolver.stop();
      queue.shutDown();
      await loop;
      await Promise.all([
        stopBoxes([...running.keys()], 'controller shutting down', () => 'shutdown', deadline),
        katalogs.stop(),
        komposers.stop(),
        crds.stop(),
      ]);
    },
  };
}
