// Static checks of a parsed CEL expression, done once at compile time. @bufbuild/cel parses and
// plans without a type checker (its checker is not exported and does not cover calls), so an
// unknown function or variable would only surface at evaluation. This walk reports, up front:
//   - a reference to a variable other than self, oldSelf, children, request, a macro's loop variables or
//     a type name (int, string, …);
//   - a call of a function or method the environment does not provide;
//   - a result that is certainly not a bool (`self.spec.replicas + 1`, `self.items.map(x, x)`,
//     `'text'`). A result the walk cannot type (`self.spec.enabled`, an index) is left to run time.
import type { CelEnv, parse } from '@bufbuild/cel';

type Expr = ReturnType<typeof parse>['expr'];
type ExprKind = Expr['exprKind'];
type KindValue<C extends ExprKind['case']> = Extract<ExprKind, { case: C }>['value'];

/** The variables bound for every condition. */
export const CEL_VARIABLES = ['self', 'oldSelf', 'children', 'request'] as const;

/**
 * Whether the expression names `variable` (outside a macro that rebinds it). Admission rules that
 * read `request` exist only at admission; reconcile has no request and skips them.
 */
export function referencesVariable(root: Expr, variable: string): boolean {
  const k = root.exprKind;
  switch (k.case) {
    case 'identExpr':
      return k.value.name === variable;
    case 'selectExpr':
      return k.value.operand !== undefined && referencesVariable(k.value.operand, variable);
    case 'callExpr':
      return (
        (k.value.target !== undefined && referencesVariable(k.value.target, variable)) ||
        k.value.args.some((a) => referencesVariable(a, variable))
      );
    case 'listExpr':
      return k.value.elements.some((e) => referencesVariable(e, variable));
    case 'structExpr':
      return k.value.entries.some(
        (e) =>
          (e.keyKind.case === 'mapKey' && referencesVariable(e.keyKind.value, variable)) ||
          (e.value !== undefined && referencesVariable(e.value, variable)),
      );
    case 'comprehensionExpr': {
      const c = k.value;
      if (c.iterVar === variable || c.accuVar === variable) return false;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].some(
        (e) => e !== undefined && referencesVariable(e, variable),
      );
    }
    default:
      return false;
  }
}

// Identifiers that name types (`type(self.x) == string`).
const TYPE_NAMES = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);

// Calls the planner implements itself rather than through the function resolver.
const BOOL_BUILTINS = new Set(['_&&_', '_||_', '@not_strictly_false', '__not_strictly_false__']);
const OTHER_BUILTINS = new Set(['_?_:_', '_[_]', '_[?_]', '_?._']);

/** Returns why the expression cannot be accepted (a full reason), or undefined when it passes. */
export function checkCel(root: Expr, env: CelEnv): string | undefined {
  const problem = findProblem(root, new Set(CEL_VARIABLES), env);
  if (problem !== undefined) return `CEL does not compile: ${problem}`;
  const type = resultType(root, env);
  if (type !== undefined && type !== 'bool') return `CEL must return bool, but returns ${type}`;
  return undefined;
}

// `a.b.c` as a qualified name, for namespaced functions such as strings.quote.
function qualifiedName(e: Expr): string | undefined {
  const k = e.exprKind;
  if (k.case === 'identExpr') return k.value.name;
  if (k.case === 'selectExpr' && !k.value.testOnly && k.value.operand) {
    const operand = qualifiedName(k.value.operand);
    return operand === undefined ? undefined : `${operand}.${k.value.field}`;
  }
  return undefined;
}

function namespacedFunction(call: KindValue<'callExpr'>, env: CelEnv): string | undefined {
  if (!call.target) return undefined;
  const qualifier = qualifiedName(call.target);
  if (qualifier === undefined) return undefined;
  const name = `${qualifier}.${call.function}`;
  return env.funcs.find(name) ? name : undefined;
}

