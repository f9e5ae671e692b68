// Orkestra removes the children of a custom resource that is gone itself, rather than leaving it
// to kube-controller-manager's garbage collector alone: the collector may lag for minutes after an
// API-server restart (its retries back off while the server is down), and a reconcile racing the
// deletion can create a child after the collector looked. A sweep runs, coalesced, whenever the
// box's cache loses a custom resource, a child appears whose owner the cache does not know, and
// once at start-up; it finds in the shared child caches this box's children whose owner UID is
// not in the box's cache.
//
// A cache can be behind, so nothing is deleted on its word: the owner is looked up live (by the
// name in the child's owner reference), and only a 404 or another UID proves it gone. The delete
// carries the child's UID and resourceVersion as preconditions, so a child re-created or re-owned
// since the cache saw it (a new custom resource of the same name) is left alone.
//
// A child without an owner reference to its owner is never swept: either the owner was deleted
// with --cascade=orphan (the collector removed the reference on purpose), or the child sits where
// references cannot reach (another namespace, cluster scope) and Orkestra's finalizer removes it.
import { type ApiClient, ApiError, isConflict, isNotFound, resourcePath } from '../kube/api-client.ts';
import type { Cache } from '../kube/cache.ts';
import { BOX_LABEL, KATALOG_LABEL, OWNER_UID_LABEL } from '../kube/child-watches.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField, type Logger } from '../observe/log.ts';

/** The children of one absent owner, as the caches hold them. */
export interface OrphanGroup {
  readonly ownerUid: string;
  /** The owner's name and namespace, from the children's owner reference. */
  readonly owner: { readonly name: string; readonly namespace: string | undefined };
  readonly children: readonly { readonly resource: ResourceRef; readonly object: KubeObject }[];
}

/**
 * This box's children whose owner UID `knows` denies, grouped by owner; children without an owner
 * reference of the box's kind carrying that UID are left out (see the top of the file).
 */
export function orphanCandidates(
  watches: Iterable<{ readonly resource: ResourceRef; readonly cache: Pick<Cache, 'list'> }>,
  box: { readonly name: string; readonly katalog: string; readonly kind: string },
  knows: (uid: string) => boolean,
): OrphanGroup[] {
  const groups = new Map<string, { owner: OrphanGroup['owner']; children: OrphanGroup['children'][number][] }>();
  for (const { resource, cache } of watches) {
    for (const object of cache.list()) {
      const labels = object.metadata.labels ?? {};
      const uid = labels[OWNER_UID_LABEL];
      if (!uid || labels[BOX_LABEL] !== box.name || labels[KATALOG_LABEL] !== box.katalog || knows(uid)) continue;
      const ref = object.metadata.ownerReferences?.find((r) => r.uid === uid && r.kind === box.kind);
      if (!ref) continue;
      let group = groups.get(uid);
      if (!group) {
        group = { owner: { name: ref.name, namespace: object.metadata.namespace }, children: [] };
        groups.set(uid, group);
      }
      group.children.push({ resource, object });
    }
  }
  return [...groups].map(([ownerUid, g]) => ({ ownerUid, ...g }));
}

/**
 * The owner as the API server has it now: 'gone', 'alive' with the UID it carries, or 'unknown'
 * when the server could not look it up (its kind not served: a CRD being re-registered after a
 * restart answers 404 for the whole path, naming no object).
 */
export type LiveOwner =
  | { readonly state: 'gone' }
  | { readonly state: 'alive'; readonly uid: string | undefined }
  | { readonly state: 'unknown' };

/** Whether the owner a child names is gone for good: not found, or its name now holds another UID. */
export function ownerGone(live: LiveOwner, ownerUid: string): boolean {
  return live.state === 'gone' || (live.state === 'alive' && live.uid !== ownerUid);
}

/** What a failed live GET of the owner `name` says about it; other errors are thrown on. */
export function ownerLookupFailure(err: unknown, name: string): LiveOwner {
  if (!isNotFound(err)) throw err;
  // Only a 404 that names the object proves it absent; one for the path proves nothing.
  return err instanceof ApiError && err.details?.details?.name === name ? { state: 'gone' } : { state: 'unknown' };
}

export interface OrphanSweepDeps {
  readonly client: ApiClient;
  readonly box: { readonly name: string; readonly katalog: string };
  /** The box's custom resource kind: owners are looked up there. */
  readonly resource: ResourceRef;
  /** Whether the box's cache holds this UID; undefined until its first list synced. */
  readonly knowsUid: (uid: string) => boolean | undefined;
  /** The box's child caches that are synced now. */
  readonly watches: () => Promise<readonly { readonly resource: ResourceRef; readonly cache: Cache }[]>;
  /** A custom resource that took over the name of a swept owner: reconciled again. */
  readonly enqueueOwner: (uid: string) => void;
  /** Runs the sweep's writes under the box's write fence. */
  readonly fenced: <T>(work: () => T) => T;
  readonly logger: Logger;
  /** Sweeps requested within this long run as one. Default 200 ms. */
  readonly coalesceMs?: number;
}

