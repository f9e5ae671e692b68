// A CPU-time budget for rendering. Templates run on the controller's one event loop, so the time
// a render takes is time every other box waits. The range-iteration and output caps bound what a
// loop with a cheap body can do; they do not bound a loop whose every iteration is costly, nor a
// custom resource whose list makes a `forEach` render the same templates thousands of times. The
// budget bounds both: the templates of one render (all children of one custom resource, or one
// template rendered on its own) stop once they have used RENDER_BUDGET_MS of the thread's CPU.
//
// CPU time, not wall-clock time: on a loaded machine the process is descheduled, and a render
// that is slow only because of that must not fail.

/** CPU milliseconds the templates of one render may use. */
export const RENDER_BUDGET_MS = 100;

export interface RenderMeter {
  readonly budgetMs: number;
  /** The thread's CPU time when the render began (ms). */
  readonly startCpuMs: number;
  /** performance.now() before which the budget cannot be spent yet. */
  nextCheck: number;
}

function threadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

function meter(budgetMs: number): RenderMeter {
  return { budgetMs, startCpuMs: threadCpuMs(), nextCheck: performance.now() + budgetMs };
}

// Rendering is synchronous: two renders never interleave, so one slot holds the render in progress.
let current: RenderMeter | undefined;

/**
 * Runs `render` as one render: every template it evaluates draws on one budget of `budgetMs`.
 * Inside another render it draws on that one's budget.
 */
export function withinRenderBudget<T>(render: () => T, budgetMs = RENDER_BUDGET_MS): T {
  if (current !== undefined) return render();
  current = meter(budgetMs);
  try {
    return render();
  } finally {
    current = undefined;
  }
}

/** The meter a template evaluation draws on: the enclosing render's, else one of its own. */
export function renderMeter(): RenderMeter {
  return current ?? meter(RENDER_BUDGET_MS);
}

/**
 * True once the render has used its budget. Cheap between checks: one thread uses at most one
 * CPU millisecond per wall-clock millisecond, so its CPU clock (a system call) is read only when
 * enough wall-clock time has passed for the budget to be spent.
 */
export function overBudget(m: RenderMeter): boolean {
  const now = performance.now();
  if (now < m.nextCheck) return false;
  const used = threadCpuMs() - m.startCpuMs;
  if (used >= m.budgetMs) return true;
  m.nextCheck = now + (m.budgetMs - used);
  return false;
}
