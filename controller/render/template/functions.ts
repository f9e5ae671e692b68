/**
 * Template functions: Go text/template's builtins and a subset of Sprig, with Sprig's argument order
 * (the piped value is the last argument: `.x | default 1` is `default 1 .x`).
 *
 * Functions receive evaluated arguments. Unless `acceptsMissing` is set, the evaluator rejects a
 * Missing argument before the call, naming its path. Functions throw FunctionError for bad input;
 * the evaluator reports it as `error calling <name>: <reason>` at the call.
 */
import { FunctionError } from './errors.ts';
import { goSprint, goSprintf, goSprintln } from './format.ts';
import { type CallInfo, castInt64, fn, MANY, stringArg, type TemplateFunction } from './function-args.ts';
import { COLLECTION_FUNCTIONS } from './sprig-collections.ts';
import { ENCODING_FUNCTIONS } from './sprig-encoding.ts';
import { MATH_FUNCTIONS } from './sprig-math.ts';
import { MISC_FUNCTIONS } from './sprig-misc.ts';
import { REGEX_FUNCTIONS } from './sprig-regex.ts';
import { SEMVER_FUNCTIONS } from './sprig-semver.ts';
import { STRING_FUNCTIONS } from './sprig-strings.ts';
import { URL_FUNCTIONS } from './sprig-url.ts';
import {
  ABSENT,
  compareStrings,
  describeKind,
  goTypeName,
  isTrue,
  kindOf,
  Missing,
  mapKeys,
  missingFailure,
  ownField,
  type PlainObject,
} from './values.ts';

export type { CallInfo, TemplateFunction } from './function-args.ts';

function present(value: unknown, info: CallInfo): unknown {
  if (value instanceof Missing) throw missingFailure(value, `argument of ${info.name}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Comparison (text/template funcs.go).

function eqValues(a: unknown, b: unknown): boolean {
  const ka = kindOf(a) === 'missing' ? 'nil' : kindOf(a);
  const kb = kindOf(b) === 'missing' ? 'nil' : kindOf(b);
  if (ka !== kb) {
    if (ka === 'nil' || kb === 'nil') return false;
    throw new FunctionError(`incompatible types for comparison: ${describeKind(a)} and ${describeKind(b)}`);
  }
  switch (ka) {
    case 'nil':
      return true;
    case 'bool':
    case 'number':
    case 'string':
      return a === b;
    default:
      throw new FunctionError(`non-comparable type ${describeKind(a)}`);
  }
}

function compareOrdered(a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== 'number' && ka !== 'string') throw new FunctionError(`invalid type for comparison: ${describeKind(a)}`);
  if (kb !== 'number' && kb !== 'string') throw new FunctionError(`invalid type for comparison: ${describeKind(b)}`);
  if (ka !== kb) {
    throw new FunctionError(`incompatible types for comparison: ${describeKind(a)} and ${describeKind(b)}`);
  }
  if (ka === 'string') return compareStrings(a as string, b as string);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// index and len.

function utf8Bytes(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

function indexOne(item: unknown, key: unknown, path: string, info: CallInfo): unknown {
  switch (kindOf(item)) {
    case 'nil':
      return new Missing(path, path, info.offset);
    case 'array':
    case 'string': {
      if (typeof key !== 'number' || !Number.isInteger(key)) {
        throw new FunctionError(`cannot index ${describeKind(item)} with ${describeKind(key)}`);
      }
      if (typeof item === 'string') {
        const bytes = utf8Bytes(item);
        if (key < 0 || key >= bytes.length) throw new FunctionError(`index out of range: ${key}`);
        return bytes[key];
      }
      const list = item as unknown[];
      if (key < 0 || key >= list.length) throw new FunctionError(`index out of range: ${key}`);
      const value = list[key];
      return value === undefined ? null : value;
    }
    case 'map': {
      if (typeof key !== 'string') {
        throw new FunctionError(`value has type ${describeKind(key)}; should be string`);
      }
      const value = ownField(item as PlainObject, key);
      return value === ABSENT ? new Missing(path, path, info.offset) : value;
    }
    default:
      throw new FunctionError(`can't index item of type ${describeKind(item)}`);
  }
}

function indexFn(args: unknown[], info: CallInfo): unknown {
  let item = args[0];
  if (item instanceof Missing) return item;
  let path = info.argTexts[0] ?? '';
  for (let i = 1; i < args.length; i++) {
    const key = present(args[i], info);
    path += `[${typeof key === 'string' ? JSON.stringify(key) : String(key)}]`;
    item = indexOne(item, key, path, info);
    if (item instanceof Missing) return item;
  }
  return item;
}

