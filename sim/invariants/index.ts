/**
 * The invariant checkers of the design notes, run over one simulated run: `checkInvariants` returns every violation found
 * (none for a sound run). Each checker re-derives the facts it needs from the plan, the input cluster and the run's result
 * (trace, instances, final fields); none calls the engine or the world. Invariants 7 (determinism), 8 (agreement with the
 * planner) and 10 (crash and resume) are properties over several runs: see test/property/sim-*.test.ts.
 */
import { batchConcurrencyWalk, checkBatchConcurrency } from './batch-concurrency.js';
import { checkBoundedRun } from './bounded-run.js';
import { checkNoBusyTermination, noBusyTerminationWalk } from './no-busy-termination.js';
import { checkNoPodLost, noPodLostWalk } from './no-pod-lost.js';
import { checkPdbRespected, pdbRespectedWalk } from './pdb-respected.js';
import { checkPlanInstancesOnly } from './plan-instances-only.js';
import { walkAll, type Replay } from './replay.js';
import { checkStopUncordons, stopUncordonsWalk } from './stop-uncordons.js';
import { DEFAULT_CHECK_PARAMS, type CheckInput, type Checker, type Violation } from './types.js';
import type { WalkingCheck, WalkingChecker } from './walking.js';

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

/** The checkers that walk the trace, by invariant number: checkInvariants runs them on one shared walk. */
const WALKING: Readonly<Record<number, WalkingChecker>> = {
  1: noPodLostWalk,
  2: pdbRespectedWalk,
  3: batchConcurrencyWalk,
  4: noBusyTerminationWalk,
  6: stopUncordonsWalk,
};

/**
 * Runs the checkers (all, or those of `only`) and returns their violations, by invariant then time. The checkers that walk
 * the trace share one walk (each sees the state it would see on its own walk); the others read the result directly.
 */
export function checkInvariants(input: CheckInput, only?: readonly number[]): Violation[] {
  const params = { ...DEFAULT_CHECK_PARAMS, ...(input.params ?? {}) };
  const chosen = Object.keys(CHECKERS)
    .map(Number)
    .filter((n) => !only || only.includes(n));
  const walking = new Map<number, WalkingCheck>();
  for (const n of chosen) {
    const w = WALKING[n];
    if (w) walking.set(n, w(input, params));
  }
  const replay: Replay | null = walking.size > 0 ? walkAll(input.cluster, input.result.events, [...walking.values()].map((c) => c.hooks)) : null;
  const out: Violation[] = [];
  for (const n of chosen) {
    const w = walking.get(n);
    const found = w && replay ? w.finish(replay) : (CHECKERS[n] as Checker)(input, params);
    out.push(...found.slice(0, params.maxPerInvariant));
  }
  return out;
}

/** One line per violation, for test failure messages and the CLI. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `invariant ${v.invariant}${v.t !== undefined ? ` @${v.t}s` : ''}: ${v.message}`).join('\n');
}
