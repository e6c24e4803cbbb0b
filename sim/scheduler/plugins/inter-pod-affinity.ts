/**
 * InterPodAffinity (kube-scheduler plugins/interpodaffinity/filtering.go and scoring.go).
 *
 * Filter, in kube-scheduler's order:
 * - the pod's required affinity: the node must carry every term's topology key and its domain must hold a pod selected by
 *   all the terms - unless no pod anywhere is selected by all terms and the pod selects itself (the first of a series)
 *   (unresolvable);
 * - the pod's required anti-affinity: no selected pod may sit in the node's domain of each term (resolvable by preemption);
 * - existing pods' required anti-affinity: a pod already placed whose anti-affinity term selects the incoming pod forbids
 *   every node sharing its node's value of the term's topology key (resolvable).
 * Score: per topology domain, + weight of each preferred affinity term of the pod selecting an existing pod there, - weight
 * for preferred anti-affinity; + 1 (hardPodAffinityWeight) for each existing pod whose required affinity selects the pod,
 * +/- the weights of existing pods' preferred (anti-)affinity selecting the pod. A node sums its domains' scores;
 * normalised as 100 * (s - min) / (max - min), all 0 when max = min.
 *
 * As kube-scheduler's PreFilter/PreScore, the counts per topology pair are made once per cycle, from the groups of placed
 * pods (placed-index.ts) a term selects, so that a node's verdict costs a lookup per term; an overlay snapshot (preemption)
 * corrects its base's counts for the one node it replaces (overlay.ts).
 */
import type { Node, PodAffinityTerm } from '../../../src/model/types.js';
import { AntiAffinityLabels } from '../anti-affinity-labels.js';
import { cycleMemo } from '../cycle-memo.js';
import { termNamespaceMatches, termSelects } from '../match.js';
import { overlayOf } from '../overlay.js';
import { groupKey, placedIndex, type PlacedIndex, type PodGroup } from '../placed-index.js';
import { OK, unresolvable, unschedulable } from '../types.js';
import type { FilterPlugin, FilterResult, SchedPod, ScorePlugin, Snapshot } from '../types.js';

export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
/** kube-scheduler's InterPodAffinityArgs.hardPodAffinityWeight default. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

const AFFINITY_MISMATCH: FilterResult = unresolvable(REASON_AFFINITY);
const ANTI_AFFINITY_MISMATCH: FilterResult = unschedulable(REASON_ANTI_AFFINITY);
const EXISTING_ANTI_AFFINITY: FilterResult = unschedulable(REASON_EXISTING_ANTI_AFFINITY);

/** A node's own value of a label (undefined when the node does not carry it). */
function labelOf(node: Node, key: string): string | undefined {
  return Object.hasOwn(node.labels, key) ? node.labels[key] : undefined;
}

/** Counts per topology pair (key, value); a derived one adds its own to its base's. */
class PairCounts {
  private readonly m = new Map<string, Map<string, number>>();
  constructor(private readonly base: PairCounts | null = null) {}

  add(key: string, value: string, n: number): void {
    let byValue = this.m.get(key);
    if (byValue === undefined) {
      byValue = new Map();
      this.m.set(key, byValue);
    }
    byValue.set(value, (byValue.get(value) ?? 0) + n);
  }

  get(key: string, value: string): number {
    return (this.m.get(key)?.get(value) ?? 0) + (this.base?.get(key, value) ?? 0);
  }

  keys(): Iterable<string> {
    if (this.base === null) return this.m.keys();
    return new Set([...this.base.keys(), ...this.m.keys()]);
  }

  /** The node's total over the pairs it belongs to. */
  sumFor(node: Node): number {
    let total = 0;
    for (const key of this.keys()) {
      const value = labelOf(node, key);
      if (value !== undefined) total += this.get(key, value);
    }
    return total;
  }
}

/**
 * The groups of placed pods a term owned by `owner` selects (its namespaces, its label selector), namespace by namespace in
 * the index's order. A term without a namespaceSelector that reaches one namespace (its owner's, or the one it names) reads
 * that namespace's groups only, not every namespace's name.
 */
