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

export class TermIndex {
  readonly terms: Term[] = [];
  private readonly byKey = new Map<string, Term>();
  /** Per term: topology domain value -> number of placed pods the term selects. */
  readonly counts: Map<string, number>[] = [];
  /** Per term: number of placed pods it selects, over all domains (nodes lacking the key included). */
  readonly totals: number[] = [];
  /** Per term: domain -> number of placed pods that own this term as a required anti-affinity term. */
  readonly antiOwners: Map<string, number>[] = [];
  /** Terms that some pod owns as a required anti-affinity term. */
  readonly antiOwnedTermIds = new Set<number>();

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
    return this.register(selector, { kind: 'set', names: new Set([ownerNamespace]) }, topologyKey);
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
    this.totals.push(0);
    this.antiOwners.push(new Map());
    return term;
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

  /** Records a pod placed in a node with these labels: the terms it matches and the anti-affinity terms it owns. */
  add(matchedTermIds: readonly number[], ownedAntiTermIds: readonly number[], nodeLabels: Labels, delta: 1 | -1): void {
    for (const id of matchedTermIds) {
      const term = this.terms[id];
      if (!term) continue;
      this.totals[id] = (this.totals[id] ?? 0) + delta;
      const domain = nodeLabels[term.topologyKey];
      if (domain === undefined) continue;
      const m = this.counts[id];
      if (m) m.set(domain, (m.get(domain) ?? 0) + delta);
    }
    for (const id of ownedAntiTermIds) {
      const term = this.terms[id];
      if (!term) continue;
      const domain = nodeLabels[term.topologyKey];
      if (domain === undefined) continue;
      const m = this.antiOwners[id];
      if (m) m.set(domain, (m.get(domain) ?? 0) + delta);
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
