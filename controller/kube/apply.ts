// Server-side apply, and the check that lets Orkestra skip it: a live object that already carries
// every field of the desired manifest with the same value needs no write.
import { type ApiClient, resourcePath } from './api-client.ts';
import type { KubeObject, ResourceRef } from './object.ts';

export const FIELD_MANAGER = 'orkestra';

/**
 * True when `live` has every field of `desired` with an equal value (objects: key by key;
 * lists: same length, element by element). Extra live fields — server defaults, other managers'
 * fields, status — do not count as drift.
 */
export function carriesAll(desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((d, i) => carriesAll(d, live[i]));
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    for (const [k, v] of Object.entries(desired)) {
      if (v === undefined) continue;
      if (!Object.hasOwn(live, k) || !carriesAll(v, (live as Record<string, unknown>)[k])) return false;
    }
    return true;
  }
  // Numbers the API server normalises (e.g. 1.0 stored as 1) compare as numbers.
  return typeof desired === 'number' && typeof live === 'number' && desired === live;
}

export interface ApplyOptions {
  /** Take ownership of fields another manager owns; otherwise such a conflict is an error (409). */
  readonly force: boolean;
  readonly subresource?: 'status';
  readonly signal?: AbortSignal;
  /** Let the API server compute the result without storing it (`orkestra diff`). */
  readonly dryRun?: boolean;
}

export function applyObject(
  client: ApiClient,
  resource: ResourceRef,
  obj: KubeObject,
  options: ApplyOptions,
): Promise<KubeObject> {
  return client.request<KubeObject>({
    method: 'PATCH',
    path: resourcePath(resource, obj.metadata.namespace, obj.metadata.name, options.subresource),
    query: { fieldManager: FIELD_MANAGER, force: options.force ? true : undefined, dryRun: options.dryRun ? 'All' : undefined },
    contentType: 'application/apply-patch+yaml',
    // JSON is YAML: the body goes out verbatim.
    body: obj,
    signal: options.signal,
  });
}
