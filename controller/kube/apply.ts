// Server-side apply, and the check that lets Orkestra skip it: a live object that already carries
// every field of the desired manifest with the same value, and that was last applied from the
// same manifest, needs no write.
import { createHash } from 'node:crypto';
import { type ApiClient, resourcePath } from './api-client.ts';
import type { KubeObject, ResourceRef } from './object.ts';

export const FIELD_MANAGER = 'orkestra';

/**
 * The hash of the manifest Orkestra last applied, recorded on the child by the apply itself.
 * Carrying every desired field is not enough to skip: a field dropped from the manifest is still
 * on the live child, and only an apply without it makes server-side apply remove it. A changed
 * hash says the set of fields Orkestra manages may have shrunk.
 */
export const APPLIED_HASH_ANNOTATION = 'orkestra.orkspace.io/applied-hash';

// Writes a JSON value with object keys in sorted order, so equal manifests hash alike whatever
// order their keys were rendered in. The text is hashed in one update: one call per fragment
// into the hash cost more than the rest of a reconcile's rendering. The fragments are the ones
// the hash has always been fed, so children applied before keep their hash and need no apply.
function canonicalText(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    out.push('[');
    for (const v of value) {
      canonicalText(v, out);
      out.push(',');
    }
    out.push(']');
  } else if (value !== null && typeof value === 'object') {
    out.push('{');
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      out.push(`${JSON.stringify(k)}:`);
      canonicalText(v, out);
      out.push(',');
    }
    out.push('}');
  } else {
    out.push(JSON.stringify(value) ?? 'null');
  }
}

/** The manifest with the hash of its content (without any earlier hash) in APPLIED_HASH_ANNOTATION. */
export function withAppliedHash(obj: KubeObject): KubeObject {
  const { [APPLIED_HASH_ANNOTATION]: _previous, ...annotations } = obj.metadata.annotations ?? {};
  const text: string[] = [];
  canonicalText({ ...obj, metadata: { ...obj.metadata, annotations } }, text);
  const digest = createHash('sha256').update(text.join('')).digest('base64url').slice(0, 27);
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...annotations, [APPLIED_HASH_ANNOTATION]: digest } } };
}

/**
 * True when applying `desired` would change nothing: the live child was last applied from the same
 * manifest (same APPLIED_HASH_ANNOTATION) and still carries every desired field (a hand edit or
 * a deletion of one of them is drift).
 */
export function upToDate(desired: KubeObject, live: KubeObject): boolean {
  const hash = desired.metadata.annotations?.[APPLIED_HASH_ANNOTATION];
  return live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] === hash && carriesAll(desired, live);
}

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
    query: {
      fieldManager: FIELD_MANAGER,
      force: options.force ? true : undefined,
      dryRun: options.dryRun ? 'All' : undefined,
    },
    contentType: 'application/apply-patch+yaml',
    // JSON is YAML: the body goes out verbatim.
    body: obj,
    signal: options.signal,
  });
}
