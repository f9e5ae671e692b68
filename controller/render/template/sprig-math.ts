/**
 * Sprig's numeric functions (numeric.go): integer math truncates every argument to int64 first
 * (`add 1.5 1` is 2), the `…f` variants compute in decimal like shopspring/decimal (`addf 0.1 0.2`
 * is 0.3) and return float64.
 */
import { FunctionError, FunctionLimit, MAX_RANGE_ITERATIONS } from './errors.ts';
import { goNumber } from './format.ts';
import { fn, intArg, MANY, type TemplateFunction, toFloat64, toInt64 } from './function-args.ts';

function divideInt(a: number, b: number, op: 'div' | 'mod'): number {
  if (b === 0) throw new FunctionError('runtime error: integer divide by zero');
  const r = op === 'div' ? Math.trunc(a / b) : a % b;
  return Object.is(r, -0) ? 0 : r;
}

/** A decimal number: mantissa × 10^exp. */
interface Decimal {
  readonly m: bigint;
  readonly e: number;
}

/** decimal.NewFromFloat: the shortest decimal that round-trips to the float. */
function fromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new FunctionError(`Cannot create a Decimal from ${goNumber(f)}`);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(f));
  if (match === null) throw new FunctionError(`Cannot create a Decimal from ${f}`);
  const [, sign, int, frac = '', exp = '0'] = match;
  const m = BigInt(`${sign}${int}${frac}`);
  return { m, e: Number(exp) - frac.length };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}

const DIVISION_PRECISION = 16;

/** decimal.Div: the quotient rounded half away from zero to 16 decimal places. */
function divDecimal(a: Decimal, b: Decimal): Decimal {
  if (b.m === 0n) throw new FunctionError('decimal division by zero');
  // a/b = (a.m / b.m) × 10^(a.e - b.e); scale so the integer quotient has 17 places, then round.
  const shift = DIVISION_PRECISION + 1 + a.e - b.e;
  let num = a.m;
  let den = b.m;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const negative = num < 0n !== den < 0n;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  let q = abs(num) / abs(den);
  q = (q + 5n) / 10n;
  return { m: negative ? -q : q, e: -DIVISION_PRECISION };
}

function toFloat(d: Decimal): number {
  return Number(`${d.m}e${d.e}`);
}

type DecimalOp = (a: Decimal, b: Decimal) => Decimal;
const addD: DecimalOp = (a, b) => {
  const [x, y, e] = align(a, b);
  return { m: x + y, e };
};
const subD: DecimalOp = (a, b) => {
  const [x, y, e] = align(a, b);
  return { m: x - y, e };
};
const mulD: DecimalOp = (a, b) => ({ m: a.m * b.m, e: a.e + b.e });

/** Sprig's execDecimalOp. */
function decimalOp(first: unknown, rest: readonly unknown[], op: DecimalOp): number {
  let acc = fromFloat(toFloat64(first));
  for (const x of rest) acc = op(acc, fromFloat(toFloat64(x)));
  const result = toFloat(acc);
  return Object.is(result, -0) ? 0 : result;
}

/** Sprig's untilStep, bounded like `range`. */
export function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  const push = (i: number): void => {
    if (out.length >= MAX_RANGE_ITERATIONS) {
      throw new FunctionLimit(`more than ${MAX_RANGE_ITERATIONS} elements`);
    }
    out.push(i);
  };
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) push(i);
    return out;
  }
  if (step <= 0) return out;
  for (let i = start; i < stop; i += step) push(i);
  return out;
}

function seq(params: readonly number[]): string {
  let list: number[];
  switch (params.length) {
    case 1: {
      const end = params[0] as number;
      const inc = end < 1 ? -1 : 1;
      list = untilStep(1, end + inc, inc);
      break;
    }
    case 2: {
      const [start, end] = params as [number, number];
      const step = end < start ? -1 : 1;
      list = untilStep(start, end + step, step);
      break;
    }
    case 3: {
      const [start, step, end] = params as [number, number, number];
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return '';
      }
      list = untilStep(start, end + inc, step);
      break;
    }
    default:
      return '';
  }
  return list.join(' ');
}

