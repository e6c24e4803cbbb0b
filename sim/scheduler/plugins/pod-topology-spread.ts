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
import { baseNodes, nodesVersion, overlayOf, versionLog, type NodeSetLog } from '../overlay.js';
import { placedIndex } from '../placed-index.js';
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

/**
 * The nodes counted for a constraint, with each node's domain, and how many domains they make. Read at once: one kept
 * for a cache's snapshots is moved to other node-set versions in place (see eligibleNodes).
 */
interface Eligible {
  readonly byNode: ReadonlyMap<string, string>;
  readonly domains: number;
}

/** Eligible nodes kept for one eligibleKey at a position of a cache's node change log, moved along the log in place. */
interface Follower {
  /** The log position whose node set `byNode` holds. */
  pos: number;
  readonly byNode: Map<string, string>;
  /** How many counted nodes each domain has (domains with none are left out). */
  readonly domainNodes: Map<string, number>;
}

/** Per cache (its node change log) and eligibleKey: the eligible nodes kept. */
const followers = new WeakMap<NodeSetLog, Map<string, Follower>>();
/**
 * The log position each node-set version of a cache stands for: the log's end when the version is first asked about (its
 * own position while it is the cache's current one; later, the node list the snapshot then shows, which is the live one).
 */
const versionPositions = new WeakMap<object, number>();
/** Per node-set version not a cache's (snapshots built by hand) and eligibleKey: its eligible nodes, counted once. */
const eligibleMemo = new WeakMap<object, Map<string, Eligible>>();
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
 * of c's topology key. Depends on the Node objects only, and on what the policies read (the key). For a cache's snapshot,
 * one set per key is kept and moved along the cache's node change log to the version asked (forwards or back), looking
 * only at the nodes changed in between: the answer is valid until the next call. Any other snapshot is counted once.
 */
function eligibleNodes(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], snapshot: Snapshot, memoKey: string): Eligible {
  const version = nodesVersion(snapshot);
  const k = eligibleKey(pod, c, all, memoKey);
  const valueOf = (node: Node): string | undefined => (carriesAllKeys(all, node) && included(pod, c, node) ? (node.labels[c.topologyKey] ?? '') : undefined);
  const log = versionLog(version);
  if (log === undefined) {
    let m = eligibleMemo.get(version);
    if (m === undefined) eligibleMemo.set(version, (m = new Map()));
    let eligible = m.get(k);
    if (eligible === undefined) {
      const f = countedAt(0, baseNodes(snapshot), valueOf);
      m.set(k, (eligible = { byNode: f.byNode, domains: f.domainNodes.size }));
    }
    return eligible;
  }
  let pos = versionPositions.get(version);
  if (pos === undefined) versionPositions.set(version, (pos = log.end));
  let byKey = followers.get(log);
  if (byKey === undefined) followers.set(log, (byKey = new Map()));
  let f = byKey.get(k);
  // Counted afresh from the live node list (the log's end) when there is none yet or it is further behind than the nodes.
  const live = baseNodes(snapshot);
  if (pos === log.end && (f === undefined || pos - f.pos > live.length)) byKey.set(k, (f = countedAt(pos, live, valueOf)));
  else if (f === undefined) byKey.set(k, (f = countedAt(0, [], valueOf)));
  moveTo(f, log, pos, valueOf);
  return { byNode: f.byNode, domains: f.domainNodes.size };
}

/** The eligible nodes of `nodes` counted from scratch (`valueOf`: a node's domain, undefined when it is not counted). */
function countedAt(pos: number, nodes: readonly NodeState[], valueOf: (node: Node) => string | undefined): Follower {
  const f: Follower = { pos, byNode: new Map(), domainNodes: new Map() };
  for (const n of nodes) setNode(f, n.node.name, n.node, valueOf);
  return f;
}

