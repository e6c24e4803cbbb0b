/**
 * What the placement phases (first fit, downsizing, VNG minimums, results) share: the scheduling context, the first-fit
 * index of nodes with room, and the new nodes opened so far with the counters that name and spread them.
 */
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import type { SchedulingContext } from '../scheduling-context.js';
import { OpenNodes } from './open-nodes.js';
import type { Template } from './templates.js';

/** A new node and the template it is an instance of (downsizing may swap it for a cheaper one). */
export interface NewNodeEntry {
  readonly node: PlanNode;
  template: Template;
}

export interface PackState {
  readonly ctx: SchedulingContext;
  /** The DaemonSet classes, one per DaemonSet in the cluster's order (templates name theirs by position). */
  readonly daemonClasses: readonly PodClass[];
  /** Nodes that can still take the smallest moving pod, in first-fit order; full nodes drop out of every scan. */
  readonly open: OpenNodes;
  /** New nodes in the order they were opened. */
  readonly newNodes: NewNodeEntry[];
  /** New nodes per VNG so far: the next one is named <vng>-<ordinal+1>. */
  readonly vngOrdinal: Map<string, number>;
  /** New nodes per `<vng>/<zone>`, so a VNG's next node goes to its least used zone. */
  readonly zoneCounts: Map<string, number>;
}

/** A moving class's members not placed yet, consumed from `head`; `turnPassed` once first fit has moved past the class. */
export interface ClassQueue {
  readonly items: number[];
  head: number;
  turnPassed: boolean;
}

/** First fit's queues by class (read and consumed by the phases that open nodes). */
export interface ClassQueues {
  get(cls: PodClass): ClassQueue | undefined;
}

/** Moving pods still without a node after a pass, by class. */
export interface PendingClass {
  readonly cls: PodClass;
  readonly members: number[];
}

/** The state over a context that holds the staying nodes: every one of its candidate nodes indexed for first fit. */
export function packState(ctx: SchedulingContext, daemonClasses: readonly PodClass[]): PackState {
  const open = new OpenNodes(ctx.nodes);
  for (const node of ctx.nodes) open.add(node);
  return { ctx, daemonClasses, open, newNodes: [], vngOrdinal: new Map(), zoneCounts: new Map() };
}
