/**
 * The scheduler's cache (kube-scheduler pkg/scheduler/backend/cache): the nodes and the pods bound or assumed to them, kept
 * up to date by the world as objects change, and the Snapshot a scheduling cycle reads.
 *
 * As kube-scheduler's UpdateSnapshot, nothing is copied per cycle: the cache keeps the node list in name order and replaces
 * one entry when a node or its pods change (a new NodeState and a new `pods` array, whose sums node-info.ts derives from
 * the old ones) and keeps the placed-pod index (placed-index.ts) up to date. A snapshot is a small object over the live
 * node list, valid until the next change of the cache; a caller that needs an older state keeps the NodeStates it read.
 * Each call makes a new one, which reads the PDBs (their live status) at most once.
 */
import type { Labels, Node, PodDisruptionBudget } from '../../src/model/types.js';
import { rememberAppended } from './node-info.js';
import { NodeSetLog, setNodesVersion, setVersionLog } from './overlay.js';
import { attachIndex, PlacedIndex } from './placed-index.js';
import type { NodeState, SchedPod, Snapshot, VolumeObjects } from './types.js';

export interface CacheContext {
  readonly namespaceLabels: Readonly<Record<string, Labels>>;
  readonly volumes?: VolumeObjects;
  /** The PDBs with their current status (read only when a cycle tries preemption). */
  readonly pdbs: () => readonly PodDisruptionBudget[];
}

/** Told of every change, after the cache made it (failure-memo.ts follows the cache this way). */
export interface CacheListener {
  /** A node added (`before` undefined), or its object replaced. */
  nodeSet(state: NodeState, before: NodeState | undefined): void;
  /** A node removed, with the pods it held. */
  nodeRemoved(state: NodeState): void;
  podAdded(pod: SchedPod, state: NodeState): void;
  podRemoved(pod: SchedPod, state: NodeState): void;
}

export class SchedulerCache {
  private readonly listeners: CacheListener[] = [];
  private readonly states = new Map<string, NodeState>();
  /** Each placed pod's node and the pod object the node's list holds, by uid (a uid is placed once at most). */
  private readonly where = new Map<string, { readonly node: string; readonly pod: SchedPod }>();
  /** The nodes in name order: the list the current snapshot holds. */
  private readonly ordered: NodeState[] = [];
  /** Parallel to `ordered`: each node's slot, a number it keeps for its lifetime (class-cache.ts keys answers by it). */
  private readonly slotList: number[] = [];
  private nextSlot = 0;
  private readonly index = new PlacedIndex((name) => this.states.get(name)?.node);
  /** Bumped by every change of a node or of the pods placed. */
  private changes = 0;
  /** Every change of a node object, in order (overlay.ts NodeSetLog). */
  private readonly nodeLog = new NodeSetLog();
  /** Replaced whenever a Node object changes (see overlay.ts nodesVersion); each belongs to `nodeLog`. */
  private nodesVersion: object = {};

  constructor(private readonly context: CacheContext) {
    setVersionLog(this.nodesVersion, this.nodeLog);
  }

  /** Adds a listener told of every change (in the order they were added). */
  listen(listener: CacheListener): void {
    this.listeners.push(listener);
  }

  /** A number that changes whenever a node or the pods placed change: equal numbers, equal snapshots but for the PDBs. */
  get version(): number {
    return this.changes;
  }

  /** The lifetime slot of a node of the cache, or undefined. */
  slotOf(name: string): number | undefined {
    const at = this.position(name);
    return this.ordered[at]?.node.name === name ? this.slotList[at] : undefined;
  }

  /** Each node's lifetime slot, parallel to the snapshot's nodes (the live list: valid until the cache changes). */
  slots(): readonly number[] {
    return this.slotList;
  }

  /** The placed pods grouped (the index every snapshot of this cache reads). */
  placed(): PlacedIndex {
    return this.index;
  }

  /** Whether some placed pod has a priority below `priority`. */
  hasPriorityBelow(priority: number): boolean {
    return this.index.hasPriorityBelow(priority);
  }

