/**
 * The objects of the simulated world as every part of it sees them: Nodes and Pods with their live status, the trace entry,
 * and the few constants and keys the parts share. Data only; the behaviour lives in the parts of sim/world/.
 */
import type { Node, OwnerRef, Pod, PodPhase, ResourceList, Taint } from '../../src/model/types.js';
import type { NodeView, PodView } from '../../src/engine/ports.js';
import type { SchedPod } from '../scheduler/types.js';
import type { DisruptionOptOut } from '../../src/model/kube/disruption-opt-out.js';

export type DetailValue = string | number | boolean | null;

/** One entry of the run's trace (world and engine events alike). */
export interface TraceEvent {
  readonly t: number;
  readonly kind: string;
  readonly object: string;
  readonly [detail: string]: DetailValue;
}

/** Creation time of everything that exists before the run starts (the run starts at 0). */
export const BEFORE_RUN = -1;

export const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };

export interface SimNode {
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  taints: Taint[];
  readonly capacity: ResourceList;
  readonly allocatable: ResourceList;
  unschedulable: boolean;
  ready: boolean;
  readonly instanceId: string | null;
  readonly providerID: string;
  readonly instanceType: string | null;
  readonly zone: string | null;
  readonly createdAt: number;
  /** From the input cluster (as opposed to launched during the run). */
  readonly old: boolean;
  readonly vng: string | null;
  /** NotReady because of an injected fault (the instance itself is fine). */
  faultNotReady: boolean;
  /** The API store's last engine view and model Node of the node (api-store.ts), reused while current. */
  engineView?: NodeView | undefined;
  model?: Node | undefined;
}

export interface SimPod {
  /** The model pod this one was made from (its scheduling fields are the pod's spec). */
  readonly base: Pod;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** namespace/name (`key`), made once: the API store's key of the pod. */
  readonly key: string;
  nodeName: string | null;
  /** The node the scheduler chose while the binding is in flight. */
  assumed: string | null;
  phase: PodPhase;
  ready: boolean;
  terminating: boolean;
  readonly createdAt: number;
  readonly owner: OwnerRef | null;
  readonly workload: OwnerRef | null;
  readonly isDaemonSet: boolean;
  readonly isMirror: boolean;
  neverReady: boolean;
  /** The scheduler's last "0/N nodes are available" answer while Pending; null once bound or before the first try. */
  unschedulable: string | null;
  /** The scheduler's equivalence key of the pod, once worked out. */
  schedKey?: string | undefined;
  /** The scheduler's view of the pod and its node-local key (sim/scheduler/class-cache.ts), once made. */
  sched?: SchedPod | undefined;
  localKey?: string | undefined;
  /** The scheduler's pool group of the pod (priority, preemption policy, node-local key), once made. */
  groupKey?: string | undefined;
  /** The pod's place in the scheduler's unschedulable pool (scheduling-queue.ts), from its first parking until it leaves the queue. */
  queued?: PoolPlace | undefined;
  /** The API store's last engine view and model Pod of the pod (api-store.ts podView, modelPod), reused while current. */
  engineView?: PodView | undefined;
  /**
   * True while engineView is known to show the pod: set when the API store makes or checks it, cleared by every change the
   * store is told of (touch, bind). A snapshot then takes it without comparing its fields.
   */
  viewFresh?: boolean | undefined;
  model?: Pod | undefined;
  /** The planner's class key of the pod (pod-classes.ts classKey of its base), once worked out (sim/class-keys.ts). */
  classKey?: string | undefined;
  /** The trace's name of the pod (podObject), once made. */
  traceObject?: string | undefined;
  /**
   * The pod's groups in the API store's pod views (pod-views.ts): its node's name (or the unbound group) and its
   * controller's uid while it is in the store; undefined while in none.
   */
  viewNodeGroup?: string | undefined;
  viewOwnerGroup?: string | undefined;
  /** The pod table (pod-table.ts) that holds the pod now, under its key; undefined once removed or replaced there. */
  heldBy?: object | undefined;
  /** The disruption opt-outs of the pod's spec (disruption.ts optOutsOf), once worked out: `base` never changes. */
  optOuts?: readonly DisruptionOptOut[] | undefined;
}

/**
 * The scheduling queue's pods of one node-local key, priority, preemption policy and (pods with claims) claims key in the
 * pool (scheduling-queue.ts).
 */
export interface ParkedGroup {
  /** The node-local key (class-cache.ts nodeLocalKey) its pods share. */
  readonly localKey: string;
  /**
   * The pod the group was made for, kept while the group lives (even once that pod left): every pod of the group gets the
   * same known answer (the group key says so), so the QueueingHints ask with it rather than looking for a pod in the pool.
   */
  readonly rep: SimPod;
  /** Equivalence key -> its pods in the pool (insertion order). */
  readonly classes: Map<string, Set<SimPod>>;
}

/**
 * A pod's place in the scheduling queue's pool (scheduling-queue.ts), kept on the pod itself (SimPod.queued: no lookup by
 * pod on the way in and out of the pool) and reused when it is parked again, until the pod leaves the queue.
 */
export interface PoolPlace {
  /** The queue the place belongs to (a place of another queue counts as none). */
  readonly queue: object;
  group: ParkedGroup;
  groupKey: string;
  ek: string;
  /** When the pod last entered the pool (virtual seconds). */
  at: number;
  /** Whether the pod is in the pool now. */
  inPool: boolean;
}

/**
 * The parts of a SimPod made when first needed (and the pod views' groups), all unset: every SimPod starts with them (so
 * all have one shape), spread into its literal.
 */
export const UNSET_POD_CACHES = {
  schedKey: undefined,
  sched: undefined,
  localKey: undefined,
  groupKey: undefined,
  queued: undefined,
  engineView: undefined,
  viewFresh: undefined,
  model: undefined,
  classKey: undefined,
  traceObject: undefined,
  viewNodeGroup: undefined,
  viewOwnerGroup: undefined,
  heldBy: undefined,
  optOuts: undefined,
} as const;

/** The trace's name of a pod, `Pod namespace/name`: made once, so that the pod's events (the run keeps them all) share it. */
export function podObject(p: SimPod): string {
  return (p.traceObject ??= `Pod ${p.key}`);
}

/** namespace/name: the key of namespaced objects. */
export const key = (ns: string, name: string): string => `${ns}/${name}`;

/** Code-unit order of strings (the world never depends on the locale). */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function workloadKey(namespace: string, w: OwnerRef): string {
  return `${w.kind}/${namespace}/${w.name}`;
}

/** The API server's answer to an eviction (the disruption controller's, read by the parts that drain nodes). */
export type EvictionAnswer = { kind: 'evicted' } | { kind: 'gone' } | { kind: 'blocked-by-pdb'; message: string };
