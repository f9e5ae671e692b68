// A reconcile that cannot go on: the stage that finds the problem throws it, the pipeline reports
// it in status (and as an Event) and leaves the children untouched.
import type { Problem } from './cr-status.ts';

export class Halt extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.message);
    this.problem = problem;
  }
}
