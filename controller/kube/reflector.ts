// List + watch one resource into a cache, for as long as the reflector runs.
//
// Why not client-node's informer (makeInformer/ListWatch): in 1.4 it never asks for bookmarks,
// has no client-side inactivity timeout (half-open connections stall it silently), stops for
// good on any error other than 410, turns a throwing handler into an unhandled rejection that
// skips later handlers, and resolves start() before the cache is filled. This reflector owns one
// loop that lists (paginated), watches from the list's resourceVersion with bookmarks, relists
// on 410 Gone, reconnects with capped exponential backoff, aborts a watch that goes quiet for
// longer than the bookmark period allows, and isolates handler exceptions.
import { type ApiClient, ApiError, isGone, type Query, resourcePath } from './api-client.ts';
import { type Cache, createCache, type IndexFunc } from './cache.ts';
import { type CacheTransform, dropBookkeeping } from './cache-transform.ts';
import type { KubeLogger } from './logger.ts';
import { type KubeList, type KubeObject, type KubeStatus, objectKey, type ResourceRef } from './object.ts';
import { serverRetryAfterMs } from './transient.ts';

/** Receives cache changes. Called synchronously, after the cache was updated; must not throw (it is contained if it does). */
export interface EventHandler {
  onAdd?(obj: KubeObject): void;
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
  onDelete?(obj: KubeObject): void;
}

export interface ReflectorOptions {
  readonly client: ApiClient;
  readonly resource: ResourceRef;
  /** Watch a single namespace; all namespaces by default. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly handler?: EventHandler;
  readonly indexers?: Readonly<Record<string, IndexFunc>>;
  /** What is kept of each object before it is cached and handed to the handler; default drops managedFields and last-applied. */
  readonly transform?: CacheTransform;
  readonly logger?: KubeLogger;
  readonly pageSize?: number;
  /** A watch with no bytes for this long is presumed dead and reopened. Default 90 s (bookmarks come about every 60 s). */
  readonly inactivityMs?: number;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** The cap while the server cannot be reached at all (no HTTP answer). Default 4 s. */
  readonly unreachableBackoffMaxMs?: number;
  /** Told after each failed list or watch (the error) and once one succeeds again (undefined). */
  readonly onErrorChange?: (err: Error | undefined) => void;
}

export interface ReflectorStats {
  readonly lists: number;
  readonly watches: number;
  readonly events: number;
  readonly handlerErrors: number;
  readonly resourceVersion: string | undefined;
}

export interface Reflector {
  readonly cache: Cache;
  readonly resource: ResourceRef;
  hasSynced(): boolean;
  /** Resolves once the first list is in the cache; rejects if the reflector stops first. */
  waitForSync(): Promise<void>;
  stats(): ReflectorStats;
  /** The error of the last list or watch, until a list succeeds or a watch delivers (e.g. a 403 naming the verb). */
  lastError(): Error | undefined;
  /** Ends the watch and the loop; resolves when nothing of it is left running. */
  stop(): Promise<void>;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject | KubeStatus;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function startReflector(options: ReflectorOptions): Reflector {
  const { client, resource, handler, logger } = options;
  const transform = options.transform ?? dropBookkeeping;
  const cache = createCache(options.indexers);
  const path = resourcePath(resource, options.namespace);
  const pageSize = options.pageSize ?? 500;
  const inactivityMs = options.inactivityMs ?? 90_000;
  const backoffInitialMs = options.backoffInitialMs ?? 800;
  const backoffMaxMs = options.backoffMaxMs ?? 30_000;
  const unreachableBackoffMaxMs = Math.min(options.unreachableBackoffMaxMs ?? 4_000, backoffMaxMs);
  const stopper = new AbortController();
  const log = { resource: `${resource.plural}.${resource.group || 'core'}`, namespace: options.namespace };
  let synced = false;
  let resolveSynced: () => void = () => {};
  let rejectSynced: (err: Error) => void = () => {};
  const syncedPromise = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  syncedPromise.catch(() => {});
  const counters = { lists: 0, watches: 0, events: 0, handlerErrors: 0 };
  let resourceVersion: string | undefined;
  let lastError: Error | undefined;
  function setError(err: Error | undefined) {
    if (err === undefined && lastError === undefined) return;
    lastError = err;
    options.onErrorChange?.(err);
  }

  function call(fn: () => void) {
    try {
      fn();
    } catch (err) {
      counters.handlerErrors++;
      logger?.error('event handler failed', { ...log, err: (err as Error).stack ?? String(err) });
    }
  }

  function apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject) {
    counters.events++;
    if (type === 'DELETED') {
      const old = cache.remove(objectKey(obj));
      if (handler?.onDelete) call(() => handler.onDelete?.(old ?? obj));
      return;
    }
    const old = cache.upsert(obj);
    if (!old) {
      if (handler?.onAdd) call(() => handler.onAdd?.(obj));
    } else if (old.metadata.uid && obj.metadata.uid && old.metadata.uid !== obj.metadata.uid) {
      // Deleted and re-created under the same name while we were not looking.
      if (handler?.onDelete) call(() => handler.onDelete?.(old));
      if (handler?.onAdd) call(() => handler.onAdd?.(obj));
    } else if (handler?.onUpdate) {
      call(() => handler.onUpdate?.(old, obj));
    }
  }

  const selector: Query = { labelSelector: options.labelSelector };

