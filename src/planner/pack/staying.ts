/**
 * Packing phase 3, the nodes that stay: the scheduling context over the templates (and the previous round's ghosts), then
 * every staying node with its pods charged. Their free room counts; cordoned or NotReady ones take nothing.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { Node, Pod, Vng } from '../../model/types.js';
import type { PodClass } from '../pod-classes.js';
import { stayingPlanNode, type PlanNode } from '../plan-node.js';
import { SchedulingContext } from '../scheduling-context.js';
import type { TermIndex } from '../terms.js';

export interface StayingInput {
  readonly terms: TermIndex;
  /** The template nodes, in the templates' order (Templates.nodes: the same list for an equal solve). */
  readonly templateNodes: readonly PlanNode[];
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly ghosts: readonly PlanNode[];
  readonly stayingNodes: readonly Node[];
  readonly stayingPods: readonly Pod[];
  readonly stayingClasses: readonly PodClass[];
}

export function contextWithStayingNodes(input: StayingInput): SchedulingContext {
  const { catalog, stayingPods } = input;
  const ctx = new SchedulingContext(
    input.terms,
    input.templateNodes,
    input.vngs,
    (name) => {
      const it = catalog.byName.get(name);
      return { vcpu: it?.vcpu ?? 0, memoryGiB: (it?.memoryMiB ?? 0) / 1024 };
    },
    input.ghosts,
  );

  // Staying nodes: their free room counts; cordoned ones take nothing.
  const podsByNode = new Map<string, Pod[]>();
  for (const p of stayingPods) {
    const list = podsByNode.get(p.nodeName as string);
    if (list) list.push(p);
    else podsByNode.set(p.nodeName as string, [p]);
  }
  const stayingClassOf = new Map<Pod, PodClass>();
  input.stayingClasses.forEach((c) => c.members.forEach((i) => stayingClassOf.set(stayingPods[i] as Pod, c)));
  for (const n of input.stayingNodes) {
    const node = stayingPlanNode(n, ctx.nodes.length);
    for (const p of podsByNode.get(n.name) ?? []) {
      const cls = stayingClassOf.get(p);
      if (cls) ctx.place(cls, node, null);
    }
    if (!n.unschedulable && n.ready) ctx.addNode(node);
    else {
      // It takes no pod, but its pods and its domain count for spread; a cordoned node carries kube-scheduler's taint.
      if (n.unschedulable && !node.taints.some((t) => t.key === 'node.kubernetes.io/unschedulable')) {
        node.taints = [...node.taints, { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' }];
      }
      ctx.addBystander(node);
    }
  }
  return ctx;
}
