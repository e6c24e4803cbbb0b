/**
 * The placed pods grouped for the plugins that look across the cluster (PodTopologySpread, InterPodAffinity, preemption):
 * pods with the same namespace, labels and pod (anti-)affinity terms answer every selector and term alike, so a group is
 * matched once and its pods are counted per node. A cycle then costs one step per matching group and node it occupies, not
 * one per placed pod (kube-scheduler walks every pod of every node in its PreFilter; the result is the same).
 *
 * The cache keeps one index up to date as pods come and go; any other snapshot gets one built on first use. Groups are
 * never dropped (an emptied group just counts nothing), so the groups a selector matches can be extended as groups appear.
 */
import type { LabelSelector, Node } from '../../src/model/types.js';
import { FieldKeys } from './field-keys.js';
import { selectorMatches } from './match.js';
import type { SchedPod, Snapshot } from './types.js';

export interface PodGroup {
  readonly namespace: string;
  /** The first pod of the group: its labels and terms stand for every pod of it. */
  readonly rep: SchedPod;
  /** How many pods of the group each node holds (nodes holding none are left out). */
  readonly nodes: Map<string, number>;
}

interface Selection {
  /**
   * The groups the selection looks through, in the order they appeared: the namespace's, or those carrying one label the
   * selector requires (a list that only grows, in the same order).
   */
  readonly source: readonly PodGroup[];
  scanned: number;
  readonly groups: PodGroup[];
}

/** The label (key and value) every pod a selector selects must carry, if it names one: its first matchLabels entry, else its first In of one value. */
function requiredLabel(selector: LabelSelector): readonly [string, string] | null {
  for (const k in selector.matchLabels) return [k, selector.matchLabels[k] as string];
  for (const r of selector.matchExpressions) if (r.operator === 'In' && r.values.length === 1) return [r.key, r.values[0] as string];
  return null;
}

/** groupKey by the fields it is made of (once per workload: field-keys.ts). */
const groupKeysByFields = new FieldKeys();
/**
 * The key of the pod's group: its namespace and labels, and its pod (anti-)affinity terms when it has any. Pods with equal
 * keys are alike for every selector and term (inter-pod-affinity.ts keeps how a key relates to the groups by it). Made once
 * per pod (kept on it: SchedPod.placedGroup).
 */
export function groupKey(pod: SchedPod): string {
  const kept = pod.placedGroup;
  if (kept !== undefined && kept.of === pod) return kept.key;
  const key = groupKeysByFields.key([pod.labels, pod.namespace, pod.podAffinity, pod.podAntiAffinity, pod.preferredPodAffinity, pod.preferredPodAntiAffinity], () =>
    hasAnyTerms(pod)
      ? JSON.stringify([pod.namespace, pod.labels, pod.podAffinity, pod.podAntiAffinity, pod.preferredPodAffinity ?? [], pod.preferredPodAntiAffinity ?? []])
      : JSON.stringify([pod.namespace, pod.labels]),
  );
  pod.placedGroup = { of: pod, key };
  return key;
}

export function hasAnyTerms(pod: SchedPod): boolean {
  return (
    pod.podAffinity.length > 0 ||
    pod.podAntiAffinity.length > 0 ||
    (pod.preferredPodAffinity?.length ?? 0) > 0 ||
    (pod.preferredPodAntiAffinity?.length ?? 0) > 0
  );
}

/** Terms of a placed pod that score an incoming pod: required affinity (hardPodAffinityWeight) and the preferred ones. */
function hasScoringTerms(pod: SchedPod): boolean {
  return pod.podAffinity.length > 0 || (pod.preferredPodAffinity?.length ?? 0) > 0 || (pod.preferredPodAntiAffinity?.length ?? 0) > 0;
}

const selectorKeys = new WeakMap<LabelSelector, string>();
function selectorKey(s: LabelSelector): string {
  let k = selectorKeys.get(s);
  if (k === undefined) {
    k = JSON.stringify(s);
    selectorKeys.set(s, k);
  }
  return k;
}

