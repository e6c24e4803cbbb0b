/**
 * What the invariant checkers read and what they report. A checker sees only the plan, the input cluster and the run's
 * result (its trace, instances and final fields): it never asks the engine or the world, so it re-derives every fact from
 * what was recorded (an independent judge, not the engine grading itself).
 */
import type { Cluster } from '../../src/model/types.js';
import type { Plan } from '../../src/planner/plan.js';
import type { SimResult } from '../simulate.js';

/** Knobs of the checks themselves (not of the migration). */
export interface CheckParams {
  /**
   * Extra seconds allowed past the bound of invariant 9 on top of the computed slack (default 0). See bounded-run.ts for the
   * bound that is checked.
   */
  readonly extraBoundSeconds: number;
  /** At most this many violations per invariant are reported (default 20). */
  readonly maxPerInvariant: number;
}

export const DEFAULT_CHECK_PARAMS: CheckParams = { extraBoundSeconds: 0, maxPerInvariant: 20 };

export interface CheckInput {
  readonly plan: Plan;
  readonly cluster: Cluster;
  readonly result: SimResult;
  readonly params?: Partial<CheckParams>;
}

export interface Violation {
  /** The invariant's number in the design notes (1-10). */
  readonly invariant: number;
  readonly message: string;
  /** Virtual time of the offending event, when there is one. */
  readonly t?: number;
  /** The objects concerned, as `Kind namespace/name` or `Kind name`. */
  readonly objects: readonly string[];
}

export type Checker = (input: CheckInput, params: CheckParams) => Violation[];
