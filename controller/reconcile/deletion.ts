// The deletion path of a custom resource that carries Orkestra's finalizer: onDelete groups run
// (ordered: each waits until its objects are gone, bounded by a timeout that leaves a Warning
// Event), then children that the garbage collector cannot reach (other namespaces, cluster
// scope) are deleted explicitly, and the finalizer is released last. Owner-referenced children
// go with the custom resource through the garbage collector.

import { type CompiledBox, expansionItems } from '../box/compiled-box.ts';
import type { ReconcileResult } from '../box/reconciler.ts';
import { type ApiClient, isNotFound, resourcePath } from '../kube/api-client.ts';
import type { Discovery } from '../kube/discovery.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import { crStatus } from './cr-status.ts';
import { FINALIZER, hasOwnerReference, type Owner } from './ownership.ts';

export interface DeletionArgs {
  readonly client: ApiClient;
  readonly discovery: Discovery;
  readonly compiled: CompiledBox;
  readonly owner: Owner;
  /** Children this custom resource owns, from the shared child caches. */
  readonly children: readonly KubeObject[];
  readonly resource: ResourceRef;
  readonly emit: (type: 'Normal' | 'Warning', reason: string, message: string) => void;
  readonly writeStatus: (status: Record<string, unknown>) => Promise<void>;
  /** Per-object progress through the groups, kept by the caller across reconciles. */
  readonly progress: Map<string, { group: number; since: number }>;
}

const POLL_MS = 500;

/** Resolves to false when the API answers 404 Not Found, true when the call succeeds. */
async function unlessNotFound(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function deleteIfPresent(
  client: ApiClient,
  resource: ResourceRef,
  namespace: string | undefined,
  name: string,
): Promise<boolean> {
  return unlessNotFound(
    client.request({
      method: 'DELETE',
      path: resourcePath(resource, namespace, name),
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    }),
  );
}

function exists(
  client: ApiClient,
  resource: ResourceRef,
  namespace: string | undefined,
  name: string,
): Promise<boolean> {
  return unlessNotFound(client.request({ method: 'GET', path: resourcePath(resource, namespace, name) }));
}

/** Renders the objects of one onDelete group: [resource, namespace, name] triples. */
async function groupTargets(args: DeletionArgs, group: number) {
  const cr = args.owner.object;
  const data = { metadata: cr.metadata, spec: cr.spec ?? {}, status: cr.status ?? {}, children: {} };
  const out: { resource: ResourceRef; namespace: string | undefined; name: string; label: string }[] = [];
  for (const t of args.compiled.onDelete.groups[group]?.targets ?? []) {
    if (!t.gate({ self: cr })) continue;
    const items = expansionItems(t, cr);
    const resource = await args.discovery.resolve(t.apiVersion, t.kind);
    if (!resource) continue;
    for (const item of items) {
      const d = t.forEach ? { ...data, item, [t.forEach.as]: item } : data;
      const name = String(t.name.render(d));
      const namespace = resource.namespaced ? String(t.namespace?.render(d) ?? cr.metadata.namespace ?? '') : undefined;
      out.push({ resource, namespace, name, label: `${t.kind} ${name}` });
    }
  }
  return out;
}

export async function deleteCustomResource(args: DeletionArgs): Promise<ReconcileResult | undefined> {
  const { client, owner, compiled, emit } = args;
  const cr = owner.object;
  const uid = cr.metadata.uid ?? '';
  if (!(cr.metadata.finalizers ?? []).includes(FINALIZER)) return undefined;
  const groups = compiled.onDelete.groups;
  const state = args.progress.get(uid) ?? { group: 0, since: Date.now() };
  args.progress.set(uid, state);

  while (state.group < groups.length) {
    const name = groups[state.group]?.name ?? String(state.group);
    let targets: Awaited<ReturnType<typeof groupTargets>>;
    try {
      targets = await groupTargets(args, state.group);
    } catch (err) {
      emit('Warning', 'DeleteGroupFailed', `onDelete group ${name}: ${errorField(err)}; skipping it`);
      targets = [];
    }
    for (const t of targets) {
      if (await deleteIfPresent(client, t.resource, t.namespace, t.name))
        emit('Normal', 'ChildDeleted', `onDelete group ${name}: deleted ${t.label}`);
    }
    if (compiled.onDelete.ordered) {
      const blocking: string[] = [];
      for (const t of targets) if (await exists(client, t.resource, t.namespace, t.name)) blocking.push(t.label);
      if (blocking.length > 0) {
        if (Date.now() - state.since < compiled.onDelete.timeoutMs) {
          const message = `onDelete group ${name} waits for ${blocking.join(', ')} to be gone`;
          await args.writeStatus(
            crStatus(
              { generation: cr.metadata.generation, warnings: [], children: [], fields: [], deleting: message },
              cr.status as Record<string, unknown> | undefined,
              new Date(),
              compiled.conditionsEnabled,
            ),
          );
          return { requeueAfterMs: POLL_MS };
        }
        emit(
          'Warning',
          'DeleteGroupTimeout',
          `onDelete group ${name}: ${blocking.join(', ')} still present after ${compiled.onDelete.timeoutMs} ms; going on`,
        );
      }
    }
    emit('Normal', 'DeleteGroupDone', `onDelete group ${name} done`);
    state.group++;
    state.since = Date.now();
  }

  // Children the garbage collector cannot reach (no owner reference): delete them here.
  for (const child of args.children) {
    if (hasOwnerReference(child, uid)) continue;
    const resource = await args.discovery.resolve(child.apiVersion, child.kind);
    if (resource && (await deleteIfPresent(client, resource, child.metadata.namespace, child.metadata.name))) {
      emit('Normal', 'ChildDeleted', `deleted ${child.kind} ${child.metadata.name}`);
    }
  }

  // Release the finalizer last; `test` makes the removal safe against a concurrent change.
  const index = (cr.metadata.finalizers ?? []).indexOf(FINALIZER);
  await client.request({
    method: 'PATCH',
    path: resourcePath(args.resource, cr.metadata.namespace, cr.metadata.name),
    contentType: 'application/json-patch+json',
    body: [
      { op: 'test', path: `/metadata/finalizers/${index}`, value: FINALIZER },
      { op: 'remove', path: `/metadata/finalizers/${index}` },
    ],
  });
  args.progress.delete(uid);
  return undefined;
}