function selectedGroups(term: PodAffinityTerm, owner: SchedPod, snapshot: Snapshot): readonly PodGroup[] {
  const index = placedIndex(snapshot);
  if (term.namespaceSelector === null && term.namespaces.length <= 1) return index.selected(term.namespaces[0] ?? owner.namespace, term.labelSelector);
  const out: PodGroup[] = [];
  for (const ns of index.byNamespace.keys()) {
    if (termNamespaceMatches(term, owner.namespace, ns, snapshot)) out.push(...index.selected(ns, term.labelSelector));
  }
  return out;
}

function hasOwnTerms(pod: SchedPod): boolean {
  return pod.podAffinity.length > 0 || pod.podAntiAffinity.length > 0;
}

function hasPreferredTerms(pod: SchedPod): boolean {
  return (pod.preferredPodAffinity?.length ?? 0) > 0 || (pod.preferredPodAntiAffinity?.length ?? 0) > 0;
}

/** PreFilter's state: what the pod's own terms and the placed pods' anti-affinity make of each topology pair. */
interface FilterState {
  /** Per required affinity term: the pods matching all the terms, per pair of that term's key. */
  readonly affinity: PairCounts;
  /** How many pods matching all the affinity terms sit on a node carrying one of the terms' keys. */
  readonly affinityCounted: number;
  /** Whether the pod matches all its own affinity terms (the first pod of a series). */
  readonly selfAffinity: boolean;
  /** Per required anti-affinity term of the pod (key prefixed by the term's index): the pods it selects. */
  readonly antiAffinity: PairCounts;
  /** Pairs where a placed pod's required anti-affinity term selects the incoming pod. */
  readonly existing: PairCounts;
}

/** How a placed pod `e` relates to the incoming pod: which terms select which (computed once per group of equal pods). */
interface Relation {
  /** `e` matches every required affinity term of the pod. */
  readonly matchesAll: boolean;
  /** Indices of the pod's anti-affinity terms selecting `e`. */
  readonly anti: readonly number[];
  /** `e`'s anti-affinity terms selecting the pod. */
  readonly repels: readonly PodAffinityTerm[];
}

function relation(pod: SchedPod, e: SchedPod, snapshot: Snapshot): Relation {
  const terms = pod.podAffinity;
  const anti: number[] = [];
  pod.podAntiAffinity.forEach((t, i) => {
    if (termSelects(t, pod, e, snapshot)) anti.push(i);
  });
  return {
    matchesAll: terms.length > 0 && terms.every((t) => termSelects(t, pod, e, snapshot)),
    anti,
    repels: e.podAntiAffinity.filter((t) => termSelects(t, e, pod, snapshot)),
  };
}

function related(r: Relation): boolean {
  return r.matchesAll || r.anti.length > 0 || r.repels.length > 0;
}

/**
 * How the pods of one group key (placed-index.ts groupKey: namespace, labels, pod (anti-)affinity terms) relate to the
 * groups of placed pods, kept from one cycle to the next: a relation reads the two pods' namespaces, labels and terms and
 * the namespaces' labels, none of which change while the book lives. Of the groups with required anti-affinity (the lists
 * only grow), only those filed where a term selecting the pod could be (anti-affinity-labels.ts) are looked at; the ones
 * whose terms select the pod are kept with their relation. A group related to the pod only through the pod's own terms is
 * not kept here: the pod's terms select it (filterState visits those through bookRelation).
 */
interface RelationBook {
  readonly namespaceLabels: Snapshot['namespaceLabels'];
  /** The lists of anti-affinity groups that may repel the pod, and how much of each was looked at. */
  readonly candidates: readonly (readonly PodGroup[])[];
  readonly scanned: number[];
  /** The groups looked at (a group may sit in several lists). */
  readonly checked: Set<PodGroup>;
  /** Those whose required anti-affinity selects the pod, with their relation. */
  readonly antiRelated: { readonly g: PodGroup; readonly r: Relation }[];
  /** The relation with the groups the pod's own terms selected. */
  readonly byGroup: Map<PodGroup, Relation>;
}

const books = new WeakMap<PlacedIndex, { readonly filed: AntiAffinityLabels; readonly byKey: Map<string, RelationBook> }>();

