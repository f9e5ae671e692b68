// `orkestra diff`: what the controller would change in a live cluster for a (possibly edited)
// Katalog. Children are rendered by the controller's render stage, then sent as server-side
// apply with dryRun=All and field manager orkestra, so the comparison is with what the API
// server would really store (defaults, other managers' fields kept). Children the controller
// would prune show as removals. Unified diff on stdout; exit 1 when anything would change, as
// `kubectl diff` does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Katalog } from '../../api-types/katalog.ts';
import { compileBoxCached } from '../box/compiled-box.ts';
import { type ApiClient, isNotFound, resourcePath } from '../kube/api-client.ts';
import { APPLIED_HASH_ANNOTATION, applyObject } from '../kube/apply.ts';
import { OWNER_UID_LABEL } from '../kube/child-watches.ts';
import { createDiscovery } from '../kube/discovery.ts';
import type { KubeList, KubeObject, ResourceRef } from '../kube/object.ts';
import { skipApply } from '../reconcile/apply-and-prune.ts';
import { childRef } from '../reconcile/ownership.ts';
import { type ClusterFlags, connect } from './cluster.ts';
import { objectsOf, readDocuments } from './documents.ts';
import type { KindLookup } from './kinds.ts';
import { documentsOfKind, renderOffline, selectBox } from './render.ts';
import { CliError, EXIT_FINDINGS, EXIT_USAGE } from './terminal.ts';

/**
 * Fields that change on every write or belong to the server are left out of the comparison, and
 * so is Orkestra's applied-manifest hash: it changes with any rendered field, which the diff
 * shows itself.
 */
export function comparable(obj: KubeObject | undefined): string {
  if (!obj) return '';
  const { status: _s, ...rest } = obj;
  const {
    managedFields: _m,
    resourceVersion: _r,
    generation: _g,
    uid: _u,
    creationTimestamp: _c,
    ...metadata
  } = obj.metadata;
  const { [APPLIED_HASH_ANNOTATION]: _h, ...annotations } = metadata.annotations ?? {};
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return stringify({ ...rest, metadata });
}

