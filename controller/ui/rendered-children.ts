// The children a custom resource's box renders for it now (what `orkestra render` prints), each
// compared with the live child in the controller's child caches. Only caches the controller
// already holds are read, so the page adds no API-server request.

import { stringify } from 'yaml';
import { compileBoxCached } from '../box/compiled-box.ts';
import type { BoxConfig } from '../box/operator-box.ts';
import type { Cache } from '../kube/cache.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import { Halt } from '../reconcile/halt.ts';
import { observeChildren, templateKeys } from '../reconcile/observe-children.ts';
import { childRef } from '../reconcile/ownership.ts';
import { renderOne } from '../reconcile/render-one.ts';
import type { RenderedChildView, RenderedView } from './view-model.ts';

/** A child kind's watch cache, as the controller's shared child watches hold it. */
export interface ChildCache {
  readonly resource: ResourceRef;
  readonly cache: Pick<Cache, 'byIndex'>;
}

/** Differing fields listed per child; more are summed up as "…". */
const MAX_FIELDS = 5;

const apiVersionOf = (r: ResourceRef) => (r.group ? `${r.group}/${r.version}` : r.version);

function segment(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Paths of the rendered manifest whose value the live object does not hold. The API server adds
 * defaults and status, so only what the manifest sets is compared.
 */
export function differingFields(rendered: unknown, live: unknown, path = ''): string[] {
  if (rendered !== null && typeof rendered === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(rendered) !== Array.isArray(live)) {
      return [path.replace(/^\./, '')];
    }
    if (Array.isArray(rendered)) {
      const items = live as unknown[];
      if (rendered.length !== items.length) return [path.replace(/^\./, '')];
      return rendered.flatMap((r, i) => differingFields(r, items[i], `${path}[${i}]`));
    }
    const fields = live as Record<string, unknown>;
    return Object.entries(rendered).flatMap(([k, v]) => differingFields(v, fields[k], `${path}${segment(k)}`));
  }
  return rendered === live ? [] : [path.replace(/^\./, '')];
}

/**
 * A Secret's manifest with every data and stringData value replaced: the Control Center shows
 * which keys a Secret child has, never their values (its readers need no access to Secrets).
 */
export function redactSecret(object: KubeObject): KubeObject {
  if (object.apiVersion !== 'v1' || object.kind !== 'Secret') return object;
  const copy: Record<string, unknown> = { ...object };
  for (const field of ['data', 'stringData']) {
    const values = copy[field];
    if (values !== null && typeof values === 'object') {
      copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, '(redacted)']));
    }
  }
  return copy as KubeObject;
}

function compare(desired: KubeObject, live: KubeObject | undefined, manifest: string): RenderedChildView {
  const differs = live ? differingFields(desired, live) : [];
  return {
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    name: desired.metadata.name,
    ...(desired.metadata.namespace ? { namespace: desired.metadata.namespace } : {}),
    sync: !live ? 'not created yet' : differs.length ? 'differs' : 'in sync',
    differs: differs.length > MAX_FIELDS ? [...differs.slice(0, MAX_FIELDS), '…'] : differs,
    manifest,
  };
}

export function renderedChildren(
  config: Pick<BoxConfig, 'katalog' | 'name' | 'box'>,
  cr: KubeObject,
  caches: readonly ChildCache[],
): RenderedView {
  let compiled: ReturnType<typeof compileBoxCached>;
  try {
    compiled = compileBoxCached(config.name, config.box);
  } catch (err) {
    return { children: [], problem: `box ${config.name} does not load: ${errorField(err)}` };
  }
  // Kinds without a synced cache are missing, as for the reconciler: rendering them halts with KindNotServed.
  const w = new Map<string, { resource: ResourceRef; watch: { cache: Pick<Cache, 'byIndex'> } }>();
  for (const k of compiled.childKinds) {
    const held = caches.find((c) => c.resource.kind === k.kind && apiVersionOf(c.resource) === k.apiVersion);
    if (held) w.set(`${k.apiVersion}/${k.kind}`, { resource: held.resource, watch: { cache: held.cache } });
  }
  const owner = { katalog: config.katalog, box: config.name, object: cr };
  const { byKey, all } = observeChildren(owner, w, templateKeys(compiled));
  try {
    const result = renderOne({
      compiled,
      katalog: config.katalog,
      box: config.name,
      cr,
      resources: w,
      children: byKey,
      observed: all,
    });
    if (result.denied.length > 0) return { children: [], problem: `denied: ${result.denied.join('; ')}` };
    const live = new Map(all.map((o) => [childRef(o), o]));
    return {
      children: result.children.map((c) =>
        compare(c.object, live.get(childRef(c.object)), stringify(redactSecret(c.object))),
      ),
      problem: '',
    };
  } catch (err) {
    if (err instanceof Halt) return { children: [], problem: err.problem.message };
    return { children: [], problem: errorField(err) };
  }
}
