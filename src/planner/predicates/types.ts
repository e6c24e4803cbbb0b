/** The contract every scheduling predicate (a kube-scheduler filter plugin) follows. */
import type { PodClass } from '../pod-classes.js';
import type { PlanNode } from '../plan-node.js';
import type { SchedulingContext } from '../scheduling-context.js';

export type PluginName =
  | 'TaintToleration'
  | 'NodeAffinity'
  | 'Architecture'
  | 'NodePorts'
  | 'NodeResourcesFit'
  | 'VolumeBinding'
  | 'VolumeZone'
  | 'PodTopologySpread'
  | 'InterPodAffinity'
  | 'VngLimits'
  /** Not a filter run on a node: the catalog's offerings, which keep a type out of the zones EC2 does not offer it in. */
  | 'InstanceTypeOffering';

/** A failed filter: the plugin and its reasons, worded as kube-scheduler words them. */
export interface FilterFailure {
  readonly plugin: PluginName;
  readonly reasons: readonly string[];
  /** The verdict can only stay a failure as more pods are placed (overrides the plugin's default). */
  readonly monotone?: boolean;
}

export interface Predicate {
  readonly name: PluginName;
  /** Returns null when the pod class may go on the node. */
  filter(ctx: SchedulingContext, cls: PodClass, node: PlanNode): FilterFailure | null;
}

export function fail(plugin: PluginName, ...reasons: string[]): FilterFailure {
  return { plugin, reasons };
}