/** A unified diff of two texts (empty when equal), by the system's diff as kubectl diff uses it. */
export function unifiedDiff(before: string, after: string, label: string): string {
  if (before === after) return '';
  const dir = mkdtempSync(join(tmpdir(), 'orkestra-diff-'));
  try {
    writeFileSync(join(dir, 'live'), before);
    writeFileSync(join(dir, 'merged'), after);
    const r = spawnSync(
      'diff',
      ['-u', '-N', '--label', `live/${label}`, '--label', `merged/${label}`, 'live', 'merged'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    if (r.error) throw new CliError(`running diff failed: ${r.error.message}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function getOrUndefined(client: ApiClient, path: string): Promise<KubeObject | undefined> {
  try {
    return await client.request<KubeObject>({ method: 'GET', path });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export interface DiffOptions extends ClusterFlags {
  readonly allNamespaces: boolean;
  readonly crd: readonly string[];
}

/** One diff per child that would change, keyed `kind/namespace/name`. */
export async function diffKatalog(
  client: ApiClient,
  katalogs: readonly Katalog[],
  crs: readonly KubeObject[] | undefined,
  scope: { namespace: string | undefined },
): Promise<string[]> {
  const discovery = createDiscovery(client);
  const resolved = new Map<string, ResourceRef | undefined>();
  const resolve = async (apiVersion: string, kind: string) => {
    const key = `${apiVersion}/${kind}`;
    if (!resolved.has(key)) resolved.set(key, await discovery.resolve(apiVersion, kind));
    return resolved.get(key);
  };
  // Every child kind and every box kind, resolved up front: rendering is synchronous.
  const targets: KubeObject[] = [];
  for (const k of katalogs) {
    for (const [name, box] of Object.entries(k.spec.crds)) {
      if (box.enabled === false) continue;
      for (const c of compileBoxCached(name, box).childKinds) await resolve(c.apiVersion, c.kind);
      const apiVersion = `${box.apiTypes.group}/${box.apiTypes.version}`;
      const resource = await resolve(apiVersion, box.apiTypes.kind);
      if (!resource || crs !== undefined) continue;
      const list = await client.request<KubeList>({
        method: 'GET',
        path: resourcePath(resource, resource.namespaced ? scope.namespace : undefined),
      });
      targets.push(...list.items.map((i) => ({ ...i, apiVersion, kind: box.apiTypes.kind })));
    }
  }
  const lookup: KindLookup = (group, kind) => {
    for (const r of resolved.values()) if (r && r.group === group && r.kind === kind) return r;
    return undefined;
  };
  for (const given of crs ?? []) {
    const resource = await resolve(given.apiVersion, given.kind);
    if (!resource) throw new CliError(`the server does not serve ${given.apiVersion} ${given.kind}`);
    const namespace = resource.namespaced ? (given.metadata.namespace ?? scope.namespace ?? 'default') : undefined;
    const live = await getOrUndefined(client, resourcePath(resource, namespace, given.metadata.name));
    // The file's spec (it may be edited too) with the live identity, which owner references need.
    targets.push({ ...given, metadata: { ...live?.metadata, ...given.metadata, namespace, uid: live?.metadata.uid } });
  }

  const diffs: string[] = [];
  for (const cr of targets) {
    const box = selectBox(katalogs, cr);
    // The children this resource owns now: what templates see, and what the controller prunes.
    const owned: KubeObject[] = [];
    for (const kind of cr.metadata.uid === undefined ? [] : compileBoxCached(box.name, box.box).childKinds) {
      const resource = resolved.get(`${kind.apiVersion}/${kind.kind}`);
      if (!resource) continue;
      const list = await client.request<KubeList>({
        method: 'GET',
        path: resourcePath(resource, undefined),
        query: { labelSelector: `${OWNER_UID_LABEL}=${cr.metadata.uid}` },
      });
      owned.push(...list.items.map((i) => ({ ...i, apiVersion: kind.apiVersion, kind: kind.kind })));
    }
    const result = renderOffline({ katalogs, cr, lookup, observed: owned });
    const wanted = new Set<string>();
    for (const d of result.children) {
      wanted.add(childRef(d.object));
      const live = await getOrUndefined(
        client,
        resourcePath(d.resource, d.object.metadata.namespace, d.object.metadata.name),
      );
      if (skipApply(d, live)) continue;
      const merged = await applyObject(client, d.resource, d.object, { force: d.template.reconcile, dryRun: true });
      const label = `${d.object.kind}/${d.object.metadata.namespace ?? ''}/${d.object.metadata.name}`;
      const text = unifiedDiff(comparable(live), comparable(merged), label);
      if (text !== '') diffs.push(text);
    }
    // Owned children no template wants: the controller would prune them.
    for (const child of owned) {
      if (wanted.has(childRef(child))) continue;
      diffs.push(
        unifiedDiff(comparable(child), '', `${child.kind}/${child.metadata.namespace ?? ''}/${child.metadata.name}`),
      );
    }
  }
  return diffs;
}

export async function diffCommand(
  katalogPath: string,
  crPaths: readonly string[],
  options: DiffOptions,
): Promise<void> {
  const katalogs = documentsOfKind<Katalog>([katalogPath], 'Katalog');
  if (katalogs.length === 0) throw new CliError(`${katalogPath} holds no Katalog`, EXIT_USAGE);
  const crs =
    crPaths.length === 0
      ? undefined
      : (objectsOf(readDocuments(crPaths)) as KubeObject[]).filter(
          (v) => typeof v?.apiVersion === 'string' && v.kind !== 'Namespace' && v.kind !== 'CustomResourceDefinition',
        );
  const cluster = connect(options);
  try {
    const diffs = await diffKatalog(cluster.client, katalogs, crs, {
      namespace: options.allNamespaces ? undefined : cluster.namespace,
    });
    process.stdout.write(diffs.join(''));
    if (diffs.length > 0) process.exitCode = EXIT_FINDINGS;
  } finally {
    cluster.client.close();
  }
}
