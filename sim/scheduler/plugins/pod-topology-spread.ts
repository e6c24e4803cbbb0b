/**
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
import type { LabelSelector, Node, TopologySpreadConstraint } from '../../../src/model/types.js';
import { cycleMemo } from '../cycle-memo.js';
import { podNodeAffinityMatches, selectorMatches, untoleratedHardTaint } from '../match.js';
import { baseNodes, nodesVersion, overlayOf } from '../overlay.js';
import { placedIndex, type PlacedIndex } from '../placed-index.js';
import { MAX_NODE_SCORE, OK, unresolvable, unschedulable } from '../types.js';
import type { FilterPlugin, FilterResult, NodeState, SchedPod, ScorePlugin, Snapshot } from '../types.js';

export const REASON_SPREAD_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const REASON_SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME = 'kubernetes.io/hostname';
const SKEWED: FilterResult = unschedulable(REASON_SPREAD_NOT_MATCH);
const MISSING_LABEL: FilterResult = unresolvable(REASON_SPREAD_MISSING_LABEL);

const selectors = new WeakMap<SchedPod, Map<TopologySpreadConstraint, LabelSelector | null>>();

/** The constraint's selector plus its matchLabelKeys (taken from the pod's own labels); one object per pod and constraint. */
function effectiveSelector(pod: SchedPod, c: TopologySpreadConstraint): LabelSelector | null {
  let m = selectors.get(pod);
  if (m === undefined) {
    m = new Map();
    selectors.set(pod, m);
  }
  if (m.has(c)) return m.get(c) ?? null;
  let s: LabelSelector | null = null;
  if (c.labelSelector !== null) {
    const extra = c.matchLabelKeys
      .filter((k) => Object.hasOwn(pod.labels, k))
      .map((k) => ({ key: k, operator: 'In' as const, values: [pod.labels[k] ?? ''] }));
    s = extra.length === 0 ? c.labelSelector : { matchLabels: c.labelSelector.matchLabels, matchExpressions: [...c.labelSelector.matchExpressions, ...extra] };
  }
  m.set(c, s);
  return s;
}

/** Whether `other` counts for any of the pod's constraints (its namespace, a constraint's selector). */
export function spreadCounts(pod: SchedPod, other: SchedPod): boolean {
  return other.namespace === pod.namespace && pod.topologySpread.some((c) => selectorMatches(effectiveSelector(pod, c), other.labels));
}

/** Whether the node carries the topology key of every constraint in `cs` (the filter's or the score's set). */
function hasAllKeys(cs: readonly TopologySpreadConstraint[], n: NodeState): boolean {
  return carriesAllKeys(cs, n.node);
}

function carriesAllKeys(cs: readonly TopologySpreadConstraint[], node: Node): boolean {
  return cs.every((c) => Object.hasOwn(node.labels, c.topologyKey));
}

function included(pod: SchedPod, c: TopologySpreadConstraint, node: Node): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !podNodeAffinityMatches(pod, node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && untoleratedHardTaint(pod.tolerations, node.taints) !== null) return false;
  return true;
}

function countOnNode(pod: SchedPod, selector: LabelSelector | null, pods: readonly SchedPod[]): number {
  let n = 0;
  for (const p of pods) if (p.namespace === pod.namespace && selectorMatches(selector, p.labels)) n++;
  return n;
}

/** The nodes counted for a constraint, with each node's domain, and the domains (in no particular order). */
interface Eligible {
  readonly byNode: ReadonlyMap<string, string>;
  readonly domains: readonly string[];
}

/** An Eligible with what it was worked out from: the node list of a node-set version and how many nodes each domain has. */
interface KeptEligible {
  readonly nodes: readonly Node[];
  readonly eligible: Eligible;
  readonly domainNodes: ReadonlyMap<string, number>;
}

const eligibleMemo = new WeakMap<object, Map<string, Eligible>>();
/** The Node objects of a node-set version, in the snapshot's order (taken once per version). */
const versionNodes = new WeakMap<object, readonly Node[]>();
/** Per placed-pod index (one per cache) and eligibleKey: the last Eligible worked out, to be brought up to date. */
const kept = new WeakMap<PlacedIndex, Map<string, KeptEligible>>();
/** eligibleNodes' key per pod, constraint and constraint set (`set`: the set's positions in the pod's list). */
const eligibleKeys = new WeakMap<SchedPod, Map<string, string>>();

function eligibleKey(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], memoKey: string): string {
  let m = eligibleKeys.get(pod);
  if (m === undefined) eligibleKeys.set(pod, (m = new Map()));
  let k = m.get(memoKey);
  if (k === undefined) {
    k = JSON.stringify([
      c.topologyKey,
      all.map((x) => x.topologyKey),
      c.nodeAffinityPolicy === 'Honor' ? [pod.nodeSelector, pod.requiredNodeAffinity] : null,
      c.nodeTaintsPolicy === 'Honor' ? pod.tolerations : null,
    ]);
    m.set(memoKey, k);
  }
  return k;
}

