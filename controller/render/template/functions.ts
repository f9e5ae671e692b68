/**
 * Template functions: Go text/template's builtins and a subset of Sprig, with Sprig's argument order
 * (the piped value is the last argument: `.x | default 1` is `default 1 .x`).
 *
 * Functions receive evaluated arguments. Unless `acceptsMissing` is set, the evaluator rejects a
 * Missing argument before the call, naming its path. Functions throw FunctionError for bad input;
 * the evaluator reports it as `error calling <name>: <reason>` at the call.
 */
import { createHash } from 'node:crypto';
import { FunctionError, MAX_OUTPUT_CHARS } from './errors.ts';
import { goJson, goQuote, goSprint, goSprintf, goSprintln, strval } from './format.ts';
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

const MANY = Number.POSITIVE_INFINITY;

function stringArg(args: readonly unknown[], i: number): string {
  const value = args[i];
  if (typeof value !== 'string') {
    throw new FunctionError(`wrong type for value; expected string; got ${goTypeName(value)}`);
  }
  return value;
}

function present(value: unknown, info: CallInfo): unknown {
  if (value instanceof Missing) throw missingFailure(value, `argument of ${info.name}`);
  return value;
}

/** Strings larger than the output cap are refused before they are built. */
function checkedLength(length: number): void {
  if (length > MAX_OUTPUT_CHARS) throw new FunctionError(`result larger than ${MAX_OUTPUT_CHARS} characters`);
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
// Sprig conversions.

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

/** strconv.ParseInt(s, 0, 64): sign, 0x/0o/0b/0 prefixes, underscores. */
function parseGoInt(text: string): number | undefined {
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

function toIntFn(args: unknown[]): number {
  const value = args[0];
  switch (kindOf(value)) {
    case 'number': {
      const n = Math.trunc(value as number);
      return Object.is(n, -0) || Number.isNaN(n) ? 0 : n;
    }
    case 'bool':
      return value ? 1 : 0;
    case 'nil':
      return 0;
    case 'string': {
      const s = value as string;
      const int = parseGoInt(trimZeroDecimal(s));
      if (int !== undefined) return int;
      if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Math.trunc(Number(s)) || 0;
      throw new FunctionError(`cannot convert ${JSON.stringify(s)} to an integer`);
    }
    default:
      throw new FunctionError(`cannot convert ${describeKind(value)} to an integer`);
  }
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

/** Sprig's strslice: lists become their non-null elements as strings, a scalar a one-element list. */
function strslice(value: unknown): string[] {
  switch (kindOf(value)) {
    case 'array':
      return (value as unknown[]).filter((v) => v !== null && v !== undefined).map(strval);
    case 'nil':
      return [];
    default:
      return [strval(value)];
  }
}

/** Go's strings.Split: an empty separator splits into characters. */
function goSplit(s: string, sep: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

/** Go's unicode.IsSpace (for strings.TrimSpace); JS trim() also strips U+FEFF and misses U+0085. */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRIM_SPACE = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');

function replaceAll(s: string, old: string, replacement: string): string {
  if (old === '') {
    const chars = Array.from(s);
    checkedLength(s.length + (chars.length + 1) * replacement.length);
    return replacement + chars.map((c) => c + replacement).join('');
  }
  const count = s.split(old).length - 1;
  checkedLength(s.length + count * (replacement.length - old.length));
  return s.replaceAll(old, () => replacement);
}

function b64decode(s: string): string {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    throw new FunctionError('illegal base64 data');
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

// ---------------------------------------------------------------------------------------------

const fn = (
  minArgs: number,
  maxArgs: number,
  call: TemplateFunction['call'],
  extra: Partial<TemplateFunction> = {},
): TemplateFunction => ({
  minArgs,
  maxArgs,
  call,
  ...extra,
});

const strings1 = (f: (s: string) => unknown): TemplateFunction => fn(1, 1, (args) => f(stringArg(args, 0)));
const strings2 = (f: (a: string, b: string) => unknown): TemplateFunction =>
  fn(2, 2, (args) => f(stringArg(args, 0), stringArg(args, 1)));

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
  [
    'quote',
    fn(0, MANY, (args) =>
      args
        .filter((a) => a !== null && a !== undefined)
        .map((a) => goQuote(strval(a)))
        .join(' '),
    ),
  ],
  [
    'squote',
    fn(0, MANY, (args) =>
      args
        .filter((a) => a !== null && a !== undefined)
        .map((a) => `'${strval(a)}'`)
        .join(' '),
    ),
  ],
  ['lower', strings1((s) => s.toLowerCase())],
  ['upper', strings1((s) => s.toUpperCase())],
  ['trim', strings1((s) => s.replace(TRIM_SPACE, ''))],
  ['trimPrefix', strings2((prefix, s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s))],
  ['trimSuffix', strings2((suffix, s) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s))],
  ['hasPrefix', strings2((prefix, s) => s.startsWith(prefix))],
  ['hasSuffix', strings2((suffix, s) => s.endsWith(suffix))],
  ['contains', strings2((substr, s) => s.includes(substr))],
  ['replace', fn(3, 3, (args) => replaceAll(stringArg(args, 2), stringArg(args, 0), stringArg(args, 1)))],
  [
    'join',
    fn(2, 2, (args) => {
      const parts = strslice(args[1]);
      const sep = stringArg(args, 0);
      checkedLength(parts.reduce((n, p) => n + p.length + sep.length, 0));
      return parts.join(sep);
    }),
  ],
  [
    'split',
    strings2((sep, s) => {
      const out: PlainObject = {};
      goSplit(s, sep).forEach((part, i) => {
        out[`_${i}`] = part;
      });
      return out;
    }),
  ],
  ['splitList', strings2((sep, s) => goSplit(s, sep))],
  ['toString', fn(1, 1, (args) => strval(args[0]))],
  ['toJson', fn(1, 1, (args) => goJson(args[0]))],
  ['b64enc', strings1((s) => Buffer.from(s, 'utf8').toString('base64'))],
  ['b64dec', strings1(b64decode)],
  ['sha256sum', strings1((s) => createHash('sha256').update(s, 'utf8').digest('hex'))],
  ['toInt', fn(1, 1, toIntFn)],
  ['toBool', fn(1, 1, toBoolFn)],
]);
