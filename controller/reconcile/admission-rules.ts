// admission.mutation and admission.validation, run in memory on a copy of the custom resource
// before rendering (the admission webhooks run the same functions at the API server).

import type { CompiledBox } from '../box/compiled-box.ts';
import { setPath } from '../box/json-path.ts';
import { readPath } from '../render/condition/index.ts';
import type { TemplateData } from '../render/template/index.ts';

export interface ValidationResult {
  readonly denied: readonly string[];
  readonly warnings: readonly string[];
}

/** Returns a mutated deep copy; the input is never changed. */
export function applyMutations<T extends Record<string, unknown>>(
  box: CompiledBox,
  object: T,
  data: (obj: T) => TemplateData,
): T {
  if (box.mutation.length === 0) return object;
  const copy = structuredClone(object);
  for (const rule of box.mutation) {
    if (!rule.gate({ self: copy })) continue;
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
