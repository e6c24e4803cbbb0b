/**
 * The first-fit index of the nodes that can still take pods: candidates by position, searched by free cpu, memory and pod
 * slots, one tree per set of hard taints.
 */
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import { FreeTree } from '../free-tree.js';
import { ByClass } from './by-class.js';
import { firstUntoleratedTaint } from '../selectors.js';

/** Nodes with one set of hard taints, and their free room. */
interface TaintGroup {
  readonly taints: PlanNode['taints'];
  readonly tree: FreeTree;
}

/**
 * Candidate nodes by position, indexed by their free room for first-fit queries, in one tree per set of taints: a class only
 * searches the trees whose taints it tolerates, so dedicated (tainted) nodes cost it nothing.
 */
export class OpenNodes {
  private readonly groups = new Map<string, TaintGroup>();
  /** The groups in the order they were made (a group is never removed). */
  private readonly groupList: TaintGroup[] = [];
  private readonly groupOf: string[] = [];
  /** Per class: the trees of the groups it tolerates, among the first `seen` groups (extended when groups are added). */
  private readonly tolerated = new ByClass<{ trees: FreeTree[]; seen: number }>();
  constructor(private readonly ctxNodes: readonly PlanNode[]) {}

  add(node: PlanNode): void {
    const hard = node.taints.filter((t) => t.effect !== 'PreferNoSchedule');
    const key = JSON.stringify(hard);
    if (!this.groups.has(key)) {
      const group: TaintGroup = { taints: hard, tree: new FreeTree() };
      this.groups.set(key, group);
      this.groupList.push(group);
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
    let known = this.tolerated.get(cls);
    if (!known) this.tolerated.set(cls, (known = { trees: [], seen: 0 }));
    // Groups made since the class last looked: add those it tolerates.
    for (; known.seen < this.groupList.length; known.seen++) {
      const g = this.groupList[known.seen] as TaintGroup;
      if (firstUntoleratedTaint(g.taints, cls.spec.tolerations) === null) known.trees.push(g.tree);
    }
    const trees = known.trees;
    let best = -1;
    for (const tree of trees) {
      const i = tree.firstAtLeast(from, cpu, memory, 1);
      if (i !== -1 && i < this.ctxNodes.length && (best === -1 || i < best)) best = i;
    }
    return best;
  }
}
