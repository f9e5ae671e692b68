// admission.mutation and admission.validation, run in memory on a copy of the custom resource
// before rendering. Both are pure (no I/O, the input is never changed), so an admission webhook
// can serve the same rules.

import type { CompiledBox } from '../box/compiled-box.ts';
import { setPath } from '../box/json-path.ts';
import { readPath } from '../render/condition/index.ts';
import type { TemplateData } from '../render/template/index.ts';
import { evaluationProblem } from './evaluation-error.ts';
import { Halt } from './halt.ts';

export interface ValidationResult {
  readonly denied: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Returns a mutated deep copy; the input is never changed. Throws Halt (reason EvaluationError)
 * when a rule's `when` fails to evaluate: skipping the rule would change what is desired.
 */
export function applyMutations<T extends Record<string, unknown>>(
  box: CompiledBox,
  object: T,
  data: (obj: T) => TemplateData,
): T {
  if (box.mutation.length === 0) return object;
  const copy = structuredClone(object);
  for (const rule of box.mutation) {
    const gate = rule.gate.evaluateWithReason({ self: copy });
    if (gate.error !== undefined) throw new Halt(evaluationProblem(box.name, rule.where, rule.gateSource, gate.error));
    if (!gate.result) continue;
    if (rule.mode === 'default' && readPath(copy, rule.field) !== undefined) continue;
    setPath(copy, rule.field, rule.value.render(data(copy)));
  }
  return copy;
}

export function validate(box: CompiledBox, object: unknown, oldObject?: unknown): ValidationResult {
  const denied: string[] = [];
  const warnings: string[] = [];
  for (const rule of box.validation) {
    // A rule about an optional field that is not set does not apply (as `!has(x) || ...` in CRD CEL);
    // `exists` rules are the way to require a field.
    if (rule.field !== undefined && !rule.requiresPresence && readPath(object, rule.field) === undefined) continue;
    if (rule.condition({ self: object, oldSelf: oldObject })) continue;
    (rule.action === 'warn' ? warnings : denied).push(rule.message);
  }
  return { denied, warnings };
}
