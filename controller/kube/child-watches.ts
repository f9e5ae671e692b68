// Shared watches of child resources. One reflector per child resource (e.g. apps/v1
// deployments) serves every box that renders that kind, label-filtered to what Orkestra
// manages and indexed by owner UID; it starts with the first box that needs it and stops with
// the last (reference counting). Every change to a child is handed to each subscriber, which
// maps it to its parent and enqueues it: that is how drift is corrected within seconds.
import type { ApiClient } from './api-client.ts';
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

/** A box's hold on one shared child watch; `release` exactly once. */
export interface ChildWatch {
  readonly cache: Cache;
  release(): Promise<void>;
}

export interface ChildWatches {
  /** Starts (or joins) the watch of `resource` and resolves once its cache is synced. */
  acquire(resource: ResourceRef, listener: ChildListener): Promise<ChildWatch>;
  /** Number of child watches open now. */
  count(): number;
  stopAll(): Promise<void>;
}

function resourceKey(r: ResourceRef): string {
  return `${r.group}/${r.version}/${r.plural}`;
}

export function createChildWatches(client: ApiClient, logger?: KubeLogger): ChildWatches {
  interface Shared {
    reflector: Reflector;
    listeners: Set<ChildListener>;
  }
  const shared = new Map<string, Shared>();

  function notify(key: string, obj: KubeObject, event: 'added' | 'updated' | 'deleted') {
    for (const listener of shared.get(key)?.listeners ?? []) listener(obj, event);
  }

  return {
    async acquire(resource, listener) {
      const key = resourceKey(resource);
      let entry = shared.get(key);
      if (!entry) {
        const reflector = startReflector({
          client,
          resource,
          labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}`,
          indexers: { [OWNER_INDEX]: labelIndex(OWNER_UID_LABEL) },
          logger,
          handler: {
            onAdd: (o) => notify(key, o, 'added'),
            onUpdate: (_old, o) => notify(key, o, 'updated'),
            onDelete: (o) => notify(key, o, 'deleted'),
          },
        });
        entry = { reflector, listeners: new Set() };
        shared.set(key, entry);
      }
      entry.listeners.add(listener);
      const held = entry;
      await held.reflector.waitForSync();
      let released = false;
      return {
        cache: held.reflector.cache,
        async release() {
          if (released) return;
          released = true;
          held.listeners.delete(listener);
          if (held.listeners.size === 0 && shared.get(key) === held) {
            shared.delete(key);
            await held.reflector.stop();
          }
        },
      };
    },
    count: () => shared.size,
    async stopAll() {
      const all = [...shared.values()];
      shared.clear();
      await Promise.all(all.map((s) => s.reflector.stop()));
    },
  };
}
