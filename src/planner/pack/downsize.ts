/**
 * Packing phase 6, downsizing: each new node moves to the cheapest instance type of its VNG and zone that still holds its
 * pods (resources, host ports and static predicates), with the scheduling context's term counts recorded again under the
 * new type's labels.
 */
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import { addInto, fits, subtractInto, sum } from '../resources.js';
import type { PackState } from './state.js';
import { staticFailure } from './static-failure.js';
import type { Template } from './templates.js';

export function downsize(state: PackState, movingClasses: readonly PodClass[], templates: readonly Template[]): void {
  const { ctx } = state;
  // Downsize: each new node to the cheapest type of its VNG and zone that still holds its pods.
  let classOfMoving: PodClass[] | null = null;
  const classOf = (i: number): PodClass => {
    if (classOfMoving === null) {
      classOfMoving = [];
      for (const cls of movingClasses) for (const m of cls.members) classOfMoving[m] = cls;
    }
    return classOfMoving[i] as PodClass;
  };
  if (state.newNodes.length === 0) return;
  const byVngZone = cheapestFirst(templates);
  const { daemonClasses } = state;
  const daemonsOf = (t: Template): PodClass[] => t.daemonIndexes.map((i) => daemonClasses[i] as PodClass);
  for (const entry of state.newNodes) {
    const { node, template } = entry;
    const candidates = byVngZone.get(`${template.vngName}/${node.zone}`) ?? [];
    // The loop below would stop at its first candidate (the list is sorted by price): skip the node's work.
    const first = candidates[0];
    if (first === undefined || first.price >= template.price) continue;
    const podRequests = { ...node.requested };
    subtractInto(podRequests, template.daemonRequests);
    const classes = [...new Set(node.movedPods.map(classOf))];
    const ports = node.movedPods.flatMap((i) => classOf(i).spec.hostPorts);
    for (const cand of candidates) {
      if (cand.price >= template.price) break;
      if (!fits(cand.node.allocatable, cand.daemonRequests, podRequests)) continue;
      if (ports.some((p) => cand.node.hostPorts.some((q) => q.port === p.port && q.protocol === p.protocol))) continue;
      const labels = { ...cand.node.labels, 'kubernetes.io/hostname': node.name };
      const probe: PlanNode = { ...cand.node, name: node.name, labels };
      if (classes.some((c) => staticFailure(ctx, c, probe) !== null)) continue;
      // Re-record term counts under the new labels (topology keys such as instance-type or arch change).
      for (const c of [...daemonsOf(template), ...node.movedPods.map(classOf)]) {
        ctx.countPod(c, node, -1);
      }
      node.labels = labels;
      node.allocatable = cand.node.allocatable;
      node.price = cand.price;
      ctx.retypeNode(node, cand.type.name);
      const requested = sum([cand.daemonRequests, podRequests]);
      for (const k of Object.keys(node.requested)) delete node.requested[k];
      addInto(node.requested, requested);
      node.hostPorts.length = 0;
      for (const p of [...cand.node.hostPorts, ...ports]) node.hostPorts.push(p);
      for (const c of daemonsOf(cand)) ctx.countPod(c, node, 1);
      for (const i of node.movedPods) ctx.countPod(classOf(i), node, 1);
      entry.template = cand;
      break;
    }
  }
}

/** The templates of each VNG and zone, cheapest first (then by type name): kept per list (buildTemplates keeps lists). */
const cheapestOf = new WeakMap<readonly Template[], ReadonlyMap<string, readonly Template[]>>();

function cheapestFirst(templates: readonly Template[]): ReadonlyMap<string, readonly Template[]> {
  let byVngZone = cheapestOf.get(templates);
  if (byVngZone === undefined) {
    const lists = new Map<string, Template[]>();
    for (const t of templates) {
      const k = `${t.vngName}/${t.node.zone}`;
      const list = lists.get(k);
      if (list) list.push(t);
      else lists.set(k, [t]);
    }
    for (const list of lists.values()) list.sort((a, b) => a.price - b.price || (a.type.name < b.type.name ? -1 : 1));
    cheapestOf.set(templates, (byVngZone = lists));
  }
  return byVngZone;
}
