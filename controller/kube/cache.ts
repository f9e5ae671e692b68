import { type KubeObject, objectKey } from './object.ts';

/** Returns the index values an object is filed under (e.g. its namespace, a label's value). */
export type IndexFunc = (obj: KubeObject) => readonly string[];

/**
 * The in-memory store a reflector fills: objects by `namespace/name`, plus secondary indexes.
 * Only the reflector writes; everyone else reads. Objects are shared, never copied: readers must
 * treat them as immutable.
 */
export interface Cache {
  get(key: string): KubeObject | undefined;
  list(): KubeObject[];
  keys(): string[];
  size(): number;
  byIndex(index: string, value: string): KubeObject[];
  /** Inserts or replaces; returns the previous object under that key. */
  upsert(obj: KubeObject): KubeObject | undefined;
  remove(key: string): KubeObject | undefined;
}

export const NAMESPACE_INDEX = 'namespace';

export function labelIndex(label: string): IndexFunc {
  return (obj) => {
    const v = obj.metadata.labels?.[label];
    return v === undefined ? [] : [v];
  };
}

export function createCache(indexers: Readonly<Record<string, IndexFunc>> = {}): Cache {
  const items = new Map<string, KubeObject>();
  const allIndexers: Record<string, IndexFunc> = {
    [NAMESPACE_INDEX]: (o) => [o.metadata.namespace ?? ''],
    ...indexers,
  };
  const indexes = new Map<string, Map<string, Set<string>>>(Object.keys(allIndexers).map((n) => [n, new Map()]));

  function unindex(key: string, obj: KubeObject) {
    for (const [name, fn] of Object.entries(allIndexers)) {
      const index = indexes.get(name);
      for (const value of fn(obj)) {
        const set = index?.get(value);
        set?.delete(key);
        if (set?.size === 0) index?.delete(value);
      }
    }
  }
  function index(key: string, obj: KubeObject) {
    for (const [name, fn] of Object.entries(allIndexers)) {
      const idx = indexes.get(name);
      if (!idx) continue;
      for (const value of fn(obj)) {
        let set = idx.get(value);
        if (!set) {
          set = new Set();
          idx.set(value, set);
        }
        set.add(key);
      }
    }
  }

  return {
    get: (key) => items.get(key),
    list: () => [...items.values()],
    keys: () => [...items.keys()],
    size: () => items.size,
    byIndex(name, value) {
      const keys = indexes.get(name)?.get(value);
      if (!keys) return [];
      const out: KubeObject[] = [];
      for (const k of keys) {
        const o = items.get(k);
        if (o) out.push(o);
      }
      return out;
    },
    upsert(obj) {
      const key = objectKey(obj);
      const old = items.get(key);
      if (old) unindex(key, old);
      items.set(key, obj);
      index(key, obj);
      return old;
    },
    remove(key) {
      const old = items.get(key);
      if (!old) return undefined;
      unindex(key, old);
      items.delete(key);
      return old;
    },
  };
}
