/**
 * Plan, then simulate that plan: the one sequence `vngshift simulate`, the scenario replays and their tests share. The plan
 * is made on a thread beside the world and the rehearsal when it can be (plan-thread.ts).
 */
import type { AllocatableOptions } from '../src/catalog/allocatable.js';
import type { Catalog } from '../src/catalog/catalog.js';
import { expectedFleet } from '../src/planner/expected-fleet.js';
import { draftPlan, type Plan, type PlanDraft, type PlanInput } from '../src/planner/plan.js';
import type { TimingModel } from '../src/planner/timing.js';
import type { ScenarioInputs } from './scenario-inputs.js';
import { planBeside, type PlanThread } from './plan-thread.js';
import { simulate, type SimCapacity, type SimInput, type SimResult } from './simulate.js';
import type { ProgressSink } from '../src/model/progress.js';

export interface RehearsalOptions {
  readonly allowArchitectureChange?: boolean;
  /** Node options (--max-pods, --vm-memory-overhead-percent) for the plan, and so for the nodes the rehearsal launches. */
  readonly allocatable?: AllocatableOptions;
  readonly sources?: { readonly cluster: string; readonly vngs: string };
  /** Who launches the new nodes (simulate's `capacity`): an autoscaler of its own (default) or the engine's reconcile. */
  readonly capacity?: SimCapacity;
  /**
   * Told the plan's phases, then the simulation's batches (see buildPlan and simulate); when a thread makes the plan, its
   * expected fleet's batches come among the simulation's. No effect on either.
   */
  readonly onProgress?: ProgressSink;
  /**
   * false: make the plan in this thread, before the rehearsal. A PlanThread: the thread to make it on, started earlier
   * (startPlanThread: its modules loaded while the input was read). Default (or null: none could start earlier): a thread
   * started here, when one can run.
   */
  readonly planThread?: boolean | PlanThread | null;
  /**
   * Test seam: the worker script the plan's thread runs instead of plan-worker.js (one that fails on purpose, to check
   * that the plan and the rehearsal come out the same), when no PlanThread is handed in. Not for production runs.
   */
  readonly planWorker?: string;
}

export async function rehearse(
  inputs: Omit<ScenarioInputs, 'clusterSource'> & { readonly plannerTiming?: TimingModel },
  catalog: Catalog,
  options: RehearsalOptions = {},
): Promise<{ plan: Plan; result: SimResult; planOnThread: boolean }> {
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
  const sim = (plan: SimInput['plan']): Promise<SimResult> =>
    simulate({
      cluster: inputs.cluster,
      vngs: inputs.vngs,
      catalog,
      plan,
      timing: inputs.timing,
      engineSettings: inputs.engine,
      faults: inputs.faults,
      seed: inputs.seed,
      ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
      ...(inputs.maxSeconds !== undefined ? { maxSeconds: inputs.maxSeconds } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  // The plan on a second core (plan-thread.ts): its draft while the world is built here, its expected fleet (which the
  // rehearsal does not read) while the rehearsal runs. Else here, before both, as buildPlan makes it. The same plan either way.
  const given = typeof options.planThread === 'object' ? options.planThread : null;
  const job = options.planThread === false ? null : given !== null ? given.plan(planInput) : planBeside(planInput, options.planWorker);
  if (job === null) {
    const draft = draftPlan(planInput);
    const fleet = expectedFleet(draft.fleetInput);
    const result = await sim(draft.rehearsal);
    return { plan: draft.finish(fleet), result, planOnThread: false };
  }
  /** This thread's own draft, made only when the thread failed before sending what is needed of it. */
  let here: PlanDraft | null = null;
  const draftHere = (): PlanDraft => (here ??= draftPlan(planInput));
  let result: SimResult;
  try {
    result = await sim({
      world: { allowArchitectureChange: planInput.allowArchitectureChange === true, ...(planInput.allocatable ? { allocatable: planInput.allocatable } : {}) },
      later: async () => (await job.rehearsal) ?? draftHere().rehearsal,
    });
  } catch (e) {
    job.stop();
    throw e;
  }
  const fromThread = await job.plan;
  if (fromThread !== null) return { plan: fromThread, result, planOnThread: true };
  const draft = draftHere();
  return { plan: draft.finish(expectedFleet(draft.fleetInput)), result, planOnThread: false };
}
