/**
 * The API store's pods by namespace/name, with the indexes the world's parts read instead of scanning every pod: the pods
 * bound to each node, a version that changes whenever a pod is added or removed (so a sorted key list can be kept), and
 * listeners told of each pod added or removed (the disruption controller keeps each PDB's pods with them).
 *
 * A pod's node changes in one place only, `bind()` (pods are never unbound: they are deleted and replaced).
 */
import { cmp, key, type SimPod } from './types.js';

export interface PodTableListener {
  added(pod: SimPod): void;
  removed(pod: SimPod): void;
}

export class PodTable extends Map<string, SimPod> {
  private readonly onNode = new Map<string, Set<SimPod>>();
  private readonly listeners: PodTableListener[] = [];
  private sortedKeys: string[] | null = null;
  /** Bumped by every add and remove. */
  version = 0;

  listen(listener: PodTableListener): void {
    this.listeners.push(listener);
  }

  override set(k: string, pod: SimPod): this {
    const before = super.get(k);
    if (before !== undefined) this.forget(before);
    super.set(k, pod);
    this.version += 1;
    this.sortedKeys = null;
    if (pod.nodeName !== null) this.index(pod, pod.nodeName);
    for (const l of this.listeners) l.added(pod);
    return this;
  }

  override delete(k: string): boolean {
    const pod = super.get(k);
    if (pod === undefined) return false;
    super.delete(k);
    this.version += 1;
    this.sortedKeys = null;
    this.forget(pod);
    return true;
  }

  /** Binds a pod in the table to a node (its one change of node). */
  bind(pod: SimPod, node: string): void {
    pod.nodeName = node;
    if (super.get(key(pod.namespace, pod.name)) === pod) this.index(pod, node);
  }

  /** The pods bound to a node (any phase, terminating ones included), in namespace/name order. */
  podsOn(node: string): SimPod[] {
    const set = this.onNode.get(node);
    if (set === undefined) return [];
    return [...set].map((p) => ({ p, k: key(p.namespace, p.name) })).sort((a, b) => cmp(a.k, b.k)).map(({ p }) => p);
  }

  /** How many pods bound to a node satisfy `test` (no order needed). */
  countOn(node: string, test: (pod: SimPod) => boolean): number {
    let n = 0;
    for (const p of this.onNode.get(node) ?? []) if (test(p)) n += 1;
    return n;
  }

  /** Every key in code-unit order (kept until the next add or remove). */
  keysInOrder(): readonly string[] {
    if (this.sortedKeys === null) this.sortedKeys = [...super.keys()].sort(cmp);
    return this.sortedKeys;
  }

  private index(pod: SimPod, node: string): void {
    let set = this.onNode.get(node);
    if (set === undefined) {
      set = new Set();
      this.onNode.set(node, set);
    }
    set.add(pod);
  }

  private forget(pod: SimPod): void {
    if (pod.nodeName !== null) {
      const set = this.onNode.get(pod.nodeName);
      set?.delete(pod);
      if (set !== undefined && set.size === 0) this.onNode.delete(pod.nodeName);
    }
    for (const l of this.listeners) l.removed(pod);
  }
}
