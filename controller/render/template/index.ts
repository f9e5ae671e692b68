/**
 * Orkestra's template engine: Go `text/template` syntax with Sprig-order functions, evaluated over a
 * custom resource as JSON (see DESIGN.md §1, "Templates").
 *
 * Why not an npm package: `@mdfriday/text-template` 26.4.1 (the closest port) was evaluated and is
 * not faithful enough. It is published UNLICENSED and minified; Execute() is async and always returns
 * a string (no typed results: "{{ .spec.replicas }}" cannot stay a number); a missing key silently
 * renders "" instead of an error naming the path; it has no Sprig functions (`default` must be
 * supplied by the caller and cannot tell "missing" from "empty"); printf lacks %q/%f/%x and misaligns
 * arguments after an unsupported verb; objects print as "[object Object]"; `.constructor` resolves
 * through the prototype; parse errors carry a line but no column. Hence this small lexer, parser and
 * evaluator:
 *
 *   lexer.ts     tokens, trim markers, comments, literals
 *   parser.ts    syntax tree; functions, arity and variables are checked at compile time
 *   evaluate.ts  rendering (pure, bounded output and iterations)
 *   functions.ts builtins and Sprig functions
 *   format.ts    Go's fmt (%v, printf verbs, Sprint, strconv.Quote, encoding/json)
 *   values.ts    the Missing marker, truthiness, safe field access
 *   errors.ts    TemplateError and limits
 *   budget.ts    the CPU-time budget of a render
 *   template.ts  compileTemplate / compileValue
 *
 * Syntax, functions and the deliberate differences from Go are listed in README.md beside this file.
 */
export { RENDER_BUDGET_MS, withinRenderBudget } from './budget.ts';
export { MAX_OUTPUT_CHARS, MAX_RANGE_ITERATIONS, MAX_SOURCE_BYTES, TemplateError } from './errors.ts';
export {
  type CompiledTemplate,
  type CompiledValue,
  compileTemplate,
  compileValue,
  type TemplateData,
} from './template.ts';
