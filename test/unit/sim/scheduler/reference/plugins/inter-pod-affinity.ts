/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
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
 */
import type { Node, PodAffinityTerm } from '../../../../../../src/model/types.js';
import { placedPods, placedWithAffinity, type PlacedPod } from '../cycle-memo.js';
import { termSelects } from '../match.js';
import { OK, unresolvable, unschedulable } from '../types.js';
import type { FilterPlugin, SchedPod, ScorePlugin, Snapshot } from '../types.js';

export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
/** kube-scheduler's InterPodAffinityArgs.hardPodAffinityWeight default. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

function sameDomain(a: Node, b: Node, key: string): boolean {
  const av = a.labels[key];
  return av !== undefined && Object.hasOwn(b.labels, key) && b.labels[key] === av;
}

function hasOwnTerms(pod: SchedPod): boolean {
  return pod.podAffinity.length > 0 || pod.podAntiAffinity.length > 0;
}

function hasPreferredTerms(pod: SchedPod): boolean {
  return (pod.preferredPodAffinity?.length ?? 0) > 0 || (pod.preferredPodAntiAffinity?.length ?? 0) > 0;
}

export const interPodAffinityFilter: FilterPlugin = {
  name: 'InterPodAffinity',
  filter(pod, { node }, snapshot) {
    if (hasOwnTerms(pod)) {
      const all = placedPods(snapshot);
      if (!satisfiesAffinity(pod, node, all, snapshot)) return unresolvable(REASON_AFFINITY);
      for (const t of pod.podAntiAffinity) {
        if (all.some((e) => termSelects(t, pod, e.pod, snapshot) && sameDomain(e.node, node, t.topologyKey))) {
          return unschedulable(REASON_ANTI_AFFINITY);
        }
      }
    }
    // Only placed pods with terms of their own can forbid this node (memoised per snapshot: PreFilter's state).
    for (const e of placedWithAffinity(snapshot)) {
      if (e.pod.podAntiAffinity.some((t) => termSelects(t, e.pod, pod, snapshot) && sameDomain(e.node, node, t.topologyKey))) {
        return unschedulable(REASON_EXISTING_ANTI_AFFINITY);
      }
    }
    return OK;
  },
};

function satisfiesAffinity(pod: SchedPod, node: Node, all: readonly PlacedPod[], snapshot: Snapshot): boolean {
  const terms = pod.podAffinity;
  if (terms.length === 0) return true;
  if (!terms.every((t) => Object.hasOwn(node.labels, t.topologyKey))) return false;
  const matchingAll = all.filter((e) => terms.every((t) => termSelects(t, pod, e.pod, snapshot)));
  if (terms.every((t) => matchingAll.some((e) => sameDomain(e.node, node, t.topologyKey)))) return true;
  // The first pod of a series with affinity to itself: no selected pod sits in any term's topology anywhere.
  const noneCounted = matchingAll.every((e) => !terms.some((t) => Object.hasOwn(e.node.labels, t.topologyKey)));
  return noneCounted && terms.every((t) => termSelects(t, pod, pod, snapshot));
}

function addTo(scores: Map<string, number>, key: string, node: Node, delta: number): void {
  const value = node.labels[key];
  if (value === undefined || delta === 0) return;
  const k = `${key}\u0000${value}`;
  scores.set(k, (scores.get(k) ?? 0) + delta);
}

export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  score(pod, feasible, snapshot) {
    const domainScore = new Map<string, number>();
    const weighted = (
      terms: readonly { weight: number; term: PodAffinityTerm }[] | undefined,
      owner: SchedPod,
      target: SchedPod,
      node: Node,
      sign: number,
    ): void => {
      for (const { weight, term } of terms ?? []) {
        if (termSelects(term, owner, target, snapshot)) addTo(domainScore, term.topologyKey, node, sign * weight);
      }
    };
    // A pod with no preferred terms of its own is scored only by placed pods that have terms.
    for (const { pod: e, node } of hasPreferredTerms(pod) ? placedPods(snapshot) : placedWithAffinity(snapshot)) {
      weighted(pod.preferredPodAffinity, pod, e, node, 1);
      weighted(pod.preferredPodAntiAffinity, pod, e, node, -1);
      for (const t of e.podAffinity) {
        if (termSelects(t, e, pod, snapshot)) addTo(domainScore, t.topologyKey, node, HARD_POD_AFFINITY_WEIGHT);
      }
      weighted(e.preferredPodAffinity, e, pod, node, 1);
      weighted(e.preferredPodAntiAffinity, e, pod, node, -1);
    }
    return feasible.map(({ node }) => {
      let total = 0;
      for (const [k, v] of domainScore) {
        const [key, value] = k.split('\u0000') as [string, string];
        if (node.labels[key] === value) total += v;
      }
      return total;
    });
  },
  normalize(scores) {
    if (scores.length === 0) return [];
    const min = Math.min(...scores);
    const max = Math.max(...scores);
    const diff = max - min;
    return scores.map((s) => (diff > 0 ? Math.trunc((100 * (s - min)) / diff) : 0));
  },
};
