// A condition that fails to evaluate (a CEL runtime error, a non-bool result) while deciding what
// a custom resource wants. It must not read as "false": a child entry whose `when` cannot be
// evaluated would be pruned, a status field dropped. The reconcile halts instead, with a problem
// that names the box, the Katalog entry and the expression.
import type { GateSource } from '../box/compiled-box.ts';
import type { Problem } from './cr-status.ts';

/** The expression of the condition the error names (errors start with the condition's `where`). */
export function failedExpression(where: string, source: GateSource, error: string): string | undefined {
  for (const key of ['when', 'or'] as const) {
    const list = source[key] ?? [];
    for (let i = 0; i < list.length; i++) {
      if (!error.startsWith(`${where}.${key}[${i}]:`)) continue;
      const condition = list[i] as { cel?: unknown };
      return typeof condition.cel === 'string' ? condition.cel : JSON.stringify(condition);
    }
  }
  return undefined;
}

/**
 * The problem for an evaluation error of the gate at `where` (a child entry, a status field, a
 * mutation rule). Stalled: retrying the same inputs fails the same way; a change to the custom
 * resource, its children or the Katalog reconciles again.
 */
export function evaluationProblem(box: string, where: string, source: GateSource, error: string): Problem {
  const expression = failedExpression(where, source, error);
  return {
    reason: 'EvaluationError',
    message: `box ${box}: ${error}${expression ? ` (expression: ${expression})` : ''}; children and status fields left as they are`,
    stalled: true,
  };
}
