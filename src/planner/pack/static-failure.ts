/**
 * The predicates that depend only on the pod and the node's labels, taints and volumes (not on what is placed where): the
 * first one a class fails on a node, or null. Templates, new-node choice and downsizing screen nodes with it.
 */
import { STATIC_PREDICATES, type FilterFailure } from '../predicates/index.js';
import type { PodClass } from '../pod-classes.js';
import type { PlanNode } from '../plan-node.js';
import type { SchedulingContext } from '../scheduling-context.js';

export function staticFailure(ctx: SchedulingContext | null, cls: PodClass, node: PlanNode): FilterFailure | null {
  for (const p of STATIC_PREDICATES) {
    const f = p.filter(ctx as SchedulingContext, cls, node);
    if (f !== null) return f;
  }
  return null;
}