  /** Adds a node, or replaces its object (labels, taints, unschedulable) keeping its pods. */
  setNode(node: Node): void {
    const before = this.states.get(node.name);
    const state: NodeState = { node, pods: before?.pods ?? [] };
    this.states.set(node.name, state);
    const at = this.position(node.name);
    if (before === undefined) {
      this.ordered.splice(at, 0, state);
      this.slotList.splice(at, 0, this.nextSlot++);
    } else this.ordered[at] = state;
    this.nodesChanged(node.name, before?.node, node);
    for (const l of this.listeners) l.nodeSet(state, before);
  }

  /** Removes a node and forgets the pods on it. */
  removeNode(name: string): void {
    const state = this.states.get(name);
    if (state === undefined) return;
    for (const p of state.pods) {
      this.where.delete(p.uid);
      this.index.remove(p, name);
    }
    this.states.delete(name);
    const at = this.position(name);
    this.ordered.splice(at, 1);
    this.slotList.splice(at, 1);
    this.nodesChanged(name, state.node, undefined);
    for (const l of this.listeners) l.nodeRemoved(state);
  }

  /** The node and its pods as the cache holds them now. */
  stateOf(name: string): NodeState | undefined {
    return this.states.get(name);
  }

  hasNode(name: string): boolean {
    return this.states.has(name);
  }

  /** The node a pod is bound or assumed to, or null. */
  nodeOf(uid: string): string | null {
    return this.where.get(uid)?.node ?? null;
  }

  /** Binds (or assumes) a pod to a node of the cache; a pod already placed elsewhere moves. Unknown node: ignored. */
  addPod(pod: SchedPod, nodeName: string): void {
    if (!this.states.has(nodeName)) return;
    this.removePod(pod.uid);
    const state = this.states.get(nodeName) as NodeState;
    this.where.set(pod.uid, { node: nodeName, pod });
    const pods = [...state.pods, pod];
    rememberAppended(state.pods, pod, pods);
    this.index.add(pod, nodeName);
    const after = { node: state.node, pods };
    this.update(after);
    for (const l of this.listeners) l.podAdded(pod, after);
  }

  removePod(uid: string): void {
    const placed = this.where.get(uid);
    if (placed === undefined) return;
    const nodeName = placed.node;
    this.where.delete(uid);
    const state = this.states.get(nodeName);
    if (state === undefined) return;
    // The pod is found by identity (no other pod's uid is read): the node's list holds the object placed, once.
    let pod: SchedPod | undefined;
    let rest: SchedPod[];
    const at = state.pods.indexOf(placed.pod);
    if (at >= 0) {
      pod = placed.pod;
      rest = state.pods.slice(0, at);
      for (let i = at + 1; i < state.pods.length; i++) rest.push(state.pods[i] as SchedPod);
    } else {
      rest = [];
      for (const p of state.pods) {
        if (p.uid !== uid) rest.push(p);
        else pod ??= p;
      }
    }
    if (pod !== undefined) this.index.remove(pod, nodeName);
    const after = { node: state.node, pods: rest };
    this.update(after);
    if (pod !== undefined) for (const l of this.listeners) l.podRemoved(pod, after);
  }

  /** The cluster as a cycle sees it now (valid until the cache changes). */
  snapshot(): Snapshot {
    const context = this.context;
    let pdbs: readonly PodDisruptionBudget[] | null = null;
    const s: Snapshot = {
      nodes: this.ordered,
      namespaceLabels: context.namespaceLabels,
      ...(context.volumes ? { volumes: context.volumes } : {}),
      get pdbs() {
        pdbs ??= context.pdbs();
        return pdbs;
      },
    };
    attachIndex(s, this.index);
    setNodesVersion(s, this.nodesVersion);
    return s;
  }

  /** A node object changed (`before`/`after` undefined: the node came / went), once the node list holds the change. */
  private nodesChanged(name: string, before: Node | undefined, after: Node | undefined): void {
    this.nodeLog.record(name, before, after);
    this.nodesVersion = {};
    setVersionLog(this.nodesVersion, this.nodeLog);
    this.changes += 1;
  }

  private update(state: NodeState): void {
    this.changes += 1;
    this.states.set(state.node.name, state);
    this.ordered[this.position(state.node.name)] = state;
  }

  /** Where `name` is, or would go, in the name-ordered list (binary search, code-unit order). */
  private position(name: string): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ordered[mid] as NodeState).node.name < name) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