function relationBook(pod: SchedPod, index: PlacedIndex, snapshot: Snapshot): RelationBook {
  let perIndex = books.get(index);
  if (perIndex === undefined) books.set(index, (perIndex = { filed: new AntiAffinityLabels(() => index.withRequiredAntiAffinity), byKey: new Map() }));
  const { filed, byKey } = perIndex;
  const k = groupKey(pod);
  let book = byKey.get(k);
  if (book === undefined || book.namespaceLabels !== snapshot.namespaceLabels) {
    const candidates = filed.candidatesOf(pod);
    book = { namespaceLabels: snapshot.namespaceLabels, candidates, scanned: candidates.map(() => 0), checked: new Set(), antiRelated: [], byGroup: new Map() };
    byKey.set(k, book);
  } else filed.catchUp();
  const { candidates, scanned, checked } = book;
  for (let i = 0; i < candidates.length; i++) {
    const list = candidates[i] as readonly PodGroup[];
    for (let at = scanned[i] as number; at < list.length; at++) {
      const g = list[at] as PodGroup;
      if (checked.has(g)) continue;
      checked.add(g);
      const r = relation(pod, g.rep, snapshot);
      if (r.repels.length > 0) book.antiRelated.push({ g, r });
    }
    scanned[i] = list.length;
  }
  return book;
}

function bookRelation(book: RelationBook, pod: SchedPod, g: PodGroup, snapshot: Snapshot): Relation {
  let r = book.byGroup.get(g);
  if (r === undefined) book.byGroup.set(g, (r = relation(pod, g.rep, snapshot)));
  return r;
}

type Counts = { affinity: PairCounts; antiAffinity: PairCounts; existing: PairCounts };

/** The pair counts `n` pods related by `r` add (n > 0) or take away (n < 0) on `node`; returns their affinity count. */
function addPods(pod: SchedPod, r: Relation, node: Node, n: number, st: Counts): number {
  let counted = 0;
  if (r.matchesAll) {
    let any = false;
    pod.podAffinity.forEach((t, i) => {
      const value = labelOf(node, t.topologyKey);
      if (value === undefined) return;
      any = true;
      st.affinity.add(`${i}`, value, n);
    });
    if (any) counted += n;
  }
  for (const i of r.anti) {
    const t = pod.podAntiAffinity[i] as PodAffinityTerm;
    const value = labelOf(node, t.topologyKey);
    if (value !== undefined) st.antiAffinity.add(`${i}`, value, n);
  }
  for (const t of r.repels) {
    const value = labelOf(node, t.topologyKey);
    if (value !== undefined) st.existing.add(t.topologyKey, value, n);
  }
  return counted;
}

function filterState(pod: SchedPod, snapshot: Snapshot): FilterState {
  return cycleMemo(snapshot, pod, 'inter-pod-affinity', () => {
    const overlay = overlayOf(snapshot);
    if (overlay !== undefined) {
      const base = filterState(pod, overlay.base);
      const st = { affinity: new PairCounts(base.affinity), antiAffinity: new PairCounts(base.antiAffinity), existing: new PairCounts(base.existing) };
      const node = overlay.original.node;
      let counted = base.affinityCounted;
      for (const e of overlay.original.pods) counted += addPods(pod, relation(pod, e, snapshot), node, -1, st);
      for (const e of overlay.replaced.pods) counted += addPods(pod, relation(pod, e, snapshot), node, 1, st);
      return { ...st, affinityCounted: counted, selfAffinity: base.selfAffinity };
    }
    const index = placedIndex(snapshot);
    const book = relationBook(pod, index, snapshot);
    const st = { affinity: new PairCounts(), antiAffinity: new PairCounts(), existing: new PairCounts() };
    let counted = 0;
    const seen = new Set<PodGroup>();
    const visit = (g: PodGroup, r: Relation): void => {
      if (seen.has(g)) return;
      seen.add(g);
      if (!related(r)) return;
      for (const [name, n] of g.nodes) {
        const node = index.nodeOf(name);
        if (node !== undefined) counted += addPods(pod, r, node, n, st);
      }
    };
    // Only the groups some term can count: those the pod's own terms select, and those whose anti-affinity terms select
    // the pod (the book keeps them).
    for (const t of pod.podAffinity.slice(0, 1)) for (const g of selectedGroups(t, pod, snapshot)) visit(g, bookRelation(book, pod, g, snapshot));
    for (const t of pod.podAntiAffinity) for (const g of selectedGroups(t, pod, snapshot)) visit(g, bookRelation(book, pod, g, snapshot));
    for (const { g, r } of book.antiRelated) visit(g, r);
    const selfAffinity = pod.podAffinity.every((t) => termSelects(t, pod, pod, snapshot));
    return { ...st, affinityCounted: counted, selfAffinity };
  });
}