function lenFn(args: unknown[]): number {
  const value = args[0];
  switch (kindOf(value)) {
    case 'string':
      return utf8Bytes(value as string).length;
    case 'array':
      return (value as unknown[]).length;
    case 'map':
      return mapKeys(value as PlainObject).length;
    case 'nil':
      throw new FunctionError('len of nil pointer');
    default:
      throw new FunctionError(`len of type ${describeKind(value)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Orkestra's strict conversions (not Sprig: Sprig's `int` returns 0 for text it cannot read).

function toIntFn(args: unknown[]): number {
  const value = args[0];
  if (kindOf(value) === 'string') {
    const s = value as string;
    const int = castInt64(s);
    if (int !== undefined) return int;
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Math.trunc(Number(s)) || 0;
    throw new FunctionError(`cannot convert ${JSON.stringify(s)} to an integer`);
  }
  const int = castInt64(value);
  if (int === undefined) throw new FunctionError(`cannot convert ${describeKind(value)} to an integer`);
  return int;
}

const TRUE_STRINGS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_STRINGS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function toBoolFn(args: unknown[]): boolean {
  const value = args[0];
  switch (kindOf(value)) {
    case 'bool':
      return value as boolean;
    case 'nil':
      return false;
    case 'number':
      return value !== 0;
    case 'string':
      if (TRUE_STRINGS.has(value as string)) return true;
      if (FALSE_STRINGS.has(value as string)) return false;
      throw new FunctionError(`cannot convert ${JSON.stringify(value)} to a boolean`);
    default:
      throw new FunctionError(`cannot convert ${describeKind(value)} to a boolean`);
  }
}

const tolerant = { acceptsMissing: true };

/** Every function a template may call. A Map, so names such as `constructor` are never found. */
export const FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  // text/template builtins
  ['and', fn(1, MANY, () => undefined, { acceptsMissing: true, shortCircuit: 'and' })],
  ['or', fn(1, MANY, () => undefined, { acceptsMissing: true, shortCircuit: 'or' })],
  ['not', fn(1, 1, (args) => !isTrue(args[0]), tolerant)],
  ['eq', fn(2, MANY, (args) => args.slice(1).some((b) => eqValues(args[0], b)), tolerant)],
  ['ne', fn(2, 2, (args) => !eqValues(args[0], args[1]), tolerant)],
  ['lt', fn(2, 2, (args) => compareOrdered(args[0], args[1]) < 0)],
  ['le', fn(2, 2, (args) => compareOrdered(args[0], args[1]) <= 0)],
  ['gt', fn(2, 2, (args) => compareOrdered(args[0], args[1]) > 0)],
  ['ge', fn(2, 2, (args) => compareOrdered(args[0], args[1]) >= 0)],
  ['len', fn(1, 1, lenFn)],
  ['index', fn(1, MANY, indexFn, tolerant)],
  ['print', fn(0, MANY, (args) => goSprint(args))],
  ['printf', fn(1, MANY, (args) => goSprintf(stringArg(args, 0), args.slice(1)))],
  ['println', fn(0, MANY, (args) => goSprintln(args))],
  // Sprig
  [
    'default',
    // `default d given`: d when given is missing or empty (Sprig's empty); d may itself be missing.
    fn(1, MANY, (args) => (args.length > 1 && isTrue(args[1]) ? args[1] : args[0]), tolerant),
  ],
  ['empty', fn(1, 1, (args) => !isTrue(args[0]), tolerant)],
  ['coalesce', fn(0, MANY, (args) => args.find(isTrue) ?? null, tolerant)],
  [
    'ternary',
    fn(3, 3, (args) => {
      if (typeof args[2] !== 'boolean') {
        throw new FunctionError(`wrong type for value; expected bool; got ${goTypeName(args[2])}`);
      }
      return args[2] ? args[0] : args[1];
    }),
  ],
  ['toInt', fn(1, 1, toIntFn)],
  ['toBool', fn(1, 1, toBoolFn)],
  ...STRING_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...ENCODING_FUNCTIONS,
  ...REGEX_FUNCTIONS,
  ...SEMVER_FUNCTIONS,
  ...MISC_FUNCTIONS,
  ...URL_FUNCTIONS,
]);
