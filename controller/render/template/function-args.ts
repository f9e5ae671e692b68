/**
 * Building blocks for template functions: the registry entry type, argument checks with Go's
 * messages, and spf13/cast's conversions, which Sprig applies to `interface{}` arguments.
 */
import { FunctionError, FunctionLimit, MAX_OUTPUT_CHARS } from './errors.ts';
import { goTypeName, kindOf } from './values.ts';

export interface CallInfo {
  readonly name: string;
  /** Offset of the function name in the template source. */
  readonly offset: number;
  /** Source text of each argument (the piped value is described by the preceding commands). */
  readonly argTexts: readonly string[];
}

export interface TemplateFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** The function handles Missing arguments itself (guards such as default, empty, eq). */
  readonly acceptsMissing?: boolean;
  /** `and` / `or`: arguments are evaluated lazily by the evaluator; `call` is not used. */
  readonly shortCircuit?: 'and' | 'or';
  readonly call: (args: unknown[], info: CallInfo) => unknown;
}

export const MANY = Number.POSITIVE_INFINITY;

export const fn = (
  minArgs: number,
  maxArgs: number,
  call: TemplateFunction['call'],
  extra: Partial<TemplateFunction> = {},
): TemplateFunction => ({ minArgs, maxArgs, call, ...extra });

export function wrongType(expected: string, value: unknown): FunctionError {
  if (value === null || value === undefined) return new FunctionError(`invalid value; expected ${expected}`);
  return new FunctionError(`wrong type for value; expected ${expected}; got ${goTypeName(value)}`);
}

/** A Go `string` parameter. */
export function stringArg(args: readonly unknown[], i: number): string {
  const value = args[i];
  if (typeof value !== 'string') throw wrongType('string', value);
  return value;
}

/**
 * A Go `int` parameter. Go accepts only an `int` there (a literal, `len`, `int`), so an int64 from
 * the data fails in Go ("expected int; got int64") and needs `| int`; here any integer is accepted.
 */
export function intArg(args: readonly unknown[], i: number): number {
  const value = args[i];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType('int', value);
  return value;
}

/** A Go `bool` parameter. */
export function boolArg(args: readonly unknown[], i: number): boolean {
  const value = args[i];
  if (typeof value !== 'boolean') throw wrongType('bool', value);
  return value;
}

/** A Go `map[string]interface{}` parameter. */
export function mapArg(args: readonly unknown[], i: number): Record<string, unknown> {
  const value = args[i];
  if (kindOf(value) !== 'map') throw wrongType('map[string]interface {}', value);
  return value as Record<string, unknown>;
}

/** Strings larger than the output cap are refused before they are built. */
export function checkedLength(length: number): void {
  if (length > MAX_OUTPUT_CHARS) throw new FunctionLimit(`result larger than ${MAX_OUTPUT_CHARS} characters`);
}

export const strings1 = (f: (s: string) => unknown): TemplateFunction => fn(1, 1, (args) => f(stringArg(args, 0)));
export const strings2 = (f: (a: string, b: string) => unknown): TemplateFunction =>
  fn(2, 2, (args) => f(stringArg(args, 0), stringArg(args, 1)));

/** cast's trimZeroDecimal: "3.00" → "3". */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') return foundZero ? s.slice(0, i - 1) : s;
    if (c !== '0') return s;
    foundZero = true;
  }
  return s;
}

/** strconv.ParseInt(s, 0, 64): sign, 0x/0o/0b/0 prefixes, underscores (only with a prefix or between digits). */
export function parseGoInt(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('+') || s.startsWith('-')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s.includes('_')) {
    if (!/^0[xXoObB]?_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(s) && !/^[0-9]+(_[0-9]+)*$/.test(s)) return undefined;
    s = s.replaceAll('_', '');
  }
  let value: number | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) value = Number.parseInt(s.slice(2), 16);
  else if (/^0[oO][0-7]+$/.test(s)) value = Number.parseInt(s.slice(2), 8);
  else if (/^0[bB][01]+$/.test(s)) value = Number.parseInt(s.slice(2), 2);
  else if (/^0[0-7]+$/.test(s)) value = Number.parseInt(s.slice(1), 8);
  else if (/^[0-9]+$/.test(s)) value = Number(s);
  return value === undefined ? undefined : sign * value;
}

/** cast.ToInt64E: numbers truncate, strings parse as Go integers ("3.0" too), booleans are 0/1, null 0. */
export function castInt64(value: unknown): number | undefined {
  switch (kindOf(value)) {
    case 'number': {
      const n = Math.trunc(value as number);
      return Object.is(n, -0) || Number.isNaN(n) ? 0 : n;
    }
    case 'bool':
      return value ? 1 : 0;
    case 'nil':
    case 'missing':
      return 0;
    case 'string':
      return parseGoInt(trimZeroDecimal(value as string));
    default:
      return undefined;
  }
}

/** Sprig's toInt64 / toInt: cast.ToInt64, with 0 when the value cannot be converted. */
export function toInt64(value: unknown): number {
  return castInt64(value) ?? 0;
}

/** strconv.ParseFloat(s, 64) for decimal syntax, Inf and NaN (hex floats are not accepted). */
export function parseGoFloat(text: string): number | undefined {
  const s = text;
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return Number.NaN;
  if (/^[+-]?([0-9]+(_[0-9]+)*\.?([0-9]+(_[0-9]+)*)?|\.[0-9]+(_[0-9]+)*)([eE][+-]?[0-9]+)?$/.test(s)) {
    return Number(s.replaceAll('_', ''));
  }
  return undefined;
}

/** Sprig's toFloat64: cast.ToFloat64, with 0 when the value cannot be converted. */
export function toFloat64(value: unknown): number {
  switch (kindOf(value)) {
    case 'number':
      return value as number;
    case 'bool':
      return value ? 1 : 0;
    case 'string':
      return parseGoFloat(value as string) ?? 0;
    default:
      return 0;
  }
}
