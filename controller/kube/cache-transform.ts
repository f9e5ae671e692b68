// What a reflector keeps of each object it caches. Caches hold every managed object for as long
// as its box runs, so fields no reader uses are dropped before an object is stored.
import type { KubeObject, ObjectMeta } from './object.ts';

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
  const { managedFields, annotations, ...rest } = obj.metadata;
  const metadata: ObjectMeta = rest;
  if (annotations) {
    const { [LAST_APPLIED_ANNOTATION]: lastApplied, ...others } = annotations;
    if (Object.keys(others).length > 0) metadata.annotations = lastApplied === undefined ? annotations : others;
  }
  // A new metadata object rather than `delete`: deleting properties turns a V8 object into a
  // dictionary, which costs more than the fields it dropped.
  obj.metadata = metadata;
  return obj;
}
