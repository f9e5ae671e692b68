// A reconcile that cannot go on: the stage that finds the problem throws it, the pipeline reports
// it in status (and as an Event) and leaves the children untouched.
import { TemplateError } from '../render/template/index.ts';
import type { Problem } from './cr-status.ts';

export class Halt extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.message);
    this.problem = problem;
  }
}

/** The problem of a template that failed to render (stalled: the same input fails the same way). */
export function renderFailed(err: unknown, message: string): Problem {
  const limit = err instanceof TemplateError && err.limitExceeded;
  return { reason: 'RenderFailed', message, stalled: true, ...(limit ? { renderLimit: true } : {}) };
}
