// Shared watches of child resources. One reflector per child resource (e.g. apps/v1
// deployments) serves every box that renders that kind, label-filtered to what Orkestra
// manages and indexed by owner UID; it starts with the first box that needs it and stops with
// the last (reference counting). Every change to a child is handed to each subscriber, which
// maps it to its parent and enqueues it: that is how drift is corrected within seconds.
//
// A watch the API server refuses (RBAC forbids the LIST or WATCH) must not leave its users
// waiting for a cache that never syncs: `ready()` rejects with the server's reason while the
// reflector keeps retrying in the background, and subscribers hear when it works again.
import { type ApiClient, ApiError } from './api-client.ts';
import { type Cache, labelIndex } from './cache.ts';
import type { KubeLogger } from './logger.ts';
import type { KubeObject, ResourceRef } from './object.ts';
import { type Reflector, startReflector } from './reflector.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'orkestra';
export const KATALOG_LABEL = 'orkestra.orkspace.io/katalog';
export const BOX_LABEL = 'orkestra.orkspace.io/box';
export const OWNER_UID_LABEL = 'orkestra.orkspace.io/owner-uid';
export const OWNER_INDEX = 'owner-uid';

export type ChildListener = (child: KubeObject, event: 'added' | 'updated' | 'deleted') => void;

/** What a subscriber hears from a shared child watch. */
export interface ChildSubscriber {
  /** Every change to a managed child of this resource. */
  readonly onChild: ChildListener;
  /** The watch became ready: its first list synced, or it works again after a refusal. */
  readonly onReady?: () => void;
}

/** A box's hold on one shared child watch; `release` exactly once. */
export interface ChildWatch {
  readonly cache: Cache;
  /**
   * Resolves once the cache is synced and the server lets us list and watch. Rejects with a
   * ChildWatchError when the first list failed, or when the server refuses (401/403) the list or
   * watch that keeps the cache current; waits while the first list is in flight.
   */
  ready(): Promise<void>;
  release(): Promise<void>;
}

export interface HeldCache {
  readonly resource: ResourceRef;
  readonly cache: Cache;
}

export interface ChildWatches {
  /** Starts (or joins) the watch of `resource`; `ready()` tells when its cache can be read. */
  acquire(resource: ResourceRef, subscriber: ChildSubscriber): ChildWatch;
  /** Number of child watches open now. */
  count(): number;
  /**
   * The caches of the watches open and synced now, for readers that must not start a watch (the
   * Control Center reads children from here).
   */
  held(): readonly HeldCache[];
  stopAll(): Promise<void>;
}

/** A child watch that cannot serve its cache; the message reads like kubectl's and names the fix. */
export class ChildWatchError extends Error {
  readonly resource: ResourceRef;
  readonly refused: boolean;
  constructor(resource: ResourceRef, cause: Error) {
    const name = resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
    const refused = isRefusal(cause);
    // The API server's 403 message already names the verb, the resource and the user.
    const detail = cause instanceof ApiError ? (cause.details?.message ?? cause.message) : cause.message;
    super(
      refused
        ? `cannot watch child resource ${name}: ${detail}; grant get, list and watch on ${name} to the controller's account`
        : `cannot watch child resource ${name}: ${detail}; retrying`,
    );
    this.name = 'ChildWatchError';
    this.resource = resource;
    this.refused = refused;
  }
}

function isRefusal(err: Error): boolean {
  return err instanceof ApiError && (err.status === 401 || err.status === 403);
}

function resourceKey(r: ResourceRef): string {
  return `${r.group}/${r.version}/${r.plural}`;
}

export function createChildWatches(client: ApiClient, logger?: KubeLogger): ChildWatches {
  interface Shared {
    readonly resource: ResourceRef;
    readonly reflector: Reflector;
    readonly subscribers: Set<ChildSubscriber>;
    /** Woken on every change of state (synced, failed, recovered, stopped). */
    readonly wake: Set<() => void>;
    wasReady: boolean;
    stopped: boolean;
  }
  const shared = new Map<string, Shared>();

  /** 'ready', 'pending' (first list in flight), or the error that keeps the cache from being trusted. */
  function stateOf(entry: Shared): 'ready' | 'pending' | Error {
    if (entry.stopped) return new Error(`the watch of ${entry.resource.plural} was released`);
    const err = entry.reflector.lastError();
    if (entry.reflector.hasSynced()) return err && isRefusal(err) ? new ChildWatchError(entry.resource, err) : 'ready';
    return err ? new ChildWatchError(entry.resource, err) : 'pending';
  }

  function changed(entry: Shared) {
    const ready = stateOf(entry) === 'ready';
    if (ready && !entry.wasReady) for (const s of [...entry.subscribers]) s.onReady?.();
    entry.wasReady = ready;
    const waiting = [...entry.wake];
    entry.wake.clear();
    for (const w of waiting) w();
  }

  function start(resource: ResourceRef): Shared {
    const subscribers = new Set<ChildSubscriber>();
    const notify = (obj: KubeObject, event: 'added' | 'updated' | 'deleted') => {
      for (const s of subscribers) s.onChild(obj, event);
    };
    // Assigned right below; the reflector reports nothing before its first request returns.
    let entry: Shared | undefined;
    const reflector = startReflector({
      client,
      resource,
      labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}`,
      indexers: { [OWNER_INDEX]: labelIndex(OWNER_UID_LABEL) },
      logger,
      // A child kind is often first watched the moment its CRD is Established, when the API
      // server can still answer 404 for a few milliseconds: the first retries come soon.
      backoffInitialMs: 100,
      handler: {
        onAdd: (o) => notify(o, 'added'),
        onUpdate: (_old, o) => notify(o, 'updated'),
        onDelete: (o) => notify(o, 'deleted'),
      },
      onErrorChange: () => entry && changed(entry),
    });
    const started: Shared = { resource, reflector, subscribers, wake: new Set(), wasReady: false, stopped: false };
    entry = started;
    reflector.waitForSync().then(
      () => changed(started),
      () => changed(started),
    );
    shared.set(resourceKey(resource), started);
    return started;
  }

  async function stop(entry: Shared) {
    entry.stopped = true;
    changed(entry);
    await entry.reflector.stop();
  }

  return {
    acquire(resource, subscriber) {
      const key = resourceKey(resource);
      const entry = shared.get(key) ?? start(resource);
      // One entry per hold, even when a caller holds twice with the same subscriber.
      const hold: ChildSubscriber = { ...subscriber };
      entry.subscribers.add(hold);
      let released = false;
      return {
        cache: entry.reflector.cache,
        ready() {
          return new Promise<void>((resolve, reject) => {
            const check = () => {
              const state = stateOf(entry);
              if (state === 'ready') resolve();
              else if (state instanceof Error) reject(state);
              else entry.wake.add(check);
            };
            check();
          });
        },
        async release() {
          if (released) return;
          released = true;
          entry.subscribers.delete(hold);
          if (entry.subscribers.size === 0 && shared.get(key) === entry) {
            shared.delete(key);
            await stop(entry);
          }
        },
      };
    },
    count: () => shared.size,
    held: () =>
      [...shared.values()]
        .filter((e) => stateOf(e) === 'ready')
        .map((e) => ({ resource: e.resource, cache: e.reflector.cache })),
    async stopAll() {
      const all = [...shared.values()];
      shared.clear();
      await Promise.all(all.map(stop));
    },
  };
}
