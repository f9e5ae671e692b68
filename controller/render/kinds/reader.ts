// Typed reads of a rendered entry. Templates render to plain JSON, and a value that was not exactly one
// `{{ }}` arrives as a string, so integers may come as "8080" and strings as 3. Every read names the field
// it reads, and a wrong type or range throws RenderError with that field.

import { RenderError } from './model.ts';

const INT32_MAX = 2_147_483_647;
const INTEGER = /^[+-]?\d+$/;
const PERCENT = /^\d+%$/;
/** A Kubernetes resource.Quantity (k8s.io/apimachinery/pkg/api/resource), e.g. 100m, 0.5, 1Gi, 1e3. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/;

export interface IntRange {
  min?: number;
  max?: number;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field is absent when missing or null (FieldReader also reads an optional scalar rendered to "" as absent). */
function absent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

export function toInt(field: string, value: unknown, range: IntRange = {}): number {
  let n: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string' && INTEGER.test(value.trim())) n = Number(value.trim());
  if (n === undefined || !Number.isSafeInteger(n)) {
    throw new RenderError(field, `expected an integer, got ${describe(value)}`);
  }
  const min = range.min ?? 0;
  const max = range.max ?? INT32_MAX;
  if (n < min || n > max) throw new RenderError(field, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function toIntOrPercent(field: string, value: unknown): number | string {
  if (typeof value === 'string' && PERCENT.test(value.trim())) {
    const percent = value.trim();
    if (Number(percent.slice(0, -1)) > 100)
      throw new RenderError(field, `a percentage must be at most 100%, got ${percent}`);
    return percent;
  }
  if (typeof value === 'number' || (typeof value === 'string' && INTEGER.test(value.trim())))
    return toInt(field, value);
  throw new RenderError(field, `expected an integer or a percentage such as "50%", got ${describe(value)}`);
}

/** Strings, and numbers or booleans written where a string belongs (`"{{ .spec.version }}"` rendering to 2). */
export function toStr(field: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  throw new RenderError(field, `expected a string, got ${describe(value)}`);
}

export function toBool(field: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new RenderError(field, `expected true or false, got ${describe(value)}`);
}

export function toQuantity(field: string, value: unknown): string {
  const q = typeof value === 'number' ? String(value) : toStr(field, value).trim();
  if (!QUANTITY.test(q))
    throw new RenderError(field, `expected a Kubernetes quantity such as 100m or 1Gi, got ${describe(value)}`);
  return q;
}

export function toOneOf<const T extends readonly string[]>(field: string, value: unknown, allowed: T): T[number] {
  if (typeof value === 'string' && allowed.includes(value)) return value;
  throw new RenderError(field, `expected one of ${allowed.join(', ')}, got ${describe(value)}`);
}

export function toStringMap(field: string, value: unknown): Record<string, string> {
  if (!isPlainObject(value)) throw new RenderError(field, `expected a map of strings, got ${describe(value)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toStr(`${field}.${k}`, v);
  return out;
}

export function toList(field: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new RenderError(field, `expected a list, got ${describe(value)}`);
  return value;
}

export function toStringList(field: string, value: unknown): string[] {
  return toList(field, value).map((v, i) => toStr(`${field}[${i}]`, v));
}

export function toObject(field: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw new RenderError(field, `expected an object, got ${describe(value)}`);
  return value;
}

/**
 * Reads the fields of one object (the entry, or an object nested in it), remembering which it read so that
 * `done()` can reject the ones no renderer understands.
 */
export class FieldReader {
  readonly #object: Record<string, unknown>;
  readonly #prefix: string;
  readonly #read = new Set<string>();

  constructor(object: Record<string, unknown>, prefix = '') {
    this.#object = object;
    this.#prefix = prefix;
  }

  /** The path of a field of this object, as RenderError reports it. */
  path(field: string): string {
    return `${this.#prefix}${field}`;
  }

  /** The raw value; null and (for scalars) "" read as absent. */
  #get(field: string, emptyIsAbsent: boolean): unknown {
    this.#read.add(field);
    const value = this.#object[field];
    if (absent(value) || (emptyIsAbsent && value === '')) return undefined;
    return value;
  }

  #required(field: string): unknown {
    const value = this.#get(field, true);
    if (value === undefined) throw new RenderError(this.path(field), 'is required');
    return value;
  }

  str(field: string): string {
    return toStr(this.path(field), this.#required(field));
  }
  /** A required string that may be "" (an environment variable's value). */
  strOrEmpty(field: string): string {
    const v = this.#get(field, false);
    if (v === undefined) throw new RenderError(this.path(field), 'is required');
    return toStr(this.path(field), v);
  }
  optStr(field: string): string | undefined {
    const v = this.#get(field, true);
    return v === undefined ? undefined : toStr(this.path(field), v);
  }
  int(field: string, range?: IntRange): number {
    return toInt(this.path(field), this.#required(field), range);
  }
  optInt(field: string, range?: IntRange): number | undefined {
    const v = this.#get(field, true);
    return v === undefined ? undefined : toInt(this.path(field), v, range);
  }
  optIntOrPercent(field: string): number | string | undefined {
    const v = this.#get(field, true);
    return v === undefined ? undefined : toIntOrPercent(this.path(field), v);
  }
  optBool(field: string): boolean | undefined {
    const v = this.#get(field, true);
    return v === undefined ? undefined : toBool(this.path(field), v);
  }
  quantity(field: string): string {
    return toQuantity(this.path(field), this.#required(field));
  }
  optOneOf<const T extends readonly string[]>(field: string, allowed: T): T[number] | undefined {
    const v = this.#get(field, true);
    return v === undefined ? undefined : toOneOf(this.path(field), v, allowed);
  }
  oneOf<const T extends readonly string[]>(field: string, allowed: T): T[number] {
    return toOneOf(this.path(field), this.#required(field), allowed);
  }
  stringMap(field: string): Record<string, string> {
    return toStringMap(this.path(field), this.#required(field));
  }
  optStringMap(field: string): Record<string, string> | undefined {
    const v = this.#get(field, false);
    return v === undefined ? undefined : toStringMap(this.path(field), v);
  }
  optStringList(field: string): string[] | undefined {
    const v = this.#get(field, false);
    return v === undefined ? undefined : toStringList(this.path(field), v);
  }
  stringList(field: string): string[] {
    const v = this.#get(field, false);
    if (v === undefined) throw new RenderError(this.path(field), 'is required');
    return toStringList(this.path(field), v);
  }
  /** A list of objects, each read by its own FieldReader (prefix `field[i].`). */
  objects(field: string, required: boolean): FieldReader[] | undefined {
    const v = this.#get(field, false);
    if (v === undefined) {
      if (required) throw new RenderError(this.path(field), 'is required');
      return undefined;
    }
    return toList(this.path(field), v).map(
      (item, i) => new FieldReader(toObject(this.path(`${field}[${i}]`), item), this.path(`${field}[${i}].`)),
    );
  }
  /** One nested object, read by its own FieldReader (prefix `field.`). */
  object(field: string, required: boolean): FieldReader | undefined {
    const v = this.#get(field, false);
    if (v === undefined) {
      if (required) throw new RenderError(this.path(field), 'is required');
      return undefined;
    }
    return new FieldReader(toObject(this.path(field), v), this.path(`${field}.`));
  }
  /** A list of free-form objects, passed on verbatim (deep-copied). */
  optFreeformList(field: string): Record<string, unknown>[] | undefined {
    const v = this.#get(field, false);
    if (v === undefined) return undefined;
    return toList(this.path(field), v).map((item, i) => structuredClone(toObject(this.path(`${field}[${i}]`), item)));
  }

  /** Rejects fields nobody read: a field the renderer does not know would otherwise vanish silently. */
  done(ignore: readonly string[] = []): void {
    for (const key of Object.keys(this.#object)) {
      if (!this.#read.has(key) && !ignore.includes(key)) {
        throw new RenderError(this.path(key), 'is not a field of this kind');
      }
    }
  }
}
