// Checks an object against a CRD's structural OpenAPI v3 schema the way the API server does on a
// strict server-side apply: the schema with ajv (after translating the x-kubernetes-* extensions
// into JSON Schema), then the schema's x-kubernetes-validations CEL rules with the controller's
// CEL environment. Findings name the field path and phrase the problem as the API server does.

import { parse } from '@bufbuild/cel';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { compileCel, planMetered, toCelValue } from '../render/condition/cel.ts';
import { compileLinearRegex } from '../render/condition/linear-regex.ts';
import type { PathSegment } from './documents.ts';
import type { Issue } from './findings.ts';

type Schema = Record<string, unknown>;

interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A structural schema as plain JSON Schema. Objects with declared properties reject unknown fields
 * (strict field validation) unless they preserve unknown fields; int-or-string and nullable become
 * type unions; an embedded resource and the root's metadata accept any ObjectMeta field, which the
 * API server validates separately.
 */
export function toJsonSchema(node: unknown, root = true): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, false));
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'description' || key === 'nullable' || key === 'example') continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, false)]));
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      out[key] = typeof value === 'boolean' ? value : toJsonSchema(value, false);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      // Structural schemas allow these only as value validations; they never introduce fields.
      out[key] = (value as unknown[]).map((v) => ({
        ...(toJsonSchema(v, false) as Schema),
        additionalProperties: true,
      }));
    } else {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) out.type = ['integer', 'string'];
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  if (embedded) {
    const props = (out.properties ?? {}) as Schema;
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      ...props,
      metadata: { type: 'object', ...(props.metadata as Schema | undefined), additionalProperties: true },
    };
  }
  if (root) {
    // Every object has these; the API server validates ObjectMeta itself.
    const props = (out.properties ?? {}) as Schema;
    out.properties = {
      ...props,
      apiVersion: props.apiVersion ?? { type: 'string' },
      kind: props.kind ?? { type: 'string' },
      metadata: { type: 'object', ...(props.metadata as Schema | undefined), additionalProperties: true },
    };
  }
  if (out.properties !== undefined && out.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  return out;
}

/** The subschemas of a schema node (the positions that hold schemas, not property maps). */
function mapSubschemas(node: Schema, f: (s: unknown) => unknown): Schema {
  const out: Schema = { ...node };
  if (isObject(node.properties)) {
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, f(v)]));
  }
  for (const key of ['items', 'additionalProperties', 'not'] as const) {
    if (isObject(node[key])) out[key] = f(node[key]);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(node[key])) out[key] = (node[key] as unknown[]).map(f);
  }
  return out;
}

// Below this size a repeated subschema is cheaper inline than behind a $ref.
const SHARE_MIN_CHARS = 200;

/**
 * Moves every larger subschema that occurs more than once (a condition appears in dozens of
 * places) to $defs, so ajv compiles it once: compiling the Katalog schema inline costs seconds.
 */
export function shareRepeats(schema: Schema): Schema {
  const counts = new Map<string, number>();
  const count = (node: unknown): unknown => {
    if (!isObject(node)) return node;
    const json = JSON.stringify(node);
    counts.set(json, (counts.get(json) ?? 0) + 1);
    return mapSubschemas(node, count);
  };
  count(schema);
  const defs: Record<string, unknown> = {};
  const names = new Map<string, string>();
  const share = (node: unknown): unknown => {
    if (!isObject(node)) return node;
    const json = JSON.stringify(node);
    if ((counts.get(json) ?? 0) < 2 || json.length < SHARE_MIN_CHARS) return mapSubschemas(node, share);
    let name = names.get(json);
    if (name === undefined) {
      name = `s${names.size}`;
      names.set(json, name);
      defs[name] = mapSubschemas(node, share);
    }
    return { $ref: `#/$defs/${name}` };
  };
  const root = mapSubschemas(schema, share);
  return { ...root, $defs: defs };
}

// A CRD's `pattern` comes from whoever wrote the CRD: RE2 (as the API server) rather than the
// backtracking RegExp ajv would use, so a pathological pattern cannot stall `validate`.
// ajv keys its compiled patterns by toString(), so each must print as its own pattern.
const re2Engine: NonNullable<NonNullable<Options['code']>['regExp']> = Object.assign(
  (pattern: string) => ({ ...compileLinearRegex(pattern), toString: () => `/${pattern}/` }),
  { code: 're2js' },
);
const ajv = new Ajv({
  allErrors: true,
  strict: false,
  allowUnionTypes: true,
  validateFormats: false,
  code: { regExp: re2Engine },
});
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Schema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(shareRepeats(toJsonSchema(schema) as Schema));
    compiled.set(schema, v);
  }
  return v;
}