export interface OrphanSweep {
  /** Asks for a sweep soon; requests while one waits or runs are coalesced into the next. */
  request(): void;
  /** Resolves when no sweep is waiting or running (for tests and shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** An owner found alive (or not to be judged) although the cache lacks it is not looked up again for this long. */
const ALIVE_MEMORY_MS = 60_000;
/**
 * A sweep that could not look an owner up or delete a child runs again after 1 s, doubling up to
 * 5 min while it keeps failing (a child kind the controller may not delete, say).
 */
const RETRY_MS = { first: 1_000, max: 300_000 };

export function orphanSweep(deps: OrphanSweepDeps): OrphanSweep {
  const coalesceMs = deps.coalesceMs ?? 200;
  const aliveSince = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerDue = 0;
  let running: Promise<void> | undefined;
  let again = false;
  let failed = false;
  let retryMs = RETRY_MS.first;
  let closed = false;

  async function liveOwner(group: OrphanGroup): Promise<LiveOwner> {
    try {
      const got = await deps.client.request<KubeObject>({
        method: 'GET',
        path: resourcePath(deps.resource, group.owner.namespace, group.owner.name),
      });
      return { state: 'alive', uid: got.metadata.uid };
    } catch (err) {
      return ownerLookupFailure(err, group.owner.name);
    }
  }

  async function deleteChild(resource: ResourceRef, child: KubeObject): Promise<boolean> {
    const { namespace, name, uid, resourceVersion } = child.metadata;
    try {
      await deps.client.request({
        method: 'DELETE',
        path: resourcePath(resource, namespace, name),
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          propagationPolicy: 'Background',
          preconditions: { uid, resourceVersion },
        },
      });
      return true;
    } catch (err) {
      // Gone already (the garbage collector was first), or changed since the cache saw it.
      if (isNotFound(err) || isConflict(err)) return false;
      throw err;
    }
  }

  async function sweepOnce(): Promise<void> {
    const known = (uid: string) => deps.knowsUid(uid);
    // Until the box's cache has synced every owner looks absent; the sweep is asked for once it has.
    if (known('') === undefined) return;
    const now = Date.now();
    for (const [uid, since] of aliveSince) if (now - since > ALIVE_MEMORY_MS) aliveSince.delete(uid);
    const groups = orphanCandidates(
      await deps.watches(),
      { ...deps.box, kind: deps.resource.kind },
      (uid) => known(uid) !== false || aliveSince.has(uid),
    );
    for (const group of groups) {
      if (closed) return;
      const log = deps.logger.child({ namespace: group.owner.namespace, name: group.owner.name });
      try {
        const live = await liveOwner(group);
        if (!ownerGone(live, group.ownerUid)) {
          aliveSince.set(group.ownerUid, Date.now());
          continue;
        }
        let deleted = 0;
        for (const { resource, object } of group.children) {
          if (await deps.fenced(() => deleteChild(resource, object))) deleted++;
        }
        if (deleted > 0) {
          log.info('children of a deleted owner removed', { ownerUid: group.ownerUid, children: deleted });
        }
        if (live.state === 'alive' && live.uid) deps.enqueueOwner(live.uid);
      } catch (err) {
        log.error('removing the children of a deleted owner failed; retrying at the next sweep', {
          ownerUid: group.ownerUid,
          err: errorField(err),
        });
        failed = true;
      }
    }
  }

  function schedule(delayMs: number) {
    if (closed || timer !== undefined || running !== undefined) return;
    timerDue = Date.now() + delayMs;
    timer = setTimeout(() => {
      timer = undefined;
      again = false;
      failed = false;
      running = sweepOnce()
        .catch((err: unknown) => {
          deps.logger.error('orphan sweep failed; retrying', { err: errorField(err) });
          failed = true;
        })
        .finally(() => {
          running = undefined;
          // A failed lookup or delete retries after a growing pause rather than at once.
          if (failed) {
            schedule(again ? coalesceMs : retryMs);
            retryMs = Math.min(retryMs * 2, RETRY_MS.max);
          } else {
            retryMs = RETRY_MS.first;
            if (again) schedule(coalesceMs);
          }
        });
    }, delayMs);
    timer.unref?.();
  }

  return {
    request() {
      if (running !== undefined) {
        again = true;
        return;
      }
      // News (a deletion, a stray child) does not wait out the pause after a failure.
      if (timer !== undefined && timerDue > Date.now() + coalesceMs) {
        clearTimeout(timer);
        timer = undefined;
      }
      schedule(coalesceMs);
    },
    async idle() {
      while (timer !== undefined || running !== undefined) {
        if (running !== undefined) await running;
        else await new Promise((r) => setTimeout(r, coalesceMs));
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
