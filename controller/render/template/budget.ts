// A CPU-time budget for rendering. Templates run on the controller's one event loop, so the time
// a render takes is time every other box waits. The range-iteration and output caps bound what a
// loop with a cheap body can do; they do not bound a loop whose every iteration is costly, nor a
// custom resource whose list makes a `forEach` render the same templates thousands of times. The
// budget bounds both: the templates of one render (all children of one custom resource, or one
// template rendered on its own) stop once their evaluation has used RENDER_BUDGET_MS of the
// thread's CPU. Only template evaluation counts, not building the children from what they return.
//
// CPU time, not wall-clock time: on a loaded machine the process is descheduled, and a render
// that is slow only because of that must not fail.

/** CPU milliseconds the templates of one render may use. */
export const RENDER_BUDGET_MS = 100;

/** The budget of one render, drawn on by each template evaluation in it. */
export interface RenderMeter {
  readonly budgetMs: number;
  /** CPU used by the template evaluations of this render that have finished. */
  spentMs: number;
}

/** One template evaluation's draw on its render's meter. */
export interface Draw {
  readonly meter: RenderMeter;
  /** The thread's CPU time when this evaluation started drawing (ms). */
  readonly startCpuMs: number;
  /** performance.now() before which the budget cannot be spent yet. */
  nextCheck: number;
}

function threadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

// Rendering is synchronous: two renders never interleave, so one slot holds the render in progress.
let current: RenderMeter | undefined;

/**
 * Runs `render` (synchronous) as one render: every template it evaluates draws on one budget of
 * `budgetMs`. Inside another render it draws on that one's budget.
 */
export function withinRenderBudget<T>(render: () => T, budgetMs = RENDER_BUDGET_MS): T {
  if (current !== undefined) return render();
  current = { budgetMs, spentMs: 0 };
  try {
    return render();
  } finally {
    current = undefined;
  }
}

/** Starts drawing on the enclosing render's budget, else on one of this evaluation's own. */
export function startDraw(): Draw {
  const meter = current ?? { budgetMs: RENDER_BUDGET_MS, spentMs: 0 };
  return { meter, startCpuMs: threadCpuMs(), nextCheck: performance.now() + (meter.budgetMs - meter.spentMs) };
}

/**
 * True once the render has used its budget. Cheap between checks: one thread uses at most one
 * CPU millisecond per wall-clock millisecond, so its CPU clock (a system call) is read only when
 * enough wall-clock time has passed for the budget to be spent.
 */
export function overBudget(d: Draw): boolean {
  const now = performance.now();
  if (now < d.nextCheck) return false;
  const used = d.meter.spentMs + threadCpuMs() - d.startCpuMs;
  if (used >= d.meter.budgetMs) return true;
  d.nextCheck = now + (d.meter.budgetMs - used);
  return false;
}

/** Ends the evaluation's draw: what it used stays spent for the rest of the render. */
export function endDraw(d: Draw): void {
  d.meter.spentMs += threadCpuMs() - d.startCpuMs;
}
