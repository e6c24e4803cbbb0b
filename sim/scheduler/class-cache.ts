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
 *
 * A class asked for again keeps every node's verdict up to date (class-index.ts): it follows the cache's change log and
 * re-runs its filters on the nodes changed since, so that it knows its feasible nodes and the reasons the others fail. A
 * cycle then finds the feasible nodes it would have walked to without visiting the others: when few nodes have room (the
 * usual state of a migration, where every pod would otherwise walk every node), a cycle costs the changes since the class's
 * last cycle, not the cluster's size; and a failed cycle's answer is kept exact this way (no failure memo needed).
 */
import { runFilters, type FeasibleIndex, type NodeLocalAnswers } from './framework.js';
import { termSelects } from './match.js';
import { NodeChangeLog } from './node-changes.js';
import { placedIndex } from './placed-index.js';
import { DEFAULT_SCORES } from './profile.js';
import { ClassIndex, type ClassVerdicts } from './class-index.js';
import type { FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

interface ClassEntry extends ClassVerdicts {
  /** How many of the index's anti-affinity groups were checked for selecting the pod. */
  antiScanned: number;
  /** Some placed pod's anti-affinity selects the pod: its verdicts read other nodes' pods. */
  repelled: boolean;
  /** Per score plugin (DEFAULT_SCORES order) with scoreNode: the NodeState each raw score was made for, and the score. */
  readonly rawSeen: (NodeState | undefined)[][];
  readonly raws: number[][];
  /** How many cycles asked for the class. */
  uses: number;
  /** Every node's verdict kept up to date, from the class's second cycle on. */
  index: ClassIndex | null;
}

function nodeLocal(pod: SchedPod): boolean {
  return pod.topologySpread.length === 0 && pod.podAffinity.length === 0 && pod.podAntiAffinity.length === 0;
}

/** The cache's side a ClassCache reads: node slots, the nodes now, and its change events. */
export interface ClassCacheSource {
  /** The live list, parallel to the snapshot's nodes, of each node's lifetime slot. */
  slots(): readonly number[];
  slotOf(name: string): number | undefined;
  stateOf(name: string): NodeState | undefined;
  listen(listener: NodeChangeLog): void;
}

export interface ClassCacheOptions {
  /** How many classes are kept (the least recently used go first). */
  readonly max?: number;
  /**
   * Whether a cycle over `all` nodes of which `feasible` pass reads the feasible index rather than walking the nodes (same
   * answer either way). Default: when at most one node in eight is feasible.
   */
  readonly useIndex?: (feasible: number, all: number) => boolean;
}

const sparse = (feasible: number, all: number): boolean => feasible * 8 <= all;

export class ClassCache {
  private readonly entries = new Map<string, ClassEntry>();
  private readonly log: NodeChangeLog;
  private readonly max: number;
  private readonly useIndex: (feasible: number, all: number) => boolean;

  constructor(
    private readonly source: ClassCacheSource,
    options: ClassCacheOptions = {},
  ) {
    this.max = options.max ?? 256;
    this.useIndex = options.useIndex ?? sparse;
    this.log = new NodeChangeLog((name) => source.slotOf(name));
    source.listen(this.log);
  }

  /** The answers for `pod`'s class on `snapshot` (the cache's current one), or null when its verdicts are not node-local. */
  answers(key: string, pod: SchedPod, snapshot: Snapshot): NodeLocalAnswers | null {
    if (!nodeLocal(pod)) return null;
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { pod, antiScanned: 0, repelled: false, seen: [], verdicts: [], rawSeen: DEFAULT_SCORES.map(() => []), raws: DEFAULT_SCORES.map(() => []), uses: 0, index: null };
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
    if (entry.repelled) {
      entry.index = null;
      return null;
    }
    const slots = this.source.slots();
    entry.uses += 1;
    if (entry.uses >= 2) {
      this.trimLog(snapshot.nodes.length);
      if (entry.index === null || entry.index.followed < this.log.start) entry.index = ClassIndex.build(entry, snapshot, slots, this.log.end);
      else entry.index.follow(entry, snapshot, this.log, (name) => this.source.stateOf(name));
    }
    const index = entry.index;
    const useIndex = this.useIndex;
    return {
      verdict(at, n) {
        const slot = slots[at] as number;
        if (entry.seen[slot] === n) return entry.verdicts[slot] as FilterResult;
        const r = runFilters(entry.pod, n, snapshot);
        if (index !== null) index.set(entry, slot, n, r);
        else {
          entry.seen[slot] = n;
          entry.verdicts[slot] = r;
        }
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
      index(all): FeasibleIndex | null {
        return index !== null && useIndex(index.feasible.length, all) ? index : null;
      },
    };
  }

  /**
   * Keeps the change log short: the changes every kept class followed go; past four changes per node (at least 4,096), the
   * oldest half goes anyway and a class that had not followed them rebuilds its index when next asked.
   */
  private trimLog(nodes: number): void {
    const cap = 4 * Math.max(1024, nodes);
    if (this.log.end - this.log.start <= cap) return;
    let low = this.log.end;
    for (const e of this.entries.values()) if (e.index !== null) low = Math.min(low, e.index.followed);
    this.log.dropBefore(Math.max(low, this.log.end - cap / 2));
  }
}
