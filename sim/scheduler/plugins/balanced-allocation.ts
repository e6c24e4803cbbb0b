/**
 * NodeResourcesBalancedAllocation (kube-scheduler plugins/noderesources/balanced_allocation.go, v1.36): favours the nodes the
 * pod leaves better balanced, cpu and memory used in equal fractions. A node's balance is trunc((1 - std) * 100), where
 * fraction = min(1, requested / allocatable) per scored resource with non-zero allocatable, `requested` being the node's pods'
 * actual requests (no non-zero defaults here), and std = |f1 - f2| / 2 for two resources (the population standard deviation
 * in general). Since v1.36 (kubernetes/kubernetes#135573) the score is the change the pod makes to that balance:
 * 50 + trunc((50 + balanceWith - balanceWithout) / 2), in 50..100, where it used to be balanceWith alone.
 * A pod requesting none of the scored resources is not scored by this plugin (all 0), as recent releases skip it in PreScore.
 */
import { MAX_NODE_SCORE } from '../types.js';
import type { NodeState, SchedPod, ScorePlugin } from '../types.js';
import { podRequest, requested, SCORED_RESOURCES } from './node-resources-fit.js';

/** trunc((1 - std) * 100) of the fractions used[i] / allocatable[i] (resources with no allocatable left out). */
export function balance(used: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  used.forEach((u, i) => {
    const capacity = allocatable[i] ?? 0;
    if (capacity !== 0) fractions.push(Math.min(1, u / capacity));
  });
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] ?? 0) - (fractions[1] ?? 0)) / 2;
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export function balancedNodeScore(pod: SchedPod, { node, pods }: NodeState): number {
  const allocatable = SCORED_RESOURCES.map(({ name }) => node.allocatable[name] ?? 0);
  const without = SCORED_RESOURCES.map(({ name }) => requested(pods, name, false));
  const withPod = SCORED_RESOURCES.map(({ name }, i) => (without[i] ?? 0) + podRequest(pod, name, false));
  const half = MAX_NODE_SCORE / 2;
  return half + Math.trunc((half + balance(withPod, allocatable) - balance(without, allocatable)) / 2);
}

function requestsAny(pod: SchedPod): boolean {
  return SCORED_RESOURCES.some(({ name }) => podRequest(pod, name, false) > 0);
}

export const balancedAllocationScore: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  score(pod, feasible) {
    const any = requestsAny(pod);
    return feasible.map((n) => (any ? balancedNodeScore(pod, n) : 0));
  },
  scoreNode: (pod, n) => (requestsAny(pod) ? balancedNodeScore(pod, n) : 0),
};
