// Rendered children in the form the API server stores them, so the skip-apply comparison sees
// what a live object really holds. A Secret's `stringData` is write-only: the server merges it
// into base64 `data` and never returns it, so a desired `stringData` would look like drift on
// every reconcile and be re-applied forever.
import type { KubeObject } from '../kube/object.ts';

export function storedForm(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret' || obj.apiVersion !== 'v1' || obj.stringData === undefined) return obj;
  const { stringData, ...rest } = obj;
  const data: Record<string, string> = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries((stringData as Record<string, string> | null) ?? {}))
    data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  return { ...rest, data } as KubeObject;
}
