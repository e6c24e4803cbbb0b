/**
 * Capacity and allocatable as real nodes report them, per instance type. When the cluster already runs nodes of a type, the
 * planner trusts what their kubelets say over the computed estimate of allocatable.ts.
 */
import type { Node, ResourceList } from '../model/types.js';
import type { NodeResources } from './allocatable.js';

/** A stable text key for a resource list: its entries sorted by name. */
function resourceKey(list: ResourceList): string {
  return JSON.stringify(Object.keys(list).sort().map((k) => [k, list[k]]));
}

function byName(a: Node, b: Node): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * For each instance type seen on `nodes` (nodes without an instance type are skipped), the capacity and allocatable of one
 * representative node. When nodes of a type disagree, the allocatable shared by the most nodes wins; on a tie, the group
 * holding the alphabetically first node name. The representative is that group's first node by name. The map's keys are in
 * name order, whatever the order of `nodes`.
 */
export function observedResources(nodes: readonly Node[]): Map<string, NodeResources> {
  const groupsByType = new Map<string, Map<string, Node[]>>();
  for (const node of [...nodes].sort(byName)) {
    if (node.instanceType === null) continue;
    let groups = groupsByType.get(node.instanceType);
    if (groups === undefined) {
      groups = new Map();
      groupsByType.set(node.instanceType, groups);
    }
    const key = resourceKey(node.allocatable);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [node]);
    else group.push(node);
  }

  const out = new Map<string, NodeResources>();
  for (const type of [...groupsByType.keys()].sort()) {
    const groups = groupsByType.get(type);
    if (groups === undefined) continue;
    let best: Node[] | null = null;
    // Groups were filled from name-sorted nodes, so each group's first node is its smallest name.
    for (const group of groups.values()) {
      const first = group[0];
      const bestFirst = best?.[0];
      if (first === undefined) continue;
      if (
        best === null ||
        bestFirst === undefined ||
        group.length > best.length ||
        (group.length === best.length && first.name < bestFirst.name)
      ) {
        best = group;
      }
    }
    const rep = best?.[0];
    if (rep === undefined) continue;
    out.set(type, { capacity: { ...rep.capacity }, allocatable: { ...rep.allocatable } });
  }
  return out;
}
