/** The filter plugins in kube-scheduler's default order, then VngLimits. The first failing plugin decides, as upstream. */
import type { PodClass } from '../pod-classes.js';
import type { PlanNode } from '../plan-node.js';
import type { SchedulingContext } from '../scheduling-context.js';
import { architecture } from './architecture.js';
import { interPodAffinity } from './inter-pod-affinity.js';
import { nodeAffinity } from './node-affinity.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFit } from './node-resources-fit.js';
import { podTopologySpread } from './pod-topology-spread.js';
import { taintToleration } from './taint-toleration.js';
import type { FilterFailure, Predicate } from './types.js';
import { volumeBinding } from './volume-binding.js';
import { volumeZone } from './volume-zone.js';
import { vngLimits } from './vng-limits.js';

export type { FilterFailure, PluginName, Predicate } from './types.js';

export const PREDICATES: readonly Predicate[] = [
  taintToleration,
  nodeAffinity,
  architecture,
  nodePorts,
  nodeResourcesFit,
  volumeBinding,
  volumeZone,
  podTopologySpread,
  interPodAffinity,
  vngLimits,
];

/** Predicates whose verdict on a node can only turn from pass to fail as pods are placed. */
export const MONOTONE_PLUGINS: ReadonlySet<string> = new Set([
  'TaintToleration',
  'NodeAffinity',
  'Architecture',
  'NodePorts',
  'NodeResourcesFit',
  'VolumeBinding',
  'VolumeZone',
]);

/** Predicates that depend only on the node's labels, taints and empty capacity (cacheable per class and node type). */
export const STATIC_PREDICATES: readonly Predicate[] = [taintToleration, nodeAffinity, architecture, volumeBinding, volumeZone];

export function runFilters(ctx: SchedulingContext, cls: PodClass, node: PlanNode): FilterFailure | null {
  for (const p of PREDICATES) {
    const failure = p.filter(ctx, cls, node);
    if (failure !== null) return failure;
  }
  return null;
}