function satisfiesAffinity(pod: SchedPod, node: Node, st: FilterState): boolean {
  const terms = pod.podAffinity;
  if (terms.length === 0) return true;
  if (!terms.every((t) => Object.hasOwn(node.labels, t.topologyKey))) return false;
  if (terms.every((t, i) => st.affinity.get(`${i}`, node.labels[t.topologyKey] ?? '') > 0)) return true;
  // The first pod of a series with affinity to itself: no selected pod sits in any term's topology anywhere.
  return st.affinityCounted === 0 && st.selfAffinity;
}

export const interPodAffinityFilter: FilterPlugin = {
  name: 'InterPodAffinity',
  filter(pod, { node }, snapshot) {
    // Nothing to check: the pod has no terms and no placed pod has anti-affinity terms (kube-scheduler's PreFilter skip).
    if (!hasOwnTerms(pod) && overlayOf(snapshot) === undefined && placedIndex(snapshot).withRequiredAntiAffinity.length === 0) return OK;
    const st = filterState(pod, snapshot);
    if (hasOwnTerms(pod)) {
      if (!satisfiesAffinity(pod, node, st)) return AFFINITY_MISMATCH;
      for (let i = 0; i < pod.podAntiAffinity.length; i++) {
        const t = pod.podAntiAffinity[i] as PodAffinityTerm;
        const value = labelOf(node, t.topologyKey);
        if (value !== undefined && st.antiAffinity.get(`${i}`, value) > 0) return ANTI_AFFINITY_MISMATCH;
      }
    }
    for (const key of st.existing.keys()) {
      const value = labelOf(node, key);
      if (value !== undefined && st.existing.get(key, value) > 0) return EXISTING_ANTI_AFFINITY;
    }
    return OK;
  },
};

/** PreScore's state: the score of each topology pair for the incoming pod. */
function scoreState(pod: SchedPod, snapshot: Snapshot): PairCounts {
  return cycleMemo(snapshot, pod, 'inter-pod-affinity-score', () => {
    const index = placedIndex(snapshot);
    const scores = new PairCounts();
    const add = (g: PodGroup, key: string, delta: number): void => {
      if (delta === 0) return;
      for (const [name, n] of g.nodes) {
        const node = index.nodeOf(name);
        const value = node === undefined ? undefined : labelOf(node, key);
        if (value !== undefined) scores.add(key, value, delta * n);
      }
    };
    // The pod's preferred terms, over the groups they select.
    for (const { weight, term } of pod.preferredPodAffinity ?? []) for (const g of selectedGroups(term, pod, snapshot)) add(g, term.topologyKey, weight);
    for (const { weight, term } of pod.preferredPodAntiAffinity ?? []) for (const g of selectedGroups(term, pod, snapshot)) add(g, term.topologyKey, -weight);
    // Placed pods whose terms select the pod.
    for (const g of index.withScoringTerms) {
      const e = g.rep;
      for (const t of e.podAffinity) if (termSelects(t, e, pod, snapshot)) add(g, t.topologyKey, HARD_POD_AFFINITY_WEIGHT);
      for (const { weight, term } of e.preferredPodAffinity ?? []) if (termSelects(term, e, pod, snapshot)) add(g, term.topologyKey, weight);
      for (const { weight, term } of e.preferredPodAntiAffinity ?? []) if (termSelects(term, e, pod, snapshot)) add(g, term.topologyKey, -weight);
    }
    return scores;
  });
}

export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  skipped: (pod, snapshot) => (!hasPreferredTerms(pod) && placedIndex(snapshot).withScoringTerms.length === 0 ? 0 : null),
  score(pod, feasible, snapshot) {
    if (!hasPreferredTerms(pod) && placedIndex(snapshot).withScoringTerms.length === 0) return feasible.map(() => 0);
    const scores = scoreState(pod, snapshot);
    return feasible.map(({ node }) => scores.sumFor(node));
  },
  normalize(scores) {
    if (scores.length === 0) return [];
    const min = Math.min(...scores);
    const max = Math.max(...scores);
    const diff = max - min;
    return scores.map((s) => (diff > 0 ? Math.trunc((100 * (s - min)) / diff) : 0));
  },
};
