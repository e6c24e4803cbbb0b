/**
 * The scheduler's cache (kube-scheduler pkg/scheduler/backend/cache): the nodes and the pods bound or assumed to them, kept
 * up to date by the world as objects change, and turned into one immutable Snapshot per scheduling cycle. A node whose pods
 * change gets a new `pods` array and a new NodeState; unchanged nodes keep theirs, so per-node sums memoised by
 * cycle-memo.ts stay valid across cycles. Nodes are listed in name order.
 */
import type { Labels, Node, PodDisruptionBudget } from '../../src/model/types.js';
import type { NodeState, SchedPod, Snapshot, VolumeObjects } from './types.js';

export interface CacheContext {
  readonly namespaceLabels: Readonly<Record<string, Labels>>;
  readonly volumes?: VolumeObjects;
  /** The PDBs with their current status (read only when a cycle tries preemption). */
  readonly pdbs: () => readonly PodDisruptionBudget[];
}

export class SchedulerCache {
  private readonly states = new Map<string, NodeState>();
  private readonly where = new Map<string, string>();
  private ordered: NodeState[] | null = null;
  private readonly index = new Map<string, number>();

  constructor(private readonly context: CacheContext) {}

  /** Adds a node, or replaces its object (labels, taints, unschedulable) keeping its pods. */
  setNode(node: Node): void {
    const before = this.states.get(node.name);
    const state: NodeState = { node, pods: before?.pods ?? [] };
    this.states.set(node.name, state);
    if (before === undefined) this.ordered = null;
    else this.replaceInOrder(state);
  }

  /** Removes a node and forgets the pods on it. */
  removeNode(name: string): void {
    const state = this.states.get(name);
    if (state === undefined) return;
    for (const p of state.pods) this.where.delete(p.uid);
    this.states.delete(name);
    this.ordered = null;
  }

  hasNode(name: string): boolean {
    return this.states.has(name);
  }

  /** The node a pod is bound or assumed to, or null. */
  nodeOf(uid: string): string | null {
    return this.where.get(uid) ?? null;
  }

  /** Binds (or assumes) a pod to a node of the cache; a pod already placed elsewhere moves. Unknown node: ignored. */
  addPod(pod: SchedPod, nodeName: string): void {
    const state = this.states.get(nodeName);
    if (state === undefined) return;
    this.removePod(pod.uid);
    this.where.set(pod.uid, nodeName);
    this.update({ node: state.node, pods: [...state.pods, pod] });
  }

  removePod(uid: string): void {
    const nodeName = this.where.get(uid);
    if (nodeName === undefined) return;
    this.where.delete(uid);
    const state = this.states.get(nodeName);
    if (state === undefined) return;
    this.update({ node: state.node, pods: state.pods.filter((p) => p.uid !== uid) });
  }

  /** The cluster as one cycle sees it (a new object each call; never mutated afterwards). */
  snapshot(): Snapshot {
    const nodes = [...this.order()];
    const context = this.context;
    let pdbs: readonly PodDisruptionBudget[] | null = null;
    return {
      nodes,
      namespaceLabels: context.namespaceLabels,
      ...(context.volumes ? { volumes: context.volumes } : {}),
      get pdbs() {
        pdbs ??= context.pdbs();
        return pdbs;
      },
    };
  }

  private update(state: NodeState): void {
    this.states.set(state.node.name, state);
    this.replaceInOrder(state);
  }

  private replaceInOrder(state: NodeState): void {
    if (this.ordered === null) return;
    const at = this.index.get(state.node.name);
    if (at === undefined) this.ordered = null;
    else this.ordered[at] = state;
  }

  private order(): readonly NodeState[] {
    if (this.ordered === null) {
      const names = [...this.states.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.ordered = names.map((n) => this.states.get(n) as NodeState);
      this.index.clear();
      names.forEach((n, i) => this.index.set(n, i));
    }
    return this.ordered;
  }
}
