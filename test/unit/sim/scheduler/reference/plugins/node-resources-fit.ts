/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * NodeResourcesFit (kube-scheduler plugins/noderesources/fit.go and least_allocated.go).
 * Filter: the pod's requests plus what the node's pods already request must fit the node's allocatable, per resource the
 * pod requests; and the node's pod count must stay within allocatable pods. Resolvable by preemption.
 * Score (default strategy LeastAllocated, cpu and memory weighted 1 each): per resource
 * floor((allocatable - requested) * 100 / allocatable), 0 when over-committed or allocatable is 0; then the weighted mean
 * (integer division). `requested` counts the node's pods and the incoming pod with kube-scheduler's non-zero defaults
 * (100m cpu, 200Mi memory when a pod requests none - applied here per pod, not per container).
 */
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS } from '../../../../../../src/model/types.js';
import type { ResourceList } from '../../../../../../src/model/types.js';
import { podsSum } from '../cycle-memo.js';
import { OK, MAX_NODE_SCORE, unschedulable } from '../types.js';
import type { FilterPlugin, NodeState, SchedPod, ScorePlugin } from '../types.js';

export const REASON_TOO_MANY_PODS = 'Too many pods';
export function reasonInsufficient(resource: string): string {
  return `Insufficient ${resource}`;
}

/** kube-scheduler's DefaultMilliCPURequest and DefaultMemoryRequest (pkg/scheduler/util/pod_resources.go). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** The resources scored by default (NodeResourcesFitArgs / NodeResourcesBalancedAllocationArgs defaults). */
export const SCORED_RESOURCES: readonly { readonly name: string; readonly weight: number }[] = [
  { name: CPU, weight: 1 },
  { name: MEMORY, weight: 1 },
];

/** What the node's pods request of `resource` (with the non-zero defaults when `nonZero`); memoised per pods array. */
export function requested(pods: readonly SchedPod[], resource: string, nonZero: boolean): number {
  return podsSum(pods, `${nonZero ? 'nz:' : ''}${resource}`, () => pods.reduce((sum, p) => sum + podRequest(p, resource, nonZero), 0));
}

export function podRequest(pod: SchedPod, resource: string, nonZero: boolean): number {
  const r = pod.requests[resource] ?? 0;
  if (!nonZero || r !== 0) return r;
  if (resource === CPU) return DEFAULT_MILLI_CPU_REQUEST;
  if (resource === MEMORY) return DEFAULT_MEMORY_REQUEST;
  return 0;
}

/** The reasons the pod does not fit the node's resources (empty when it fits). */
export function insufficient(pod: SchedPod, node: NodeState): string[] {
  const reasons: string[] = [];
  const allocatable: ResourceList = node.node.allocatable;
  if (node.pods.length + 1 > (allocatable[PODS] ?? 0)) reasons.push(REASON_TOO_MANY_PODS);
  // kube-scheduler's order: pods, cpu, memory, ephemeral-storage, then the other (scalar) resources.
  const first = [CPU, MEMORY, EPHEMERAL_STORAGE];
  const names = [...first, ...Object.keys(pod.requests).filter((r) => !first.includes(r) && r !== PODS).sort()];
  for (const resource of names) {
    const want = pod.requests[resource] ?? 0;
    if (want === 0) continue;
    if (want > (allocatable[resource] ?? 0) - requested(node.pods, resource, false)) reasons.push(reasonInsufficient(resource));
  }
  return reasons;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(pod, node) {
    const reasons = insufficient(pod, node);
    return reasons.length === 0 ? OK : unschedulable(...reasons);
  },
};

export function leastAllocatedNodeScore(pod: SchedPod, { node, pods }: NodeState): number {
  let total = 0;
  let weights = 0;
  for (const { name, weight } of SCORED_RESOURCES) {
    const capacity = node.allocatable[name] ?? 0;
    if (capacity === 0) continue;
    const used = requested(pods, name, true) + podRequest(pod, name, true);
    const score = used > capacity ? 0 : Math.trunc(((capacity - used) * MAX_NODE_SCORE) / capacity);
    total += score * weight;
    weights += weight;
  }
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

export const nodeResourcesFitScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  score: (pod, feasible) => feasible.map((n) => leastAllocatedNodeScore(pod, n)),
};
