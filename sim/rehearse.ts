/** Plan, then simulate that plan: the one sequence `vngshift simulate`, the scenario replays and their tests share. */
import type { AllocatableOptions } from '../src/catalog/allocatable.js';
import type { Catalog } from '../src/catalog/catalog.js';
import { buildPlan, type Plan } from '../src/planner/plan.js';
import type { TimingModel } from '../src/planner/timing.js';
import type { ScenarioInputs } from './scenario-inputs.js';
import { simulate, type SimResult } from './simulate.js';

export interface RehearsalOptions {
  readonly allowArchitectureChange?: boolean;
  /** Node options (--max-pods, --vm-memory-overhead-percent) for the plan, and so for the nodes the rehearsal launches. */
  readonly allocatable?: AllocatableOptions;
  readonly sources?: { readonly cluster: string; readonly vngs: string };
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
    ...(options.sources ? { sources: options.sources } : {}),
    ...(options.allocatable ? { allocatable: options.allocatable } : {}),
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
    ...(inputs.maxSeconds !== undefined ? { maxSeconds: inputs.maxSeconds } : {}),
  });
  return { plan, result };
}
