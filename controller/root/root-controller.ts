// The root controller: watches Katalogs and CRDs, plans the boxes that should run, and starts,
// swaps in place or stops them; then writes each Katalog's status. All decisions go through one
// de-duplicating queue key, so bursts of events collapse into one pass and passes never overlap.
import { isDeepStrictEqual } from 'node:util';
import type { Box } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import {
  type BoxConfig,
  type BoxHandle,
  type BoxMetrics,
  type BoxReconciler,
  type OperatorBox,
  startOperatorBox,
} from '../box/operator-box.ts';
import { type ApiClient, isNotFound, resourcePath } from '../kube/api-client.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { type Reflector, startReflector } from '../kube/reflector.ts';
import { createWorkQueue } from '../kube/workqueue.ts';
import { errorField, type Logger } from '../observe/log.ts';
import { indexCrds } from './crd-index.ts';
import { type BoxId, type PlannedBox, planBoxes } from './desired-boxes.ts';
import { boxPhase, katalogStatus, type ObservedBox } from './katalog-status.ts';

export const KATALOG_RESOURCE: ResourceRef = {
  group: 'orkestra.orkspace.io',
  version: 'v1alpha1',
  kind: 'Katalog',
  plural: 'katalogs',
  namespaced: false,
};
const CRD_RESOURCE: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

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
  /** Told after a box stopped, e.g. to drop its metric series. */
  readonly onBoxStopped?: (id: string) => void;
  /** How often box runtime figures (managed, queueDepth) are refreshed into Katalog status. */
  readonly statusRefreshMs?: number;
}

export interface RootController {
  /** Resolves when the Katalog and CRD caches are filled. */
  waitForSync(): Promise<void>;
  boxes(): ReadonlyMap<BoxId, OperatorBox>;
  /** The current plan with every box's observed phase, for health endpoints and tests. */
  observed(): ObservedBox[];
  /** Stops every box (dependents before their dependencies), then the watches. */
  stop(): Promise<void>;
}

const SYNC = 'sync';

export function startRootController(deps: RootControllerDeps): RootController {
  const { client, logger } = deps;
  const log = logger.child({ controller: 'root' });
  const running = new Map<BoxId, OperatorBox>();
  let plan: PlannedBox[] = [];
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
  });

  const katalogObject = (name: string) => katalogs.cache.get(name) as Katalog | undefined;
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

  /** Dependents first: a box is stopped only after every running box that depends on it. */
  function stopOrder(ids: BoxId[]): BoxId[] {
    const depth = new Map<BoxId, number>();
    const dependsOn = (id: BoxId) =>
      running
        .get(id)
        ?.config()
        .box.dependsOn?.map((d) => `${id.split('/')[0]}/${d}`) ?? [];
    const measure = (id: BoxId, seen: Set<BoxId>): number => {
      if (depth.has(id)) return depth.get(id) ?? 0;
      if (seen.has(id)) return 0;
      seen.add(id);
      const d = Math.max(0, ...dependsOn(id).map((x) => 1 + measure(x, seen)));
      depth.set(id, d);
      return d;
    };
    return [...ids].sort((a, b) => measure(b, new Set()) - measure(a, new Set()));
  }

  async function stopBoxes(ids: BoxId[], reason: string) {
    for (const id of stopOrder(ids)) {
      const box = running.get(id);
      if (!box) continue;
      running.delete(id);
      await box.stop();
      deps.onBoxStopped?.(id);
      const k = katalogObject(box.config().katalog);
      if (k) deps.events?.event(asKube(k), 'Normal', 'BoxStopped', `box ${box.config().name} stopped: ${reason}`);
      log.info('box stopped', { box: id, reason });
    }
  }

  async function reconcileBoxes() {
    const byName = new Map(katalogs.cache.list().map((k) => [k.metadata.name, k as unknown as Katalog]));
    plan = planBoxes({
      katalogs: [...byName.values()],
      crd: indexCrds(crds.cache.list()),
      runningPhase: (id) => running.get(id)?.status().phase,
      check: deps.checkBox,
    });
    const wanted = new Map(plan.filter((p) => p.action === 'Run').map((p) => [p.id, p]));

    // Stop what should not run, and boxes whose kind changed (they restart below).
    const toStop: BoxId[] = [];
    for (const [id, box] of running) {
      const p = wanted.get(id);
      if (!p || !isDeepStrictEqual(p.resource, box.resource)) toStop.push(id);
    }
    await stopBoxes(toStop, 'no longer wanted or kind changed');

    for (const p of plan) {
      const katalog = byName.get(p.katalog);
      const generation = katalog?.metadata.generation ?? 0;
      const config = configFor(p, generation);
      if (p.action !== 'Run' || !config || !katalog) continue;
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
    return plan.map((planned) => ({
      planned,
      runtime: planned.action === 'Run' ? running.get(planned.id)?.status() : undefined,
    }));
  }

  async function writeStatuses() {
    const now = new Date();
    const observed = observedBoxes();
    for (const k of katalogs.cache.list()) {
      const katalog = k as unknown as Katalog;
      const mine = observed.filter((o) => o.planned.katalog === katalog.metadata.name);
      for (const o of mine) {
        const phase = boxPhase(o);
        if (phase === 'Failed' && lastPhase.get(o.planned.id) !== 'Failed') {
          deps.events?.event(k, 'Warning', 'BoxFailed', `box ${o.planned.name}: ${o.planned.message}`);
        }
        lastPhase.set(o.planned.id, phase);
      }
      // JSON round trip drops undefined members, so the comparison matches what the server stores.
      const status = JSON.parse(JSON.stringify(katalogStatus(katalog, mine, now)));
      if (isDeepStrictEqual(status, katalog.status)) continue;
      try {
        await client.request({
          method: 'PATCH',
          path: resourcePath(KATALOG_RESOURCE, undefined, katalog.metadata.name, 'status'),
          contentType: 'application/json-patch+json',
          body: [{ op: 'add', path: '/status', value: status }],
        });
      } catch (err) {
        if (!isNotFound(err))
          log.error('writing Katalog status failed', { name: katalog.metadata.name, err: errorField(err) });
      }
    }
  }

  let stopped = false;
  const loop = (async () => {
    await Promise.all([katalogs.waitForSync(), crds.waitForSync()]).catch(() => undefined);
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        if (!stopped) {
          await reconcileBoxes();
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
      await Promise.all([katalogs.waitForSync(), crds.waitForSync()]);
    },
    boxes: () => running,
    observed: observedBoxes,
    async stop() {
      stopped = true;
      clearInterval(refresh);
      queue.shutDown();
      await loop;
      await stopBoxes([...running.keys()], 'controller shutting down');
      await Promise.all([katalogs.stop(), crds.stop()]);
    },
  };
}
