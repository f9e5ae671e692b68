// Maps apiVersion + kind to the resource the API server serves it as (plural, scope), from the
// discovery documents, cached per group-version. Children of any kind, third-party included,
// are resolved this way; a kind the server does not serve yields `undefined`.
import type { ApiClient } from './api-client.ts';
import { parseApiVersion, type ResourceRef } from './object.ts';

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

export interface Discovery {
  resolve(apiVersion: string, kind: string): Promise<ResourceRef | undefined>;
  /** Forgets a group-version, e.g. after a CRD changed; the next resolve asks again. */
  invalidate(apiVersion?: string): void;
}

export function createDiscovery(client: ApiClient, ttlMs = 5 * 60_000): Discovery {
  const cache = new Map<string, { at: number; list: Promise<ApiResourceList | undefined> }>();

  function fetchList(apiVersion: string): Promise<ApiResourceList | undefined> {
    const { group } = parseApiVersion(apiVersion);
    const path = group === '' ? `/api/${apiVersion}` : `/apis/${apiVersion}`;
    return client.request<ApiResourceList>({ method: 'GET', path }).catch((err: unknown) => {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    });
  }

  return {
    async resolve(apiVersion, kind) {
      let entry = cache.get(apiVersion);
      if (!entry || Date.now() - entry.at > ttlMs) {
        entry = { at: Date.now(), list: fetchList(apiVersion) };
        cache.set(apiVersion, entry);
        entry.list.catch(() => cache.delete(apiVersion));
      }
      let list = await entry.list;
      let found = list?.resources.find((r) => r.kind === kind && !r.name.includes('/'));
      if (!found && Date.now() - entry.at > 1_000) {
        // A kind missing from a cached document may be newly installed: ask once more.
        cache.delete(apiVersion);
        list = await fetchList(apiVersion);
        cache.set(apiVersion, { at: Date.now(), list: Promise.resolve(list) });
        found = list?.resources.find((r) => r.kind === kind && !r.name.includes('/'));
      }
      if (!found) return undefined;
      const { group, version } = parseApiVersion(apiVersion);
      return { group, version, kind, plural: found.name, namespaced: found.namespaced };
    },
    invalidate(apiVersion) {
      if (apiVersion) cache.delete(apiVersion);
      else cache.clear();
    },
  };
}
