// The Katalog's `spec.onDelete`. Orphan (the default) needs nothing on the Katalog: when it is
// gone its boxes stop and release their finalizers. Delete needs the boxes to outlive the
// Katalog until every custom resource is deleted and its own onDelete has run, so the Katalog
// carries Orkestra's finalizer while that policy is set.
import type { Katalog } from '../../api-types/katalog.ts';
import { type ApiClient, isNotFound, resourcePath } from '../kube/api-client.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { FINALIZER } from '../reconcile/ownership.ts';

export const KATALOG_FINALIZER = FINALIZER;

export function isDeleting(k: Katalog): boolean {
  return Boolean(k.metadata.deletionTimestamp);
}

function finalizersOf(k: Katalog): string[] {
  return (k.metadata.finalizers as string[] | undefined) ?? [];
}

export function holdsFinalizer(k: Katalog): boolean {
  return finalizersOf(k).includes(KATALOG_FINALIZER);
}

/** Whether this Katalog's boxes delete their custom resources before it goes. */
export function deletesResources(k: Katalog): boolean {
  return k.spec.onDelete === 'Delete';
}

/** What to do with the Katalog's finalizer now: add it, remove it, or nothing. */
export function finalizerChange(k: Katalog, drained: boolean): 'add' | 'remove' | undefined {
  const held = holdsFinalizer(k);
  if (!isDeleting(k)) {
    if (deletesResources(k) && !held) return 'add';
    if (!deletesResources(k) && held) return 'remove';
    return undefined;
  }
  return held && (drained || !deletesResources(k)) ? 'remove' : undefined;
}

/** Adds or removes the Katalog's finalizer; compare-and-swap on resourceVersion (409 retries the pass). */
export async function setKatalogFinalizer(
  client: ApiClient,
  katalogResource: ResourceRef,
  k: Katalog,
  change: 'add' | 'remove',
): Promise<void> {
  const current = finalizersOf(k);
  const finalizers =
    change === 'add' ? [...current, KATALOG_FINALIZER] : current.filter((f) => f !== KATALOG_FINALIZER);
  try {
    await client.request({
      method: 'PATCH',
      path: resourcePath(katalogResource, undefined, k.metadata.name),
      contentType: 'application/merge-patch+json',
      body: { metadata: { resourceVersion: k.metadata.resourceVersion, finalizers } },
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Deletes the custom resources not deleting yet; resolves to how many deletes were sent. */
export async function deleteResources(
  client: ApiClient,
  resource: ResourceRef,
  objects: readonly KubeObject[],
): Promise<number> {
  let sent = 0;
  for (const o of objects) {
    if (o.metadata.deletionTimestamp) continue;
    try {
      await client.request({
        method: 'DELETE',
        path: resourcePath(resource, o.metadata.namespace, o.metadata.name),
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          propagationPolicy: 'Background',
          preconditions: { uid: o.metadata.uid },
        },
      });
      sent++;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return sent;
}
