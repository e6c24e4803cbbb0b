/**
 * The engine's only view of the world. A simulated world (sim/) and the live world (src/live/) implement these; the engine
 * never imports either. Reads are synchronous snapshots of a cache (an informer in the live world); writes are asynchronous
 * and fail with a typed PortError.
 */
import type { DisruptionOptOut } from '../model/kube/disruption-opt-out.js';
import type { MigrationState, StopRequest } from './state.js';

/** Why a write (or a read) failed. `transient` errors are retried; the others decide the run. */
export type PortErrorKind =
  /** The API could not be reached (connection refused, timeout, controller gone). */
  | 'connectivity'
  /** 429 from API priority and fairness or EC2 throttling (not a PDB refusal). */
  | 'throttled'
  /** 5xx. */
  | 'server'
  /** 401/403, EC2 UnauthorizedOperation. */
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid';

export class PortError extends Error {
  override readonly name = 'PortError';
  constructor(
    readonly kind: PortErrorKind,
    message: string,
    /** The API's own code when it has one (e.g. UnauthorizedOperation, TooManyRequests). */
    readonly code: string | null = null,
  ) {
    super(message);
  }
  get transient(): boolean {
    return this.kind === 'connectivity' || this.kind === 'throttled' || this.kind === 'server' || this.kind === 'conflict';
  }
}

export interface NodeView {
  readonly name: string;
  readonly instanceId: string | null;
  readonly unschedulable: boolean;
  readonly ready: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** Creation time in seconds on the engine's clock (used to tell new nodes from old). */
  readonly createdAt: number;
}

export interface PodView {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string | null;
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly ready: boolean;
  readonly terminating: boolean;
  /** Controller owner kind and uid; null for a stand-alone pod. */
  readonly ownerKind: string | null;
  readonly ownerUid: string | null;
  readonly isDaemonSet: boolean;
  readonly isMirror: boolean;
  /**
   * The keys by which the pod asks not to be disrupted (do-not-disrupt, safe-to-evict "false", restrict-scale-down), as
   * model/kube/disruption-opt-out.ts reads them from its annotations and labels; the parameters decide which are honoured.
   */
  readonly disruptionOptOuts: readonly DisruptionOptOut[];
  /** Creation time in seconds on the engine's clock (tells replacements from the pods they replace). */
  readonly createdAt: number;
}

/**
 * Lookups into one snapshot, for a reconcile to read what concerns its batch (its nodes' pods, the evicted controllers'
 * pods, the pods not running yet) without walking every pod. Answers are the snapshot's own views, in the order of its pod
 * list, and never change afterwards: they show the cluster when the snapshot was read, as its lists do.
 */
export interface SnapshotIndex {
  node(name: string): NodeView | undefined;
  /** Pods bound to the node (any phase, terminating ones included). */
  podsOn(node: string): readonly PodView[];
  /** Pods whose controller owner has this uid. */
  podsOf(ownerUid: string): readonly PodView[];
  /**
   * Pods not settled: every pod neither finished (Succeeded, Failed) nor Running, Ready and not terminating. Pending
   * pods, started but unready ones, terminating ones: on a cluster at rest, a small share of its pods.
   */
  unsettled(): readonly PodView[];
}

export interface ClusterSnapshot {
  readonly nodes: readonly NodeView[];
  readonly pods: readonly PodView[];
  /**
   * The snapshot's lookups, when the port keeps them as the cluster changes; without it the engine builds them from the
   * lists (engine/snapshot-index.ts), once per snapshot.
   */
  readonly index?: SnapshotIndex;
}

/** The answer to an eviction (policy/v1 Eviction subresource). */
export type EvictOutcome =
  | { readonly kind: 'evicted' }
  /** 429 with a DisruptionBudget cause: the PDB allows no disruption now. */
  | { readonly kind: 'blocked-by-pdb'; readonly message: string }
  /** The pod is already gone. */
  | { readonly kind: 'gone' };

export interface ClusterPort {
  /** A consistent snapshot of nodes and pods. Throws PortError('connectivity') when the cache is not synced / API lost. */
  snapshot(): ClusterSnapshot;
  cordon(node: string): Promise<void>;
  uncordon(node: string): Promise<void>;
  evict(namespace: string, name: string): Promise<EvictOutcome>;
  /** Deletes a pod without regard to PDBs (only where the parameters allow it). */
  deletePod(namespace: string, name: string): Promise<void>;
  /** Removes a Node object once its instance is gone. */
  deleteNode(node: string): Promise<void>;
  /** Persists the migration's progress in the cluster so a new process resumes. */
  saveState(state: MigrationState): Promise<void>;
  loadState(migrationId: string): Promise<MigrationState | null>;
  /** A stop asked for by another process (`vngshift stop`), read each reconcile; null when none. */
  stopRequest(migrationId: string): Promise<StopRequest | null>;
  /** A Kubernetes Event on a node or pod (best effort: failures are ignored by the engine). */
  recordEvent(kind: 'Node' | 'Pod', namespace: string, name: string, reason: string, message: string): Promise<void>;
}

export interface CloudPort {
  /** Terminates EC2 instances (idempotent: already terminated is success). */
  terminateInstances(instanceIds: readonly string[]): Promise<void>;
}

/** What the capacity side (an autoscaler, kwok, the simulator's Ocean) says about pending pods. */
export interface CapacitySignal {
  /** Pods no VNG can host (with the reason), as the autoscaler reports them. */
  readonly unplaceable: readonly { readonly pod: string; readonly reason: string }[];
  /** Launch errors (e.g. InsufficientInstanceCapacity for a type and zone) still unresolved. */
  readonly launchErrors: readonly string[];
}

export interface CapacityPort {
  /** Called every reconcile; a provider that creates nodes itself (kwok) acts on pending pods here. */
  reconcile(): Promise<void>;
  signal(): CapacitySignal;
}

export interface Clock {
  /** Seconds since an arbitrary origin. */
  now(): number;
  sleep(seconds: number): Promise<void>;
}

/** One entry of the engine's trace: what it decided and did, for reports and for the invariant checkers. */
export interface EngineEvent {
  readonly t: number;
  readonly kind: string;
  readonly object: string;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface TracePort {
  record(event: EngineEvent): void;
}

export interface Ports {
  readonly cluster: ClusterPort;
  readonly cloud: CloudPort;
  readonly capacity: CapacityPort;
  readonly clock: Clock;
  readonly trace: TracePort;
}