function findProblem(e: Expr | undefined, scope: ReadonlySet<string>, env: CelEnv): string | undefined {
  if (!e) return undefined;
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr':
      return scope.has(k.value.name) || TYPE_NAMES.has(k.value.name)
        ? undefined
        : `undeclared reference to '${k.value.name}' (variables: ${CEL_VARIABLES.join(', ')})`;
    case 'selectExpr':
      return findProblem(k.value.operand, scope, env);
    case 'callExpr': {
      const call = k.value;
      const args = call.args;
      if (namespacedFunction(call, env) === undefined) {
        const name = call.function;
        if (!BOOL_BUILTINS.has(name) && !OTHER_BUILTINS.has(name) && !env.funcs.find(name)) {
          // `math.greatest(…)`: name the qualified function unless the target is a variable.
          const qualifier = call.target ? qualifiedName(call.target) : undefined;
          const root = qualifier?.split('.')[0] ?? '';
          const shown = qualifier !== undefined && !scope.has(root) ? `${qualifier}.${name}` : name;
          return `undeclared reference to function '${shown}'`;
        }
        const inTarget = findProblem(call.target, scope, env);
        if (inTarget !== undefined) return inTarget;
      }
      for (const arg of args) {
        const p = findProblem(arg, scope, env);
        if (p !== undefined) return p;
      }
      return undefined;
    }
    case 'listExpr':
      for (const item of k.value.elements) {
        const p = findProblem(item, scope, env);
        if (p !== undefined) return p;
      }
      return undefined;
    case 'structExpr':
      if (k.value.messageName !== '') return `unknown type ${k.value.messageName} (no message types are declared)`;
      for (const entry of k.value.entries) {
        const key = entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined;
        const p = findProblem(key, scope, env) ?? findProblem(entry.value, scope, env);
        if (p !== undefined) return p;
      }
      return undefined;
    case 'comprehensionExpr': {
      const c = k.value;
      const inner = new Set(scope);
      for (const v of [c.iterVar, c.iterVar2, c.accuVar]) if (v) inner.add(v);
      return (
        findProblem(c.iterRange, scope, env) ??
        findProblem(c.accuInit, scope, env) ??
        findProblem(c.loopCondition, inner, env) ??
        findProblem(c.loopStep, inner, env) ??
        findProblem(c.result, inner, env)
      );
    }
    default:
      return undefined;
  }
}

/** The CEL type name of the result when it is known statically, else undefined (dyn). */
function resultType(e: Expr | undefined, env: CelEnv): string | undefined {
  if (!e) return undefined;
  const k = e.exprKind;
  switch (k.case) {
    case 'constExpr':
      return (
        {
          boolValue: 'bool',
          int64Value: 'int',
          uint64Value: 'uint',
          doubleValue: 'double',
          stringValue: 'string',
          bytesValue: 'bytes',
          nullValue: 'null_type',
        } as Record<string, string>
      )[k.value.constantKind.case ?? ''];
    case 'identExpr':
      return TYPE_NAMES.has(k.value.name) ? 'type' : undefined;
    case 'selectExpr':
      return k.value.testOnly ? 'bool' : undefined; // has() is a test-only select
    case 'listExpr':
      return 'list';
    case 'structExpr':
      return k.value.messageName || 'map';
    case 'comprehensionExpr': {
      // Macros: all/exists accumulate a bool, map/filter a list, exists_one ends in `@result == 1`.
      const c = k.value;
      const r = c.result;
      const returnsAccu = r?.exprKind.case === 'identExpr' && r.exprKind.value.name === c.accuVar;
      return returnsAccu ? resultType(c.accuInit, env) : resultType(r, env);
    }
    case 'callExpr': {
      const name = k.value.function;
      if (BOOL_BUILTINS.has(name)) return 'bool';
      if (name === '_?_:_') {
        const t = resultType(k.value.args[1], env);
        const f = resultType(k.value.args[2], env);
        if (t === undefined || f === undefined || t === 'bool' || f === 'bool') {
          return t === 'bool' && f === 'bool' ? 'bool' : undefined;
        }
        return t === f ? t : `${t} or ${f}`;
      }
      if (OTHER_BUILTINS.has(name)) return undefined;
      const group = env.funcs.find(namespacedFunction(k.value, env) ?? name);
      if (!group) return undefined;
      const names = [...new Set([...group].map((f) => f.result.name))];
      if (names.includes('dyn')) return undefined;
      if (names.includes('bool')) return names.length === 1 ? 'bool' : undefined;
      return names.length === 1 ? names[0] : `one of ${names.join(', ')}`;
    }
    default:
      return undefined;
  }
}
