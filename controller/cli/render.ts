// `orkestra render`: what the controller would apply for one custom resource, offline. The
// controller's own stages run: admission mutation and validation, the render stage (children
// with labels and owner references, in apply order) and, with --status, the status fields.
// Templates see the observed children given with --children-from (none otherwise).

import { stringify } from 'yaml';
import type { Box } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import { type CompiledBox, compileBoxCached } from '../box/compiled-box.ts';
import { OWNER_UID_LABEL } from '../kube/child-watches.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import { Halt } from '../reconcile/halt.ts';
import { childrenKey } from '../reconcile/observe-children.ts';
import type { DesiredChild } from '../reconcile/render.ts';
import { renderOne } from '../reconcile/render-one.ts';
import { objectsOf, readDocuments } from './documents.ts';
import { crdLookup, guessPlural, isShorthandKind, type KindLookup, splitApiVersion } from './kinds.ts';
import { CliError, EXIT_USAGE } from './terminal.ts';

export interface SelectedBox {
  readonly katalog: string;
  readonly name: string;
  readonly box: Box;
}

/** The box that operates this custom resource's kind, or the one named with --box. */
export function selectBox(katalogs: readonly Katalog[], cr: KubeObject, boxName?: string): SelectedBox {
  const { group } = splitApiVersion(cr.apiVersion);
  const candidates = katalogs.flatMap((k) =>
    Object.entries(k.spec.crds)
      .filter(([name, box]) =>
        boxName !== undefined ? name === boxName : box.apiTypes.group === group && box.apiTypes.kind === cr.kind,
      )
      .map(([name, box]) => ({ katalog: k.metadata.name, name, box })),
  );
  const [first, second] = candidates;
  if (!first) {
    throw new CliError(
      boxName !== undefined
        ? `no box named ${boxName} in the given Katalogs`
        : `no box operates ${cr.kind}.${group} in the given Katalogs; pick one with --box`,
    );
  }
  if (second)
    throw new CliError(
      `several boxes operate ${cr.kind}.${group} (${first.name}, ${second.name}); pick one with --box`,
    );
  return first;
}

/** The resource of every child kind: shorthand kinds are namespaced; others come from CRDs (or are assumed namespaced). */
export function childResources(compiled: CompiledBox, lookup: KindLookup): Map<string, { resource: ResourceRef }> {
  const map = new Map<string, { resource: ResourceRef }>();
  for (const k of compiled.childKinds) {
    const { group, version } = splitApiVersion(k.apiVersion);
    const info = isShorthandKind(k.apiVersion, k.kind) ? undefined : lookup(group, k.kind);
    map.set(`${k.apiVersion}/${k.kind}`, {
      resource: {
        group,
        version,
        kind: k.kind,
        plural: info?.plural ?? guessPlural(k.kind),
        namespaced: info?.namespaced ?? true,
      },
    });
  }
  return map;
}

export interface RenderResult {
  readonly box: SelectedBox;
  /** The children in apply order, as the controller would apply them. */
  readonly children: readonly DesiredChild[];
  /** Status fields the box would write. */
  readonly status: Record<string, unknown>;
  readonly warnings: readonly string[];
}

export interface RenderInput {
  readonly katalogs: readonly Katalog[];
  readonly cr: KubeObject;
  readonly box?: string;
  readonly lookup: KindLookup;
  /** Children observed for this resource (`--children-from`, or the cluster's for diff). */
  readonly observed?: readonly KubeObject[];
}

