/**
 * Unschedulable answers kept across scheduling passes, so that a pod waiting for room is not filtered against every node
 * each time the cluster changes somewhere else. In the spirit of kube-scheduler's QueueingHints (a rejected pod goes back
 * to the active queue only on an event that may change a rejecting plugin's verdict), but exact: an entry keeps each
 * node's failed filter result and follows the cache's events, so its answer is at every moment the one a full cycle would
 * give - the same "0/N nodes are available" text (byte for byte), and still no preemption victim - or the entry is gone.
 *
 * The cache's changes go to a log; an entry follows it when it is asked (an entry never asked again costs nothing).
 * What a change does to an entry (pod P, the pod the answer is for):
 * - a node added or changed: the node is dirty; a node removed: its result leaves the counts;
 * - a pod added to or removed from node X: X is dirty, unless its result came from a filter that reads the node object only
 *   (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity);
 * - once the log is followed, P's filters run on each dirty node, as it is then;
 * - the entry is dropped (the next cycle runs in full) when P may now fit or preempt: a dirty node passes P's filters, a
 *   dirty node fails resolvably while a lower-priority pod exists for P to preempt, a pod of lower priority appears, a pod
 *   whose anti-affinity selects P comes or goes; and when P's verdicts depend on the whole cluster (topology spread, pod
 *   (anti-)affinity), on a change of a node's labels (or taints, for a constraint honouring them), on a new node for
 *   topology spread, on a node removed, and on any pod that P's constraints or terms count.
 */
