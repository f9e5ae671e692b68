// What `ctx.cache` of a typed hook reads: the box's child caches, for the kinds the Katalog
// declares (template kinds and managedResources) and nothing else. Served from memory on the
// main thread, so a hook's reads cost the API server nothing and need no RBAC of their own.
import type { KubeObject } from '../kube/object.ts';
import type { ChildWatchMap } from '../reconcile/child-watch-set.ts';
import type { ReadHandler } from './worker-pool.ts';

export function cacheReader(w: ChildWatchMap): ReadHandler {
  return async (op, ref) => {
    const entry = w.get(`${ref.apiVersion}/${ref.kind}`);
    if (!entry) {
      const declared = [...w.keys()].join(', ') || 'none';
      throw new Error(
        `${ref.kind} ${ref.apiVersion} is not a kind this box declares (declared: ${declared}); add it to managedResources`,
      );
    }
    const { cache } = entry.watch;
    if (op === 'get') {
      const key = ref.namespace ? `${ref.namespace}/${ref.name}` : (ref.name ?? '');
      return cache.get(key);
    }
    return cache
      .list()
      .filter((o: KubeObject) => ref.namespace === undefined || o.metadata.namespace === ref.namespace);
  };
}