/**
 * The nodes counted for constraint `c` (they carry every key of `all` and pass c's inclusion policies), each with its value
 * of c's topology key. Depends on the Node objects only: kept per node-set version and per what the policies read. A new
 * version of the same cache's nodes is worked out from the last one kept for the key: only the nodes whose object changed,
 * appeared or went are looked at again (the cache keeps its nodes in name order; any other order is counted afresh).
 */
function eligibleNodes(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], snapshot: Snapshot, memoKey: string): Eligible {
  const version = nodesVersion(snapshot);
  let m = eligibleMemo.get(version);
  if (m === undefined) {
    m = new Map();
    eligibleMemo.set(version, m);
  }
  const k = eligibleKey(pod, c, all, memoKey);
  let eligible = m.get(k);
  if (eligible === undefined) {
    let nodes = versionNodes.get(version);
    if (nodes === undefined) versionNodes.set(version, (nodes = baseNodes(snapshot).map((n) => n.node)));
    const index = placedIndex(overlayOf(snapshot)?.base ?? snapshot);
    let byKey = kept.get(index);
    if (byKey === undefined) kept.set(index, (byKey = new Map()));
    const counts = (node: Node): string | undefined => (carriesAllKeys(all, node) && included(pod, c, node) ? (node.labels[c.topologyKey] ?? '') : undefined);
    const before = byKey.get(k);
    const next = (before === undefined ? null : updated(before, nodes, counts)) ?? counted(nodes, counts);
    byKey.set(k, next);
    eligible = next.eligible;
    m.set(k, eligible);
  }
  return eligible;
}

/** The eligible nodes of `nodes` worked out from scratch (`valueOf`: a node's domain, undefined when it is not counted). */
function counted(nodes: readonly Node[], valueOf: (node: Node) => string | undefined): KeptEligible {
  const byNode = new Map<string, string>();
  const domainNodes = new Map<string, number>();
  for (const node of nodes) {
    const value = valueOf(node);
    if (value === undefined) continue;
    byNode.set(node.name, value);
    domainNodes.set(value, (domainNodes.get(value) ?? 0) + 1);
  }
  return { nodes, eligible: { byNode, domains: [...domainNodes.keys()] }, domainNodes };
}

/** Whether each node list (a node-set version's, never changed) is in strict name order: checked once per list. */
const inNameOrder = new WeakMap<readonly Node[], boolean>();

function strictlyByName(list: readonly Node[]): boolean {
  let sorted = inNameOrder.get(list);
  if (sorted === undefined) {
    sorted = true;
    for (let at = 1; at < list.length && sorted; at++) sorted = (list[at - 1] as Node).name < (list[at] as Node).name;
    inNameOrder.set(list, sorted);
  }
  return sorted;
}

/**
 * `before` brought to `nodes`: walks both name-ordered lists together and looks again at the nodes not the same object in
 * both. Null when a list is not in strict name order (then the caller counts afresh).
 */
function updated(before: KeptEligible, nodes: readonly Node[], valueOf: (node: Node) => string | undefined): KeptEligible | null {
  if (before.nodes === nodes) return before;
  const old = before.nodes;
  if (!strictlyByName(old) || !strictlyByName(nodes)) return null;
  let byNode: Map<string, string> | null = null;
  let domainNodes: Map<string, number> | null = null;
  let domainsChanged = false;
  const drop = (name: string): void => {
    const value = before.eligible.byNode.get(name);
    if (value === undefined) return;
    byNode ??= new Map(before.eligible.byNode);
    domainNodes ??= new Map(before.domainNodes);
    byNode.delete(name);
    const left = (domainNodes.get(value) ?? 0) - 1;
    if (left > 0) domainNodes.set(value, left);
    else {
      domainNodes.delete(value);
      domainsChanged = true;
    }
  };
  const take = (node: Node): void => {
    const value = valueOf(node);
    if (value === undefined) return;
    byNode ??= new Map(before.eligible.byNode);
    domainNodes ??= new Map(before.domainNodes);
    byNode.set(node.name, value);
    const had = domainNodes.get(value) ?? 0;
    if (had === 0) domainsChanged = true;
    domainNodes.set(value, had + 1);
  };
  let i = 0;
  let j = 0;
  while (i < old.length || j < nodes.length) {
    const a = old[i];
    const b = nodes[j];
    if (a !== undefined && a === b) {
      i++;
      j++;
    } else if (a !== undefined && (b === undefined || a.name <= b.name)) {
      // Gone, or replaced by another object of the same name (taken at the next step).
      drop(a.name);
      i++;
    } else if (b !== undefined) {
      take(b);
      j++;
    }
  }
  if (byNode === null || domainNodes === null) return { nodes, eligible: before.eligible, domainNodes: before.domainNodes };
  const dn: Map<string, number> = domainNodes;
  return { nodes, eligible: { byNode, domains: domainsChanged ? [...dn.keys()] : before.eligible.domains }, domainNodes: dn };
}

/**
 * Matching pods per domain value of one constraint, over every eligible node of the snapshot (a domain of eligible nodes
 * holding none counts 0); computed once per cycle (pod, constraint, constraint set), as kube-scheduler's PreFilter/PreScore
 * state. An overlay snapshot (preemption) corrects its base's counts for the one node it replaces.
 */
