/**
 * The invariant checkers of the design notes, run over one simulated run: `checkInvariants` returns every violation found
 * (none for a sound run). Each checker re-derives the facts it needs from the plan, the input cluster and the run's result
 * (trace, instances, final fields); none calls the engine or the world. Invariants 7 (determinism), 8 (agreement with the
 * planner) and 10 (crash and resume) are properties over several runs: see test/property/sim-*.test.ts.
 */
import { checkBatchConcurrency } from './batch-concurrency.js';
import { checkBoundedRun } from './bounded-run.js';
import { checkNoBusyTermination } from './no-busy-termination.js';
import { checkNoPodLost } from './no-pod-lost.js';
import { checkPdbRespected } from './pdb-respected.js';
import { checkPlanInstancesOnly } from './plan-instances-only.js';
import { checkStopUncordons } from './stop-uncordons.js';
import { DEFAULT_CHECK_PARAMS, type CheckInput, type Checker, type Violation } from './types.js';

export type { CheckInput, CheckParams, Violation } from './types.js';
export { DEFAULT_CHECK_PARAMS } from './types.js';
export { runBound } from './bounded-run.js';
export {
  checkBatchConcurrency,
  checkBoundedRun,
  checkNoBusyTermination,
  checkNoPodLost,
  checkPdbRespected,
  checkPlanInstancesOnly,
  checkStopUncordons,
};

/** The checkers by invariant number. */
export const CHECKERS: Readonly<Record<number, Checker>> = {
  1: checkNoPodLost,
  2: checkPdbRespected,
  3: checkBatchConcurrency,
  4: checkNoBusyTermination,
  5: checkPlanInstancesOnly,
  6: checkStopUncordons,
  9: checkBoundedRun,
};

/** Runs the checkers (all, or those of `only`) and returns their violations, by invariant then time. */
export function checkInvariants(input: CheckInput, only?: readonly number[]): Violation[] {
  const params = { ...DEFAULT_CHECK_PARAMS, ...(input.params ?? {}) };
  const out: Violation[] = [];
  for (const [n, checker] of Object.entries(CHECKERS)) {
    if (only && !only.includes(Number(n))) continue;
    out.push(...checker(input, params).slice(0, params.maxPerInvariant));
  }
  return out;
}

/** One line per violation, for test failure messages and the CLI. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `invariant ${v.invariant}${v.t !== undefined ? ` @${v.t}s` : ''}: ${v.message}`).join('\n');
}
