// What a reflector keeps of each object it caches. Caches hold every managed object for as long
// as its box runs, so fields no reader uses are dropped before an object is stored.
import type { KubeObject } from './object.ts';

/**
 * Turns an object fresh from a list or watch into what the cache stores. It receives an object
 * nobody else holds and may change it in place. It must keep `metadata.name`, `namespace`,
 * `uid` and `resourceVersion`: the cache keys and the relist compare on them.
 */
export type CacheTransform = (obj: KubeObject) => KubeObject;

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The default transform: drops `managedFields` and kubectl's last-applied annotation, often most
 * of an object's size and read by nothing that reads a cache (the apply-skip decision goes by
 * the live fields and Orkestra's own annotation, never by another manager's bookkeeping).
 */
export function dropBookkeeping(obj: KubeObject): KubeObject {
  const meta = obj.metadata;
  if (meta.managedFields) delete meta.managedFields;
  const annotations = meta.annotations;
  if (annotations && LAST_APPLIED_ANNOTATION in annotations) {
    delete annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(annotations).length === 0) delete meta.annotations;
  }
  return obj;
}
