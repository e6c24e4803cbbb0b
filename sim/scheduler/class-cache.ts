/**
 * What the scheduler keeps per class of pods from one cycle to the next: each node's verdict of the filters that read that
 * node alone (all but PodTopologySpread and InterPodAffinity, which come last in the profile) and the raw scores of the
 * score plugins that read one node, kept while the node's NodeState is the same object. The cache makes a new NodeState
 * whenever a node or its pods change, so an unchanged NodeState means an unchanged answer. Nodes are keyed by a slot the
 * cache gives each node for its lifetime, so nodes coming and going do not shift the other nodes' answers.
 *
 * Those verdicts and scores read none of the pod's labels, namespace or claims: classes that differ only there (the pods of
 * different Deployments with the same requests, selectors and tolerations, the pods of a StatefulSet each with its own
 * claims) share one store, keyed by the fields they read (nodeLocalKey). A pod with claims (a PersistentVolumeClaim volume:
 * hasClaims; the volume filters read no other kind, so an emptyDir or the projected token volume every pod carries does not
 * count) runs the volume filters (they
 * come after the node-local ones) in each cycle on the nodes that passed the rest, and its known failure is read from the
 * store with the volume filters run on the nodes the store finds feasible only: a store per pod would be built over every
 * node for each pod with claims, which grew with the cluster twice. A pod whose verdicts read other nodes too - a topology spread constraint or a pod (anti-)affinity term
 * of its own, or a placed pod's anti-affinity selecting it (kept per class: Repulsion) - runs the two other filters in every
 * cycle on the nodes that passed the rest (`second`).
 *
 * Each store keeps every node's verdict up to date (class-index.ts): it follows the cache's change log and filters again
 * only the nodes changed since it was last asked, so it knows its feasible nodes and why the others fail. A cycle then
 * finds the feasible nodes it would have walked to without visiting the others (when few nodes have room, the usual state
 * of a migration, where every pod would otherwise walk every node), and a pod that passes no node's filters and cannot
 * preempt gets its answer without a cycle (knownFailure).
 */