export class PlacedIndex {
  private readonly groups = new Map<string, PodGroup>();
  /** Groups per namespace, in the order they appeared. */
  readonly byNamespace = new Map<string, PodGroup[]>();
  /** Groups whose pods carry required anti-affinity terms (they can forbid nodes to an incoming pod). */
  readonly withRequiredAntiAffinity: PodGroup[] = [];
  /** Groups whose pods carry terms that score an incoming pod. */
  readonly withScoringTerms: PodGroup[] = [];
  /**
   * Groups per namespace and label (namespace \0 key \0 value), in the order they appeared: a selector that requires a
   * label looks through these, not every group of the namespace (where each pod of a StatefulSet, with its own pod-name
   * label, is a group of its own).
   */
  private readonly byLabel = new Map<string, PodGroup[]>();
  private readonly priorities = new Map<number, number>();
  private readonly selections = new Map<string, Selection>();

  /** `nodeOf` gives the Node object of a node holding pods of the index. */
  constructor(readonly nodeOf: (name: string) => Node | undefined) {}

  add(pod: SchedPod, nodeName: string): void {
    const k = groupKey(pod);
    let g = this.groups.get(k);
    if (g === undefined) {
      g = { namespace: pod.namespace, rep: pod, nodes: new Map() };
      this.groups.set(k, g);
      let list = this.byNamespace.get(pod.namespace);
      if (list === undefined) {
        list = [];
        this.byNamespace.set(pod.namespace, list);
      }
      list.push(g);
      for (const key in pod.labels) {
        const lk = `${pod.namespace}\u0000${key}\u0000${pod.labels[key] as string}`;
        let withLabel = this.byLabel.get(lk);
        if (withLabel === undefined) this.byLabel.set(lk, (withLabel = []));
        withLabel.push(g);
      }
      if (pod.podAntiAffinity.length > 0) this.withRequiredAntiAffinity.push(g);
      if (hasScoringTerms(pod)) this.withScoringTerms.push(g);
    }
    g.nodes.set(nodeName, (g.nodes.get(nodeName) ?? 0) + 1);
    this.priorities.set(pod.priority, (this.priorities.get(pod.priority) ?? 0) + 1);
  }

  remove(pod: SchedPod, nodeName: string): void {
    const g = this.groups.get(groupKey(pod));
    const n = g?.nodes.get(nodeName);
    if (g === undefined || n === undefined) return;
    if (n <= 1) g.nodes.delete(nodeName);
    else g.nodes.set(nodeName, n - 1);
    const left = (this.priorities.get(pod.priority) ?? 0) - 1;
    if (left <= 0) this.priorities.delete(pod.priority);
    else this.priorities.set(pod.priority, left);
  }

  /** Whether some placed pod has a priority below `priority` (else preemption has no victim anywhere). */
  hasPriorityBelow(priority: number): boolean {
    for (const p of this.priorities.keys()) if (p < priority) return true;
    return false;
  }

  /** The groups of `namespace` whose labels `selector` matches (null selects nothing). */
  selected(namespace: string, selector: LabelSelector | null): readonly PodGroup[] {
    if (selector === null) return [];
    const all = this.byNamespace.get(namespace);
    if (all === undefined) return [];
    const k = `${namespace}\u0000${selectorKey(selector)}`;
    let s = this.selections.get(k);
    if (s === undefined) {
      const label = requiredLabel(selector);
      let source: PodGroup[] = all;
      if (label !== null) {
        const lk = `${namespace}\u0000${label[0]}\u0000${label[1]}`;
        const known = this.byLabel.get(lk);
        if (known === undefined) this.byLabel.set(lk, (source = []));
        else source = known;
      }
      s = { source, scanned: 0, groups: [] };
      this.selections.set(k, s);
    }
    const source = s.source;
    for (; s.scanned < source.length; s.scanned++) {
      const g = source[s.scanned] as PodGroup;
      if (selectorMatches(selector, g.rep.labels)) s.groups.push(g);
    }
    return s.groups;
  }
}

const attached = new WeakMap<Snapshot, PlacedIndex>();

/** Gives a snapshot the index kept up to date by its cache (the cache's snapshots only). */
export function attachIndex(snapshot: Snapshot, index: PlacedIndex): void {
  attached.set(snapshot, index);
}

/** The snapshot's index of placed pods: the cache's, or one built from the snapshot's nodes on first use. */
export function placedIndex(snapshot: Snapshot): PlacedIndex {
  let index = attached.get(snapshot);
  if (index === undefined) {
    const byName = new Map(snapshot.nodes.map((n) => [n.node.name, n.node]));
    index = new PlacedIndex((name) => byName.get(name));
    for (const n of snapshot.nodes) for (const p of n.pods) index.add(p, n.node.name);
    attached.set(snapshot, index);
  }
  return index;
}
