// Maps apiVersion + kind to the resource the API server serves it as (plural, scope), from the
// discovery documents, cached per group-version. Children of any kind, third-party included,
// are resolved this way; a kind the server does not serve yields `undefined`.
//
// A kind can become served later (its CRD is created after the box started). Whoever watches
// CRDs reports their changes here; that forgets the CRD's group-versions and tells those waiting
// for a kind of them as soon as the discovery document lists it.
import type { ApiClient } from './api-client.ts';
import { type KubeObject, parseApiVersion, type ResourceRef } from './object.ts';

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

export interface Discovery {
  resolve(apiVersion: string, kind: string): Promise<ResourceRef | undefined>;
  /** Forgets a group-version (all of them without an argument); the next resolve asks again. */
  invalidate(apiVersion?: string): void;
  /** A CRD was created, changed or deleted: forgets the group-versions it declares. */
  crdChanged(crd: KubeObject): void;
  /**
   * Calls `onServed` once, when `kind` of `apiVersion` is served; checked each time that
   * group-version is invalidated. Returns a function that stops waiting.
   */
  whenServed(apiVersion: string, kind: string, onServed: () => void): () => void;
}

export interface DiscoveryOptions {
  readonly ttlMs?: number;
  /** After an invalidation, how often and how many times to look again for a kind still missing. */
  readonly recheckMs?: number;
  readonly rechecks?: number;
}

interface Waiter {
  readonly kind: string;
  readonly onServed: () => void;
}

export function createDiscovery(client: ApiClient, options: DiscoveryOptions = {}): Discovery {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  // The API server publishes a CRD's discovery entry a moment after it reports it Established.
  const recheckMs = options.recheckMs ?? 100;
  const rechecks = options.rechecks ?? 30;
  const cache = new Map<string, { at: number; list: Promise<ApiResourceList | undefined> }>();
  const waiters = new Map<string, Set<Waiter>>();
  const rechecking = new Map<string, ReturnType<typeof setTimeout>>();

  function fetchList(apiVersion: string): Promise<ApiResourceList | undefined> {
    const { group } = parseApiVersion(apiVersion);
    const path = group === '' ? `/api/${apiVersion}` : `/apis/${apiVersion}`;
    return client.request<ApiResourceList>({ method: 'GET', path }).catch((err: unknown) => {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    });
  }

  const find = (list: ApiResourceList | undefined, kind: string) =>
    list?.resources.find((r) => r.kind === kind && !r.name.includes('/'));

  async function resolve(apiVersion: string, kind: string): Promise<ResourceRef | undefined> {
    let entry = cache.get(apiVersion);
    if (!entry || Date.now() - entry.at > ttlMs) {
      entry = { at: Date.now(), list: fetchList(apiVersion) };
      cache.set(apiVersion, entry);
      entry.list.catch(() => cache.delete(apiVersion));
    }
    let list = await entry.list;
    let found = find(list, kind);
    if (!found && Date.now() - entry.at > 1_000) {
      // A kind missing from a cached document may be newly installed: ask once more.
      cache.delete(apiVersion);
      list = await fetchList(apiVersion);
      cache.set(apiVersion, { at: Date.now(), list: Promise.resolve(list) });
      found = find(list, kind);
    }
    if (!found) return undefined;
    const { group, version } = parseApiVersion(apiVersion);
    return { group, version, kind, plural: found.name, namespaced: found.namespaced };
  }

  /** Looks for the kinds waited on in `apiVersion`, again a little later while some are missing. */
  function recheck(apiVersion: string, attempt: number) {
    clearTimeout(rechecking.get(apiVersion));
    rechecking.delete(apiVersion);
    const waiting = waiters.get(apiVersion);
    if (!waiting?.size) return;
    const again = () => {
      if (attempt + 1 >= rechecks || waiting.size === 0) return;
      const timer = setTimeout(() => recheck(apiVersion, attempt + 1), recheckMs);
      timer.unref();
      rechecking.set(apiVersion, timer);
    };
    fetchList(apiVersion).then((list) => {
      cache.set(apiVersion, { at: Date.now(), list: Promise.resolve(list) });
      for (const w of [...waiting]) {
        if (!find(list, w.kind)) continue;
        waiting.delete(w);
        w.onServed();
      }
      again();
    }, again);
  }

  function invalidate(apiVersion?: string) {
    if (apiVersion) {
      cache.delete(apiVersion);
      recheck(apiVersion, 0);
    } else {
      cache.clear();
      for (const gv of waiters.keys()) recheck(gv, 0);
    }
  }

  return {
    resolve,
    invalidate,
    crdChanged(crd) {
      const spec = crd.spec as { group?: string; versions?: { name: string }[] } | undefined;
      for (const v of spec?.versions ?? []) if (spec?.group) invalidate(`${spec.group}/${v.name}`);
    },
    whenServed(apiVersion, kind, onServed) {
      const waiter: Waiter = { kind, onServed };
      const set = waiters.get(apiVersion) ?? new Set();
      set.add(waiter);
      waiters.set(apiVersion, set);
      return () => {
        set.delete(waiter);
        if (set.size === 0 && waiters.get(apiVersion) === set) {
          waiters.delete(apiVersion);
          clearTimeout(rechecking.get(apiVersion));
          rechecking.delete(apiVersion);
        }
      };
    },
  };
}
