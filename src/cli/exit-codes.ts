/**
 * Exit codes of every command, in one place (the README lists them).
 *
 * plan:      0 FEASIBLE; 1 bad input; 2 NOT FEASIBLE (some pods fit no VNG); 3 FAILURE PREDICTED (every pod fits, but the
 *            run is expected to stop with one of Ocean's failure codes).
 * simulate:  0 the rehearsal Completed; 1 bad input; 3 it ended Failed or Stopped.
 * run:       0 Completed; 1 bad input or the cluster unreachable before anything started; 2 refused, nothing done (the plan is
 *            not feasible or predicts a failure, and no override was given); 3 Failed or Stopped; 4 interrupted or the
 *            Lease lost (the same command resumes).
 * chaos:     0 no invariant violated; 1 bad input; 4 a violation or an error.
 */
import type { Verdict } from '../planner/plan.js';

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_PLAN_NOT_FEASIBLE = 2;
export const EXIT_PLAN_FAILURE_PREDICTED = 3;

export function planExitCode(verdict: Verdict): number {
  switch (verdict) {
    case 'FEASIBLE':
      return EXIT_OK;
    case 'NOT_FEASIBLE':
      return EXIT_PLAN_NOT_FEASIBLE;
    case 'FAILURE_PREDICTED':
      return EXIT_PLAN_FAILURE_PREDICTED;
  }
}
