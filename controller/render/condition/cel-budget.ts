// A runtime cost limit for CEL, which @bufbuild/cel does not have. The API server bounds CRD CEL
// with a cost budget; conditions in a Katalog run inside the controller (reconcile and admission
// webhook), where an expression such as `l.all(a, l.all(b, l.all(c, ...)))` over a 20-item list
// would otherwise hold the event loop — and every other box — for minutes.
//
// The cost counted is comprehension steps (every iteration of all/exists/exists_one/map/filter,
// nested ones included), the only construct whose work is not bounded by the expression's size.
// Each comprehension's loop condition is wrapped in a call to a metering function before
// planning; past the limit the call fails, the fold returns that error at once, and so does
// every enclosing fold on its next step: evaluation ends with "cost limit exceeded".
import { type CelFunc, CelScalar, celFunc, type parse } from '@bufbuild/cel';

/** Comprehension steps allowed per evaluation (the API server's per-call limit is 1e6 cost units). */
export const CEL_STEP_LIMIT = 20_000;

type Expr = NonNullable<ReturnType<typeof parse>['expr']>;

// Not an identifier a user can write (CEL identifiers cannot start with '@'), so an expression
// cannot call it.
const METER = '@orkestra_step';

let stepsLeft = CEL_STEP_LIMIT;

/** The metering function; add it to the environment the metered expressions are planned in. */
export const CEL_METER: CelFunc = celFunc(METER, [CelScalar.DYN], CelScalar.DYN, (holds) => {
  stepsLeft -= 1;
  if (stepsLeft < 0) {
    throw new Error(`cost limit exceeded: more than ${CEL_STEP_LIMIT} comprehension steps in one evaluation`);
  }
  return holds;
});

function isNode(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Wraps every comprehension's loop condition in the meter, in place (the tree is the caller's). */
export function meterComprehensions(expr: Expr): Expr {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isNode(node)) return;
    for (const value of Object.values(node)) visit(value);
    if (node.$typeName === 'cel.expr.Expr.Comprehension' && isNode(node.loopCondition)) {
      const condition = node.loopCondition as Expr;
      node.loopCondition = {
        ...condition,
        exprKind: {
          case: 'callExpr',
          value: { $typeName: 'cel.expr.Expr.Call', function: METER, args: [condition] },
        },
      } as Expr;
    }
  };
  visit(expr);
  return expr;
}

/** Runs one evaluation with a fresh budget (evaluation is synchronous: budgets never interleave). */
export function withinBudget<T>(evaluate: () => T): T {
  stepsLeft = CEL_STEP_LIMIT;
  return evaluate();
}
