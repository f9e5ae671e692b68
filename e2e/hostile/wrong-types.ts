// Generated hostile documents: a valid document with one field replaced by a value of another
// JSON type. The fields are every typed node of a structural schema (the Katalog CRD's, or a
// custom resource's CRD), so the corpus grows with the API; the wrong values are drawn by
// fast-check with a fixed seed, so every run sees the same documents.
import fc from 'fast-check';

type Schema = Record<string, unknown>;
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
export type Segment = string | number;

export interface TypedField {
  readonly path: readonly Segment[];
  readonly type: JsonType;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every typed node under `schema`, depth-first, to `maxDepth` segments. Map values take the key
 * `mapKey`, list items the index 0. Nodes that accept any type (preserve-unknown-fields,
 * int-or-string, untyped) are skipped: no value is wrong there.
 */
export function typedFields(schema: Schema, mapKey: string, maxDepth = 8, at: Segment[] = []): TypedField[] {
  const out: TypedField[] = [];
  const type = schema.type as JsonType | undefined;
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-int-or-string'] === true;
  if (type !== undefined && !open && at.length > 0) out.push({ path: at, type });
  if (at.length >= maxDepth) return out;
  if (isObject(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (isObject(sub)) out.push(...typedFields(sub, mapKey, maxDepth, [...at, key]));
    }
  }
  if (isObject(schema.additionalProperties)) {
    out.push(...typedFields(schema.additionalProperties, mapKey, maxDepth, [...at, mapKey]));
  }
  if (isObject(schema.items)) out.push(...typedFields(schema.items, mapKey, maxDepth, [...at, 0]));
  return out;
}

/** A value of any JSON type but `type` (integers are numbers too, so neither stands in for the other). */
export function wrongValue(type: JsonType): fc.Arbitrary<unknown> {
  const all: Record<JsonType, fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 12 }),
    integer: fc.integer(),
    number: fc.double({ noNaN: true, noDefaultInfinity: true, min: 0.5, max: 1e6 }),
    boolean: fc.boolean(),
    object: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 4 }), { minKeys: 1, maxKeys: 2 }),
    array: fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  };
  const numeric = type === 'integer' || type === 'number';
  const others = (Object.keys(all) as JsonType[]).filter(
    (t) => t !== type && !(numeric && (t === 'integer' || t === 'number')),
  );
  return fc.oneof(...others.map((t) => all[t]));
}

/** A deep copy of `doc` with the value at `path` replaced (objects and lists created on the way). */
export function withValue<T>(doc: T, path: readonly Segment[], value: unknown): T {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = path[i + 1];
    const existing = node[segment];
    if (typeof next === 'number' ? !Array.isArray(existing) : !isObject(existing)) {
      node[segment] = typeof next === 'number' ? [{}] : {};
    }
    node = node[segment] as Record<string | number, unknown>;
  });
  return copy as T;
}

export interface WrongTypeCase {
  readonly field: TypedField;
  readonly value: unknown;
  readonly doc: unknown;
}

/** One document per typed field of `schema`, that field given a wrong value (seeded). */
export function wrongTypeDocuments(base: unknown, schema: Schema, mapKey: string, seed: number): WrongTypeCase[] {
  const fields = typedFields(schema, mapKey);
  return fields.map((field, i) => {
    const [value] = fc.sample(wrongValue(field.type), { seed: seed + i, numRuns: 1 });
    return { field, value, doc: withValue(base, field.path, value) };
  });
}
