/**
 * The API store's pods by namespace/name, with the indexes the world's parts read instead of scanning every pod: the pods
 * bound to each node, the pods of each namespace and of each namespace and label (a pod's labels never change), the pods
 * with an anti-affinity term over a wider domain than their node, a version that changes whenever a pod is added or removed
 * (so a sorted key list can be kept), and listeners told of each pod added or removed (the disruption controller keeps each
 * PDB's pods with them).
 *
 * A pod's node changes in one place only, `bind()` (pods are never unbound: they are deleted and replaced).
 */
import type { Labels } from '../../src/model/types.js';
import { cmp, type SimPod } from './types.js';

const HOSTNAME = 'kubernetes.io/hostname';
const EMPTY: ReadonlySet<SimPod> = new Set();
const NO_PODS: readonly SimPod[] = [];

const labelKey = (namespace: string, name: string, value: string): string => `${namespace}\u0000${name}\u0000${value}`;

function addTo(index: Map<string, Set<SimPod>>, k: string, pod: SimPod): void {
  let set = index.get(k);
  if (set === undefined) {
    set = new Set();
    index.set(k, set);
  }
  set.add(pod);
}

function removeFrom(index: Map<string, Set<SimPod>>, k: string, pod: SimPod): void {
  const set = index.get(k);
  if (set === undefined) return;
  set.delete(pod);
  if (set.size === 0) index.delete(k);
}

export interface PodTableListener {
  added(pod: SimPod): void;
  removed(pod: SimPod): void;
  /** A pod in the table bound to a node. */
  bound?(pod: SimPod): void;
}

export class PodTable extends Map<string, SimPod> {
  private readonly onNode = new Map<string, Set<SimPod>>();
  private readonly nodeVersions = new Map<string, number>();
  /** podsOn's answer per node, dropped whenever the node's pods change. */
  private readonly sortedOn = new Map<string, readonly SimPod[]>();
  private readonly byNamespace = new Map<string, Set<SimPod>>();
  private readonly byLabel = new Map<string, Set<SimPod>>();
  private readonly wideAnti = new Set<SimPod>();
  private readonly byUid = new Map<string, SimPod>();
  private readonly listeners: PodTableListener[] = [];
  private sortedKeys: string[] | null = null;
  /**
   * The byLabel keys of a pod's labels, per labels object (the pods made from one template share it) with the namespace they
   * were made for: built and hashed once rather than at every add and remove.
   */
  private readonly labelKeyLists = new WeakMap<Labels, { readonly namespace: string; readonly keys: readonly string[] }>();
  /** Bumped by every add and remove. */
  version = 0;

  listen(listener: PodTableListener): void {
    this.listeners.push(listener);
  }