/** Sprig's round: half-up at `roundOn` (default .5) on the scaled fraction. */
function round(value: unknown, places: number, roundOn = 0.5): number {
  const pow = 10 ** places;
  const digit = pow * toFloat64(value);
  const frac = digit - Math.trunc(digit);
  const r = (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
  return Object.is(r, -0) ? 0 : r;
}

/** Go's math.Max / math.Min: NaN wins; -0 < +0. */
function goMax(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
}
function goMin(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b);
}

/** strconv.ParseInt(fmt.Sprint(v), 8, 64); 0 when it does not parse. */
function toDecimal(value: unknown): number {
  const s = typeof value === 'string' ? value : typeof value === 'number' ? goNumber(value) : String(value);
  return /^[+-]?[0-7]+$/.test(s) ? Number.parseInt(s, 8) : 0;
}

const noNegativeZero = (n: number): number => (Object.is(n, -0) ? 0 : n);

export const MATH_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['int64', fn(1, 1, (args) => toInt64(args[0]))],
  ['int', fn(1, 1, (args) => toInt64(args[0]))],
  ['float64', fn(1, 1, (args) => toFloat64(args[0]))],
  ['seq', fn(0, MANY, (args) => seq(args.map((_, i) => intArg(args, i))))],
  ['toDecimal', fn(1, 1, (args) => toDecimal(args[0]))],
  [
    'until',
    fn(1, 1, (args) => {
      const count = intArg(args, 0);
      return untilStep(0, count, count < 0 ? -1 : 1);
    }),
  ],
  ['untilStep', fn(3, 3, (args) => untilStep(intArg(args, 0), intArg(args, 1), intArg(args, 2)))],
  ['add1', fn(1, 1, (args) => toInt64(args[0]) + 1)],
  ['add', fn(0, MANY, (args) => args.reduce<number>((sum, a) => sum + toInt64(a), 0))],
  ['sub', fn(2, 2, (args) => toInt64(args[0]) - toInt64(args[1]))],
  ['div', fn(2, 2, (args) => divideInt(toInt64(args[0]), toInt64(args[1]), 'div'))],
  ['mod', fn(2, 2, (args) => divideInt(toInt64(args[0]), toInt64(args[1]), 'mod'))],
  ['mul', fn(1, MANY, (args) => noNegativeZero(args.reduce<number>((p, a) => p * toInt64(a), 1)))],
  ['add1f', fn(1, 1, (args) => decimalOp(args[0], [1], addD))],
  ['addf', fn(0, MANY, (args) => decimalOp(0, args, addD))],
  ['subf', fn(1, MANY, (args) => decimalOp(args[0], args.slice(1), subD))],
  ['divf', fn(1, MANY, (args) => decimalOp(args[0], args.slice(1), divDecimal))],
  ['mulf', fn(1, MANY, (args) => decimalOp(args[0], args.slice(1), mulD))],
  ['biggest', fn(1, MANY, (args) => Math.max(...args.map(toInt64)))],
  ['max', fn(1, MANY, (args) => Math.max(...args.map(toInt64)))],
  ['min', fn(1, MANY, (args) => Math.min(...args.map(toInt64)))],
  ['maxf', fn(1, MANY, (args) => args.map(toFloat64).reduce(goMax))],
  ['minf', fn(1, MANY, (args) => args.map(toFloat64).reduce(goMin))],
  ['ceil', fn(1, 1, (args) => noNegativeZero(Math.ceil(toFloat64(args[0]))))],
  ['floor', fn(1, 1, (args) => noNegativeZero(Math.floor(toFloat64(args[0]))))],
  [
    'round',
    fn(2, 3, (args) => {
      const roundOn = args.length > 2 ? args[2] : 0.5;
      if (typeof roundOn !== 'number') throw new FunctionError('wrong type for value; expected float64');
      return round(args[0], intArg(args, 1), roundOn);
    }),
  ],
];
