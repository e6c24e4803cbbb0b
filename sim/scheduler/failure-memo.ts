/**
 * Unschedulable answers kept across scheduling passes, so that a pod waiting for room is not filtered against every node
 * each time the cluster changes somewhere else. In the spirit of kube-scheduler's QueueingHints (a rejected pod goes back
 * to the active queue only on an event that may change a rejecting plugin's verdict), but exact: an entry keeps each
 * node's failed filter result and follows the cache's events, so its answer is at every moment the one a full cycle would
 * give - the same "0/N nodes are available" text (byte for byte), and still no preemption victim - or the entry is gone.
 *
 * What an event does to an entry (pod P, the pod the answer is for):
 * - a node added or changed: P's filters run on that node alone; a node removed: its result leaves the counts;
 * - a node where P's filters now pass is "hopeful": the entry stands only if, by the time it is asked, another event has
 *   made that node fail again (a pod bound there first), else the next cycle runs in full;
 * - a pod added to or removed from node X: X's result is recomputed unless it came from a filter that reads the node object
 *   only (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity);
 * - the entry is dropped (the next cycle runs in full) when P may now fit or preempt: a node passes P's filters, a node
 *   fails resolvably while a lower-priority pod exists for P to preempt, a pod of lower priority appears, a pod whose
 *   anti-affinity selects P comes or goes; and when P's verdicts depend on the whole cluster (topology spread, pod
 *   (anti-)affinity), on a change of a node's labels (or taints, for a constraint honouring them), on a new node for
 *   topology spread, on a node removed, and on any pod that P's constraints or terms count.
 */
