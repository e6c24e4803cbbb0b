/**
 * Plan, then simulate that plan: the one sequence `vngshift simulate`, the scenario replays and their tests share. The plan's
 * expected fleet is made beside the rehearsal when it can be (fleet-thread.ts).
 */
import type { AllocatableOptions } from '../src/catalog/allocatable.js';
import type { Catalog } from '../src/catalog/catalog.js';
import { expectedFleet, type ExpectedFleet } from '../src/planner/expected-fleet.js';
import { draftPlan, type Plan, type PlanDraft, type PlanInput } from '../src/planner/plan.js';
import type { TimingModel } from '../src/planner/timing.js';
import type { ScenarioInputs } from './scenario-inputs.js';
import { fleetBeside } from './fleet-thread.js';
import { simulate, type SimCapacity, type SimResult } from './simulate.js';
import type { ProgressSink } from '../src/model/progress.js';

export interface RehearsalOptions {
  readonly allowArchitectureChange?: boolean;
  /** Node options (--max-pods, --vm-memory-overhead-percent) for the plan, and so for the nodes the rehearsal launches. */
  readonly allocatable?: AllocatableOptions;
  readonly sources?: { readonly cluster: string; readonly vngs: string };
  /** Who launches the new nodes (simulate's `capacity`): an autoscaler of its own (default) or the engine's reconcile. */
  readonly capacity?: SimCapacity;
  /**
   * Told the plan's phases, then the simulation's batches (see buildPlan and simulate), the expected fleet's batches
   * among them when a thread makes it; no effect on either.
   */
  readonly onProgress?: ProgressSink;
  /** false: make the expected fleet in this thread, before the rehearsal (default: on a thread beside it, when one can run). */
  readonly fleetThread?: boolean;
}

export async function rehearse(
  inputs: Omit<ScenarioInputs, 'clusterSource'> & { readonly plannerTiming?: TimingModel },
  catalog: Catalog,
  options: RehearsalOptions = {},
): Promise<{ plan: Plan; result: SimResult; fleetOnThread: boolean }> {
  const planInput: PlanInput = {
    cluster: inputs.cluster,
    vngs: inputs.vngs,
    catalog,
    params: inputs.params,
    ...(inputs.plannerTiming !== undefined ? { timing: inputs.plannerTiming } : {}),
    allowArchitectureChange: options.allowArchitectureChange === true,
    ...(options.capacity === 'engine' ? { launcher: 'engine' as const } : {}),
    ...(options.sources ? { sources: options.sources } : {}),
    ...(options.allocatable ? { allocatable: options.allocatable } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  // The expected fleet, which the rehearsal does not read, on a second core while it runs (fleet-thread.ts); else here,
  // before it, as buildPlan makes it. The plan is the same either way.
  const job = options.fleetThread === false ? null : fleetBeside(planInput);
  let result: SimResult;
  let draft: PlanDraft;
  let here: ExpectedFleet | null;
  try {
    draft = draftPlan(planInput);
    here = job === null ? expectedFleet(draft.fleetInput) : null;
    result = await simulate({
      cluster: inputs.cluster,
      vngs: inputs.vngs,
      catalog,
      plan: draft.rehearsal,
      timing: inputs.timing,
      engineSettings: inputs.engine,
      faults: inputs.faults,
      seed: inputs.seed,
      ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
      ...(inputs.maxSeconds !== undefined ? { maxSeconds: inputs.maxSeconds } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (e) {
    job?.stop();
    throw e;
  }
  const fromThread = here === null && job !== null ? await job.result : null;
  const fleet = here ?? fromThread ?? expectedFleet(draft.fleetInput);
  return { plan: draft.finish(fleet), result, fleetOnThread: fromThread !== null };
}
