// Building blocks for structural CRD schemas. Every helper returns a TypeBox schema, so one
// definition yields both the OpenAPI schema written to crds/ and the static TypeScript type.
import Type, { type Static, type TSchema } from 'typebox';

export { type Static, type TSchema, Type };

/**
 * The description a node carries in the CRD when it differs from the one in docs/reference/: ''
 * drops it. For blocks repeated in every child entry of every phase (conditions, the common
 * child fields), whose full descriptions would push a CRD past the 256 KiB that client-side
 * `kubectl apply` can store in its last-applied annotation.
 */
export const CRD_DESCRIPTION = '~crdDescription';

/** Options giving a node a shorter description in the CRD (see CRD_DESCRIPTION). */
export function crdDescription(text: string): { [CRD_DESCRIPTION]: string } {
  return { [CRD_DESCRIPTION]: text };
}

/** One CEL rule of `x-kubernetes-validations`, checked by the API server at admission. */
export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

export function celRules(...rules: CelRule[]): { 'x-kubernetes-validations': CelRule[] } {
  return { 'x-kubernetes-validations': rules };
}

/** Lowercase RFC 1123 label: box names, Kubernetes names of most kinds' label values. */
export const RFC1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/**
 * A dotted path into an object (`spec.replicas`, `spec.items[0].name`); keys with dots or slashes
 * are bracket-quoted: `metadata.labels["app.kubernetes.io/name"]`. The grammar of
 * controller/render/path/parse.ts, which a test holds to this pattern.
 */
export const FIELD_PATH =
  '^[A-Za-z_$][A-Za-z0-9_$-]*(\\.[A-Za-z0-9_$-]+|\\[[0-9]+\\]|\\["[^"]+"\\]|\\[\'[^\']+\'\\])*$';

const RESERVED = '(__proto__|constructor|prototype)';
// Any run of characters outside quoted keys, ending outside one.
const OUTSIDE_QUOTES = `([^"']|"[^"]*"|'[^']*')*`;
/**
 * Matches a FIELD_PATH string that has a segment named `__proto__`, `constructor` or `prototype`,
 * dotted or quoted. The same word inside a quoted key (`["example.prototype.io/x"]`) is not a
 * match. Kept short: its length multiplies the API server's CEL cost estimate.
 */
export const RESERVED_SEGMENT = `^(${OUTSIDE_QUOTES}\\.)?${RESERVED}([.[]|$)|^${OUTSIDE_QUOTES}\\[["']${RESERVED}["']\\]`;

/**
 * A field path string: FIELD_PATH (or a narrower `pattern`) and a CEL rule rejecting reserved
 * segments, so `kubectl apply` refuses them naming the field; the loader rejects them again.
 *
 * The rule costs (4 x maxLength) x (regex length) in the API server's static estimate, times the
 * number of places the path can occur. The paths Orkestra writes (mutation fields, status fields)
 * and validation and forEach fields of children carry it. Condition fields (`when`, `or`) and
 * onDelete forEach fields occur in too many places for the CRD's cost budget; Orkestra only reads
 * them, own properties only, and the loader rejects their reserved segments with the field path.
 */
export function fieldPath(
  description: string,
  options: { pattern?: string; maxLength?: number; crdDescription?: string } = {},
) {
  return Type.String({
    description,
    ...(options.crdDescription === undefined ? {} : crdDescription(options.crdDescription)),
    pattern: options.pattern ?? FIELD_PATH,
    maxLength: options.maxLength ?? 256,
    ...celRules({
      // A triple-quoted raw CEL string: the regex reaches RE2 as written, quotes included.
      rule: `!self.matches(r'''${RESERVED_SEGMENT}''')`,
      message: 'a field path cannot use __proto__, constructor or prototype as a segment',
    }),
  });
}
/** A Kubernetes API version string such as v1, v1beta2, v2alpha1. */
export const VERSION = '^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$';
/** A Go duration such as 500ms, 10m, 1h30m. */
export const DURATION = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';
/** An API group: a DNS subdomain with at least one dot. */
export const GROUP = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$';
/** A qualified finalizer or label key: optional DNS prefix, slash, name. */
export const QUALIFIED_NAME =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';

export function str(description: string, extra: Record<string, unknown> = {}) {
  return Type.String({ description, maxLength: 1024, ...extra });
}

/** A string that may hold a template (`{{ .spec.image }}`). */
export function template(description: string, extra: Record<string, unknown> = {}) {
  return Type.String({ description, maxLength: 4096, ...extra });
}

/** An integer, or a template string that renders to one (`"{{ .spec.replicas | default 1 }}"`). */
export function intOrTemplate(description: string) {
  return Type.Unsafe<number | string>({ description, 'x-kubernetes-int-or-string': true });
}

/** A boolean, or a template string that renders to one. */
export function boolOrTemplate(description: string) {
  // Structural schemas allow only int-or-string unions, so a boolean-or-string is left untyped.
  return Type.Unsafe<boolean | string>({ description, 'x-kubernetes-preserve-unknown-fields': true });
}

/** Any JSON value: a condition's operand, a default value. */
export function anyValue(description: string) {
  return Type.Unsafe<unknown>({ description, 'x-kubernetes-preserve-unknown-fields': true });
}

/** A free-form object kept verbatim (raw manifests, conversion specs). */
export function freeform(description: string) {
  return Type.Unsafe<Record<string, unknown>>({
    description,
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  });
}

/** A map with arbitrary keys. CRDs forbid `patternProperties`, so this uses `additionalProperties`. */
export function mapOf<T extends TSchema>(value: T, description: string, extra: Record<string, unknown> = {}) {
  return Type.Unsafe<Record<string, Static<T>>>({
    description,
    type: 'object',
    additionalProperties: value,
    ...extra,
  });
}

export function stringMap(description: string, inCrd?: string) {
  return mapOf(Type.String({ maxLength: 4096 }), description, {
    maxProperties: 64,
    ...(inCrd === undefined ? {} : crdDescription(inCrd)),
  });
}

export function stringList(description: string, maxItems: number, item: Record<string, unknown> = {}) {
  return Type.Array(Type.String({ maxLength: 253, ...item }), { description, maxItems });
}

export function duration(description: string) {
  return Type.String({ description, pattern: DURATION, maxLength: 32 });
}

/** A string enum, typed as the union of its values. */
export function oneOf<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