import { runFilters, type ScheduleResult } from './framework.js';
import type { CacheListener } from './cache.js';
import { termSelects } from './match.js';
import { spreadCounts } from './plugins/pod-topology-spread.js';
import { REASON_NODE_AFFINITY } from './plugins/node-affinity.js';
import { REASON_NODE_NAME } from './plugins/node-name.js';
import { REASON_UNSCHEDULABLE } from './plugins/node-unschedulable.js';
import { REASON_UNTOLERATED_TAINT } from './plugins/taint-toleration.js';
import type { Labels } from '../../src/model/types.js';
import type { FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

/** The reasons of the filters that run before NodePorts: they read the Node object and the pod, never the node's pods. */
const NODE_ONLY_REASONS: ReadonlySet<string> = new Set([REASON_UNSCHEDULABLE, REASON_NODE_NAME, REASON_UNTOLERATED_TAINT, REASON_NODE_AFFINITY]);

function nodeOnly(r: FilterResult): boolean {
  return r.code !== 'Success' && r.reasons.length === 1 && NODE_ONLY_REASONS.has(r.reasons[0] as string);
}

interface Entry {
  readonly pod: SchedPod;
  /** The snapshot of the failed cycle: P's cycle state (claims, existing anti-affinity) stays valid while the entry lives. */
  readonly snapshot: Snapshot;
  /** Set after a PreFilter rejection: every node carries that result, the message names it once. */
  readonly preFilter: FilterResult | null;
  /** Every node's failed result, but the hopeful ones'. */
  readonly results: Map<string, FilterResult>;
  /** Nodes that passed P's filters when an event last touched them: the answer holds only once none is left. */
  readonly hopeful: Set<string>;
  /** How many nodes carry each result object. */
  readonly counts: Map<FilterResult, number>;
  message: string | null;
}

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

  /** `lowerPriorityExists(p)`: whether some placed pod has a priority below p (the cache's). */
  constructor(private readonly lowerPriorityExists: (priority: number) => boolean) {}

  /** The answer a cycle would give pod P of equivalence `key` now, if it is known to be "unschedulable, no preemption". */
  message(key: string): string | null {
    const e = this.entries.get(key);
    if (e === undefined) return null;
    if (e.hopeful.size > 0) {
      this.entries.delete(key);
      return null;
    }
    if (e.message === null) {
      const n = e.results.size;
      if (e.preFilter !== null) e.message = `0/${n} nodes are available: ${e.preFilter.code === 'Success' ? '' : e.preFilter.reasons.join(', ')}.`;
      else {
        const byReason = new Map<string, number>();
        for (const [r, k] of e.counts) {
          if (r.code === 'Success') continue;
          for (const reason of r.reasons) byReason.set(reason, (byReason.get(reason) ?? 0) + k);
        }
        const parts = [...byReason].map(([reason, k]) => `${k} ${reason}`).sort();
        e.message = `0/${n} nodes are available: ${parts.join(', ')}.`;
      }
    }
    return e.message;
  }

  /**
   * Keeps the answer of a full cycle that found no node and no preemption victim for `pod`: `result` must come from
   * evaluating every node of `snapshot` (no feasible node, so node sampling did not stop early).
   */
  record(key: string, pod: SchedPod, snapshot: Snapshot, result: ScheduleResult & { kind: 'unschedulable' }): void {
    if (snapshot.nodes.length === 0) return;
    const results = new Map(result.diagnosis);
    if (results.size !== snapshot.nodes.length) return;
    const counts = new Map<FilterResult, number>();
    for (const r of results.values()) counts.set(r, (counts.get(r) ?? 0) + 1);
    this.entries.set(key, { pod, snapshot, preFilter: result.preFilter, results, hopeful: new Set(), counts, message: result.message });
  }

  /** Forgets the entries of the equivalence keys not in `keep` (their pods left the queue). */
  retain(keep: ReadonlySet<string>): void {
    for (const k of [...this.entries.keys()]) if (!keep.has(k)) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }

  // ---- the cache's events ----

  nodeSet(state: NodeState, before: NodeState | undefined): void {
    for (const [k, e] of this.entries) {
      if (clusterWide(e.pod) && !sameForClusterWide(e.pod, state, before)) {
        this.entries.delete(k);
        continue;
      }
      if (e.preFilter !== null) {
        this.put(e, state.node.name, e.preFilter);
        continue;
      }
      this.refresh(k, e, state);
    }
  }

  nodeRemoved(state: NodeState): void {
    const anti = state.pods.filter((p) => p.podAntiAffinity.length > 0);
    for (const [k, e] of this.entries) {
      if (clusterWide(e.pod) || e.results.size + e.hopeful.size <= 1 || anti.some((p) => repels(p, e.pod, e.snapshot))) {
        this.entries.delete(k);
        continue;
      }
      e.hopeful.delete(state.node.name);
      const before = e.results.get(state.node.name);
      if (before === undefined) continue;
      e.results.delete(state.node.name);
      this.uncount(e, before);
      e.message = null;
    }
  }

  podAdded(pod: SchedPod, state: NodeState): void {
    this.podChanged(pod, state, true);
  }

  podRemoved(pod: SchedPod, state: NodeState): void {
    this.podChanged(pod, state, false);
  }

  private podChanged(pod: SchedPod, state: NodeState, added: boolean): void {
    const anti = pod.podAntiAffinity.length > 0;
    for (const [k, e] of this.entries) {
      if (
        (anti && repels(pod, e.pod, e.snapshot)) ||
        (added && pod.priority < e.pod.priority && canPreempt(e.pod)) ||
        (clusterWide(e.pod) && counts(e.pod, pod, e.snapshot))
      ) {
        this.entries.delete(k);
        continue;
      }
      if (e.preFilter !== null) continue;
      const before = e.results.get(state.node.name);
      if (before !== undefined && nodeOnly(before)) continue;
      this.refresh(k, e, state);
    }
  }

  /** Runs P's filters on one node: a failure is recorded, a pass makes the node hopeful. */
  private refresh(k: string, e: Entry, state: NodeState): void {
    const name = state.node.name;
    const r = runFilters(e.pod, state, e.snapshot);
    if (r.code === 'Unschedulable' && canPreempt(e.pod) && this.lowerPriorityExists(e.pod.priority)) {
      this.entries.delete(k);
      return;
    }
    if (r.code === 'Success') {
      const before = e.results.get(name);
      if (before !== undefined) {
        e.results.delete(name);
        this.uncount(e, before);
      }
      e.hopeful.add(name);
      e.message = null;
      return;
    }
    e.hopeful.delete(name);
    this.put(e, name, r);
  }

  private put(e: Entry, node: string, r: FilterResult): void {
    const before = e.results.get(node);
    if (before === r) return;
    if (before !== undefined) this.uncount(e, before);
    e.results.set(node, r);
    e.counts.set(r, (e.counts.get(r) ?? 0) + 1);
    e.message = null;
  }

  private uncount(e: Entry, r: FilterResult): void {
    const n = (e.counts.get(r) ?? 0) - 1;
    if (n <= 0) e.counts.delete(r);
    else e.counts.set(r, n);
  }
}
