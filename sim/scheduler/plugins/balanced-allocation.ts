/**
 * NodeResourcesBalancedAllocation (kube-scheduler plugins/noderesources/balanced_allocation.go): favours nodes whose cpu and
 * memory would be used in equal fractions. fraction = min(1, requested / allocatable) per scored resource with non-zero
 * allocatable, `requested` being the node's pods' actual requests plus the pod's (no non-zero defaults here);
 * std = |f1 - f2| / 2 for two resources (the population standard deviation in general); score = trunc((1 - std) * 100).
 * A pod requesting none of the scored resources is not scored by this plugin (all 0), as recent releases skip it in PreScore.
 */
import { MAX_NODE_SCORE } from '../types.js';
import type { NodeState, SchedPod, ScorePlugin } from '../types.js';
import { podRequest, requested, SCORED_RESOURCES } from './node-resources-fit.js';

export function balancedNodeScore(pod: SchedPod, { node, pods }: NodeState): number {
  const fractions: number[] = [];
  for (const { name } of SCORED_RESOURCES) {
    const capacity = node.allocatable[name] ?? 0;
    if (capacity === 0) continue;
    const used = requested(pods, name, false) + podRequest(pod, name, false);
    fractions.push(Math.min(1, used / capacity));
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] ?? 0) - (fractions[1] ?? 0)) / 2;
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const balancedAllocationScore: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  score(pod, feasible) {
    const requestsAny = SCORED_RESOURCES.some(({ name }) => podRequest(pod, name, false) > 0);
    return feasible.map((n) => (requestsAny ? balancedNodeScore(pod, n) : 0));
  },
};