/** JSON pointer to path segments; list positions become numbers (the data tells which). */
function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = isObject(node) ? node[key] : undefined;
    }
  }
  return path;
}

function shown(value: unknown): string {
  const json = JSON.stringify(value);
  if (isObject(value)) return '"object"';
  if (Array.isArray(value)) return '"array"';
  return json === undefined ? 'null' : json;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let node = data;
  for (const s of path) node = (node as Record<string | number, unknown> | undefined)?.[s];
  return node;
}

/** One ajv error as the API server would phrase it. */
function schemaIssue(e: ErrorObject, data: unknown): Issue {
  const base = pointerToPath(e.instancePath, data);
  const value = shown(valueAt(data, base));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: [...base, String(p.missingProperty)], message: 'Required value' };
    case 'additionalProperties':
      return { path: [...base, String(p.additionalProperty)], message: 'field not declared in schema' };
    case 'enum':
      return {
        path: base,
        message: `Unsupported value: ${value}: supported values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'type': {
      const types = String(p.type).replace('integer,string', 'integer or string');
      return { path: base, message: `Invalid value: ${value}: must be of type ${types}` };
    }
    case 'pattern':
      return { path: base, message: `Invalid value: ${value}: should match '${String(p.pattern)}'` };
    case 'maximum':
    case 'minimum':
      return {
        path: base,
        message: `Invalid value: ${value}: should be ${e.keyword === 'maximum' ? 'less' : 'greater'} than or equal to ${String(p.limit)}`,
      };
    case 'maxLength':
      return { path: base, message: `Too long: may not be longer than ${String(p.limit)}` };
    case 'minLength':
      return { path: base, message: `Invalid value: ${value}: should be at least ${String(p.limit)} chars long` };
    case 'maxItems':
    case 'maxProperties':
      return { path: base, message: `Too many: must have at most ${String(p.limit)} items` };
    default:
      return { path: base, message: `Invalid value: ${value}: ${e.message ?? e.keyword}` };
  }
}

/** `.plural`, `.spec['x.y']`, `[0]` (a rule's fieldPath) as path segments. */
function fieldPathSegments(fieldPath: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of fieldPath.matchAll(/\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

const programs = new Map<string, ReturnType<typeof compileCel>>();
const messagePrograms = new Map<string, ReturnType<typeof planMetered> | undefined>();

function program(rule: string) {
  let p = programs.get(rule);
  if (!p) {
    p = compileCel(rule, 'x-kubernetes-validations');
    programs.set(rule, p);
  }
  return p;
}

function messageOf(rule: CelRule, self: ReturnType<typeof toCelValue>): string {
  if (rule.messageExpression !== undefined) {
    let p = messagePrograms.get(rule.messageExpression);
    if (!messagePrograms.has(rule.messageExpression)) {
      try {
        p = planMetered(parse(rule.messageExpression));
      } catch {
        p = undefined;
      }
      messagePrograms.set(rule.messageExpression, p);
    }
    const text = p?.({ self });
    if (typeof text === 'string') return text;
  }
  return rule.message ?? `failed rule: ${rule.rule}`;
}

/** Evaluates every x-kubernetes-validations rule whose field is present, depth first. */
function celIssues(schema: unknown, value: unknown, path: PathSegment[], issues: Issue[]) {
  if (!isObject(schema) || value === undefined || value === null) return;
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules)) {
    const self = toCelValue(value);
    for (const rule of rules as CelRule[]) {
      // Transition rules (those reading oldSelf) do not apply to a new object.
      if (/\boldSelf\b/.test(rule.rule)) continue;
      const p = program(rule.rule);
      if (typeof p !== 'function') continue;
      const outcome = p({ self, oldSelf: null, children: new Map(), request: null });
      // A rule that cannot evaluate (the value has the wrong type) is the schema check's to report.
      if (outcome.result || outcome.error !== undefined) continue;
      issues.push({
        path: [...path, ...fieldPathSegments(rule.fieldPath ?? '')],
        message: `Invalid value: ${shown(value)}: ${messageOf(rule, self)}`,
      });
    }
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      celIssues(schema.items, item, [...path, i], issues);
    });
  } else if (isObject(value)) {
    const props = isObject(schema.properties) ? schema.properties : {};
    for (const [key, item] of Object.entries(value)) {
      const sub = props[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      celIssues(sub, item, [...path, key], issues);
    }
  }
}

/** Problems of `value` against the structural schema (an openAPIV3Schema), schema errors first. */
export function checkAgainstSchema(schema: Schema, value: unknown): Issue[] {
  const validate = validatorFor(schema);
  const issues: Issue[] = [];
  if (!validate(value)) for (const e of validate.errors ?? []) issues.push(schemaIssue(e, value));
  celIssues(schema, value, [], issues);
  return issues;
}
