/**
 * Pod-affinity, anti-affinity and spread terms, registered once, with per-domain counts of the placed pods each term selects.
 * This is the index that keeps inter-pod constraints cheap: a pod class computes once which terms select it, and each placement
 * updates only those terms.
 */
import type { LabelSelector, Labels, PodAffinityTerm } from '../model/types.js';
import { selectorMatches, selectorIsEmpty } from './selectors.js';

export type NamespaceMatch =
  | { readonly kind: 'set'; readonly names: ReadonlySet<string> }
  | { readonly kind: 'selector'; readonly names: ReadonlySet<string>; readonly selector: LabelSelector };

export interface Term {
  readonly id: number;
  readonly key: string;
  /** null selects no pod. */
  readonly selector: LabelSelector | null;
  readonly namespaces: NamespaceMatch;
  readonly topologyKey: string;
}

/**
 * The required pod-affinity terms of one pod, taken together. kube-scheduler's InterPodAffinity counts, per topology pair of
 * the terms (key, value), the pods that match ALL of them: one pod matching every term is what satisfies the group, two pods
 * matching one term each are not.
 */
export interface AffinityGroup {
  readonly id: number;
  /** Term ids, ascending, without repeats. */
  readonly termIds: readonly number[];
  /** The terms' topology keys, without repeats. */
  readonly topologyKeys: readonly string[];
}

/** What a placed pod adds to the index: the terms and affinity groups that select it, the anti-affinity terms it owns. */
export interface CountedPod {
  readonly matchedTermIds: readonly number[];
  readonly antiTermIds: readonly number[];
  readonly matchedGroupIds: readonly number[];
}

export class TermIndex {
  readonly terms: Term[] = [];
  private readonly byKey = new Map<string, Term>();
  /** Per term: topology domain value -> number of placed pods the term selects. */
  readonly counts: Map<string, number>[] = [];
  readonly groups: AffinityGroup[] = [];
  private readonly groupByKey = new Map<string, AffinityGroup>();
  /** Per group: topology key \0 value -> placed pods matching every term of the group, on nodes with that label. */
  private readonly groupCounts: Map<string, number>[] = [];
  /**
   * Per group: placed pods matching every term, on nodes carrying at least one of the group's topology keys. Zero is
   * kube-scheduler's "affinityCounts is empty", the condition of its first-pod rule.
   */
  private readonly groupAnchored: number[] = [];
  /** Terms registered as topology spread selectors (their per-node counts are kept for spread's node inclusion policies). */
  readonly spreadTermIds = new Set<number>();
  /** Per term: domain -> number of placed pods that own this term as a required anti-affinity term. */
  readonly antiOwners: Map<string, number>[] = [];
  /** Terms that some pod owns as a required anti-affinity term. */
  readonly antiOwnedTermIds = new Set<number>();
  /** Has a pod been counted since the index was made or its counts reset? */
  private counted = false;

  constructor(private readonly namespaceLabels: (ns: string) => Labels) {}

  /** Registers an affinity/anti-affinity term of a pod in `ownerNamespace`. */
  registerAffinity(term: PodAffinityTerm, ownerNamespace: string): Term {
    let namespaces: NamespaceMatch;
    if (term.namespaces.length === 0 && term.namespaceSelector === null) {
      namespaces = { kind: 'set', names: new Set([ownerNamespace]) };
    } else if (term.namespaceSelector === null) {
      namespaces = { kind: 'set', names: new Set(term.namespaces) };
    } else {
      namespaces = { kind: 'selector', names: new Set(term.namespaces), selector: term.namespaceSelector };
    }
    return this.register(term.labelSelector, namespaces, term.topologyKey);
  }

  /** Registers a topology spread selector: it counts pods of the owner's namespace only. */
  registerSpread(selector: LabelSelector | null, ownerNamespace: string, topologyKey: string): Term {
    const term = this.register(selector, { kind: 'set', names: new Set([ownerNamespace]) }, topologyKey);
    this.spreadTermIds.add(term.id);
    return term;
  }

  /** Registers the required affinity terms of one pod as a group (shared by every pod with the same terms). */
  registerAffinityGroup(termIds: readonly number[]): AffinityGroup {
    const ids = [...new Set(termIds)].sort((a, b) => a - b);
    const key = ids.join(',');
    const existing = this.groupByKey.get(key);
    if (existing) return existing;
    const topologyKeys = [...new Set(ids.map((id) => this.terms[id]?.topologyKey ?? ''))];
    const group: AffinityGroup = { id: this.groups.length, termIds: ids, topologyKeys };
    this.groups.push(group);
    this.groupByKey.set(key, group);
    this.groupCounts.push(new Map());
    this.groupAnchored.push(0);
    return group;
  }

