// Compiling conditions and gates. One evaluator serves every place a condition appears: `when`,
// `or`, admission validation rules, status-field gates.
//
// A condition has one of three forms:
//   {field: spec.x, operator: gte, value: 3}     the explicit form
//   {field: spec.x, gte: 3}                      the shorthand: exactly one operator key holding
//                                                the operand; the unary ones are written
//                                                `exists: true` / `notExists: true`
//   {cel: "self.spec.x >= 3"}                    CEL (cel.ts)
// `field` is a path (../path/) relative to the custom resource (`self`); operators are
// described in operators.ts. Other keys (a validation rule's message and action) are ignored.
//
// `negate: true` inverts the outcome. An evaluation error (only CEL has them) is not an outcome:
// the condition is false whether negated or not, so a failing expression never makes an entry
// apply or a rule pass by accident; the error is returned by evaluateWithReason.
//
// Everything checkable is checked at compile time and reported as a ConditionError whose message
// starts with `where`; evaluation never throws.
import { type Condition, OPERATORS, type Operator } from '../../../api-types/condition.ts';
import { type FieldPath, parseFieldPath, readPath } from '../path/index.ts';
import { type CelBindings, compileCel, toCelBindings } from './cel.ts';
import { ConditionError } from './errors.ts';
import { compileOperator, isOperator, isUnary } from './operators.ts';
import type { CompiledCondition, ConditionInput, ConditionOutcome } from './types.ts';

// Evaluates one input; `bindings` converts the input for CEL lazily, once per gate evaluation.
type Evaluate = (input: ConditionInput, bindings: () => CelBindings) => ConditionOutcome;

const TRUE: ConditionOutcome = Object.freeze({ result: true });
const FALSE: ConditionOutcome = Object.freeze({ result: false });

// Keys of a condition that are not operators; anything else that is not an operator is reported
// when no operator is found (a likely typo such as `greaterThan: 3`).
const CONDITION_KEYS = new Set(['field', 'operator', 'value', 'negate', 'cel', 'message', 'action']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compileInternal(condition: unknown, where: string): Evaluate {
  const fail = (reason: string): never => {
    throw new ConditionError(where, reason);
  };
  if (!isRecord(condition))
    return fail('a condition is an object: {field, operator, value}, {field, <op>: v} or {cel}');
  const { field, operator, value, negate, cel } = condition;
  if (negate !== undefined && typeof negate !== 'boolean') fail('negate must be true or false');
  const invert = negate === true;
  const shorthand = OPERATORS.filter((op) => Object.hasOwn(condition, op) && condition[op] !== undefined);

  if (cel !== undefined) {
    if (field !== undefined) fail('a condition sets exactly one of cel or field');
    if (operator !== undefined || value !== undefined || shorthand.length > 0) {
      fail('a cel condition takes no operator or value');
    }
    if (typeof cel !== 'string' || cel.trim() === '') fail('cel must be a non-empty string');
    const program = compileCel(cel as string, where);
    if ('error' in program) return fail(program.error);
    return (_input, bindings) => {
      let converted: CelBindings;
      try {
        converted = bindings();
      } catch (e) {
        return { result: false, error: `${where}: CEL input cannot be converted: ${(e as Error).message}` };
      }
      const outcome = program(converted);
      if (outcome.error !== undefined) return outcome;
      return outcome.result !== invert ? TRUE : FALSE;
    };
  }

  if (field === undefined) fail('a condition sets exactly one of cel or field');
  if (typeof field !== 'string') fail('field must be a string path such as spec.replicas');
  let path: FieldPath;
  try {
    path = parseFieldPath(field as string);
  } catch (e) {
    return fail((e as Error).message);
  }

  let op: Operator;
  let operand: unknown;
  if (operator !== undefined) {
    if (!isOperator(operator)) {
      return fail(`unknown operator ${JSON.stringify(operator)} (operators: ${OPERATORS.join(', ')})`);
    }
    if (shorthand.length > 0)
      fail(`set operator or a shorthand operator key, not both (found ${shorthand.join(', ')})`);
    op = operator;
    operand = value;
  } else {
    if (shorthand.length === 0) {
      const unknown = Object.keys(condition).filter((k) => !CONDITION_KEYS.has(k));
      const found = unknown.length > 0 ? `; unknown keys: ${unknown.join(', ')}` : '';
      return fail(
        `no operator: set operator, or one operator key such as gte: 3 (operators: ${OPERATORS.join(', ')})${found}`,
      );
    }
    if (shorthand.length > 1) return fail(`exactly one operator key allowed, found ${shorthand.join(', ')}`);
    if (value !== undefined)
      fail('value belongs to the {field, operator, value} form; the shorthand puts it under the operator key');
    op = shorthand[0] as Operator;
    operand = condition[op];
    if (isUnary(op)) {
      if (operand !== true) fail(`${op} takes true (for the opposite use ${op === 'exists' ? 'notExists' : 'exists'})`);
      operand = undefined;
    }
  }
  const test = compileOperator(op, operand, fail);
  return (input) => (test(readPath(input.self, path)) !== invert ? TRUE : FALSE);
}

function finish(evaluate: Evaluate, where: string): CompiledCondition {
  const evaluateWithReason = (input: ConditionInput): ConditionOutcome => {
    let bindings: CelBindings | undefined;
    return evaluate(input, () => {
      bindings ??= toCelBindings(input);
      return bindings;
    });
  };
  const holds = (input: ConditionInput): boolean => evaluateWithReason(input).result;
  return Object.assign(holds, { evaluateWithReason, where });
}

/**
 * Compiles one condition. Throws ConditionError (its message starts with `where`) for an unknown
 * operator, a wrong operand shape (between needs [low, high], in/notIn a list, a regex that does
 * not compile or is longer than 1024 characters), a malformed field path, a condition that is
 * not exactly one of the three forms, or CEL that does not compile or certainly does not return
 * a bool.
 */
export function compileCondition(condition: Condition, where: string): CompiledCondition {
  return finish(compileInternal(condition, where), where);
}

/**
 * Compiles a gate: every `when` entry must hold and, if `or` is given and non-empty, at least one
 * of its entries as well. Missing or empty both → always true. Entries are evaluated in order and
 * stop early (the first false `when`, the first true `or`); CEL inputs are converted once per
 * evaluation and shared by the entries. A false gate reports the error of the `when` entry that
 * failed, or the first error among the `or` entries when none held. Conditions are named
 * `${where}.when[i]` and `${where}.or[i]`.
 */
export function compileGate(gate: { when?: Condition[]; or?: Condition[] }, where: string): CompiledCondition {
  if (!isRecord(gate)) throw new ConditionError(where, 'a gate is an object with when and or');
  const compileList = (key: 'when' | 'or'): Evaluate[] => {
    const list: unknown = gate[key];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw new ConditionError(`${where}.${key}`, `${key} must be a list of conditions`);
    return list.map((c, i) => compileInternal(c, `${where}.${key}[${i}]`));
  };
  const when = compileList('when');
  const or = compileList('or');
  return finish((input, bindings) => {
    for (const condition of when) {
      const outcome = condition(input, bindings);
      if (!outcome.result) return outcome;
    }
    if (or.length === 0) return TRUE;
    let error: string | undefined;
    for (const condition of or) {
      const outcome = condition(input, bindings);
      if (outcome.result) return TRUE;
      error ??= outcome.error;
    }
    return error === undefined ? FALSE : { result: false, error };
  }, where);
}
