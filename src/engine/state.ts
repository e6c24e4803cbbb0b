/**
 * The migration's persisted progress. Written before every action (write-ahead), so a restarted engine repeats only idempotent
 * steps. Plain JSON: the live adapter stores it in the cluster, the simulator in its emulated API.
 */
import type { FailureCode } from '../model/failures.js';
import type { MigrationParams } from '../model/params.js';

export type MigrationStatus = 'Running' | 'Stopping' | 'Stopped' | 'Completed' | 'Failed';
export type BatchPhase = 'pending' | 'draining' | 'waiting' | 'terminating' | 'done';
export type OldNodePhase = 'waiting' | 'cordoned' | 'drained' | 'terminated' | 'uncordoned' | 'kept';

export interface StopRequest {
  readonly terminateDrained: boolean;
  readonly requestedAt: number;
}

export interface BatchState {
  readonly nodes: readonly string[];
  phase: BatchPhase;
  startedAt: number | null;
  drainedAt: number | null;
  finishedAt: number | null;
  /**
   * Pods evicted (or deleted) from this batch, as namespace/name, with their controller uid, while the batch runs: its
   * drain and health gate read them. A finished batch keeps only their count (closeBatchRecord), so the saved state grows
   * with the largest batch, not with every pod the migration moved (a ConfigMap holds 1 MiB).
   */
  evicted: { pod: string; ownerUid: string | null }[];
  /** How many pods were evicted (or deleted) from this batch: the length of `evicted` while it runs, kept once it is done. */
  evictedCount: number;
  /** Uids of pods that replace nothing: those each evicted controller ran elsewhere when its first pod left this batch. */
  baseline: string[];
}

export interface FailureState {
  readonly code: FailureCode;
  readonly message: string;
  readonly why: string;
  readonly remedy: string;
  readonly objects: readonly string[];
  readonly at: number;
}

export interface EngineSettings {
  /** Seconds between reconciles. */
  readonly intervalSeconds: number;
  /** API unreachable for longer than this fails the run with ConnectivityLost. */
  readonly connectivityLostSeconds: number;
  /** The autoscaler reporting unplaceable pods or launch errors for longer than this fails with InsufficientCapacity. */
  readonly capacityGraceSeconds: number;
  /** First retry delay of a PDB-blocked eviction; doubles up to `evictionBackoffMaxSeconds`. */
  readonly evictionBackoffSeconds: number;
  readonly evictionBackoffMaxSeconds: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  intervalSeconds: 5,
  connectivityLostSeconds: 300,
  capacityGraceSeconds: 300,
  evictionBackoffSeconds: 5,
  evictionBackoffMaxSeconds: 60,
};

export interface MigrationState {
  readonly version: 1;
  readonly id: string;
  status: MigrationStatus;
  readonly params: MigrationParams;
  readonly settings: EngineSettings;
  readonly oldNodes: readonly { readonly name: string; readonly instanceId: string | null }[];
  readonly batches: BatchState[];
  current: number;
  nodePhase: Record<string, OldNodePhase>;
  /**
   * When cordonAllAtStart is on: when every selected old node had been cordoned (null until then). Before it is set, a node
   * in phase 'cordoned' may not be cordoned yet (write-ahead), so a resumed engine cordons it again.
   */
  cordonedAllAt: number | null;
  createdAt: number;
  completedAt: number | null;
  stoppedAt: number | null;
  erroredAt: number | null;
  failure: FailureState | null;
  stop: StopRequest | null;
  /** Per pod (namespace/name): failed eviction attempts and when to try again. */
  evictRetry: Record<string, { attempts: number; nextAt: number; firstBlockedAt: number }>;
  /** Per controller uid: when its last pod was evicted (drives the drain threshold). */
  lastEvictedAt: Record<string, number>;
  apiLostSince: number | null;
  capacityTroubleSince: number | null;
  /** Upper bound on the run, from the plan. */
  readonly boundSeconds: number;
  /**
   * Write-ahead of the current batch's removal requests (evictions and deletions): every pod its drain has asked for, saved
   * before the first request for it. A process that dies after a request reached the API but before its answer was recorded
   * leaves the pod here, and the engine that resumes notes each listed pod it finds gone or terminating, and not recorded
   * as removed, as removed (trace `pod.gone`, with `answerLost`). Replaced whole when it grows, never changed in place;
   * absent while no batch drains (and in states saved before it existed).
   */
  removing?: RemovalIntent;
  /**
   * Present only when Ocean's Workload Migration API executes the batches (`run --executor ocean`): the engine never sets
   * or reads it, and a state without it is the engine's own, unchanged.
   */
  ocean?: OceanExecution;
}

