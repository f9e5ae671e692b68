// CEL conditions on @bufbuild/cel (a CEL evaluator for ECMAScript, conformance-tested against
// cel-spec). An expression is parsed, statically checked (cel-check.ts) and planned once, at
// compile time; evaluation binds `self`, `oldSelf`, `children` and `request` per input.
//
// Environment: the CEL standard library — operators, `in`, size(), type conversions (int(),
// double(), string(), …), timestamp()/duration(), the string methods contains/startsWith/
// endsWith/matches (RE2 syntax), the macros has/all/exists/exists_one/map/filter — plus the
// strings extension Kubernetes also offers (lowerAscii, upperAscii, replace, split, join, trim,
// indexOf, lastIndexOf, substring, charAt, format, strings.quote).
//
// JSON values reach CEL as Kubernetes presents them:
//   - an integral JSON number (3, and also 3.0, which JSON.parse cannot tell from 3) is a CEL int,
//     so `self.spec.replicas >= 3` and `self.spec.replicas + 1 == 4` work; any other number is a
//     double. (@bufbuild/cel itself maps every JS number to double, where `self.spec.replicas + 1`
//     fails with "no matching overload for _+_ (double, int)", hence the conversion.) CEL has no
//     implicit int/double arithmetic: `self.spec.ratio * 2` needs `2.0` when ratio is 1.5 and
//     `double(self.spec.ratio) * 1.5` when it may be integral. Comparisons across int and double
//     (`self.spec.replicas > 1.5`) do work.
//   - objects are maps with string keys (own enumerable properties; undefined values omitted), so
//     `self.metadata.labels['app.kubernetes.io/name']` and `'app' in self.metadata.labels` work;
//     arrays are lists; objects with toJSON (Date) are converted as JSON.stringify would.
//   - `oldSelf` is null when absent; `children` is a map of kind → list (empty when absent);
//     `request` (operation, userInfo, namespace, name, dryRun) is set only at admission, else null.
//
// Evaluation outcome: a bool result is the outcome. A result of another type, or a runtime
// error (a missing key — `self.spec.nope` where spec has no nope —, an overload mismatch, division
// by zero), makes the condition false, with the reason returned beside it (never thrown).
//
// Known @bufbuild/cel 0.6.1 differences from cel-go (what the API server runs): `has(m.k)` is false
// when k is present with a null value (cel-go: true); optional syntax (`self.?x`) and
// two-variable comprehensions are not parsed; the lists/sets/math/quantity/url/ip Kubernetes
// libraries are not available. The API server's cost estimate is replaced by a runtime limit on
// comprehension steps (cel-budget.ts).
import { type CelInput, type CelResult, celEnv, celError, celType, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { CEL_METER, meterComprehensions, withinBudget } from './cel-budget.ts';
import { checkCel, referencesVariable } from './cel-check.ts';
import type { ConditionInput, ConditionOutcome } from './types.ts';

/** The shared environment: standard library plus the strings extension. */
export const CEL_ENV = celEnv({ funcs: strings });
// What expressions are planned in: CEL_ENV plus the step meter, which no source can name.
const METERED_ENV = celEnv({ funcs: [...strings, CEL_METER] });

/** Plans a parsed expression with the step limit; the returned function never exceeds it. */
export function planMetered(
  parsed: ReturnType<typeof parse>,
): (bindings: CelBindings | Record<string, CelInput>) => CelResult {
  const program = plan(METERED_ENV, { ...parsed, expr: parsed.expr && meterComprehensions(parsed.expr) });
  return (bindings) => withinBudget(() => program(bindings));
}

/** The variables of one evaluation, converted once and shared by the conditions of a gate. */
export type CelBindings = Readonly<Record<'self' | 'oldSelf' | 'children' | 'request', CelInput>>;

/** A compiled CEL condition: evaluates converted bindings to an outcome. */
export type CelProgram = (bindings: CelBindings) => ConditionOutcome;

const INT64_LIMIT = 2 ** 63;

/** Converts a JSON value (as JavaScript holds it) to a CEL input; see the notes at the top. */
export function toCelValue(value: unknown): CelInput {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < INT64_LIMIT ? BigInt(value) : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toCelValue(item)));
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return toCelValue(toJSON.call(value));
      const map = new Map<string, CelInput>();
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined && typeof item !== 'function' && typeof item !== 'symbol')
          map.set(key, toCelValue(item));
      }
      return map;
    }
    default:
      return null; // undefined, functions and symbols have no JSON form
  }
}

/** Converts a condition input to the CEL variables. */
export function toCelBindings(input: ConditionInput): CelBindings {
  const children = new Map<string, CelInput>();
  for (const [kind, list] of Object.entries(input.children ?? {})) {
    if (list !== undefined) children.set(kind, toCelValue(list));
  }
  return {
    self: toCelValue(input.self),
    oldSelf: input.oldSelf === undefined ? null : toCelValue(input.oldSelf),
    children,
    request: input.request === undefined ? null : toCelValue(input.request),
  };
}

function typeName(value: CelResult): string {
  try {
    return celType(value as Exclude<CelResult, Error>).name;
  } catch {
    return typeof value;
  }
}

/**
 * Parses, checks and plans a CEL expression. Returns the program, or the reason it does not
 * compile (the parser's message, or the static check's).
 */
export function compileCel(source: string, where: string): CelProgram | { readonly error: string } {
  let program: ReturnType<typeof planMetered>;
  try {
    const parsed = parse(source);
    const problem = checkCel(parsed.expr, CEL_ENV);
    if (problem !== undefined) return { error: problem };
    program = planMetered(parsed);
  } catch (e) {
    return { error: `CEL does not compile: ${e instanceof Error ? e.message : String(e)}` };
  }
  return (bindings) => {
    let value: CelResult;
    try {
      value = program(bindings);
    } catch (e) {
      // plan()'s evaluator returns errors rather than throwing; this is a guard, not a path.
      value = celError(e);
    }
    if (typeof value === 'boolean') return { result: value };
    if (isCelError(value)) {
      return { result: false, error: `${where}: CEL evaluation failed: ${value.message}` };
    }
    return { result: false, error: `${where}: CEL returned ${typeName(value)}, not bool` };
  };
}

/** Whether a CEL source that compiles names `variable`; false for a source that does not parse. */
export function celReferences(source: string, variable: string): boolean {
  try {
    return referencesVariable(parse(source).expr, variable);
  } catch {
    return false;
  }
}
