/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * PodTopologySpread (kube-scheduler plugins/podtopologyspread/filtering.go and scoring.go).
 *
 * Counting: the pods in the incoming pod's namespace matching a constraint's selector (plus matchLabelKeys, taken from the
 * pod's own labels), on nodes that carry every topology key of the constraints in play (the DoNotSchedule ones for the
 * filter, the ScheduleAnyway ones for the score) and pass the constraint's inclusion
 * policies (nodeAffinityPolicy Honor: the pod's nodeSelector/required affinity match the node; nodeTaintsPolicy Honor: the
 * pod tolerates the node's NoSchedule/NoExecute taints).
 *
 * Filter (DoNotSchedule constraints): a node missing a topology key is rejected (unresolvable); otherwise
 * skew = pods in the node's domain + (1 if the pod matches its own selector) - the smallest count over the domains
 * (0 when fewer domains than minDomains) must not exceed maxSkew (resolvable).
 *
 * Score (ScheduleAnyway constraints): per constraint count * log(domains + 2) + (maxSkew - 1), summed and rounded; the domains
 * are those of the feasible nodes (for kubernetes.io/hostname: the feasible nodes). Feasible nodes missing a key are ignored
 * (score 0). Normalised as 100 * (max + min - s) / max, all 100 when max is 0. kube-scheduler's system default constraints
 * (for pods with no constraints of their own) are NOT applied here.
 */
import type { LabelSelector, TopologySpreadConstraint } from '../../../../../../src/model/types.js';
import { cycleMemo } from '../cycle-memo.js';
import { podNodeAffinityMatches, selectorMatches, untoleratedHardTaint } from '../match.js';
import { MAX_NODE_SCORE, OK, unresolvable, unschedulable } from '../types.js';
import type { FilterPlugin, NodeState, SchedPod, ScorePlugin, Snapshot } from '../types.js';

export const REASON_SPREAD_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const REASON_SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME = 'kubernetes.io/hostname';

function effectiveSelector(pod: SchedPod, c: TopologySpreadConstraint): LabelSelector | null {
  if (c.labelSelector === null) return null;
  const extra = c.matchLabelKeys
    .filter((k) => Object.hasOwn(pod.labels, k))
    .map((k) => ({ key: k, operator: 'In' as const, values: [pod.labels[k] ?? ''] }));
  return { matchLabels: c.labelSelector.matchLabels, matchExpressions: [...c.labelSelector.matchExpressions, ...extra] };
}

/** Whether the node carries the topology key of every constraint in `cs` (the filter's or the score's set). */
function hasAllKeys(cs: readonly TopologySpreadConstraint[], n: NodeState): boolean {
  return cs.every((c) => Object.hasOwn(n.node.labels, c.topologyKey));
}

function included(pod: SchedPod, c: TopologySpreadConstraint, n: NodeState): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !podNodeAffinityMatches(pod, n.node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && untoleratedHardTaint(pod.tolerations, n.node.taints) !== null) return false;
  return true;
}

function countOnNode(pod: SchedPod, selector: LabelSelector | null, n: NodeState): number {
  return n.pods.filter((p) => p.namespace === pod.namespace && selectorMatches(selector, p.labels)).length;
}

/**
 * Matching pods per domain value of one constraint, over every eligible node of the snapshot; computed once per cycle
 * (pod, constraint, constraint set), as kube-scheduler's PreFilter/PreScore state.
 */
function domainCounts(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], snapshot: Snapshot): ReadonlyMap<string, number> {
  const at = pod.topologySpread.indexOf(c);
  const set = all.map((x) => pod.topologySpread.indexOf(x)).join(',');
  return cycleMemo(snapshot, pod, `spread:${at}:${set}`, () => countDomains(pod, c, all, snapshot));
}

function countDomains(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], snapshot: Snapshot): Map<string, number> {
  const selector = effectiveSelector(pod, c);
  const counts = new Map<string, number>();
  for (const n of snapshot.nodes) {
    if (!hasAllKeys(all, n) || !included(pod, c, n)) continue;
    const value = n.node.labels[c.topologyKey] ?? '';
    counts.set(value, (counts.get(value) ?? 0) + countOnNode(pod, selector, n));
  }
  return counts;
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: 'PodTopologySpread',
  filter(pod, n, snapshot) {
    const hard = pod.topologySpread.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    if (hard.length === 0) return OK;
    if (!hasAllKeys(hard, n)) return unresolvable(REASON_SPREAD_MISSING_LABEL);
    for (const c of hard) {
      const counts = domainCounts(pod, c, hard, snapshot);
      let minMatch = counts.size === 0 ? 0 : Math.min(...counts.values());
      if (c.minDomains !== null && counts.size < c.minDomains) minMatch = 0;
      const selfMatch = selectorMatches(effectiveSelector(pod, c), pod.labels) ? 1 : 0;
      const matchNum = counts.get(n.node.labels[c.topologyKey] ?? '') ?? 0;
      if (matchNum + selfMatch - minMatch > c.maxSkew) return unschedulable(REASON_SPREAD_NOT_MATCH);
    }
    return OK;
  },
};

/** Raw score per feasible node; -1 marks a node ignored for missing a topology key. */
export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  score(pod, feasible, snapshot) {
    const soft = pod.topologySpread.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
    // No soft constraint: kube-scheduler's PreScore skips the plugin, so every node gets 0 (-1 normalises to 0).
    if (soft.length === 0) return feasible.map(() => -1);
    const scored = feasible.filter((n) => hasAllKeys(soft, n));
    const perConstraint = soft.map((c) => {
      const domains = new Set(scored.map((n) => n.node.labels[c.topologyKey] ?? ''));
      const size = c.topologyKey === HOSTNAME ? scored.length : domains.size;
      const counts: ReadonlyMap<string, number> = c.topologyKey === HOSTNAME ? new Map<string, number>() : domainCounts(pod, c, soft, snapshot);
      return { c, weight: Math.log(size + 2), counts, selector: effectiveSelector(pod, c) };
    });
    return feasible.map((n) => {
      if (!hasAllKeys(soft, n)) return -1;
      let total = 0;
      for (const { c, weight, counts, selector } of perConstraint) {
        const count = c.topologyKey === HOSTNAME ? countOnNode(pod, selector, n) : (counts.get(n.node.labels[c.topologyKey] ?? '') ?? 0);
        total += count * weight + (c.maxSkew - 1);
      }
      return Math.round(total);
    });
  },
  normalize(scores) {
    const kept = scores.filter((s) => s >= 0);
    if (kept.length === 0) return scores.map(() => 0);
    const min = Math.min(...kept);
    const max = Math.max(...kept);
    return scores.map((s) => (s < 0 ? 0 : max === 0 ? MAX_NODE_SCORE : Math.trunc((MAX_NODE_SCORE * (max + min - s)) / max)));
  },
};
