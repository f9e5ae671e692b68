// The child watches one box's reconciler holds, and the apply that keeps their echo quiet.
// Watches are acquired once, on the first reconcile, for every kind the templates render, and
// released when the reconciler closes. The watch echo of our own apply carries no news, so it
// does not re-enqueue the parent (client-go's "expectations").

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
  /** The box's child watches, acquired on first use. */
  childWatches(): Promise<ChildWatchMap>;
  /** Applies a child, recording the version it produced so its echo is recognised. */
  applyTracked(
    ref: string,
    resource: ResourceRef,
    obj: KubeObject,
    force: boolean,
    signal: AbortSignal,
  ): Promise<KubeObject>;
  /** Releases the box's child watches. */
  close(): Promise<void>;
}

export function childWatchSet(deps: ChildWatchSetDeps): ChildWatchSet {
  const { config, client, discovery } = deps;
  const compiled = { childKinds: deps.childKinds };

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

  return {
    childWatches,
    applyTracked,
    async close() {
      const w = watches;
      watches = undefined;
      if (!w) return;
      const held = await w.catch(() => undefined);
      await Promise.all([...(held?.values() ?? [])].map((e) => e.watch.release()));
    },
  };
}
