/**
 * Checkers that walk the trace with the replayed cluster state (invariants 1, 2, 3, 4 and 6). Each is written as hooks on
 * the walk plus a `finish` over the final state, so `checkInvariants` can run them all on one walk of the trace instead of
 * one walk each; `alone` makes a plain Checker of one of them for callers that want a single invariant.
 */
import { walk, type Replay, type WalkHooks } from './replay.js';
import type { CheckInput, CheckParams, Checker, Violation } from './types.js';

/** One checker's part in a walk: what it looks at on the way, and its violations once the walk is over. */
export interface WalkingCheck {
  readonly hooks: WalkHooks;
  readonly finish: (r: Replay) => Violation[];
}

export type WalkingChecker = (input: CheckInput, params: CheckParams) => WalkingCheck;

/** The checker on a walk of its own. */
export function alone(w: WalkingChecker): Checker {
  return (input, params) => {
    const c = w(input, params);
    return c.finish(walk(input.cluster, input.result.events, c.hooks));
  };
}

/** A check with nothing to look at on this run. */
export const NOTHING_TO_CHECK: WalkingCheck = { hooks: {}, finish: () => [] };