/** The removal requests of a batch's drain (see MigrationState.removing). */
export interface RemovalIntent {
  /** The batch (index into `batches`) whose drain asked for them. */
  readonly batch: number;
  /** When the last of them was added (the engine's clock): the controllers' last eviction for the pods found removed. */
  readonly at: number;
  /** The pods, in the order of the requests: namespace/name, uid (a StatefulSet's replacement has the same name), node, controller uid. */
  readonly pods: readonly { readonly pod: string; readonly uid: string; readonly node: string | null; readonly ownerUid: string | null }[];
}

/** An old or new instance as Ocean's migration status lists it. */
export interface OceanInstance {
  readonly instanceId: string | null;
  readonly nodeName: string;
  readonly state: string;
  readonly runningPods: number;
}

/** One batch of the plan as submitted to Ocean: its migration there, and what Ocean last said of it. */
export interface OceanBatch {
  /** Ocean's migration id; null until the create call answered. */
  migrationId: string | null;
  /** When the submission was decided (saved before the create call): a resumed run looks for it before submitting again. */
  submittingAt: number | null;
  /** When a stop was sent to Ocean for this migration (null: none sent). */
  stopSentAt: number | null;
  /** Ocean's last status of the migration (null before the first read). */
  status: string | null;
  oldInstances: OceanInstance[];
  newInstances: OceanInstance[];
  unscheduledPods: string[];
  /** Ocean's failure message, when it reported one. */
  message: string | null;
}

export interface OceanExecution {
  readonly clusterId: string;
  /** The Spot API the run used when not the default one (status and stop use it too unless told otherwise). */
  readonly apiUrl: string | null;
  readonly batches: OceanBatch[];
}

export function oceanExecution(clusterId: string, apiUrl: string | null, batches: number): OceanExecution {
  return {
    clusterId,
    apiUrl,
    batches: Array.from({ length: batches }, () => ({
      migrationId: null,
      submittingAt: null,
      stopSentAt: null,
      status: null,
      oldInstances: [],
      newInstances: [],
      unscheduledPods: [],
      message: null,
    })),
  };
}

export interface EnginePlan {
  readonly oldNodes: readonly { readonly name: string; readonly instanceId: string | null }[];
  readonly batches: readonly { readonly nodes: readonly string[] }[];
  readonly params: MigrationParams;
  readonly boundSeconds: number;
}

export function initialState(id: string, plan: EnginePlan, now: number, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS): MigrationState {
  const nodePhase: Record<string, OldNodePhase> = {};
  for (const n of plan.oldNodes) nodePhase[n.name] = 'waiting';
  return {
    version: 1,
    id,
    status: 'Running',
    params: plan.params,
    settings,
    oldNodes: plan.oldNodes.map((n) => ({ ...n })),
    batches: plan.batches.map((b) => ({ nodes: [...b.nodes], phase: 'pending', startedAt: null, drainedAt: null, finishedAt: null, evicted: [], evictedCount: 0, baseline: [] })),
    current: 0,
    nodePhase,
    cordonedAllAt: null,
    createdAt: now,
    completedAt: null,
    stoppedAt: null,
    erroredAt: null,
    failure: null,
    stop: null,
    evictRetry: {},
    lastEvictedAt: {},
    apiLostSince: null,
    capacityTroubleSince: null,
    boundSeconds: plan.boundSeconds,
  };
}

/** Adds a removed pod to the batch's list and count. */
export function addEvicted(batch: BatchState, pod: string, ownerUid: string | null): void {
  batch.evicted.push({ pod, ownerUid });
  batch.evictedCount += 1;
}

/** A finished batch: its list of evicted pods goes, their count stays. */
export function closeBatchRecord(batch: BatchState): void {
  batch.evictedCount = Math.max(batch.evictedCount, batch.evicted.length);
  batch.evicted = [];
}

export function isTerminal(status: MigrationStatus): boolean {
  return status === 'Completed' || status === 'Failed' || status === 'Stopped';
}
