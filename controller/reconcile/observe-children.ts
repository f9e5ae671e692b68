// The children of one custom resource as the shared child caches hold them, keyed the way
// templates and CEL see them (`children.<kind key>`), and the summary of each child's health
// that goes into status.
import type { ChildTemplate, CompiledBox } from '../box/compiled-box.ts';
import type { Cache } from '../kube/cache.ts';
import { OWNER_INDEX } from '../kube/child-watches.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { childHealth } from './child-health.ts';
import type { ChildSummary } from './cr-status.ts';
import { childRef, isOwnedBy, type Owner } from './ownership.ts';

/** `apiVersion/kind` → the keys templates use for it: the shorthand key, or `custom`. */
export type TemplateKeys = ReadonlyMap<string, ReadonlySet<string>>;

export function templateKeys(compiled: Pick<CompiledBox, 'children'>): TemplateKeys {
  const keys = new Map<string, Set<string>>();
  for (const t of compiled.children) {
    const k = `${t.apiVersion}/${t.kind}`;
    keys.set(k, (keys.get(k) ?? new Set()).add(t.kindKey));
  }
  return keys;
}

/** The key a template's children appear under: the shorthand key, or the plural for custom kinds. */
export function childrenKey(template: Pick<ChildTemplate, 'kindKey'>, resource: ResourceRef): string {
  return template.kindKey === 'custom' ? resource.plural : template.kindKey;
}

/** Children of this CR in the shared caches: `children.<kind key>` for templates and CEL. */
export function observeChildren(
  owner: Owner,
  // Only each kind's resource and cache are read, so the Control Center can pass caches it does not hold.
  w: ReadonlyMap<
    string,
    { readonly resource: ResourceRef; readonly watch: { readonly cache: Pick<Cache, 'byIndex'> } }
  >,
  keys: TemplateKeys,
) {
  const byKey: Record<string, KubeObject[]> = {};
  const all: KubeObject[] = [];
  for (const { resource, watch } of w.values()) {
    const mine = watch.cache.byIndex(OWNER_INDEX, owner.object.metadata.uid ?? '').filter((c) => isOwnedBy(c, owner));
    all.push(...mine);
    for (const key of keys.get(`${resource.group ? `${resource.group}/` : ''}${resource.version}/${resource.kind}`) ??
      []) {
      byKey[childrenKey({ kindKey: key as ChildTemplate['kindKey'] }, resource)] = mine;
    }
  }
  return { byKey, all };
}

/** One child's line in `status.children`; `live` is undefined until the child exists. */
export function summarizeChild(desired: KubeObject, live: KubeObject | undefined, crNamespace: string | undefined) {
  const health = live ? childHealth(live) : { ready: false, reason: 'not created yet' };
  const summary: ChildSummary = {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    name: desired.metadata.name,
    ...(desired.metadata.namespace && desired.metadata.namespace !== crNamespace
      ? { namespace: desired.metadata.namespace }
      : {}),
    state: health.ready ? 'Ready' : 'NotReady',
    ...(health.reason ? { reason: health.reason } : {}),
  };
  return summary;
}

/**
 * Children as a reconcile left them, by template key: what status fields see. Every key of
 * `before` stays, empty when no child of that kind is wanted any more, so CEL over
 * `children.<key>` keeps evaluating instead of failing on a missing key.
 */
export function childrenAfter(
  desired: readonly { readonly template: ChildTemplate; readonly resource: ResourceRef; readonly object: KubeObject }[],
  liveByRef: ReadonlyMap<string, KubeObject>,
  before: Readonly<Record<string, readonly KubeObject[]>>,
): Record<string, KubeObject[]> {
  const after: Record<string, KubeObject[]> = Object.fromEntries(Object.keys(before).map((k) => [k, []]));
  for (const d of desired) {
    const key = childrenKey(d.template, d.resource);
    const live = liveByRef.get(childRef(d.object));
    after[key] ??= [];
    if (live) after[key].push(live);
  }
  return after;
}
