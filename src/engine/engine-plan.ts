/** The part of a migration plan the engine runs: old nodes, batches, parameters, the time bound. One conversion for both worlds. */
import type { RehearsalPlan } from '../planner/plan.js';
import type { EnginePlan } from './state.js';

export function enginePlanOf(plan: Pick<RehearsalPlan, 'oldNodes' | 'batches' | 'params' | 'boundSeconds'>): EnginePlan {
  return {
    oldNodes: plan.oldNodes.map((n) => ({ name: n.name, instanceId: n.instanceId })),
    batches: plan.batches.map((b) => ({ nodes: [...b.nodes] })),
    params: plan.params,
    boundSeconds: plan.boundSeconds,
  };
}
