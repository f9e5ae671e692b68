// The field operators of a condition. Each operator is compiled once with its operand (shape
// checked, regex compiled) into a test of the field's value; the test never throws.
//
// `field` below is the value read at the condition's path (undefined when the path is missing).
//
//   equals       deep JSON equality with the operand: numbers compare numerically (3 equals 3.0),
//                no coercion ("3" does not equal 3), objects compare key by key, arrays in order.
//   contains     string field: the operand is a substring (operand must be a string);
//                array field: some element deep-equals the operand;
//                object field: the operand (a string) is one of its own keys.
//   prefix       both strings, the field starts with the operand (operand must be a string).
//   suffix       both strings, the field ends with the operand (operand must be a string).
//   exists       the field is present and not null (no operand).
//   gt gte       both numbers: numeric comparison; both strings: lexical comparison (UTF-16 code
//   lt lte       units, as JavaScript's <); anything else is false. Operand: a number or a string.
//   in           the operand is a list; the field deep-equals one of its items.
//   regex        the field is a string and the RE2 pattern (Go/CEL syntax, no flags, compiled
//                once, not anchored: use ^…$ to match the whole value) finds a match, in time
//                linear in the field (linear-regex.ts). Patterns longer than 1024 characters and
//                backtracking-only syntax (backreferences, lookaround) are rejected.
//   between      the field is a number with low <= field <= high; the operand is [low, high],
//                two numbers with low <= high.
//
//   notEquals, notContains, notExists, notIn are the exact complements of equals, contains, exists
//   and in. So a missing field makes exists false and notExists, notEquals, notContains, notIn
//   true, and every other operator false; a type mismatch (gt on a string against a number,
//   prefix on a number) makes the positive operators false and their complements true. No
//   operator ever throws at evaluation time.
import { OPERATORS, type Operator, UNARY_OPERATORS } from '../../../api-types/condition.ts';
import { compileLinearRegex, type LinearRegex } from './linear-regex.ts';

/** Tests the value read at a condition's field path (undefined when missing). */
export type FieldTest = (field: unknown) => boolean;

export { MAX_REGEX_LENGTH } from './linear-regex.ts';

export function isOperator(name: unknown): name is Operator {
  return typeof name === 'string' && (OPERATORS as readonly string[]).includes(name);
}

export function isUnary(operator: Operator): boolean {
  return UNARY_OPERATORS.includes(operator);
}

/** Deep JSON equality; numbers compare numerically, no type coercion, own keys only. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return a !== undefined;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ka = definedKeys(a as object);
  const kb = definedKeys(b as object);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && jsonEqual(ra[k], rb[k]));
}

// Keys whose value is undefined are absent in JSON.
function definedKeys(o: object): string[] {
  return Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function contains(field: unknown, operand: unknown): boolean {
  if (typeof field === 'string') return typeof operand === 'string' && field.includes(operand);
  if (Array.isArray(field)) return field.some((item) => jsonEqual(item, operand));
  if (isPlainObject(field)) {
    return typeof operand === 'string' && Object.hasOwn(field, operand) && field[operand] !== undefined;
  }
  return false;
}

function compare(field: unknown, operand: number | string): number | undefined {
  if (typeof operand === 'number') return isNumber(field) ? field - operand : undefined;
  if (typeof field !== 'string') return undefined;
  return field < operand ? -1 : field > operand ? 1 : 0;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Compiles one operator with its operand. `fail` reports a wrong operand shape (it throws, naming
 * the condition). Unary operators (exists, notExists) take no operand: pass undefined.
 */
export function compileOperator(operator: Operator, operand: unknown, fail: (reason: string) => never): FieldTest {
  if (isUnary(operator)) {
    if (operand !== undefined) fail(`${operator} takes no value`);
  } else if (operand === undefined) {
    fail(`${operator} needs a value`);
  }
  switch (operator) {
    case 'exists':
      return (field) => field !== undefined && field !== null;
    case 'notExists':
      return (field) => field === undefined || field === null;
    case 'equals':
      return (field) => jsonEqual(field, operand);
    case 'notEquals':
      return (field) => !jsonEqual(field, operand);
    case 'contains':
      return (field) => contains(field, operand);
    case 'notContains':
      return (field) => !contains(field, operand);
    case 'prefix':
    case 'suffix': {
      if (typeof operand !== 'string') fail(`${operator} needs a string, got ${describe(operand)}`);
      const s = operand as string;
      return operator === 'prefix'
        ? (field) => typeof field === 'string' && field.startsWith(s)
        : (field) => typeof field === 'string' && field.endsWith(s);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (!isNumber(operand) && typeof operand !== 'string') {
        fail(`${operator} needs a number or a string, got ${describe(operand)}`);
      }
      const o = operand as number | string;
      const holds = {
        gt: (c: number) => c > 0,
        gte: (c: number) => c >= 0,
        lt: (c: number) => c < 0,
        lte: (c: number) => c <= 0,
      }[operator];
      return (field) => {
        const c = compare(field, o);
        return c !== undefined && holds(c);
      };
    }
    case 'in':
    case 'notIn': {
      if (!Array.isArray(operand)) fail(`${operator} needs a list, got ${describe(operand)}`);
      const items = operand as unknown[];
      const isIn = (field: unknown) => items.some((item) => jsonEqual(field, item));
      return operator === 'in' ? isIn : (field) => !isIn(field);
    }
    case 'regex': {
      if (typeof operand !== 'string') fail(`regex needs a string pattern, got ${describe(operand)}`);
      const pattern = operand as string;
      let re: LinearRegex;
      try {
        re = compileLinearRegex(pattern);
      } catch (e) {
        return fail(`regex does not compile: ${(e as Error).message}`);
      }
      return (field) => typeof field === 'string' && re.test(field);
    }
    case 'between': {
      if (!Array.isArray(operand) || operand.length !== 2 || !isNumber(operand[0]) || !isNumber(operand[1])) {
        fail(`between needs [low, high], two numbers, got ${describe(operand)}`);
      }
      const [low, high] = operand as [number, number];
      if (low > high) fail(`between needs low <= high, got [${low}, ${high}]`);
      return (field) => isNumber(field) && low <= field && field <= high;
    }
    default: {
      const unknown: never = operator;
      return fail(`unknown operator ${JSON.stringify(unknown)}`);
    }
  }
}
