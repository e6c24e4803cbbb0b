/** Views of a plan that every renderer shows the same way. */
import type { Plan } from '../planner/plan.js';

export interface ReasonGroup {
  readonly summary: string;
  readonly pods: readonly string[];
}

/** Unschedulable pods grouped by their kube-scheduler style summary, largest group first. */
export function unschedulableGroups(plan: Plan): ReasonGroup[] {
  const groups = new Map<string, string[]>();
  for (const p of plan.pods) {
    if (p.placement !== null) continue;
    const key = p.summary ?? 'no reason recorded';
    const list = groups.get(key);
    const ref = `${p.namespace}/${p.name}`;
    if (list) list.push(ref);
    else groups.set(key, [ref]);
  }
  return [...groups.entries()]
    .map(([summary, pods]) => ({ summary, pods }))
    .sort((a, b) => b.pods.length - a.pods.length || (a.summary < b.summary ? -1 : 1));
}

export function verdict(plan: Plan): string {
  if (plan.feasible) {
    return plan.predictedFailure === null ? 'FEASIBLE' : `FEASIBLE, but ${plan.predictedFailure.code} is likely`;
  }
  return `NOT FEASIBLE: ${plan.summary.unschedulablePods} of ${plan.summary.movingPods} moving pods fit no VNG`;
}
