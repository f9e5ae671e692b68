// The child watches one box's reconciler holds, and the apply that keeps their echo quiet.
// A watch is acquired for every kind the templates render once the API server serves that kind,
// and released when the reconciler closes. A reconcile that cannot have them all (a kind not
// served yet, a watch the server refuses) is re-enqueued as soon as that changes: the kind's CRD
// becomes Established, the refused watch works again. The watch echo of our own apply carries no
// news, so it does not re-enqueue the parent (client-go's "expectations").

import type { ChildKind } from '../box/compiled-box.ts';
import type { ApiClient } from '../kube/api-client.ts';
import { applyObject } from '../kube/apply.ts';
import {
  BOX_LABEL,
  type ChildWatch,
  type ChildWatches,
  KATALOG_LABEL,
  OWNER_UID_LABEL,
} from '../kube/child-watches.ts';
import type { Discovery } from '../kube/discovery.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { childRef } from './ownership.ts';

export interface HeldWatch {
  readonly kind: ChildKind;
  readonly resource: ResourceRef;
  readonly watch: ChildWatch;
}
/** Held watches by `apiVersion/kind`. */
export type ChildWatchMap = ReadonlyMap<string, HeldWatch>;

export interface ChildWatchSetDeps {
  /** The box: children carry its name and its Katalog's in their labels. */
  readonly config: { readonly name: string; readonly katalog: string };
  readonly childKinds: readonly ChildKind[];
  readonly client: ApiClient;
  readonly discovery: Discovery;
  readonly childWatches: ChildWatches;
  /** Enqueues the parent with this UID in the owning box; children call it on every change. */
  readonly enqueueOwner: (uid: string) => void;
}

export interface ChildWatchSet {
  /**
   * The box's child watches for the kinds served now, once their caches are ready; rejects with
   * the server's reason when one is refused. `ownerUid` is re-enqueued when a missing kind
   * becomes served or a refused watch recovers.
   */
  childWatches(ownerUid: string): Promise<ChildWatchMap>;
  /**
   * Acquires the watches of every kind served now without waiting for their caches. A box
   * swapping reconcilers awaits this before closing the old one, so shared watches stay warm.
   */
  open(): Promise<void>;
  /** Applies a child, recording the version it produced so its echo is recognised. */
  applyTracked(
    ref: string,
    resource: ResourceRef,
    obj: KubeObject,
    force: boolean,
    signal: AbortSignal,
  ): Promise<KubeObject>;
  /** The watches acquired so far whose caches are synced and served now. */
  synced(): Promise<HeldWatch[]>;
  /** Releases the box's child watches. */
  close(): Promise<void>;
}

export function childWatchSet(deps: ChildWatchSetDeps): ChildWatchSet {
  const { config, client, discovery } = deps;
  const compiled = { childKinds: deps.childKinds };

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
  const acquired = new Map<string, HeldWatch>();
  const taking = new Map<string, Promise<void>>();
  /** Cancels of the discovery waits for kinds not served yet, by `apiVersion/kind`. */
  const unserved = new Map<string, () => void>();
  /** Parents whose reconcile could not have every child watch; re-enqueued when one comes (a wake). */
  const parked = new Set<string>();
  let closed = false;

  let wakes = 0;
  function wakeParked() {
    wakes++;
    const uids = [...parked];
    parked.clear();
    for (const uid of uids) deps.enqueueOwner(uid);
  }

  /** Resolves the kind and acquires its watch, once; a kind not served yet is waited for. */
  function take(kind: ChildKind): Promise<void> {
    const key = `${kind.apiVersion}/${kind.kind}`;
    if (acquired.has(key) || closed) return Promise.resolve();
    let pending = taking.get(key);
    if (!pending) {
      pending = (async () => {
        // Waiting starts before the lookup, so a CRD established in between is not missed.
        if (!unserved.has(key)) {
          unserved.set(
            key,
            discovery.whenServed(kind.apiVersion, kind.kind, () => {
              unserved.delete(key);
              wakeParked();
            }),
          );
        }
        const resource = await discovery.resolve(kind.apiVersion, kind.kind);
        if (!resource || closed || acquired.has(key)) return; // not served: reported per child when rendering
        unserved.get(key)?.();
        unserved.delete(key);
        const watch = deps.childWatches.acquire(resource, { onChild: listener, onReady: wakeParked });
        acquired.set(key, { kind, resource, watch });
      })().finally(() => taking.delete(key));
      taking.set(key, pending);
    }
    return pending;
  }

  async function childWatches(ownerUid: string): Promise<ChildWatchMap> {
    const wakesBefore = wakes;
    /** Waits for what is missing; if it came while this reconcile looked, goes again at once. */
    const park = () => {
      if (wakes !== wakesBefore) deps.enqueueOwner(ownerUid);
      else parked.add(ownerUid);
    };
    await Promise.all(compiled.childKinds.map(take));
    // A snapshot: a kind that comes while this reconcile runs joins the next one, cache synced.
    const now = new Map(acquired);
    try {
      await Promise.all([...now.values()].map((h) => h.watch.ready()));
    } catch (err) {
      park();
      throw err;
    }
    if (now.size < compiled.childKinds.length) park();
    return now;
  }

  return {
    childWatches,
    open: async () => {
      await Promise.all(compiled.childKinds.map(take));
    },
    applyTracked,
    async synced() {
      const held = [...acquired.values()];
      const ready = await Promise.allSettled(held.map((h) => h.watch.ready()));
      return held.filter((_, i) => ready[i]?.status === 'fulfilled');
    },
    async close() {
      closed = true;
      for (const cancel of unserved.values()) cancel();
      unserved.clear();
      parked.clear();
      await Promise.allSettled([...taking.values()]);
      const all = [...acquired.values()];
      acquired.clear();
      await Promise.all(all.map((e) => e.watch.release()));
    },
  };
}
