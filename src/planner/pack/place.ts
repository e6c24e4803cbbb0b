/**
 * The two ways the placement phases change the packing state: a moving pod placed on a node (its group's waiting demand
 * shrinks), and a new node opened from a template (first fit, VNG minimums).
 */
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import { subtractInto } from '../resources.js';
import type { DemandBook } from './demand.js';
import type { PackState } from './state.js';
import type { Template } from './templates.js';

/** Places moving pod `podIndex` (of class `cls`) on `node` and takes it off its group's waiting demand. */
export function placeMoving(state: PackState, book: DemandBook, cls: PodClass, node: PlanNode, podIndex: number): void {
  state.ctx.place(cls, node, podIndex);
  const d = book.demandOf(cls);
  if (d) {
    subtractInto(d.requests, cls.spec.requests);
    d.count -= 1;
  }
}

/** Opens a new node of template `t`, named <vng>-001, -002, ... per VNG, with its DaemonSet pods placed; returns it. */
export function materialize(state: PackState, t: Template): PlanNode {
  const { ctx, vngOrdinal, zoneCounts } = state;
  const ordinal = (vngOrdinal.get(t.vngName) ?? 0) + 1;
  vngOrdinal.set(t.vngName, ordinal);
  const name = `${t.vngName}-${String(ordinal).padStart(3, '0')}`;
  const node: PlanNode = {
    idx: ctx.nodes.length,
    name,
    origin: 'new',
    labels: { ...t.node.labels, 'kubernetes.io/hostname': name },
    taints: t.node.taints,
    allocatable: t.node.allocatable,
    requested: {},
    hostPorts: [],
    vng: t.vngName,
    instanceType: t.type.name,
    zone: t.node.zone,
    movedPods: [],
    price: t.price,
  };
  for (const i of t.daemonIndexes) ctx.place(state.daemonClasses[i] as PodClass, node, null);
  ctx.addNode(node);
  state.open.add(node);
  state.newNodes.push({ node, template: t });
  const zk = `${t.vngName}/${t.node.zone}`;
  zoneCounts.set(zk, (zoneCounts.get(zk) ?? 0) + 1);
  return node;
}
