/** Plan, then simulate that plan: the one sequence `vngshift simulate`, the scenario replays and their tests share. */
import type { AllocatableOptions } from '../src/catalog/allocatable.js';
import type { Catalog } from '../src/catalog/catalog.js';
import { buildPlan, type Plan } from '../src/planner/plan.js';
import type { TimingModel } from '../src/planner/timing.js';
import type { ScenarioInputs } from './scenario-inputs.js';
import { simulate, type SimCapacity, type SimResult } from './simulate.js';
import type { ProgressSink } from '../src/model/progress.js';

export interface RehearsalOptions {
  readonly allowArchitectureChange?: boolean;
  /** Node options (--max-pods, --vm-memory-overhead-percent) for the plan, and so for the nodes the rehearsal launches. */
  readonly allocatable?: AllocatableOptions;
  readonly sources?: { readonly cluster: string; readonly vngs: string };
  /** Who launches the new nodes (simulate's `capacity`): an autoscaler of its own (default) or the engine's reconcile. */
  readonly capacity?: SimCapacity;
  /** Told the plan's phases, then the simulation's batches (see buildPlan and simulate); no effect on either. */
  readonly onProgress?: ProgressSink;
}

export async function rehearse(
  inputs: Omit<ScenarioInputs, 'clusterSource'> & { readonly plannerTiming?: TimingModel },
  catalog: Catalog,
  options: RehearsalOptions = {},
): Promise<{ plan: Plan; result: SimResult }> {
  const plan = buildPlan({
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
  });
  const result = await simulate({
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
  return { plan, result };
}
