/**
 * The seam between the simulated world and its scheduler. The other parts (controllers, kubelet, node lifecycle, cloud)
 * tell the scheduler what happened to nodes and pods through this interface and never see how it decides; the world holds
 * its scheduler by this type, so one implementation can replace another without touching the rest.
 *
 * An implementation owns the scheduling queue and the binding: it picks nodes for Pending unbound pods (setting
 * `SimPod.assumed` while a binding is in flight, `nodeName` once bound, `unschedulable` when no node fits), traces
 * `pod.unschedulable` and `pod.bound`, and hands every pod it bound to the kubelet.
 */
import type { SimNode, SimPod } from './types.js';

export interface WorldScheduler {
  /** Bumped by every change that can make an unschedulable pod fit; the autoscaler skips a pass when it has not moved. */
  readonly generation: number;
  /** Pending unbound pods (none in flight), in the scheduling queue's order. */
  pendingPods(): SimPod[];
  /** A Node object appeared (schedulable or not: see nodeSchedulabilityChanged). */
  nodeAdded(node: SimNode): void;
  /** A Node object is gone; bindings in flight to it are dropped. */
  nodeRemoved(name: string): void;
  /** The node turned Ready or NotReady, or was cordoned or uncordoned. */
  nodeSchedulabilityChanged(node: SimNode): void;
  /** A pod placed on a node without the scheduler (the input's bound pods, DaemonSet pods): it uses the node's room. */
  podBound(pod: SimPod, node: string): void;
  /** A pod object was removed, or deleted before it was bound: it frees its node and leaves the queue. */
  podGone(pod: SimPod): void;
  /** Asks for a scheduling pass soon (coalesced); `clusterChanged` false when only new pods wait (nothing got room). */
  requestSchedule(clusterChanged?: boolean): void;
}
