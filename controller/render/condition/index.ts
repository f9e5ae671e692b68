// The condition evaluator: one implementation for every condition of a Katalog (`when`, `or`,
// validation rules, status-field gates). Compile once when the Katalog loads (errors name the
// Katalog field path), evaluate per reconcile.
//
//   const gate = compileGate(entry, 'spec.crds.web.operatorBox.reconcile.onCreate.services[0]');
//   if (gate({ self: cr, children })) …
//   const { result, error } = gate.evaluateWithReason({ self: cr, children }); // error: why false
//
// See compile.ts (forms, negate, gates), operators.ts (field operators), ../path/ (field paths),
// cel.ts (CEL environment and value mapping).
export { CEL_ENV, celReferences, toCelValue } from './cel.ts';
export { compileCondition, compileGate } from './compile.ts';
export { ConditionError } from './errors.ts';
export { jsonEqual, MAX_REGEX_LENGTH } from './operators.ts';
export type { CompiledCondition, ConditionInput, ConditionOutcome } from './types.ts';
