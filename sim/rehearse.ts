/** Plan, then simulate that plan: the one sequence `vngshift simulate`, the scenario replays and their tests share. */
import type { Catalog } from '../src/catalog/catalog.js';
import { buildPlan, type Plan } from '../src/planner/plan.js';
import type { ScenarioInputs } from './scenario-inputs.js';
import { simulate, type SimResult } from './simulate.js';

export interface RehearsalOptions {
  readonly allowArchitectureChange?: boolean;
  readonly sources?: { readonly cluster: string; readonly vngs: string };
}

export async function rehearse(
  inputs: Omit<ScenarioInputs, 'clusterSource'>,
  catalog: Catalog,
  options: RehearsalOptions = {},
): Promise<{ plan: Plan; result: SimResult }> {
  const plan = buildPlan({
    cluster: inputs.cluster,
    vngs: inputs.vngs,
    catalog,
    params: inputs.params,
    allowArchitectureChange: options.allowArchitectureChange === true,
    ...(options.sources ? { sources: options.sources } : {}),
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