import { fitText, runPreFilters, type FeasibleIndex, type NodeLocalAnswers } from './framework.js';
import { termSelects } from './match.js';
import { NodeChangeLog } from './node-changes.js';
import type { CacheListener } from './cache.js';
import type { PlacedIndex, PodGroup } from './placed-index.js';
import { DEFAULT_FILTERS, DEFAULT_SCORES } from './profile.js';
import { hasClaims, volumeBinding } from './plugins/volume-binding.js';
import { ClassIndex, keptVerdict, nodeLocalVerdict, otherNodesVerdict, volumeKey, volumeVerdict, type ClassVerdicts } from './class-index.js';
import { AntiAffinityLabels } from './anti-affinity-labels.js';
import { FieldKeys } from './field-keys.js';
import type { FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

// claimsKey (and the scheduler pool's groups, which keep it for a pod's lifetime) holds only while VolumeBinding's is the
// profile's one PreFilter: it reads the pod's claims and the storage objects, which no cache change touches.
if (DEFAULT_FILTERS.some((f) => f.preFilter !== undefined && f !== volumeBinding)) {
  throw new Error("claimsKey assumes VolumeBinding's is the only PreFilter of the profile");
}

/** Per class: whether a placed pod's required anti-affinity selects its pods. */
interface Repulsion {
  /**
   * The lists of anti-affinity groups that may repel the class's pods (anti-affinity-labels.ts: filed under their namespace
   * and one of their labels; the lists only grow), and how much of each was checked.
   */
  readonly candidates: readonly (readonly PodGroup[])[];
  readonly scanned: number[];
  /** Some placed pod's anti-affinity selects the pod: its verdicts read other nodes' pods. */
  repelled: boolean;
}

/** The verdicts and scores shared by the classes with one nodeLocalKey. */
interface ClassEntry extends ClassVerdicts {
  /** Per score plugin (DEFAULT_SCORES order) with scoreNode: the NodeState each raw score was made for, and the score. */
  readonly rawSeen: (NodeState | undefined)[][];
  readonly raws: number[][];
  /** Every node's verdict kept up to date. */
  index: ClassIndex | null;
}

const localKeys = new WeakMap<SchedPod, string>();
/** nodeLocalKey by the fields it is made of (once per workload: field-keys.ts). */
const localKeysByFields = new FieldKeys();

/**
 * Everything the node-local filters (nodeLocalVerdict) and the score plugins with a per-node score read of a pod: pods with
 * equal keys get equal verdicts and raw scores on every node.
 */
export function nodeLocalKey(pod: SchedPod): string {
  let k = localKeys.get(pod);
  if (k === undefined) {
    const fields = [pod.requests, pod.nodeName, pod.nodeSelector, pod.requiredNodeAffinity, pod.tolerations, pod.hostPorts, pod.preferredNodeAffinity ?? null];
    k = localKeysByFields.key(fields, () => JSON.stringify(fields));
    localKeys.set(pod, k);
  }
  return k;
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
  listen(listener: CacheListener): void;
  /** The placed pods grouped, as the cache's snapshots read them. */
  placed(): PlacedIndex;
  /** Whether some placed pod has a priority below `priority`. */
  hasPriorityBelow(priority: number): boolean;
  /** A number that changes whenever a node or the pods placed change. */
  readonly version: number;
}

/**
 * knownFailure's last answer for a node-local key: valid while the cache's version and the class's store are the same. A
 * known failure is kept as the index and node count its message is made from (made only when asked for: knownToFail does
 * not need it).
 */
interface KnownAnswer {
  version: number;
  entry: ClassEntry;
  priority: number;
  preemptionPolicy: SchedPod['preemptionPolicy'];
  failing: FailureText | null;
  nodes: number;
}

/** What a known failure's message is made from (when asked for), while the cache is as it was. */
interface FailureText {
  message(nodeCount: number): string;
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
  private readonly repulsion = new Map<string, Repulsion>();
  private readonly antiGroups: AntiAffinityLabels;
  private readonly known = new Map<string, KnownAnswer>();
  /** claimsAnswer's last answer per pod with claims. */
  private readonly claimsKnown = new WeakMap<SchedPod, KnownAnswer>();
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
    this.antiGroups = new AntiAffinityLabels(() => source.placed().withRequiredAntiAffinity);
    source.listen(this.log);
  }

  /**
   * The answers for `pod`'s class (`key`: the caller's equivalence key) on `snapshot` (the cache's current one). For a pod
   * whose verdicts read other nodes' pods, the node-local filters' verdicts are kept and the others (`second`) run per cycle.
   * `localKey`: nodeLocalKey(pod), when the caller keeps it.
   */
  answers(key: string, pod: SchedPod, snapshot: Snapshot, localKey = nodeLocalKey(pod)): NodeLocalAnswers {
    const wide = !nodeLocal(pod) || this.repelled(key, pod, () => snapshot);
    let e = this.entries.get(localKey);
    if (e === undefined) {
      e = { pod, seen: [], verdicts: [], rawSeen: DEFAULT_SCORES.map(() => []), raws: DEFAULT_SCORES.map(() => []), index: null };
      if (this.entries.size >= this.max) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) {
          this.entries.delete(oldest);
          this.known.delete(oldest);
        }
      }
    } else this.entries.delete(localKey);
    this.entries.set(localKey, e);
    const entry = e;
    const slots = this.source.slots();
    this.trimLog(snapshot.nodes.length);
    const index = this.upToDate(entry, () => snapshot);
    const useIndex = this.useIndex;
    const claims = hasClaims(pod);
    const second = claims
      ? (n: NodeState): FilterResult => {
          const r = volumeVerdict(pod, n, snapshot);
          return r.code !== 'Success' || !wide ? r : otherNodesVerdict(pod, n, snapshot);
        }
      : wide
        ? (n: NodeState): FilterResult => otherNodesVerdict(pod, n, snapshot)
        : null;
    return {
      verdict(at, n) {
        const slot = slots[at] as number;
        let r = keptVerdict(entry, slot, n);
        if (r === undefined) {
          r = nodeLocalVerdict(entry.pod, n, snapshot);
          index.set(entry, slot, n, r);
        }
        return second === null || r.code !== 'Success' ? r : second(n);
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
      nodeLocal: (n) => nodeLocalVerdict(entry.pod, n, snapshot),
      index(all): FeasibleIndex | null {
        return useIndex(index.feasible.length, all) ? index : null;
      },
      second,
      keepsFailures: !wide,
    };
  }

  /**
   * The answer a cycle would give `pod` now, when it is known without one: no PreFilter rejects it (only VolumeBinding has
   * one: asked for pods with claims), no node passes its node-local filters (the index of its node-local key, brought up
   * to date, is empty) and preemption cannot help (no node fails resolvably, or the pod may not preempt, or no placed pod
   * has a lower priority). Any pod: the filters that read other nodes come last and run on no node then, so the message
   * is the node-local one. A pod with claims: no node passes its node-local filters and then its volume filters, and the
   * message counts both (claimsAnswer). `snapshot()`: the cache's current snapshot, asked for only when needed (maybe
   * twice). Else null: the caller runs the cycle. `localKey`: nodeLocalKey(pod), when the caller keeps it.
   */
  knownFailure(pod: SchedPod, snapshot: () => Snapshot, localKey = nodeLocalKey(pod)): string | null {
    const known = this.answer(pod, snapshot, localKey);
    return known === null || known.failing === null ? null : known.failing.message(known.nodes);
  }

  /** Whether knownFailure has an answer for `pod` now (without making its message). */
  knownToFail(pod: SchedPod, snapshot: () => Snapshot, localKey = nodeLocalKey(pod)): boolean {
    return this.answer(pod, snapshot, localKey)?.failing != null;
  }

  /**
   * What knownFailure reads of the claims of `pod`, a pod with claims: null when a PreFilter rejects it (its answer is then
   * never known), else its volume key (class-index.ts volumeKey). Pods with equal node-local keys, priorities, preemption
   * policies and claims keys get equal answers. The only PreFilter, VolumeBinding's, reads the pod's claims and the storage
   * objects, which a cache never changes: the key holds for the pod's lifetime.
   */
  claimsKey(pod: SchedPod, snapshot: Snapshot): string | null {
    return runPreFilters(pod, snapshot) === null ? volumeKey(pod, snapshot) : null;
  }

  /** The pod's known answer: per pod for a pod with claims (claimsAnswer), else per node-local key (lastAnswer). */
  private answer(pod: SchedPod, snapshot: () => Snapshot, localKey: string): KnownAnswer | null {
    return hasClaims(pod) ? this.claimsAnswer(pod, snapshot, localKey) : this.lastAnswer(pod, snapshot, localKey);
  }

  /**
   * lastAnswer for a pod with claims, kept per pod (the store's answer with the pod's own volume filters): the volume
   * filters' verdicts read the Node object and the claims, so the nodes the store finds feasible are the only ones they
   * can change the answer on. When the store finds none (the usual case of a pod waiting for room) and no PreFilter
   * rejects the pod, the answer is the store's own (lastAnswer), which the pods of its node-local key share: no volume
   * filter runs and no answer is made per pod.
   */
  private claimsAnswer(pod: SchedPod, snapshot: () => Snapshot, localKey: string): KnownAnswer | null {
    const entry = this.entries.get(localKey);
    if (entry === undefined || entry.index === null) return null;
    if (this.upToDate(entry, snapshot).feasible.length === 0 && runPreFilters(pod, snapshot()) === null) return this.lastAnswer(pod, snapshot, localKey);
    const version = this.source.version;
    const last = this.claimsKnown.get(pod);
    if (last !== undefined && last.version === version && last.entry === entry) return last;
    const nodes = this.source.slots().length;
    const failing = this.workOutClaimsFailure(entry, pod, snapshot, nodes);
    const fresh: KnownAnswer = { version, entry, priority: pod.priority, preemptionPolicy: pod.preemptionPolicy, failing, nodes };
    this.claimsKnown.set(pod, fresh);
    return fresh;
  }

  /**
   * workOutFailure for a pod with claims: no PreFilter rejects it, the nodes that pass the node-local filters all fail its
   * volume filters, and preemption cannot help on any node.
   */
  private workOutClaimsFailure(entry: ClassEntry, pod: SchedPod, snapshot: () => Snapshot, nodes: number): FailureText | null {
    if (nodes === 0) return null;
    const current = snapshot();
    if (runPreFilters(pod, current) !== null) return null;
    const index = this.upToDate(entry, snapshot);
    let resolvable = index.resolvable;
    // The volume filters' reasons on the feasible nodes (made on the first: most pods have none to count).
    let more: Map<string, number> | null = null;
    for (const name of index.feasible) {
      const r = volumeVerdict(pod, this.source.stateOf(name) as NodeState, current);
      if (r.code === 'Success') return null;
      if (r.code === 'Unschedulable') resolvable++;
      for (const reason of r.reasons) {
        more ??= new Map<string, number>();
        more.set(reason, (more.get(reason) ?? 0) + 1);
      }
    }
    const hopeless = resolvable === 0 || pod.preemptionPolicy === 'Never' || !this.source.hasPriorityBelow(pod.priority);
    if (!hopeless) return null;
    if (more === null) return index;
    const extra: ReadonlyMap<string, number> = more;
    return {
      message(nodeCount: number): string {
        const counts = new Map(index.reasonCounts());
        for (const [reason, n] of extra) counts.set(reason, (counts.get(reason) ?? 0) + n);
        return fitText(nodeCount, counts);
      },
    };
  }

  private lastAnswer(pod: SchedPod, snapshot: () => Snapshot, localKey: string): KnownAnswer | null {
    const entry = this.entries.get(localKey);
    if (entry === undefined || entry.index === null) return null;
    // The answer reads the class's store, the pod's priority and preemption policy and the cache (pods with claims are
    // answered per pod, not from here): while the cache has not changed since the last answer for this key (the usual
    // case within a pass, where many classes share a key), it is the same.
    const version = this.source.version;
    const last = this.known.get(localKey);
    if (last !== undefined && last.version === version && last.entry === entry && last.priority === pod.priority && last.preemptionPolicy === pod.preemptionPolicy) {
      return last;
    }
    const nodes = this.source.slots().length;
    const failing = this.workOutFailure(entry, pod, snapshot, nodes);
    if (last === undefined) {
      const fresh: KnownAnswer = { version, entry, priority: pod.priority, preemptionPolicy: pod.preemptionPolicy, failing, nodes };
      this.known.set(localKey, fresh);
      return fresh;
    }
    last.version = version;
    last.entry = entry;
    last.priority = pod.priority;
    last.preemptionPolicy = pod.preemptionPolicy;
    last.failing = failing;
    last.nodes = nodes;
    return last;
  }

  /** The class's index when no node passes and preemption cannot help (its message is the answer); else null. */
  private workOutFailure(entry: ClassEntry, pod: SchedPod, snapshot: () => Snapshot, nodes: number): ClassIndex | null {
    if (nodes === 0) return null;
    const index = this.upToDate(entry, snapshot);
    if (index.feasible.length > 0) return null;
    const hopeless = index.resolvable === 0 || pod.preemptionPolicy === 'Never' || !this.source.hasPriorityBelow(pod.priority);
    return hopeless ? index : null;
  }

  /**
   * The store's index brought up to date: followed from the change log, or built again when it had not been built or the
   * log dropped changes it had not followed. `snapshot()` (the cache's current one) is asked for only when there is work.
   */
  private upToDate(entry: ClassEntry, snapshot: () => Snapshot): ClassIndex {
    if (entry.index === null || entry.index.followed < this.log.start) entry.index = ClassIndex.build(entry, snapshot(), this.source.slots(), this.log.end);
    else if (entry.index.followed < this.log.end) entry.index.follow(entry, snapshot(), this.log, (name) => this.source.stateOf(name));
    return entry.index;
  }

  /**
   * Whether a placed pod's required anti-affinity selects the pods of class `key` (its namespace and labels are the pod's):
   * checked against the groups filed where a term selecting the pod could be, new ones only.
   */
  private repelled(key: string, pod: SchedPod, snapshot: () => Snapshot): boolean {
    let r = this.repulsion.get(key);
    if (r === undefined) {
      const candidates = this.antiGroups.candidatesOf(pod);
      this.repulsion.set(key, (r = { candidates, scanned: candidates.map(() => 0), repelled: false }));
    } else if (r.repelled) return true;
    else this.antiGroups.catchUp();
    const { candidates, scanned } = r;
    let current: Snapshot | null = null;
    for (let i = 0; i < candidates.length; i++) {
      const list = candidates[i] as readonly PodGroup[];
      for (let at = scanned[i] as number; at < list.length; at++) {
        const g = list[at] as PodGroup;
        current ??= snapshot();
        const now = current;
        if (g.rep.podAntiAffinity.some((t) => termSelects(t, g.rep, pod, now))) {
          r.repelled = true;
          return true;
        }
      }
      scanned[i] = list.length;
    }
    return false;
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