import { firstAtLeast, fitText, runFilters, type ScheduleResult } from './framework.js';
import type { CacheListener } from './cache.js';
import { termSelects } from './match.js';
import { spreadCounts } from './plugins/pod-topology-spread.js';
import { nodeOnly } from './node-only.js';
import type { Labels } from '../../src/model/types.js';
import type { FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

interface Entry {
  readonly pod: SchedPod;
  /** The snapshot of the failed cycle: P's cycle state (claims, existing anti-affinity) stays valid while the entry lives. */
  readonly snapshot: Snapshot;
  /** Set after a PreFilter rejection: every node carries that result, the message names it once. */
  readonly preFilter: FilterResult | null;
  /**
   * The failed cycle's nodes (names in name order) and each one's result, as they were then: kept as the cycle made them,
   * never changed, and read only for a node an event touched (a change of the results goes to `since`).
   */
  readonly cycleNames: readonly string[];
  readonly cycleResultAt: (at: number) => FilterResult;
  /** The results worked out since the cycle, by node name (null: the node is gone); they override the cycle's. */
  readonly since: Map<string, FilterResult | null>;
  /** Nodes an event touched since their result was worked out. */
  readonly dirty: Set<string>;
  /** How many nodes carry a result (a dirty node's may be stale, a new node's missing). */
  nodes: number;
  /** Reason -> how many of those nodes fail with it. */
  readonly reasons: Map<string, number>;
  /** The position in the change log up to which the entry has followed. */
  seen: number;
  message: string | null;
}

/** One change of the cache, as the log keeps it until every entry has followed it. */
type Change =
  | { readonly kind: 'node-set'; readonly state: NodeState; readonly before: NodeState | undefined }
  | { readonly kind: 'node-removed'; readonly state: NodeState }
  | { readonly kind: 'pod'; readonly pod: SchedPod; readonly node: string; readonly added: boolean };

function clusterWide(pod: SchedPod): boolean {
  return pod.topologySpread.length > 0 || pod.podAffinity.length > 0 || pod.podAntiAffinity.length > 0;
}

/** Whether a cluster-wide pod's verdicts anywhere may change when `other` comes or goes. */
function counts(pod: SchedPod, other: SchedPod, snapshot: Snapshot): boolean {
  if (pod.topologySpread.length > 0 && spreadCounts(pod, other)) return true;
  return pod.podAffinity.some((t) => termSelects(t, pod, other, snapshot)) || pod.podAntiAffinity.some((t) => termSelects(t, pod, other, snapshot));
}

/**
 * Whether a node object change leaves a cluster-wide pod's counts as they were: the node keeps its labels (topology pairs,
 * node affinity) and, when a spread constraint honours taints, its taints; a new node, holding no pod, changes no pair of
 * pod affinity but adds a domain to topology spread.
 */
function sameForClusterWide(pod: SchedPod, state: NodeState, before: NodeState | undefined): boolean {
  if (before === undefined) return pod.topologySpread.length === 0;
  if (!sameLabels(before.node.labels, state.node.labels)) return false;
  const taintsMatter = pod.topologySpread.some((c) => c.nodeTaintsPolicy === 'Honor');
  return !taintsMatter || JSON.stringify(before.node.taints) === JSON.stringify(state.node.taints);
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Whether a required anti-affinity term of the placed pod `other` selects `pod` (it may forbid nodes to it). */
function repels(other: SchedPod, pod: SchedPod, snapshot: Snapshot): boolean {
  return other.podAntiAffinity.some((t) => termSelects(t, other, pod, snapshot));
}

function canPreempt(pod: SchedPod): boolean {
  return pod.preemptionPolicy !== 'Never';
}

export class FailureMemo implements CacheListener {
  private readonly entries = new Map<string, Entry>();
  /** Changes not yet followed by every entry; `logStart` is the position of the first. */
  private log: Change[] = [];
  private logStart = 0;

  /**
   * `lowerPriorityExists(p)`: whether some placed pod has a priority below p; `stateOf(name)`: a node as the cache holds it
   * now (both the cache's).
   */
  constructor(
    private readonly lowerPriorityExists: (priority: number) => boolean,
    private readonly stateOf: (name: string) => NodeState | undefined,
  ) {}

  /** The answer a cycle would give pod P of equivalence `key` now, if it is known to be "unschedulable, no preemption". */
  message(key: string): string | null {
    const e = this.entries.get(key);
    if (e === undefined) return null;
    if (!this.follow(e)) {
      this.entries.delete(key);
      return null;
    }
    if (e.message === null) {
      const n = e.nodes;
      if (e.preFilter !== null) e.message = `0/${n} nodes are available: ${e.preFilter.code === 'Success' ? '' : e.preFilter.reasons.join(', ')}.`;
      else e.message = fitText(n, e.reasons);
    }
    return e.message;
  }

  /**
   * Keeps the answer of a full cycle that found no node and no preemption victim for `pod`: `result` must come from
   * evaluating every node of `snapshot` (no feasible node, so node sampling did not stop early).
   */
  record(key: string, pod: SchedPod, snapshot: Snapshot, result: ScheduleResult & { kind: 'unschedulable' }): void {
    if (snapshot.nodes.length === 0) return;
    const failed = result.everyNodeFailed();
    if (failed === null || failed.names.length !== snapshot.nodes.length) return;
    const seen = this.logStart + this.log.length;
    this.entries.set(key, {
      pod,
      snapshot,
      preFilter: result.preFilter,
      cycleNames: failed.names,
      cycleResultAt: failed.resultAt,
      since: new Map(),
      dirty: new Set(),
      nodes: failed.names.length,
      reasons: failed.reasons,
      seen,
      message: result.message,
    });
  }

  /** Forgets the entries of the equivalence keys not in `keep` (their pods left the queue), and the changes all followed. */
  retain(keep: ReadonlySet<string>): void {
    for (const k of [...this.entries.keys()]) if (!keep.has(k)) this.entries.delete(k);
    let low = this.logStart + this.log.length;
    for (const e of this.entries.values()) low = Math.min(low, e.seen);
    // The changes every entry followed are dropped once they are at least half of the log (each change copied O(1) times).
    const dead = low - this.logStart;
    if (dead > 0 && dead * 2 >= this.log.length) {
      this.log = this.log.slice(dead);
      this.logStart = low;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  // ---- the cache's events: logged, followed by each entry when it is asked ----

  nodeSet(state: NodeState, before: NodeState | undefined): void {
    if (this.entries.size > 0) this.log.push({ kind: 'node-set', state, before });
  }

  nodeRemoved(state: NodeState): void {
    if (this.entries.size > 0) this.log.push({ kind: 'node-removed', state });
  }

  podAdded(pod: SchedPod, state: NodeState): void {
    if (this.entries.size > 0) this.log.push({ kind: 'pod', pod, node: state.node.name, added: true });
  }

  podRemoved(pod: SchedPod, state: NodeState): void {
    if (this.entries.size > 0) this.log.push({ kind: 'pod', pod, node: state.node.name, added: false });
  }

  /** Brings the entry up to date with the log and works out its dirty nodes; false when it must go. */
  private follow(e: Entry): boolean {
    const end = this.logStart + this.log.length;
    for (; e.seen < end; e.seen++) {
      if (!this.apply(e, this.log[e.seen - this.logStart] as Change)) return false;
    }
    for (const name of e.dirty) {
      const state = this.stateOf(name);
      if (state === undefined) continue;
      const r = runFilters(e.pod, state, e.snapshot);
      if (r.code === 'Success' || (r.code === 'Unschedulable' && canPreempt(e.pod) && this.lowerPriorityExists(e.pod.priority))) return false;
      this.put(e, name, r);
    }
    e.dirty.clear();
    return e.nodes > 0;
  }

  /** What one change does to an entry; false when the entry must go. */
  private apply(e: Entry, c: Change): boolean {
    const P = e.pod;
    if (c.kind === 'node-set') {
      if (clusterWide(P) && !sameForClusterWide(P, c.state, c.before)) return false;
      if (e.preFilter !== null) this.put(e, c.state.node.name, e.preFilter);
      else e.dirty.add(c.state.node.name);
      return true;
    }
    if (c.kind === 'node-removed') {
      if (clusterWide(P) || c.state.pods.some((p) => repels(p, P, e.snapshot))) return false;
      const name = c.state.node.name;
      e.dirty.delete(name);
      const before = this.resultOf(e, name);
      if (before !== undefined) {
        e.since.set(name, null);
        e.nodes--;
        this.count(e, before, -1);
        e.message = null;
      }
      return true;
    }
    const q = c.pod;
    if (repels(q, P, e.snapshot) || (c.added && q.priority < P.priority && canPreempt(P)) || (clusterWide(P) && counts(P, q, e.snapshot))) return false;
    if (e.preFilter !== null) return true;
    if (e.dirty.has(c.node)) return true;
    const before = this.resultOf(e, c.node);
    if (before === undefined || !nodeOnly(before)) e.dirty.add(c.node);
    return true;
  }

  /** The entry's result for a node: worked out since the cycle, else the cycle's; undefined for a node it has none of. */
  private resultOf(e: Entry, node: string): FilterResult | undefined {
    const later = e.since.get(node);
    if (later !== undefined) return later ?? undefined;
    const names = e.cycleNames;
    const at = firstAtLeast(names.length, (i) => names[i] as string, node);
    return names[at] === node ? e.cycleResultAt(at) : undefined;
  }

  private put(e: Entry, node: string, r: FilterResult): void {
    const before = this.resultOf(e, node);
    if (before === r) return;
    if (before !== undefined) this.count(e, before, -1);
    else e.nodes++;
    e.since.set(node, r);
    this.count(e, r, 1);
    e.message = null;
  }

  /** Counts a node's result in (1) or out (-1) of the entry's reasons. */
  private count(e: Entry, r: FilterResult, by: 1 | -1): void {
    if (r.code === 'Success') return;
    for (const reason of r.reasons) {
      const k = (e.reasons.get(reason) ?? 0) + by;
      if (k <= 0) e.reasons.delete(reason);
      else e.reasons.set(reason, k);
    }
  }
}
