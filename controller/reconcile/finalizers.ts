// The finalizers a custom resource must carry before its children are created: the Katalog's
// and the box's always, Orkestra's own only when deletion has work the garbage collector cannot
// do (one write per custom resource saved otherwise).
import { type ApiClient, resourcePath } from '../kube/api-client.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { FINALIZER } from './ownership.ts';

/** The finalizers missing from `current`; `ownNeeded` says whether Orkestra's own is wanted. */
export function missingFinalizers(current: readonly string[], wanted: readonly string[], ownNeeded: boolean): string[] {
  return (ownNeeded ? wanted : wanted.filter((f) => f !== FINALIZER)).filter((f) => !current.includes(f));
}

export async function ensureFinalizers(
  client: ApiClient,
  cr: KubeObject,
  resource: ResourceRef,
  wanted: readonly string[],
  ownNeeded: boolean,
): Promise<KubeObject> {
  const current = cr.metadata.finalizers ?? [];
  const missing = missingFinalizers(current, wanted, ownNeeded);
  if (missing.length === 0) return cr;
  // resourceVersion makes this a compare-and-swap: a concurrent change fails with 409 and retries.
  return client.request<KubeObject>({
    method: 'PATCH',
    path: resourcePath(resource, cr.metadata.namespace, cr.metadata.name),
    contentType: 'application/merge-patch+json',
    body: { metadata: { resourceVersion: cr.metadata.resourceVersion, finalizers: [...current, ...missing] } },
  });
}
