/**
 * The first-fit index of the nodes that can still take pods: candidates by position, searched by free cpu, memory and pod
 * slots, one tree per set of hard taints.
 */
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import { FreeTree } from '../free-tree.js';
import { firstUntoleratedTaint } from '../selectors.js';

/**
 * Candidate nodes by position, indexed by their free room for first-fit queries, in one tree per set of taints: a class only
 * searches the trees whose taints it tolerates, so dedicated (tainted) nodes cost it nothing.
 */
export class OpenNodes {
  private readonly groups = new Map<string, { readonly taints: PlanNode['taints']; readonly tree: FreeTree }>();
  private readonly groupOf: string[] = [];
  private readonly tolerated = new Map<PodClass, FreeTree[]>();
  constructor(private readonly ctxNodes: readonly PlanNode[]) {}

  add(node: PlanNode): void {
    const hard = node.taints.filter((t) => t.effect !== 'PreferNoSchedule');
    const key = JSON.stringify(hard);
    if (!this.groups.has(key)) {
      this.groups.set(key, { taints: hard, tree: new FreeTree() });
      this.tolerated.clear(); // a new group: recompute what each class tolerates
    }
    this.groupOf[node.idx] = key;
    this.update(node);
  }

  update(node: PlanNode): void {
    const group = this.groups.get(this.groupOf[node.idx] ?? '');
    if (!group) return;
    const a = node.allocatable;
    const r = node.requested;
    group.tree.set(node.idx, (a['cpu'] ?? 0) - (r['cpu'] ?? 0), (a['memory'] ?? 0) - (r['memory'] ?? 0), (a['pods'] ?? 0) - (r['pods'] ?? 0));
  }

  /** The first node at or after `from`, among those whose taints the class tolerates, with room for cpu, memory and a pod. */
  first(cls: PodClass, from: number, cpu: number, memory: number): number {
    let trees = this.tolerated.get(cls);
    if (!trees) {
      trees = [...this.groups.values()].filter((g) => firstUntoleratedTaint(g.taints, cls.spec.tolerations) === null).map((g) => g.tree);
      this.tolerated.set(cls, trees);
    }
    let best = -1;
    for (const tree of trees) {
      const i = tree.firstAtLeast(from, cpu, memory, 1);
      if (i !== -1 && i < this.ctxNodes.length && (best === -1 || i < best)) best = i;
    }
    return best;
  }
}