  override set(k: string, pod: SimPod): this {
    // holds() reads the one table a pod is in: a pod another table holds is not put in a second one.
    if (pod.heldBy !== undefined && pod.heldBy !== this) throw new Error(`pod table: pod ${pod.key} is held by another table`);
    const before = super.get(k);
    if (before !== undefined) this.forget(before);
    super.set(k, pod);
    pod.heldBy = this;
    this.version += 1;
    this.sortedKeys = null;
    if (pod.nodeName !== null) this.index(pod, pod.nodeName);
    this.byUid.set(pod.uid, pod);
    addTo(this.byNamespace, pod.namespace, pod);
    for (const k of this.labelKeys(pod)) addTo(this.byLabel, k, pod);
    if (pod.base.podAntiAffinity.some((t) => t.topologyKey !== HOSTNAME)) this.wideAnti.add(pod);
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

  /** Removes every pod, each as delete() does (its indexes, its holder and the listeners follow). */
  override clear(): void {
    for (const k of [...super.keys()]) this.delete(k);
  }

  /** Binds a pod in the table to a node (its one change of node). */
  bind(pod: SimPod, node: string): void {
    pod.nodeName = node;
    if (super.get(pod.key) !== pod) return;
    this.index(pod, node);
    for (const l of this.listeners) l.bound?.(pod);
  }

  /**
   * The pods bound to a node (any phase, terminating ones included), in namespace/name order: the list is kept until a pod
   * is bound to the node or one bound there is removed (the autoscaler's view reads the same nodes at every pass).
   */
  podsOn(node: string): readonly SimPod[] {
    const kept = this.sortedOn.get(node);
    if (kept !== undefined) return kept;
    const set = this.onNode.get(node);
    if (set === undefined) return NO_PODS;
    const sorted = [...set].sort((a, b) => cmp(a.key, b.key));
    this.sortedOn.set(node, sorted);
    return sorted;
  }

  /** Changes whenever a pod is bound to the node or one bound there is removed. */
  nodeVersion(node: string): number {
    return this.nodeVersions.get(node) ?? 0;
  }

  /** The pods bound to a node, in no particular order. */
  podsOnUnordered(node: string): Iterable<SimPod> {
    return this.onNode.get(node) ?? EMPTY;
  }

  /** How many pods bound to a node satisfy `test` (no order needed). */
  countOn(node: string, test: (pod: SimPod) => boolean): number {
    let n = 0;
    for (const p of this.onNode.get(node) ?? []) if (test(p)) n += 1;
    return n;
  }

  /** The pod in the table with this uid. */
  byUidOf(uid: string): SimPod | undefined {
    return this.byUid.get(uid);
  }

  /** The pods of a namespace (any order). */
  inNamespace(namespace: string): ReadonlySet<SimPod> {
    return this.byNamespace.get(namespace) ?? EMPTY;
  }

  /** The pods of a namespace carrying the label key=value (any order). */
  withLabel(namespace: string, labelName: string, value: string): ReadonlySet<SimPod> {
    return this.byLabel.get(labelKey(namespace, labelName, value)) ?? EMPTY;
  }

  /** The pods with a required anti-affinity term whose topology is wider than one node (any order). */
  withWideAntiAffinity(): ReadonlySet<SimPod> {
    return this.wideAnti;
  }

  /** Every key in code-unit order (kept until the next add or remove). */
  keysInOrder(): readonly string[] {
    if (this.sortedKeys === null) this.sortedKeys = [...super.keys()].sort(cmp);
    return this.sortedKeys;
  }

  /** The byLabel keys of the pod's labels, in the labels' order. */
  private labelKeys(pod: SimPod): readonly string[] {
    const labels = pod.base.labels;
    const kept = this.labelKeyLists.get(labels);
    if (kept !== undefined && kept.namespace === pod.namespace) return kept.keys;
    const keys: string[] = [];
    for (const k in labels) keys.push(labelKey(pod.namespace, k, labels[k] as string));
    this.labelKeyLists.set(labels, { namespace: pod.namespace, keys });
    return keys;
  }

  /** A pod was bound to the node or one bound there removed: its version moves and its kept order goes. */
  private nodePodsChanged(node: string): void {
    this.nodeVersions.set(node, (this.nodeVersions.get(node) ?? 0) + 1);
    this.sortedOn.delete(node);
  }

  private index(pod: SimPod, node: string): void {
    addTo(this.onNode, node, pod);
    this.nodePodsChanged(node);
  }

  /** Whether the table holds this very pod under its key (not a pod it replaced, nor one removed). */
  holds(pod: SimPod): boolean {
    return pod.heldBy === this;
  }

  private forget(pod: SimPod): void {
    if (pod.heldBy === this) pod.heldBy = undefined;
    if (pod.nodeName !== null) {
      removeFrom(this.onNode, pod.nodeName, pod);
      this.nodePodsChanged(pod.nodeName);
    }
    if (this.byUid.get(pod.uid) === pod) this.byUid.delete(pod.uid);
    removeFrom(this.byNamespace, pod.namespace, pod);
    for (const k of this.labelKeys(pod)) removeFrom(this.byLabel, k, pod);
    this.wideAnti.delete(pod);
    for (const l of this.listeners) l.removed(pod);
  }
}