function domainCounts(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], snapshot: Snapshot): ReadonlyMap<string, number> {
  const at = pod.topologySpread.indexOf(c);
  const set = all.map((x) => pod.topologySpread.indexOf(x)).join(',');
  const memoKey = `spread:${at}:${set}`;
  return cycleMemo(snapshot, pod, memoKey, () => countDomains(pod, c, all, snapshot, memoKey));
}

function countDomains(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], snapshot: Snapshot, memoKey: string): Map<string, number> {
  const selector = effectiveSelector(pod, c);
  const { byNode: eligible, domains } = eligibleNodes(pod, c, all, snapshot, memoKey);
  const overlay = overlayOf(snapshot);
  if (overlay !== undefined) {
    const counts = new Map(domainCounts(pod, c, all, overlay.base));
    const value = eligible.get(overlay.original.node.name);
    if (value !== undefined) {
      const delta = countOnNode(pod, selector, overlay.replaced.pods) - countOnNode(pod, selector, overlay.original.pods);
      counts.set(value, (counts.get(value) ?? 0) + delta);
    }
    return counts;
  }
  const counts = new Map<string, number>();
  for (const value of domains) counts.set(value, 0);
  for (const g of placedIndex(snapshot).selected(pod.namespace, selector)) {
    for (const [name, n] of g.nodes) {
      const value = eligible.get(name);
      if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + n);
    }
  }
  return counts;
}

interface HardConstraint {
  readonly c: TopologySpreadConstraint;
  readonly counts: ReadonlyMap<string, number>;
  /** The smallest count over the domains (0 when there are fewer domains than minDomains). */
  readonly minMatch: number;
  readonly selfMatch: number;
}

/** The DoNotSchedule constraints with their counts, once per cycle. */
function hardState(pod: SchedPod, snapshot: Snapshot): { readonly hard: readonly TopologySpreadConstraint[]; readonly constraints: readonly HardConstraint[] } {
  return cycleMemo(snapshot, pod, 'spread-hard', () => {
    const hard = pod.topologySpread.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    const constraints = hard.map((c): HardConstraint => {
      const counts = domainCounts(pod, c, hard, snapshot);
      let minMatch = Infinity;
      for (const v of counts.values()) if (v < minMatch) minMatch = v;
      if (counts.size === 0 || (c.minDomains !== null && counts.size < c.minDomains)) minMatch = 0;
      const selfMatch = selectorMatches(effectiveSelector(pod, c), pod.labels) ? 1 : 0;
      return { c, counts, minMatch, selfMatch };
    });
    return { hard, constraints };
  });
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: 'PodTopologySpread',
  filter(pod, n, snapshot) {
    // No constraint: kube-scheduler's PreFilter skips the plugin.
    if (pod.topologySpread.length === 0) return OK;
    const { hard, constraints } = hardState(pod, snapshot);
    if (hard.length === 0) return OK;
    if (!hasAllKeys(hard, n)) return MISSING_LABEL;
    for (const { c, counts, minMatch, selfMatch } of constraints) {
      const matchNum = counts.get(n.node.labels[c.topologyKey] ?? '') ?? 0;
      if (matchNum + selfMatch - minMatch > c.maxSkew) return SKEWED;
    }
    return OK;
  },
};

/** Matching pods per node name (hostname constraints of the score), from the groups the selector matches. */
function perNode(pod: SchedPod, selector: LabelSelector | null, snapshot: Snapshot): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const g of placedIndex(snapshot).selected(pod.namespace, selector)) {
    for (const [name, n] of g.nodes) counts.set(name, (counts.get(name) ?? 0) + n);
  }
  return counts;
}

/** Raw score per feasible node; -1 marks a node ignored for missing a topology key. */
export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  skipped: (pod) => (pod.topologySpread.some((c) => c.whenUnsatisfiable === 'ScheduleAnyway') ? null : -1),
  score(pod, feasible, snapshot) {
    const soft = pod.topologySpread.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
    // No soft constraint: kube-scheduler's PreScore skips the plugin, so every node gets 0 (-1 normalises to 0).
    if (soft.length === 0) return feasible.map(() => -1);
    const scored = feasible.filter((n) => hasAllKeys(soft, n));
    const perConstraint = soft.map((c) => {
      const selector = effectiveSelector(pod, c);
      const hostname = c.topologyKey === HOSTNAME;
      const size = hostname ? scored.length : new Set(scored.map((n) => n.node.labels[c.topologyKey] ?? '')).size;
      const counts = hostname ? perNode(pod, selector, snapshot) : domainCounts(pod, c, soft, snapshot);
      return { c, weight: Math.log(size + 2), counts, hostname };
    });
    return feasible.map((n) => {
      if (!hasAllKeys(soft, n)) return -1;
      let total = 0;
      for (const { c, weight, counts, hostname } of perConstraint) {
        const count = counts.get(hostname ? n.node.name : (n.node.labels[c.topologyKey] ?? '')) ?? 0;
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
