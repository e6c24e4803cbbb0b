/**
 * Per class of equal pods (the caller's equivalence key: everything the scheduler reads of a pod but its name), each
 * node's filter verdict and node-local raw scores, kept while the node's NodeState is the same object. The cache makes a new
 * NodeState whenever a node or its pods change, so an unchanged NodeState means an unchanged answer - for a pod whose
 * verdicts read that node alone: no topology spread constraint, no pod (anti-)affinity term of its own, and no placed pod's
 * anti-affinity selecting it (such pods get no answers here and run every filter, as kube-scheduler does).
 *
 * A cycle of such a pod walks the nodes reading one array slot per node instead of running ten filters, and scores the
 * feasible nodes from kept raw scores (only normalisation and the weighted sum are redone). Nodes are keyed by a slot the
 * cache gives each node for its lifetime, so nodes coming and going do not shift the other nodes' answers.
 */
import { runFilters, type NodeLocalAnswers } from './framework.js';
import { termSelects } from './match.js';
import { placedIndex } from './placed-index.js';
import { DEFAULT_SCORES } from './profile.js';
import type { FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

interface ClassEntry {
  readonly pod: SchedPod;
  /** How many of the index's anti-affinity groups were checked for selecting the pod. */
  antiScanned: number;
  /** Some placed pod's anti-affinity selects the pod: its verdicts read other nodes' pods. */
  repelled: boolean;
  readonly seen: (NodeState | undefined)[];
  readonly verdicts: (FilterResult | undefined)[];
  /** Per score plugin (DEFAULT_SCORES order) with scoreNode: the NodeState each raw score was made for, and the score. */
  readonly rawSeen: (NodeState | undefined)[][];
  readonly raws: number[][];
}

function nodeLocal(pod: SchedPod): boolean {
  return pod.topologySpread.length === 0 && pod.podAffinity.length === 0 && pod.podAntiAffinity.length === 0;
}

export class ClassCache {
  private readonly entries = new Map<string, ClassEntry>();

  /**
   * `slots()`: the live list, parallel to the snapshot's nodes, of each node's lifetime slot (SchedulerCache.slots).
   * `max`: how many classes are kept (the least recently used go first).
   */
  constructor(
    private readonly slots: () => readonly number[],
    private readonly max = 256,
  ) {}

  /** The answers for `pod`'s class on `snapshot` (the cache's current one), or null when its verdicts are not node-local. */
  answers(key: string, pod: SchedPod, snapshot: Snapshot): NodeLocalAnswers | null {
    if (!nodeLocal(pod)) return null;
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { pod, antiScanned: 0, repelled: false, seen: [], verdicts: [], rawSeen: DEFAULT_SCORES.map(() => []), raws: DEFAULT_SCORES.map(() => []) };
      if (this.entries.size >= this.max) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    } else this.entries.delete(key);
    this.entries.set(key, e);
    const entry = e;
    const anti = placedIndex(snapshot).withRequiredAntiAffinity;
    for (; entry.antiScanned < anti.length; entry.antiScanned++) {
      const g = anti[entry.antiScanned];
      if (g !== undefined && g.rep.podAntiAffinity.some((t) => termSelects(t, g.rep, entry.pod, snapshot))) entry.repelled = true;
    }
    if (entry.repelled) return null;
    const slots = this.slots();
    return {
      verdict(at, n) {
        const slot = slots[at] as number;
        if (entry.seen[slot] === n) return entry.verdicts[slot] as FilterResult;
        const r = runFilters(entry.pod, n, snapshot);
        entry.seen[slot] = n;
        entry.verdicts[slot] = r;
        return r;
      },
      raw(j, at, n) {
        const slot = slots[at] as number;
        const seen = entry.rawSeen[j] as (NodeState | undefined)[];
        const raws = entry.raws[j] as number[];
        if (seen[slot] === n) return raws[slot] as number;
        const one = DEFAULT_SCORES[j]?.plugin.scoreNode;
        if (one === undefined) throw new Error(`score plugin ${j} has no per-node score`);
        const v = one(entry.pod, n);
        seen[slot] = n;
        raws[slot] = v;
        return v;
      },
    };
  }
}
