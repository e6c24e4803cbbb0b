/**
 * The world's own kube-scheduler (issue 11): a small, separate implementation of kube-scheduler's default profile. It shares
 * the parsed model (src/model) but none of the planner's packing or predicate code, so the simulated world can catch the
 * planner's mistakes instead of repeating them. The simulated world schedules with it (sim/world/scheduler-part.ts).
 */
import type {
  Labels,
  Node,
  NodeSelectorTerm,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodAffinityTerm,
  PodDisruptionBudget,
  StorageClass,
} from '../../src/model/types.js';

/** A preferred (weighted) node affinity term: preferredDuringSchedulingIgnoredDuringExecution of nodeAffinity. */
export interface PreferredNodeTerm {
  readonly weight: number;
  readonly term: NodeSelectorTerm;
}

/** A weighted pod affinity term (podAffinity / podAntiAffinity preferred terms). */
export interface WeightedPodAffinityTerm {
  readonly weight: number;
  readonly term: PodAffinityTerm;
}

/**
 * A pod as this scheduler reads it: the model's pod plus the soft preferences the model does not parse yet (all optional,
 * absent = none), the preemption policy, and the time it entered the queue / started (virtual seconds).
 */
export interface SchedPod extends Pod {
  readonly preferredNodeAffinity?: readonly PreferredNodeTerm[];
  readonly preferredPodAffinity?: readonly WeightedPodAffinityTerm[];
  readonly preferredPodAntiAffinity?: readonly WeightedPodAffinityTerm[];
  /** PreemptLowerPriority (default) or Never. */
  readonly preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  /** Virtual time the pod started running (preemption prefers victims that started later); default 0. */
  readonly startTime?: number;
  /**
   * The placed-pod index's group key of the pod (placed-index.ts groupKey), kept on the pod with the pod it was made for: a
   * copy of the object carries the field along and makes its own. (A WeakMap by pod held an entry for every pod ever
   * placed, which the collector walks at every young-generation collection.)
   */
  placedGroup?: { readonly of: SchedPod; readonly key: string };
}

/** One node and the pods bound to it. */
export interface NodeState {
  readonly node: Node;
  readonly pods: readonly SchedPod[];
}

/** The storage objects the volume plugins read (absent: pods with claims are checked against nothing). */
export interface VolumeObjects {
  readonly pvcs: readonly PersistentVolumeClaim[];
  readonly pvs: readonly PersistentVolume[];
  readonly storageClasses: readonly StorageClass[];
}

/**
 * What one scheduling cycle sees: nodes in a fixed order, namespace labels (for namespaceSelector), PDBs and storage.
 * A NodeState and its `pods` array are never mutated once handed over (node-info.ts keeps sums per array); a snapshot does
 * not change while a cycle reads it (see cycle-memo.ts and cache.ts).
 */
export interface Snapshot {
  readonly nodes: readonly NodeState[];
  readonly namespaceLabels: Readonly<Record<string, Labels>>;
  readonly pdbs: readonly PodDisruptionBudget[];
  readonly volumes?: VolumeObjects;
}

/**
 * A filter's verdict. kube-scheduler distinguishes Unschedulable (preemption may help) from UnschedulableAndUnresolvable
 * (it cannot), and reports a reason phrase per node.
 */
export type FilterResult =
  | { readonly code: 'Success' }
  | { readonly code: 'Unschedulable' | 'UnschedulableAndUnresolvable'; readonly reasons: readonly string[] };

export const OK: FilterResult = { code: 'Success' };
export function unschedulable(...reasons: string[]): FilterResult {
  return { code: 'Unschedulable', reasons };
}
export function unresolvable(...reasons: string[]): FilterResult {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

export interface FilterPlugin {
  readonly name: string;
  /**
   * PreFilter: a verdict about the pod as a whole, before any node is looked at. A failure rejects every node, and
   * kube-scheduler's message then carries the reason once, without a node count.
   */
  preFilter?(pod: SchedPod, snapshot: Snapshot): FilterResult;
  filter(pod: SchedPod, node: NodeState, snapshot: Snapshot): FilterResult;
}

/** kube-scheduler's framework.MaxNodeScore. */
export const MAX_NODE_SCORE = 100;

export interface ScorePlugin {
  readonly name: string;
  /** Raw scores for the feasible nodes, in their order. */
  score(pod: SchedPod, feasible: readonly NodeState[], snapshot: Snapshot): number[];
  /** Set when a node's raw score depends on the pod and that node alone: `score` is this, node by node. */
  scoreNode?(pod: SchedPod, node: NodeState): number;
  /** The raw score every node gets when the plugin's PreScore skips the pod (the pod has nothing it scores), else null. */
  skipped?(pod: SchedPod, snapshot: Snapshot): number | null;
  /** Maps raw scores to 0..MAX_NODE_SCORE (the plugin's NormalizeScore); identity when the raw score is already 0..100. */
  normalize?(scores: number[]): number[];
}

