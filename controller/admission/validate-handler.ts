// The validating webhook: admission.validation rules against the object being admitted. deny rules
// reject with the rule's message and field path (kubectl prints it), warn rules admit with a
// warning. On DELETE (when the box lists it) `self` is the object being deleted.
import { type Violation, validate } from '../reconcile/admission-rules.ts';
import type { AdmissionBox } from './admission-box.ts';
import type { AdmissionRequest, AdmissionResponse } from './review.ts';

/** What CEL rules see as `request`. */
export function requestBinding(req: AdmissionRequest) {
  return {
    operation: req.operation,
    userInfo: req.userInfo,
    namespace: req.namespace ?? '',
    name: req.name ?? '',
    dryRun: req.dryRun === true,
  };
}

/** `spec.crds.web.admission.validation.rules[1]` → `admission.validation.rules[1]`. */
function ruleName(where: string): string {
  const at = where.indexOf('.admission.');
  return at < 0 ? where : where.slice(at + 1);
}

/** One line per broken rule: `spec.replicas: at most 10 replicas` (CEL rules name the rule instead). */
export function describeViolation(v: Violation): string {
  const base = v.field !== undefined ? `${v.field}: ${v.message}` : `${v.message} (${ruleName(v.where)})`;
  return v.error === undefined ? base : `${base}; the rule could not be evaluated: ${v.error}`;
}

export function denied(
  uid: string,
  code: number,
  message: string,
  warnings: readonly string[] = [],
): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: { code, reason: code === 403 ? 'Forbidden' : 'InternalError', message },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

export function validateRequest(box: AdmissionBox, req: AdmissionRequest): AdmissionResponse {
  const deleting = req.operation === 'DELETE';
  const self = deleting ? req.oldObject : req.object;
  const oldSelf = req.operation === 'UPDATE' || deleting ? (req.oldObject ?? undefined) : undefined;
  let verdict: ReturnType<typeof validate>;
  try {
    verdict = validate(box.compiled, self, oldSelf, requestBinding(req));
  } catch (err) {
    const message = `validation of box ${box.id} failed: ${err instanceof Error ? err.message : String(err)}`;
    return box.failurePolicy === 'Ignore'
      ? { uid: req.uid, allowed: true, warnings: [`${message} (admitted: failurePolicy Ignore)`] }
      : denied(req.uid, 500, message);
  }
  const deny: string[] = [];
  const warnings: string[] = [];
  for (const v of verdict.violations) {
    const line = describeViolation(v);
    if (v.action === 'warn') warnings.push(line);
    // A rule that could not be evaluated follows the failure policy, as an unreachable webhook would.
    else if (v.error !== undefined && box.failurePolicy === 'Ignore')
      warnings.push(`${line} (admitted: failurePolicy Ignore)`);
    else deny.push(line);
  }
  if (deny.length > 0) return denied(req.uid, 403, deny.join('; '), warnings);
  return { uid: req.uid, allowed: true, ...(warnings.length > 0 ? { warnings } : {}) };
}