  /** Placed pods matching every term of the group in the domain `value` of `topologyKey`. */
  groupCount(groupId: number, topologyKey: string, value: string): number {
    return this.groupCounts[groupId]?.get(`${topologyKey}\u0000${value}`) ?? 0;
  }

  /** Does some placed pod match every term of the group on a node carrying one of the group's topology keys? */
  groupHasPods(groupId: number): boolean {
    return (this.groupAnchored[groupId] ?? 0) > 0;
  }

  private register(selector: LabelSelector | null, namespaces: NamespaceMatch, topologyKey: string): Term {
    const nsKey =
      namespaces.kind === 'set'
        ? ['set', [...namespaces.names].sort()]
        : ['sel', [...namespaces.names].sort(), canonicalSelector(namespaces.selector)];
    const key = JSON.stringify([selector === null ? null : canonicalSelector(selector), nsKey, topologyKey]);
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const term: Term = { id: this.terms.length, key, selector, namespaces, topologyKey };
    this.terms.push(term);
    this.byKey.set(key, term);
    this.counts.push(new Map());
    this.antiOwners.push(new Map());
    return term;
  }

  /**
   * Forgets every placed pod (the counts start from zero, as right after registration); the terms and groups stay. A packing
   * round starts with this, so that classes built once serve several rounds.
   */
  resetCounts(): void {
    if (!this.counted) return;
    this.counted = false;
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = new Map();
    for (let i = 0; i < this.antiOwners.length; i++) this.antiOwners[i] = new Map();
    for (let i = 0; i < this.groupCounts.length; i++) this.groupCounts[i] = new Map();
    this.groupAnchored.fill(0);
  }

  /** Does the term select a pod with these labels in this namespace? */
  selects(term: Term, namespace: string, labels: Labels): boolean {
    if (term.selector === null) return false;
    if (!namespaceMatches(term.namespaces, namespace, this.namespaceLabels)) return false;
    return selectorMatches(term.selector, labels);
  }

  count(termId: number, domain: string): number {
    return this.counts[termId]?.get(domain) ?? 0;
  }

  /** Records a pod placed in a node with these labels (delta 1) or its removal (-1). */
  add(pod: CountedPod, nodeLabels: Labels, delta: 1 | -1): void {
    this.counted = true;
    for (const id of pod.matchedTermIds) {
      const term = this.terms[id];
      if (!term) continue;
      const domain = nodeLabels[term.topologyKey];
      if (domain === undefined) continue;
      const m = this.counts[id];
      if (m) m.set(domain, (m.get(domain) ?? 0) + delta);
    }
    for (const id of pod.antiTermIds) {
      const term = this.terms[id];
      if (!term) continue;
      const domain = nodeLabels[term.topologyKey];
      if (domain === undefined) continue;
      const m = this.antiOwners[id];
      if (m) m.set(domain, (m.get(domain) ?? 0) + delta);
    }
    for (const id of pod.matchedGroupIds) {
      const group = this.groups[id];
      const m = this.groupCounts[id];
      if (!group || !m) continue;
      let anchored = false;
      for (const key of group.topologyKeys) {
        const value = nodeLabels[key];
        if (value === undefined) continue;
        anchored = true;
        const k = `${key}\u0000${value}`;
        m.set(k, (m.get(k) ?? 0) + delta);
      }
      if (anchored) this.groupAnchored[id] = (this.groupAnchored[id] ?? 0) + delta;
    }
  }
}

function namespaceMatches(ns: NamespaceMatch, namespace: string, labelsOf: (ns: string) => Labels): boolean {
  if (ns.names.has(namespace)) return true;
  if (ns.kind === 'set') return false;
  if (selectorIsEmpty(ns.selector)) return true;
  return selectorMatches(ns.selector, labelsOf(namespace));
}

export function canonicalSelector(s: LabelSelector): unknown {
  const labels = Object.keys(s.matchLabels)
    .sort()
    .map((k) => [k, s.matchLabels[k]]);
  const exprs = s.matchExpressions
    .map((e) => [e.key, e.operator, [...e.values].sort()])
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return [labels, exprs];
}
