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

/** A node's hard taints (all but PreferNoSchedule) and their JSON, which names the node's group. */
interface HardTaints {
  readonly hard: PlanNode['taints'];
  readonly key: string;
}

/** The hard taints of a node without taints (most nodes). */
const NO_HARD_TAINTS: HardTaints = { hard: [], key: JSON.stringify([]) };

/**
 * Hard taints per taints list: every solve indexes every candidate node, and the autoscaler's solves meet the same nodes,
 * whose taints are the same list objects (the model's nodes, their stand-ins and the booting nodes share them), again and
 * again. Lists of taints are never changed once made (readonly; the world replaces a node's list when it cordons it).
 */
const hardTaintsOf = new WeakMap<PlanNode['taints'], HardTaints>();

function hardTaints(taints: PlanNode['taints']): HardTaints {
  if (taints.length === 0) return NO_HARD_TAINTS;
  let known = hardTaintsOf.get(taints);
  if (known === undefined) {
    const hard = taints.filter((t) => t.effect !== 'PreferNoSchedule');
    hardTaintsOf.set(taints, (known = { hard, key: JSON.stringify(hard) }));
  }
  return known;
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
    const { hard, key } = hardTaints(node.taints);
    if (!this.groups.has(key)) {
      // Sized for the candidates up front (new nodes come after them): the tree need not grow step by step to them.
      const group: TaintGroup = { taints: hard, tree: new FreeTree(this.ctxNodes.length) };
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
