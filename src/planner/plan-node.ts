/** A node as the planner sees it: a node that stays, a new node the plan launches, or the empty template of a VNG node type. */
import type { HostPort, Labels, ResourceList, Taint } from '../model/types.js';

/** `ghost`: a node an earlier packing round ended with, used only as a spread domain. */
export type PlanNodeOrigin = 'staying' | 'new' | 'template' | 'ghost';

export interface PlanNode {
  /** Position in the planner's node list; -1 for templates. */
  readonly idx: number;
  readonly name: string;
  readonly origin: PlanNodeOrigin;
  labels: Labels;
  /** The simulator's scheduler swaps them when a node is cordoned or uncordoned. */
  taints: readonly Taint[];
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

const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/**
 * The node's value for a topology key. A template stands for a node not launched yet: it has no hostname label, but the
 * node it becomes will, and that hostname is a fresh domain holding no pod. Inter-pod rules see it so (count 0), which
 * lets hostname spread constraints and hostname affinity groups open new nodes.
 */
export function topologyValue(node: PlanNode, key: string): string | undefined {
  const value = node.labels[key];
  if (value !== undefined || (node.origin !== 'template' && node.origin !== 'ghost') || key !== HOSTNAME_LABEL) return value;
  return `\u0000new node of ${node.name}`;
}

/** A node that exists and stays (not migrated), as a candidate with nothing charged yet. */
export function stayingPlanNode(
  n: {
    readonly name: string;
    readonly labels: Labels;
    readonly taints: readonly Taint[];
    readonly allocatable: ResourceList;
    readonly instanceType: string | null;
    readonly zone: string | null;
  },
  idx: number,
): PlanNode {
  return {
    idx,
    name: n.name,
    origin: 'staying',
    labels: n.labels,
    taints: n.taints,
    allocatable: n.allocatable,
    requested: {},
    hostPorts: [],
    vng: null,
    instanceType: n.instanceType,
    zone: n.zone,
    movedPods: [],
    price: 0,
  };
}
