/**
 * One class's verdict on every node, kept up to date (class-cache.ts): the feasible nodes by name, in the snapshot's order,
 * and how many nodes fail for each reason. Built from the class's verdicts on the nodes as they are, then brought up to
 * date by following the cache's change log (node-changes.ts): a node changed since is filtered again, a node gone leaves
 * the counts. Every verdict the class keeps for a node of the cache is counted exactly once, whoever worked it out.
 */
import { firstAtLeast, fitText, runFilters, type FeasibleIndex } from './framework.js';
import type { NodeChangeLog } from './node-changes.js';
import { nodeOnly } from './node-only.js';
import { interPodAffinityFilter } from './plugins/inter-pod-affinity.js';
import { podTopologySpreadFilter } from './plugins/pod-topology-spread.js';
import { claimsOf, volumeBinding } from './plugins/volume-binding.js';
import { volumeZone } from './plugins/volume-zone.js';
import { DEFAULT_FILTERS } from './profile.js';
import type { FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

/**
 * The default filters but the two that read other nodes' pods (PodTopologySpread, InterPodAffinity), which pass every node
 * for a pod with no spread constraint or pod (anti-)affinity term of its own that no placed pod's anti-affinity selects,
 * and but the two that read the pod's claims (VolumeBinding, VolumeZone), which pass every node for a pod without volumes.
 * Those four come last in the profile, the volume filters first: a pod's verdict on a node is the node-local one, then (on
 * a node that passed it) the volume filters', then the other two's.
 */
const OTHER_NODES_FILTERS = [podTopologySpreadFilter, interPodAffinityFilter];
const VOLUME_FILTERS = [volumeBinding, volumeZone];
const LATER_FILTERS = [...VOLUME_FILTERS, ...OTHER_NODES_FILTERS];
const NODE_LOCAL_FILTERS = DEFAULT_FILTERS.filter((f) => !LATER_FILTERS.includes(f));
if (DEFAULT_FILTERS.slice(NODE_LOCAL_FILTERS.length).some((f, i) => f !== LATER_FILTERS[i])) {
  throw new Error('the volume filters, then the filters that read other nodes, must come last in the profile');
}

/**
 * The verdict of the node-local filters on `n` (class-cache.ts nodeLocal): the same for every pod with the same
 * nodeLocalKey; reads none of the pod's labels, namespace or claims.
 */
export function nodeLocalVerdict(pod: SchedPod, n: NodeState, snapshot: Snapshot): FilterResult {
  return runFilters(pod, n, snapshot, NODE_LOCAL_FILTERS);
}

/** The verdict of the volume filters (the pod's claims against the Node object), on a node that passed nodeLocalVerdict. */
export function volumeVerdict(pod: SchedPod, n: NodeState, snapshot: Snapshot): FilterResult {
  return runFilters(pod, n, snapshot, VOLUME_FILTERS);
}

/**
 * Everything volumeVerdict reads of a pod: the node affinity (VolumeBinding) and labels (VolumeZone) of the
 * PersistentVolumes its claims are bound to, in order. Pods with equal keys get equal volume verdicts on every node.
 */
export function volumeKey(pod: SchedPod, snapshot: Snapshot): string {
  return JSON.stringify(claimsOf(pod, snapshot).bound.map((pv) => [pv.nodeAffinity, pv.labels]));
}

/**
 * The verdict of the two filters that read other nodes, for any pod, on a node that passed the others: after
 * nodeLocalVerdict and volumeVerdict, the default filters' verdict in the profile's order.
 */
export function otherNodesVerdict(pod: SchedPod, n: NodeState, snapshot: Snapshot): FilterResult {
  return runFilters(pod, n, snapshot, OTHER_NODES_FILTERS);
}

/** A class's verdicts by node slot, with the NodeState each was worked out for. */
export interface ClassVerdicts {
  readonly pod: SchedPod;
  readonly seen: (NodeState | undefined)[];
  readonly verdicts: (FilterResult | undefined)[];
}

/**
 * The class's kept verdict on `n` (the node in that slot now), when it is still exact without filtering again: worked out
 * for `n` itself, or a failure of a filter that reads the Node object alone on the same Node object (only the node's pods
 * changed since); else undefined.
 */
export function keptVerdict(v: ClassVerdicts, slot: number, n: NodeState): FilterResult | undefined {
  const r = v.verdicts[slot];
  if (r === undefined) return undefined;
  const seen = v.seen[slot];
  if (seen === n) return r;
  if (seen !== undefined && seen.node === n.node && nodeOnly(r)) {
    v.seen[slot] = n;
    return r;
  }
  return undefined;
}

/** Two failures with the same code and reasons, in the same order. */
function sameFailure(a: FilterResult, b: FilterResult): boolean {
  if (a.code === 'Success' || b.code === 'Success' || a.code !== b.code || a.reasons.length !== b.reasons.length) return false;
  for (let i = 0; i < a.reasons.length; i++) if (a.reasons[i] !== b.reasons[i]) return false;
  return true;
}

/** Where `name` is, or would go, in the ascending `names`. */
const place = (names: readonly string[], name: string): number => firstAtLeast(names.length, (i) => names[i] as string, name);

export class ClassIndex implements FeasibleIndex {
  readonly feasible: string[] = [];
  resolvable = 0;
  private readonly reasons = new Map<string, number>();
  /** message()'s last text and its node count, until a count changes. */
  private text: string | null = null;
  private textNodes = 0;

  /** `followed`: the change log position up to which the index is exact. */
  private constructor(public followed: number) {}

  /** The index of the class's verdicts on every node of `snapshot` (the cache's current one), exact at log position `end`. */
  static build(v: ClassVerdicts, snapshot: Snapshot, slots: readonly number[], end: number): ClassIndex {
    const index = new ClassIndex(end);
    const nodes = snapshot.nodes;
    for (let at = 0; at < nodes.length; at++) {
      const slot = slots[at] as number;
      const n = nodes[at] as NodeState;
      let r = keptVerdict(v, slot, n);
      if (r === undefined) {
        r = nodeLocalVerdict(v.pod, n, snapshot);
        v.seen[slot] = n;
        v.verdicts[slot] = r;
      }
      if (r.code === 'Success') index.feasible.push(n.node.name);
      else index.countFailure(r, 1);
    }
    return index;
  }

  reasonCounts(): ReadonlyMap<string, number> {
    return this.reasons;
  }

  message(nodeCount: number): string {
    if (this.text === null || this.textNodes !== nodeCount) {
      this.text = fitText(nodeCount, this.reasons);
      this.textNodes = nodeCount;
    }
    return this.text;
  }

  /** Follows the log to its end: the nodes changed since are filtered again (as they are now), the nodes gone uncounted. */
  follow(v: ClassVerdicts, snapshot: Snapshot, log: NodeChangeLog, stateOf: (name: string) => NodeState | undefined): void {
    const end = log.end;
    for (let pos = this.followed; pos < end; pos++) {
      const slot = log.at(pos);
      const seen = v.seen[slot];
      if (!log.alive(slot)) {
        if (seen !== undefined) {
          this.uncount(v.verdicts[slot] as FilterResult, seen.node.name);
          v.seen[slot] = undefined;
        }
        continue;
      }
      const state = stateOf(log.nameOf(slot));
      if (state === undefined || seen === state || keptVerdict(v, slot, state) !== undefined) continue;
      this.set(v, slot, state, nodeLocalVerdict(v.pod, state, snapshot));
    }
    this.followed = end;
  }

  /** Records the class's new verdict `r` on the node in `slot`, now `n`. */
  set(v: ClassVerdicts, slot: number, n: NodeState, r: FilterResult): void {
    const seen = v.seen[slot];
    if (seen !== undefined) {
      const was = v.verdicts[slot] as FilterResult;
      v.seen[slot] = n;
      v.verdicts[slot] = r;
      // A node that failed and fails again for the same reasons (the usual change: one more pod on a full node) leaves the
      // counts, and so the message, as they were.
      if (sameFailure(was, r)) return;
      this.uncount(was, seen.node.name);
    }
    v.seen[slot] = n;
    v.verdicts[slot] = r;
    if (r.code === 'Success') this.feasible.splice(place(this.feasible, n.node.name), 0, n.node.name);
    else this.countFailure(r, 1);
  }

  private uncount(r: FilterResult, name: string): void {
    if (r.code !== 'Success') this.countFailure(r, -1);
    else {
      const at = place(this.feasible, name);
      if (this.feasible[at] === name) this.feasible.splice(at, 1);
    }
  }

  private countFailure(r: FilterResult & { readonly reasons: readonly string[] }, by: 1 | -1): void {
    if (r.code === 'Unschedulable') this.resolvable += by;
    this.text = null;
    for (const reason of r.reasons) {
      const k = (this.reasons.get(reason) ?? 0) + by;
      if (k === 0) this.reasons.delete(reason);
      else this.reasons.set(reason, k);
    }
  }
}
