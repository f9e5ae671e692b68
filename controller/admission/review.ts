// AdmissionReview and ConversionReview (admission.k8s.io/v1, apiextensions.k8s.io/v1): the shapes
// the API server sends and expects, and the checks that turn a malformed body into a 400.

export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  readonly uid: string;
  readonly operation: Operation;
  readonly namespace?: string;
  readonly name?: string;
  readonly subResource?: string;
  readonly userInfo: UserInfo;
  readonly object: Record<string, unknown> | null;
  readonly oldObject: Record<string, unknown> | null;
  readonly dryRun?: boolean;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly reason?: string; readonly message: string };
  readonly warnings?: readonly string[];
  readonly patchType?: 'JSONPatch';
  /** base64 of the JSONPatch document. */
  readonly patch?: string;
}

export interface ConversionRequest {
  readonly uid: string;
  readonly desiredAPIVersion: string;
  readonly objects: readonly Record<string, unknown>[];
}

export interface ConversionResponse {
  readonly uid: string;
  readonly convertedObjects: readonly unknown[];
  readonly result: { readonly status: 'Success' } | { readonly status: 'Failure'; readonly message: string };
}

/** A body that is not a review the API server would send; answered with 400. */
export class BadReview extends Error {
  override readonly name = 'BadReview';
}

const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectOrNull(v: unknown, what: string): Record<string, unknown> | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw new BadReview(`request.${what} must be an object`);
  return v;
}

function review(body: unknown, apiVersion: string, kind: string): Record<string, unknown> {
  if (!isObject(body)) throw new BadReview(`body must be a JSON ${kind} object`);
  if (body.apiVersion !== apiVersion || body.kind !== kind) {
    throw new BadReview(
      `expected apiVersion ${apiVersion}, kind ${kind}; got ${String(body.apiVersion)}, ${String(body.kind)}`,
    );
  }
  const request = body.request;
  if (!isObject(request)) throw new BadReview(`${kind} has no request`);
  if (typeof request.uid !== 'string' || request.uid === '')
    throw new BadReview('request.uid must be a non-empty string');
  return request;
}

export function parseAdmissionReview(body: unknown): AdmissionRequest {
  const r = review(body, 'admission.k8s.io/v1', 'AdmissionReview');
  if (typeof r.operation !== 'string' || !OPERATIONS.includes(r.operation)) {
    throw new BadReview(`request.operation must be one of ${OPERATIONS.join(', ')}`);
  }
  const object = objectOrNull(r.object, 'object');
  const oldObject = objectOrNull(r.oldObject, 'oldObject');
  if (object === null && oldObject === null) throw new BadReview('request has neither object nor oldObject');
  const userInfo = r.userInfo === undefined ? {} : r.userInfo;
  if (!isObject(userInfo)) throw new BadReview('request.userInfo must be an object');
  return {
    uid: r.uid as string,
    operation: r.operation as Operation,
    namespace: typeof r.namespace === 'string' ? r.namespace : undefined,
    name: typeof r.name === 'string' ? r.name : undefined,
    subResource: typeof r.subResource === 'string' ? r.subResource : undefined,
    userInfo: userInfo as UserInfo,
    object,
    oldObject,
    dryRun: r.dryRun === true,
  };
}

export function parseConversionReview(body: unknown): ConversionRequest {
  const r = review(body, 'apiextensions.k8s.io/v1', 'ConversionReview');
  if (typeof r.desiredAPIVersion !== 'string' || r.desiredAPIVersion === '') {
    throw new BadReview('request.desiredAPIVersion must be a non-empty string');
  }
  if (!Array.isArray(r.objects)) throw new BadReview('request.objects must be a list');
  r.objects.forEach((o, i) => {
    if (!isObject(o) || typeof o.apiVersion !== 'string') {
      throw new BadReview(`request.objects[${i}] must be an object with an apiVersion`);
    }
  });
  return { uid: r.uid as string, desiredAPIVersion: r.desiredAPIVersion, objects: r.objects };
}

export function admissionReview(response: AdmissionResponse) {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

export function conversionReview(response: ConversionResponse) {
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response };
}
