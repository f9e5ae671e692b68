// Checks on a box that the CRD schema cannot express (its CEL cannot see untyped operands), run
// when a Katalog loads. Each problem names the field path, so the box's Failed message points
// the author at the exact entry.
import type { Box } from '../../api-types/box.ts';
import { OPERATORS, type Operator, UNARY_OPERATORS } from '../../api-types/condition.ts';
import { missingConversionPairs } from '../admission/conversion-route.ts';
import { compileLinearRegex } from '../render/condition/linear-regex.ts';

export interface BoxProblem {
  readonly path: string;
  readonly message: string;
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkCondition(c: Record<string, Json>, path: string, problems: BoxProblem[]) {
  if (c.cel !== undefined) return;
  const shorthand = OPERATORS.filter((op) => c[op] !== undefined);
  const operators = (c.operator !== undefined ? 1 : 0) + shorthand.length;
  if (operators !== 1) {
    problems.push({
      path,
      message:
        operators === 0
          ? 'a field condition needs an operator (operator: or a shorthand key such as equals:)'
          : `a field condition takes exactly one operator, found ${[c.operator, ...shorthand].filter(Boolean).join(', ')}`,
    });
    return;
  }
  if (typeof c.operator === 'string') {
    const unary = UNARY_OPERATORS.includes(c.operator as Operator);
    if (unary && c.value !== undefined)
      problems.push({ path: `${path}.value`, message: `operator ${c.operator} takes no value` });
    if (!unary && c.value === undefined)
      problems.push({ path: `${path}.value`, message: `operator ${c.operator} needs a value` });
  }
  const operand = c.operator === undefined ? c[shorthand[0] as string] : c.value;
  const op = (c.operator ?? shorthand[0]) as Operator;
  if (op === 'between' && !(Array.isArray(operand) && operand.length === 2)) {
    problems.push({ path, message: 'between takes a list of two values [low, high]' });
  }
  if ((op === 'in' || op === 'notIn') && !Array.isArray(operand)) {
    problems.push({ path, message: `${op} takes a list of values` });
  }
  if (op === 'regex' && typeof operand === 'string') {
    try {
      compileLinearRegex(operand);
    } catch (err) {
      problems.push({ path, message: `invalid regex: ${(err as Error).message}` });
    }
  }
}

/** Walks the whole box; conditions live under `when`, `or` and `admission.validation.rules`. */
function walk(node: Json, path: string, problems: BoxProblem[]) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      walk(item, `${path}[${i}]`, problems);
    });
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const p = `${path}.${key}`;
    if ((key === 'when' || key === 'or') && Array.isArray(value)) {
      value.forEach((c, i) => {
        if (isObject(c)) checkCondition(c, `${p}[${i}]`, problems);
      });
    }
    walk(value, p, problems);
  }
}

export function checkBox(boxName: string, box: Box): BoxProblem[] {
  const problems: BoxProblem[] = [];
  const base = `spec.crds.${boxName}`;
  walk(box, base, problems);
  box.admission?.validation?.rules.forEach((rule, i) => {
    checkCondition(rule as Record<string, Json>, `${base}.admission.validation.rules[${i}]`, problems);
  });
  box.admission?.mutation?.rules.forEach((rule, i) => {
    const r = rule as Record<string, Json>;
    if ((r.default === undefined) === (r.value === undefined)) {
      problems.push({ path: `${base}.admission.mutation.rules[${i}]`, message: 'set exactly one of default or value' });
    }
  });
  return problems;
}

/**
 * A box that declares conversion must connect every pair of versions its CRD serves: the API server
 * converts between any of them (reads in another version, objects kept in an older storage version).
 */
export function checkConversion(boxName: string, box: Box, servedVersions: readonly string[]): BoxProblem[] {
  const paths = box.admission?.conversion?.paths;
  if (!paths || servedVersions.length < 2) return [];
  const missing = missingConversionPairs(paths, servedVersions);
  if (missing.length === 0) return [];
  return [
    {
      path: `spec.crds.${boxName}.admission.conversion.paths`,
      message: `no conversion path from ${missing.map(([a, b]) => `${a} to ${b}`).join(', ')} (the CRD serves ${servedVersions.join(', ')})`,
    },
  ];
}
