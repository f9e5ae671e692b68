// One reflector per namespace behind a single Reflector: for a controller confined to a few
// namespaces, which must not (and under namespaced RBAC cannot) list and watch cluster-wide.
// The caches stay separate, because each reflector's relist replaces its whole cache; readers
// see one view over all of them.
import type { Cache } from './cache.ts';
import { objectKey, splitKey } from './object.ts';
import { type Reflector, type ReflectorOptions, startReflector } from './reflector.ts';

/** One read view over caches of disjoint namespaces. */
export function cacheView(caches: ReadonlyMap<string, Cache>): Cache {
  const all = [...caches.values()];
  const owner = (key: string) => {
    const cache = caches.get(splitKey(key).namespace ?? '');
    if (!cache) throw new Error(`${key} is outside the watched namespaces ${[...caches.keys()].join(', ')}`);
    return cache;
  };
  return {
    get: (key) => caches.get(splitKey(key).namespace ?? '')?.get(key),
    list: () => all.flatMap((c) => c.list()),
    keys: () => all.flatMap((c) => c.keys()),
    size: () => all.reduce((n, c) => n + c.size(), 0),
    byIndex: (index, value) => all.flatMap((c) => c.byIndex(index, value)),
    upsert: (obj) => owner(objectKey(obj)).upsert(obj),
    remove: (key) => owner(key).remove(key),
  };
}

/**
 * Lists and watches `options.resource` in each of `namespaces` (cluster-wide when undefined),
 * as one Reflector: one cache view, synced when every namespace is.
 */
export function startNamespacedReflectors(
  options: Omit<ReflectorOptions, 'namespace'>,
  namespaces: readonly string[] | undefined,
): Reflector {
  if (namespaces === undefined) return startReflector(options);
  const reflectors = new Map([...new Set(namespaces)].map((ns) => [ns, startReflector({ ...options, namespace: ns })]));
  const all = [...reflectors.values()];
  const synced = Promise.all(all.map((r) => r.waitForSync())).then(() => undefined);
  synced.catch(() => {});
  return {
    cache: cacheView(new Map([...reflectors].map(([ns, r]) => [ns, r.cache]))),
    resource: options.resource,
    hasSynced: () => all.every((r) => r.hasSynced()),
    waitForSync: () => synced,
    stats() {
      const each = all.map((r) => r.stats());
      const sum = (k: 'lists' | 'watches' | 'events' | 'handlerErrors') => each.reduce((n, s) => n + s[k], 0);
      // No single resourceVersion describes several watches.
      return {
        lists: sum('lists'),
        watches: sum('watches'),
        events: sum('events'),
        handlerErrors: sum('handlerErrors'),
        resourceVersion: undefined,
      };
    },
    async stop() {
      await Promise.all(all.map((r) => r.stop()));
    },
  };
}