/** Brings `f` to log position `pos` through the changes in between (forwards: each node as after; back: as before). */
function moveTo(f: Follower, log: NodeSetLog, pos: number, valueOf: (node: Node) => string | undefined): void {
  for (; f.pos < pos; f.pos++) setNode(f, log.nameAt(f.pos), log.afterAt(f.pos), valueOf);
  for (; f.pos > pos; f.pos--) setNode(f, log.nameAt(f.pos - 1), log.beforeAt(f.pos - 1), valueOf);
}

/** Puts node `name` in `f` as `node` shows it (undefined: absent). */
function setNode(f: Follower, name: string, node: Node | undefined, valueOf: (node: Node) => string | undefined): void {
  const before = f.byNode.get(name);
  const after = node === undefined ? undefined : valueOf(node);
  if (before === after) return;
  if (before !== undefined) {
    const left = (f.domainNodes.get(before) ?? 0) - 1;
    if (left > 0) f.domainNodes.set(before, left);
    else f.domainNodes.delete(before);
  }
  if (after === undefined) f.byNode.delete(name);
  else {
    f.byNode.set(name, after);
    f.domainNodes.set(after, (f.domainNodes.get(after) ?? 0) + 1);
  }
}

/**
 * Matching pods per domain of one constraint, kept sparse: `counts` holds the domains holding matching pods (any other
 * eligible domain counts 0; an overlay may hold a 0), `domains` how many domains the eligible nodes make. Every domain in
 * `counts` is one of them.
 */
interface DomainCounts {
  readonly counts: ReadonlyMap<string, number>;
  readonly domains: number;
}

/**
 * Matching pods per domain value of one constraint, over every eligible node of the snapshot; computed once per cycle
 * (pod, constraint, constraint set), as kube-scheduler's PreFilter/PreScore state. An overlay snapshot (preemption)
 * corrects its base's counts for the one node it replaces.
 */
function domainCounts(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], snapshot: Snapshot): DomainCounts {
  const at = pod.topologySpread.indexOf(c);
  const set = all.map((x) => pod.topologySpread.indexOf(x)).join(',');
  const memoKey = `spread:${at}:${set}`;
  return cycleMemo(snapshot, pod, memoKey, () => countDomains(pod, c, all, snapshot, memoKey));
}

/** Costs one step per matching group and node it occupies (not one per domain), plus the node changes since the last ask. */
function countDomains(pod: SchedPod, c: TopologySpreadConstraint, all: readonly TopologySpreadConstraint[], snapshot: Snapshot, memoKey: string): DomainCounts {
  const selector = effectiveSelector(pod, c);
  const overlay = overlayOf(snapshot);
  if (overlay !== undefined) {
    // The same node-set version as the base's: the eligible nodes are read after the base's counts.
    const base = domainCounts(pod, c, all, overlay.base);
    const value = eligibleNodes(pod, c, all, snapshot, memoKey).byNode.get(overlay.original.node.name);
    if (value === undefined) return base;
    const counts = new Map(base.counts);
    const delta = countOnNode(pod, selector, overlay.replaced.pods) - countOnNode(pod, selector, overlay.original.pods);
    counts.set(value, (counts.get(value) ?? 0) + delta);
    return { counts, domains: base.domains };
  }
  const { byNode: eligible, domains } = eligibleNodes(pod, c, all, snapshot, memoKey);
  const counts = new Map<string, number>();
  for (const g of placedIndex(snapshot).selected(pod.namespace, selector)) {
    for (const [name, n] of g.nodes) {
      const value = eligible.get(name);
      if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + n);
    }
  }
  return { counts, domains };
}

interface HardConstraint {
  readonly c: TopologySpreadConstraint;
  /** Matching pods per domain (sparse: a domain left out counts 0). */
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
      const { counts, domains } = domainCounts(pod, c, hard, snapshot);
      // A domain missing from the sparse counts holds 0 matching pods.
      let minMatch = counts.size < domains ? 0 : Infinity;
      for (const v of counts.values()) if (v < minMatch) minMatch = v;
      if (domains === 0 || (c.minDomains !== null && domains < c.minDomains)) minMatch = 0;
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
      const counts = hostname ? perNode(pod, selector, snapshot) : domainCounts(pod, c, soft, snapshot).counts;
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
