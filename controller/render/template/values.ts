import { TemplateFailure } from './errors.ts';

/**
 * The value of a path that does not exist in the data (`.spec.nope`, or a field of a missing or null
 * value). Guards (`if`, `with`, `range`, `and`, `or`, `not`, `eq`, `ne`, `default`, `coalesce`, `empty`)
 * accept it; anything else that uses it fails naming `path`.
 */
export class Missing {
  /** The path up to the first segment that could not be resolved: `.spec.nope`. */
  readonly path: string;
  /** The whole path that was being evaluated: `.spec.nope.deeper`. */
  readonly fullPath: string;
  /** Offset in the template source of the expression. */
  readonly offset: number;

  constructor(path: string, fullPath: string, offset: number) {
    this.path = path;
    this.fullPath = fullPath;
    this.offset = offset;
  }
}

export type Kind = 'missing' | 'nil' | 'bool' | 'number' | 'string' | 'array' | 'map' | 'other';

export type PlainObject = Record<string, unknown>;

/** Only objects whose prototype is Object.prototype or null count as maps; class instances are opaque. */
export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function kindOf(value: unknown): Kind {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'nil';
    case 'object':
      if (value === null) return 'nil';
      if (value instanceof Missing) return 'missing';
      if (Array.isArray(value)) return 'array';
      return isPlainObject(value) ? 'map' : 'other';
    default:
      return 'other';
  }
}

/** Names used in error messages (JSON vocabulary). */
export function describeKind(value: unknown): string {
  const kind = kindOf(value);
  switch (kind) {
    case 'nil':
      return 'null';
    case 'map':
      return 'object';
    case 'bool':
      return 'boolean';
    case 'other':
      return `unsupported ${typeof value}`;
    default:
      return kind;
  }
}

/** Names Go would print for the same JSON value (Kubernetes unstructured: int64, float64, ...). */
export function goTypeName(value: unknown): string {
  switch (kindOf(value)) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(value) ? 'int64' : 'float64';
    case 'bool':
      return 'bool';
    case 'array':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'nil':
    case 'missing':
      return '<nil>';
    default:
      return typeof value;
  }
}

/** Go's truth: false, 0, "", null, missing and empty lists/maps are false; everything else true. */
export function isTrue(value: unknown): boolean {
  switch (kindOf(value)) {
    case 'missing':
    case 'nil':
      return false;
    case 'bool':
      return value as boolean;
    case 'number':
      return value !== 0;
    case 'string':
      return (value as string).length > 0;
    case 'array':
      return (value as unknown[]).length > 0;
    case 'map':
      return mapKeys(value as PlainObject).length > 0;
    default:
      return true;
  }
}

/** Returned by ownField when the key is not visible. */
export const ABSENT: unique symbol = Symbol('absent');

/**
 * Own, enumerable data properties only: inherited names (`constructor`, `toString`), accessors and
 * `__proto__` are never visible, so templates cannot reach prototypes or run code.
 */
export function ownField(object: PlainObject, name: string): unknown {
  if (name === '__proto__') return ABSENT;
  const descriptor = Object.getOwnPropertyDescriptor(object, name);
  if (descriptor === undefined || !descriptor.enumerable || !('value' in descriptor)) return ABSENT;
  return descriptor.value === undefined ? ABSENT : descriptor.value;
}

/** Compares like Go compares strings (UTF-8 bytes, i.e. code points), not by UTF-16 code units. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa === sb) return ca - cb;
    return sa ? 1 : -1;
  }
  return a.length - b.length;
}

/** Visible keys of a map, in Go's order (sorted). */
export function sortedKeys(object: PlainObject): string[] {
  return mapKeys(object).sort(compareStrings);
}

export function mapKeys(object: PlainObject): string[] {
  const keys: string[] = [];
  for (const key of Object.keys(object)) {
    if (ownField(object, key) !== ABSENT) keys.push(key);
  }
  return keys;
}

/**
 * Deep copy of JSON data into fresh plain objects and arrays, so rendered results never alias the
 * custom resource or the Katalog. Properties are defined, never assigned, so no key reaches a prototype.
 */
export function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isPlainObject(value)) {
    const out: PlainObject = {};
    for (const key of mapKeys(value)) {
      Object.defineProperty(out, key, {
        value: cloneJson(value[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value === undefined ? null : value;
}

/** The error for a missing value that reached something other than a guard. */
export function missingFailure(missing: Missing, use?: string): TemplateFailure {
  const details: string[] = [];
  if (missing.fullPath !== missing.path) details.push(`evaluating ${missing.fullPath}`);
  if (use !== undefined) details.push(use);
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
  return new TemplateFailure(missing.offset, `missing field ${missing.path}${suffix}`, missing.path);
}
