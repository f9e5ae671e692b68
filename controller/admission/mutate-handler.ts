// The mutating webhook: admission.mutation rules (defaults and sets) as a JSONPatch. The rules are
// the ones reconcile applies (one engine); a default is written only where the field is absent and
// a set only where the value differs, so a reinvocation yields an empty patch.
import { applyMutations } from '../reconcile/admission-rules.ts';
import type { AdmissionBox } from './admission-box.ts';
import { diffPatch } from './json-patch.ts';
import type { AdmissionRequest, AdmissionResponse } from './review.ts';
import { denied } from './validate-handler.ts';

type Json = Record<string, unknown>;

/** Templates at admission see the object alone: no children exist yet. */
function dataOf(obj: Json) {
  return { metadata: obj.metadata ?? {}, spec: obj.spec ?? {}, status: obj.status ?? {}, children: {} };
}

export function mutateRequest(box: AdmissionBox, req: AdmissionRequest): AdmissionResponse {
  const object = req.object;
  if (object === null || req.operation === 'DELETE') return { uid: req.uid, allowed: true };
  let mutated: Json;
  try {
    mutated = applyMutations(box.compiled, object, dataOf);
  } catch (err) {
    const message = `mutation of box ${box.id} failed: ${err instanceof Error ? err.message : String(err)}`;
    return box.failurePolicy === 'Ignore'
      ? { uid: req.uid, allowed: true, warnings: [`${message} (admitted unchanged: failurePolicy Ignore)`] }
      : denied(req.uid, 500, message);
  }
  const ops = diffPatch(object, mutated);
  if (ops.length === 0) return { uid: req.uid, allowed: true };
  return {
    uid: req.uid,
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
  };
}
