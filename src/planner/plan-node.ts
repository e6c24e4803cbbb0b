/** A node as the planner sees it: a node that stays, a new node the plan launches, or the empty template of a VNG node type. */
import type { HostPort, Labels, ResourceList, Taint } from '../model/types.js';

export type PlanNodeOrigin = 'staying' | 'new' | 'template';

export interface PlanNode {
  /** Position in the planner's node list; -1 for templates. */
  readonly idx: number;
  readonly name: string;
  readonly origin: PlanNodeOrigin;
  labels: Labels;
  readonly taints: readonly Taint[];
  allocatable: ResourceList;
  /** Sum of the requests of the pods placed here (DaemonSet pods included). */
  readonly requested: ResourceList;
  readonly hostPorts: HostPort[];
  readonly vng: string | null;
  instanceType: string | null;
  readonly zone: string | null;
  /** Moving pods placed here, by index into the planner's moving-pod list. */
  readonly movedPods: number[];
  /** Hourly price of this node (new nodes); 0 for staying nodes. */
  price: number;
}

export function hostPortsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  const wild = (ip: string): boolean => ip === '' || ip === '0.0.0.0' || ip === '::';
  return wild(a.hostIP) || wild(b.hostIP) || a.hostIP === b.hostIP;
}
