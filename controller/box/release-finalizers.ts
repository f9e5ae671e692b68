// When a box stops for good (its Katalog or its entry is gone, it is disabled, its kind changed),
// nothing will ever release the finalizers Orkestra put on its custom resources, and a later
// delete would hang in Terminating. This takes them off again, leaving the resources and their
// children in place (the Katalog's `onDelete: Orphan`).
import { type ApiClient, isConflict, isNotFound, resourcePath } from '../kube/api-client.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';

const ATTEMPTS = 5;
const PARALLEL = 8;

/** Strips `finalizers` from one object; a conflicting write is retried from a fresh read. */
async function release(
  client: ApiClient,
  resource: ResourceRef,
  object: KubeObject,
  finalizers: ReadonlySet<string>,
): Promise<boolean> {
  let current: KubeObject | undefined = object;
  for (let attempt = 1; current; attempt++) {
    const present = current.metadata.finalizers ?? [];
    if (!present.some((f) => finalizers.has(f))) return false;
    const path = resourcePath(resource, current.metadata.namespace, current.metadata.name);
    try {
      // resourceVersion makes this a compare-and-swap: another writer's finalizers are never lost.
      await client.request({
        method: 'PATCH',
        path,
        contentType: 'application/merge-patch+json',
        body: {
          metadata: {
            resourceVersion: current.metadata.resourceVersion,
            finalizers: present.filter((f) => !finalizers.has(f)),
          },
        },
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      if (!isConflict(err) || attempt >= ATTEMPTS) throw err;
      current = await client.request<KubeObject>({ method: 'GET', path }).catch((e: unknown) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
    }
  }
  return false;
}

/**
 * Removes `finalizers` from each of `objects`, a few at a time. Resolves to how many objects
 * were changed; rejects with the first failure after trying every object.
 */
export async function releaseFinalizers(
  client: ApiClient,
  resource: ResourceRef,
  objects: readonly KubeObject[],
  finalizers: readonly string[],
): Promise<number> {
  const names = new Set(finalizers);
  const pending = [...objects];
  let changed = 0;
  let firstError: unknown;
  const worker = async () => {
    for (let o = pending.shift(); o; o = pending.shift()) {
      try {
        if (await release(client, resource, o, names)) changed++;
      } catch (err) {
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  if (firstError) throw firstError;
  return changed;
}
