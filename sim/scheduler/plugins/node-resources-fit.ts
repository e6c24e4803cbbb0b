/**
 * NodeResourcesFit (kube-scheduler plugins/noderesources/fit.go and least_allocated.go).
 * Filter: the pod's requests plus what the node's pods already request must fit the node's allocatable, per resource the
 * pod requests; and the node's pod count must stay within allocatable pods. Resolvable by preemption.
 * Score (default strategy LeastAllocated, cpu and memory weighted 1 each): per resource
 * floor((allocatable - requested) * 100 / allocatable), 0 when over-committed or allocatable is 0; then the weighted mean
 * (integer division). `requested` counts the node's pods and the incoming pod with kube-scheduler's non-zero defaults
 * (100m cpu, 200Mi memory when a pod requests none - applied here per pod, not per container).
 */
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS, type ResourceList } from '../../../src/model/types.js';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, nodeInfo, podRequest, type NodeInfo } from '../node-info.js';
import { OK, MAX_NODE_SCORE, unschedulable } from '../types.js';
import type { FilterPlugin, FilterResult, NodeState, SchedPod, ScorePlugin } from '../types.js';

export { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, podRequest };

export const REASON_TOO_MANY_PODS = 'Too many pods';
export function reasonInsufficient(resource: string): string {
  return `Insufficient ${resource}`;
}

/** The resources scored by default (NodeResourcesFitArgs / NodeResourcesBalancedAllocationArgs defaults). */
export const SCORED_RESOURCES: readonly { readonly name: string; readonly weight: number }[] = [
  { name: CPU, weight: 1 },
  { name: MEMORY, weight: 1 },
];

function requestedOf(info: NodeInfo, resource: string, nonZero: boolean): number {
  if (nonZero && resource === CPU) return info.nonZeroCpu;
  if (nonZero && resource === MEMORY) return info.nonZeroMemory;
  return info.requested.get(resource) ?? 0;
}

/** What the node's pods request of `resource` (with the non-zero defaults when `nonZero`); O(1) per pods array. */
export function requested(pods: readonly SchedPod[], resource: string, nonZero: boolean): number {
  return requestedOf(nodeInfo(pods), resource, nonZero);
}

const FIRST = [CPU, MEMORY, EPHEMERAL_STORAGE];

/** What the filter checks of a pod: the resources it requests (but pods) in kube-scheduler's order, and its verdicts. */
interface Checks {
  readonly items: readonly { readonly resource: string; readonly want: number }[];
  /** One shared result per set of failures (bit 0: too many pods; bit i + 1: items[i] insufficient). */
  readonly verdicts: Map<number, FilterResult>;
}

/**
 * The checks per requests object: they are made of the requests alone, and the pods of a workload share theirs (a map by
 * pod held an entry, and a map of verdicts, for every pod ever scheduled).
 */
const checksOf = new WeakMap<ResourceList, Checks>();
function checks(pod: SchedPod): Checks {
  const requests = pod.requests;
  let c = checksOf.get(requests);
  if (c === undefined) {
    // kube-scheduler's order: pods, cpu, memory, ephemeral-storage, then the other (scalar) resources sorted.
    const names = [...FIRST, ...Object.keys(requests).filter((r) => !FIRST.includes(r) && r !== PODS).sort()];
    const items = names.map((resource) => ({ resource, want: requests[resource] ?? 0 })).filter((x) => x.want !== 0);
    c = { items, verdicts: new Map() };
    checksOf.set(requests, c);
  }
  return c;
}

/** The reasons the pod does not fit the node's resources (empty when it fits). */
export function insufficient(pod: SchedPod, node: NodeState): string[] {
  const reasons: string[] = [];
  const allocatable = node.node.allocatable;
  if (node.pods.length + 1 > (allocatable[PODS] ?? 0)) reasons.push(REASON_TOO_MANY_PODS);
  const info = nodeInfo(node.pods);
  for (const { resource, want } of checks(pod).items) {
    if (want > (allocatable[resource] ?? 0) - (info.requested.get(resource) ?? 0)) reasons.push(reasonInsufficient(resource));
  }
  return reasons;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(pod, node) {
    const c = checks(pod);
    if (c.items.length > 30) {
      const reasons = insufficient(pod, node);
      return reasons.length === 0 ? OK : unschedulable(...reasons);
    }
    const allocatable = node.node.allocatable;
    const info = nodeInfo(node.pods);
    let failed = node.pods.length + 1 > (allocatable[PODS] ?? 0) ? 1 : 0;
    for (let i = 0; i < c.items.length; i++) {
      const { resource, want } = c.items[i] as { resource: string; want: number };
      if (want > (allocatable[resource] ?? 0) - (info.requested.get(resource) ?? 0)) failed |= 1 << (i + 1);
    }
    if (failed === 0) return OK;
    let v = c.verdicts.get(failed);
    if (v === undefined) {
      const reasons = failed & 1 ? [REASON_TOO_MANY_PODS] : [];
      c.items.forEach(({ resource }, i) => {
        if (failed & (1 << (i + 1))) reasons.push(reasonInsufficient(resource));
      });
      v = unschedulable(...reasons);
      c.verdicts.set(failed, v);
    }
    return v;
  },
};

export function leastAllocatedNodeScore(pod: SchedPod, { node, pods }: NodeState): number {
  const info = nodeInfo(pods);
  let total = 0;
  let weights = 0;
  for (const { name, weight } of SCORED_RESOURCES) {
    const capacity = node.allocatable[name] ?? 0;
    if (capacity === 0) continue;
    const used = requestedOf(info, name, true) + podRequest(pod, name, true);
    const score = used > capacity ? 0 : Math.trunc(((capacity - used) * MAX_NODE_SCORE) / capacity);
    total += score * weight;
    weights += weight;
  }
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

export const nodeResourcesFitScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  score: (pod, feasible) => feasible.map((n) => leastAllocatedNodeScore(pod, n)),
  scoreNode: leastAllocatedNodeScore,
};
