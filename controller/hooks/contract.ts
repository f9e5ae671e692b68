// The one contract both kinds of hook speak (DESIGN.md §1, "Hooks"): a superset of
// Metacontroller's CompositeController sync hook, so a hook written for Metacontroller works
// unchanged. Responses come from code Orkestra does not control, so each is checked against a
// JSON schema before anything in it is used.
import { Ajv } from 'ajv';
import type { KubeObject } from '../kube/object.ts';

/** Observed children: `"<Kind>.<apiVersion>"` → name (or `namespace/name` in another namespace) → object. */
export type ObservedChildren = Record<string, Record<string, KubeObject>>;

export interface HookRequest {
  /** The custom resource as the box sees it, after mutation. */
  readonly parent: KubeObject;
  readonly children: ObservedChildren;
  /** The children the templates produced this cycle (empty with runHooksFirst, or while finalizing). */
  readonly rendered: readonly KubeObject[];
  /** The box's `args`, rendered against the custom resource. */
  readonly args: Readonly<Record<string, unknown>>;
  /** True on the deletion path. */
  readonly finalizing: boolean;
  /** Metacontroller sends related objects; Orkestra has none, so its hooks always see `{}`. */
  readonly related: Readonly<Record<string, never>>;
}

export interface HookResponse {
  /** Extra desired children, full manifests; merged with the templates' by kind/namespace/name. */
  readonly children?: readonly KubeObject[] | null;
  /** Merged into the custom resource's status; declarative status fields are applied after it. */
  readonly status?: Record<string, unknown> | null;
  readonly requeueAfterSeconds?: number;
  /** Metacontroller's name for requeueAfterSeconds. */
  readonly resyncAfterSeconds?: number;
  /** On the deletion path: true releases the finalizer, false holds the deletion. */
  readonly finalized?: boolean;
}

const manifest = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { type: 'string', minLength: 1 },
    kind: { type: 'string', minLength: 1 },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 253 }, namespace: { type: 'string' } },
    },
  },
};

/** The JSON schema a hook's response must satisfy. */
export const HOOK_RESPONSE_SCHEMA = {
  type: 'object',
  properties: {
    children: { type: ['array', 'null'], items: manifest, maxItems: 1000 },
    status: { type: ['object', 'null'] },
    requeueAfterSeconds: { type: 'number', minimum: 0 },
    resyncAfterSeconds: { type: 'number', minimum: 0 },
    finalized: { type: 'boolean' },
  },
} as const;

const validateResponse = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(
  HOOK_RESPONSE_SCHEMA,
);

/** The response, or the first reason it breaks the contract (one line, with the JSON path). */
export function checkResponse(body: unknown): { response: HookResponse } | { invalid: string } {
  if (validateResponse(body)) return { response: body as HookResponse };
  const e = validateResponse.errors?.[0];
  return { invalid: e ? `response${e.instancePath.replaceAll('/', '.')} ${e.message ?? 'is invalid'}` : 'invalid' };
}

/** The requeue a response asks for, in milliseconds (Orkestra's or Metacontroller's field). */
export function requeueAfterMs(r: HookResponse): number | undefined {
  const s = r.requeueAfterSeconds ?? r.resyncAfterSeconds;
  return s === undefined || s <= 0 ? undefined : Math.round(s * 1000);
}

/** The key Metacontroller's sync hooks receive children under. */
export function childrenKey(child: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  return `${child.kind}.${child.apiVersion}`;
}

/**
 * Observed children in the request's shape; a child outside the parent's namespace is
 * `namespace/name`. Every declared kind has its key, empty or not, as Metacontroller sends them:
 * hooks index `children["Pod.v1"]` without checking.
 */
export function observedChildren(
  parentNamespace: string | undefined,
  declared: Iterable<Pick<KubeObject, 'apiVersion' | 'kind'>>,
  children: readonly KubeObject[],
): ObservedChildren {
  const out: ObservedChildren = {};
  for (const k of declared) out[childrenKey(k)] = {};
  for (const c of children) {
    const key = childrenKey(c);
    const byName = out[key] ?? {};
    out[key] = byName;
    const ns = c.metadata.namespace;
    byName[ns && ns !== parentNamespace ? `${ns}/${c.metadata.name}` : c.metadata.name] = c;
  }
  return out;
}