export function renderOffline(input: RenderInput): RenderResult {
  const selected = selectBox(input.katalogs, input.cr, input.box);
  let compiled: CompiledBox;
  try {
    compiled = compileBoxCached(selected.name, selected.box);
  } catch (err) {
    throw new CliError(`box ${selected.name} of Katalog ${selected.katalog} does not load: ${errorField(err)}`);
  }
  const cr = input.cr;
  const resources = childResources(compiled, input.lookup);
  const observed = input.observed ?? [];
  // As the controller keys them: every template's kind key is present, empty when nothing is observed.
  const children: Record<string, KubeObject[]> = {};
  for (const t of compiled.children) {
    const resource = resources.get(`${t.apiVersion}/${t.kind}`)?.resource;
    if (!resource) continue;
    children[childrenKey(t, resource)] = observed.filter((o) => o.apiVersion === t.apiVersion && o.kind === t.kind);
  }
  try {
    const result = renderOne({
      compiled,
      katalog: selected.katalog,
      box: selected.name,
      cr,
      resources,
      children,
      observed,
    });
    if (result.denied.length > 0) {
      throw new CliError(
        `${cr.kind} ${cr.metadata.name} is denied by box ${selected.name}: ${result.denied.join('; ')}`,
      );
    }
    return { box: selected, children: result.children, status: result.status, warnings: result.warnings };
  } catch (err) {
    if (err instanceof Halt) throw new CliError(err.problem.message);
    throw err;
  }
}

export interface RenderCommandOptions {
  readonly box?: string;
  readonly status: boolean;
  readonly crd: readonly string[];
  readonly output: 'yaml' | 'json';
  readonly namespace?: string;
  readonly childrenFrom?: string;
}

/** Documents of a kind, from files. */
export function documentsOfKind<T>(paths: readonly string[], kind: string): T[] {
  return readDocuments(paths)
    .map((d) => d.value)
    .filter((v) => (v as { kind?: string } | undefined)?.kind === kind) as T[];
}

export function renderCommand(katalogPath: string, crPaths: readonly string[], options: RenderCommandOptions): void {
  const katalogs = documentsOfKind<Katalog>([katalogPath], 'Katalog');
  if (katalogs.length === 0) throw new CliError(`${katalogPath} holds no Katalog`, EXIT_USAGE);
  const crdDocs = readDocuments([...options.crd, ...crPaths]).map((d) => d.value);
  const crs = (objectsOf(readDocuments(crPaths)) as KubeObject[]).filter(
    (v) => v?.kind !== 'CustomResourceDefinition' && v?.kind !== 'Namespace' && typeof v?.apiVersion === 'string',
  );
  if (crs.length === 0) throw new CliError('no custom resource among the inputs', EXIT_USAGE);
  const out: unknown[] = [];
  for (const given of crs) {
    const lookup = crdLookup(crdDocs);
    const { group } = splitApiVersion(given.apiVersion);
    const namespaced = lookup(group, given.kind)?.namespaced ?? true;
    const cr: KubeObject = {
      ...given,
      metadata: {
        ...given.metadata,
        ...(namespaced ? { namespace: given.metadata.namespace ?? options.namespace ?? 'default' } : {}),
      },
    };
    // Children of this resource: with uids known, those whose owner label names it.
    const observed = (
      objectsOf(readDocuments(options.childrenFrom ? [options.childrenFrom] : [])) as KubeObject[]
    ).filter((o) => {
      const ownerUid = o?.metadata?.labels?.[OWNER_UID_LABEL];
      return cr.metadata.uid === undefined || ownerUid === undefined || ownerUid === cr.metadata.uid;
    });
    const result = renderOffline({ katalogs, cr, box: options.box, lookup, observed });
    for (const w of result.warnings) process.stderr.write(`warning: ${cr.kind} ${cr.metadata.name}: ${w}\n`);
    const noUid = cr.metadata.uid === undefined;
    if (noUid && result.children.some((c) => c.object.metadata.ownerReferences)) {
      // An owner reference needs the owner's uid, which only the cluster knows; a made-up one
      // would let the garbage collector delete the child if applied.
      process.stderr.write(
        `note: ${cr.kind} ${cr.metadata.name} has no uid (not read from a cluster): owner references are left out\n`,
      );
    }
    for (const c of result.children) {
      const object = structuredClone(c.object);
      if (noUid) delete object.metadata.ownerReferences;
      out.push(object);
    }
    if (options.status) {
      out.push({
        apiVersion: cr.apiVersion,
        kind: cr.kind,
        metadata: { name: cr.metadata.name, ...(cr.metadata.namespace ? { namespace: cr.metadata.namespace } : {}) },
        status: result.status,
      });
    }
  }
  process.stdout.write(
    options.output === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: out }, null, 2)}\n`
      : out.map((o) => stringify(o)).join('---\n'),
  );
}