  /** Lists every page, replaces the cache content (emitting the differences), returns the list's resourceVersion. */
  async function relist(): Promise<string> {
    counters.lists++;
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let listRv = '';
    do {
      const page = await client.request<KubeList>({
        method: 'GET',
        path,
        query: { ...selector, limit: pageSize, continue: cont },
        signal: stopper.signal,
        timeoutMs: 60_000,
      });
      for (const item of page.items) {
        // List items carry no apiVersion/kind; watch events do. Keep them uniform.
        item.apiVersion = page.apiVersion;
        item.kind = resource.kind;
        items.push(transform(item));
      }
      cont = page.metadata.continue || undefined;
      listRv = page.metadata.resourceVersion ?? listRv;
    } while (cont);
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = cache.get(key);
      if (!old || old.metadata.resourceVersion !== item.metadata.resourceVersion)
        apply(old ? 'MODIFIED' : 'ADDED', item);
    }
    for (const key of cache.keys()) {
      const old = cache.get(key);
      if (!seen.has(key) && old) apply('DELETED', old);
    }
    return listRv;
  }

  /** Watches from `rv` until the stream ends; returns the last resourceVersion seen. */
  async function watch(rv: string): Promise<string> {
    counters.watches++;
    const local = new AbortController();
    const onStop = () => local.abort();
    stopper.signal.addEventListener('abort', onStop, { once: true });
    let watchdog = setTimeout(() => local.abort(), inactivityMs);
    const kick = () => {
      acceptedAt ??= Date.now();
      setError(undefined);
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        logger?.info('watch inactive, reopening', { ...log, inactivityMs });
        local.abort();
      }, inactivityMs);
    };
    let latest = rv;
    let failure: Error | undefined;
    try {
      await client.stream(
        path,
        {
          ...selector,
          watch: true,
          resourceVersion: rv,
          allowWatchBookmarks: true,
          // Spread reconnects of many reflectors over time, as client-go does.
          timeoutSeconds: 300 + Math.floor(Math.random() * 300),
        },
        (line) => {
          if (failure) return;
          let event: WatchEvent;
          try {
            event = JSON.parse(line) as WatchEvent;
          } catch {
            logger?.error('unparseable watch line', { ...log, line: line.slice(0, 200) });
            return;
          }
          if (event.type === 'ERROR') {
            const status = event.object as KubeStatus;
            failure = new ApiError('WATCH', path, status.code ?? 500, status, status.message ?? 'watch error');
            local.abort();
            return;
          }
          const obj = event.object as KubeObject;
          if (obj.metadata?.resourceVersion) latest = obj.metadata.resourceVersion;
          if (event.type === 'BOOKMARK') return;
          apply(event.type, transform(obj));
        },
        local.signal,
        kick,
      );
    } finally {
      clearTimeout(watchdog);
      stopper.signal.removeEventListener('abort', onStop);
    }
    if (failure) throw failure;
    return latest;
  }

  /** When the server accepted the current watch; undefined until it has. */
  let acceptedAt: number | undefined;

  async function run() {
    let delay = backoffInitialMs;
    // A watch that served for more than a second proved the server healthy, however it ended
    // (often by a dropped connection): the next failure starts the backoff afresh. Else each
    // outage of a restarting API server would start where the last one left off, toward 30 s.
    const resetIfServed = () => {
      if (acceptedAt !== undefined && Date.now() - acceptedAt > 1_000) delay = backoffInitialMs;
      acceptedAt = undefined;
    };
    const nextDelay = (capMs = backoffMaxMs) => {
      const d = Math.min(delay, capMs) * (1 + Math.random() * 0.2);
      delay = Math.min(delay * 2, backoffMaxMs);
      return d;
    };
    while (!stopper.signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await relist();
          delay = backoffInitialMs;
          setError(undefined);
          if (!synced) {
            synced = true;
            resolveSynced();
          }
        }
        const opened = Date.now();
        acceptedAt = undefined;
        resourceVersion = await watch(resourceVersion);
        resetIfServed();
        // One the server closes at once is throttled like an error.
        if (Date.now() - opened <= 1_000) await sleep(nextDelay(), stopper.signal);
      } catch (err) {
        if (stopper.signal.aborted) break;
        resetIfServed();
        if (isGone(err)) {
          logger?.info('resourceVersion too old, relisting', { ...log, resourceVersion });
          resourceVersion = undefined;
          continue;
        }
        const retryAfterMs = serverRetryAfterMs(err, backoffMaxMs);
        if (retryAfterMs !== undefined) {
          // 429 (e.g. a new CRD's watch cache still initialising): wait as long as the server asks,
          // as client-go's watch does, rather than growing the backoff toward its 30 s cap.
          logger?.info('API server asked to retry later', { ...log, retryAfterMs, err: (err as Error).message });
          await sleep(retryAfterMs, stopper.signal);
          continue;
        }
        logger?.error('list/watch failed, backing off', { ...log, err: (err as Error).message });
        setError(err instanceof Error ? err : new Error(String(err)));
        // No HTTP answer at all (a restarting API server, a dropped network): a retry costs the
        // server nothing, and after a restart of some seconds the full doubling would leave the
        // cache stale up to as long again after the server is back. An answer that is an error
        // keeps the full backoff, so a struggling server is not pressed harder.
        await sleep(nextDelay(err instanceof ApiError ? backoffMaxMs : unreachableBackoffMaxMs), stopper.signal);
      }
    }
  }

  const loop = run();

  return {
    cache,
    resource,
    hasSynced: () => synced,
    waitForSync: () => syncedPromise,
    stats: () => ({ ...counters, resourceVersion }),
    lastError: () => lastError,
    async stop() {
      stopper.abort();
      await loop;
      if (!synced) rejectSynced(new Error(`reflector for ${log.resource} stopped before syncing`));
    },
  };
}
