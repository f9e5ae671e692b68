// admission.mutation and admission.validation, run in memory on a copy of the custom resource
// before rendering. Both are pure (no I/O, the input is never changed), so an admission webhook
// can serve the same rules.

import type { CompiledBox } from '../box/compiled-box.ts';
import { formatFieldPath, readPath, setPath } from '../render/path/index.ts';
import type { TemplateData } from '../render/template/index.ts';
import { evaluationProblem } from './evaluation-error.ts';
import { Halt } from './halt.ts';

export interface ValidationResult {
  readonly denied: readonly string[];
  readonly warnings: readonly string[];
  /** Every rule that did not hold, in rule order, with why (an evaluation error) when known. */
  readonly violations: readonly Violation[];
}

export interface Violation {
  readonly where: string;
  /** The custom resource field the rule checks; undefined for CEL rules. */
  readonly field: string | undefined;
  readonly message: string;
  readonly action: 'deny' | 'warn';
  /** Set when the rule could not be evaluated (e.g. a CEL runtime error). */
  readonly error?: string;
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

/**
 * `request` is the admission request (operation, userInfo, …): the webhook passes it; reconcile
 * has none and skips the rules that read it.
 */
export function validate(box: CompiledBox, object: unknown, oldObject?: unknown, request?: unknown): ValidationResult {
  const denied: string[] = [];
  const warnings: string[] = [];
  const violations: Violation[] = [];
  for (const rule of box.validation) {
    if (rule.admissionOnly && request === undefined) continue;
    // A rule about an optional field that is not set does not apply (as `!has(x) || ...` in CRD CEL);
    // `exists` rules are the way to require a field.
    if (rule.field !== undefined && !rule.requiresPresence && readPath(object, rule.field) === undefined) continue;
    const outcome = rule.condition.evaluateWithReason({ self: object, oldSelf: oldObject, request });
    if (outcome.result) continue;
    // A rule that could not be evaluated (a CEL runtime error, its cost limit) still denies, and
    // says why: the author's message alone would blame a value that may be fine.
    (rule.action === 'warn' ? warnings : denied).push(
      outcome.error === undefined ? rule.message : `${rule.message} (${outcome.error})`,
    );
    const { where, message, action } = rule;
    const field = rule.field === undefined ? undefined : formatFieldPath(rule.field);
    violations.push(
      outcome.error === undefined
        ? { where, field, message, action }
        : { where, field, message, action, error: outcome.error },
    );
  }
  return { denied, warnings, violations };
}
