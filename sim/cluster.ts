/**
 * The emulated cluster: nodes, pods, PDBs, controllers and EC2 instances, behaving as Kubernetes and EC2 do, in virtual time.
 *
 * - Scheduling uses the planner's predicates through IncrementalScheduler (one implementation for plan and simulation).
 * - Pods: Pending -> bound (API latency) -> Running (image pull + start) -> Ready (readiness probe); deletion makes a pod
 *   terminating, and it is gone after its grace period (capped by the timing model).
 * - Controllers: ReplicaSets and Jobs replace a pod as soon as it is terminating; StatefulSets recreate the same name once the
 *   old pod is gone; DaemonSets run a pod on every Ready node they tolerate; stand-alone pods are not recreated.
 * - A workload with a pod that is Running but not Ready in the input is an "unready workload": its pods never get Ready.
 * - PDBs are computed live as the disruption controller does; the Eviction call refuses (429) when one allows nothing.
 */
import type { ClusterSnapshot } from '../src/engine/ports.js';
import type { StopRequest } from '../src/engine/state.js';
import type { Catalog } from '../src/catalog/catalog.js';
import type { AllocatableOptions, NodeResources } from '../src/catalog/allocatable.js';
import type { Prng } from '../src/gen/prng.js';
import type {
  Cluster,
  DaemonSet,
  Node,
  Pod,
  PodDisruptionBudget,
  ResourceList,
  Taint,
  Vng,
} from '../src/model/types.js';
import type { Ec2, SimInstance } from './ec2.js';
import type { EventQueue } from './event-queue.js';
import type { FaultState } from './fault-state.js';
import type { SimTiming } from './timing.js';
import { ApiStore } from './world/api-store.js';
import { PlannerScheduler } from './world/scheduler-part.js';
import type { WorldScheduler } from './world/scheduler-seam.js';
import { Controllers } from './world/controllers.js';
import { Kubelet } from './world/kubelet.js';
import { NodeLifecycle } from './world/node-lifecycle.js';
import { Cloud } from './world/cloud.js';
import { DisruptionController, type EvictionAnswer, type PdbStatus } from './world/disruption.js';
import { cmp, key, type DetailValue, type SimNode, type SimPod, type TraceEvent } from './world/types.js';

export { BEFORE_RUN, UNSCHEDULABLE_TAINT, workloadKey, type DetailValue, type SimNode, type SimPod, type TraceEvent } from './world/types.js';

export interface WorldInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly timing: SimTiming;
  readonly queue: EventQueue;
  readonly faults: FaultState;
  readonly prng: Prng;
  /** Let the autoscaler launch other CPU architectures than the cluster's for pods without an arch constraint. */
  readonly allowArchitectureChange?: boolean;
  /** Node options the plan was made with (--max-pods, --vm-memory-overhead-percent): launched nodes get the same. */
  readonly allocatable?: AllocatableOptions;
}


export class World {
  readonly queue: EventQueue;
  readonly timing: SimTiming;
  readonly faults: FaultState;
  readonly catalog: Catalog;
  readonly vngs: readonly Vng[];
  readonly input: Cluster;
  readonly allowArchitectureChange: boolean;
  readonly region: string;
  /** The API server's objects and the trace. */
  readonly store: ApiStore;
  readonly events: TraceEvent[];
  readonly nodes: Map<string, SimNode>;
  readonly pods: Map<string, SimPod>;
  readonly cloud: Cloud;
  readonly ec2: Ec2;
  /** The scheduler, held by its seam (sim/world/scheduler-seam.ts): any implementation fits. */
  readonly scheduler: WorldScheduler;
  readonly disruption: DisruptionController;
  readonly pdbs: PodDisruptionBudget[];
  readonly controllers: Controllers;
  readonly kubelet: Kubelet;
  readonly nodeLifecycle: NodeLifecycle;
  readonly daemonSets: readonly DaemonSet[];
  /** Replicas per controller uid, where known (ReplicaSets, StatefulSets, ... of the input; workloads created in the run). */
  readonly replicas: Map<string, number>;
  /** Workloads (kind/namespace/name) whose pods never get Ready. */
  readonly unreadyWorkloads: Set<string>;
  /** "ConfigMaps" holding the engine's state, by migration id. */
  readonly stateStore: Map<string, string>;
  readonly stopRequests: Map<string, StopRequest>;
  /** Observed capacity per instance type (from the input's nodes). */
  readonly observed: ReadonlyMap<string, NodeResources>;
  /** Node options the plan was made with. */
  readonly allocatable: AllocatableOptions;
  /** Launches made. */
  get instancesLaunched(): number {
    return this.cloud.instancesLaunched;
  }
  /** The cluster generation (see WorldScheduler.generation): the autoscaler skips a pass when nothing changed. */
  get generation(): number {
    return this.scheduler.generation;
  }
  /** Called when a node turns Ready (the autoscaler listens). */
  onNodeReady: (node: SimNode) => void = () => undefined;

  constructor(input: WorldInput) {
    this.queue = input.queue;
    this.store = new ApiStore(input.queue);
    this.events = this.store.events;
    this.nodes = this.store.nodes;
    this.pods = this.store.pods;
    this.stateStore = this.store.stateStore;
    this.stopRequests = this.store.stopRequests;
    this.timing = input.timing;
    this.faults = input.faults;
    this.catalog = input.catalog;
    this.vngs = input.vngs;
    this.input = input.cluster;
    this.allowArchitectureChange = input.allowArchitectureChange === true;
    const c = input.cluster;
    this.cloud = new Cloud({ nodes: c.nodes, catalog: input.catalog, allocatable: input.allocatable ?? {} }, this.store, this.queue, this.timing, this.faults, input.prng.fork('launch'), {
      registerNode: (inst, vng) => this.nodeLifecycle.registerNode(inst, vng),
      setNodeReady: (node, ready, reason) => this.nodeLifecycle.setNodeReady(node, ready, reason),
      deleteNode: (name, reason) => this.nodeLifecycle.deleteNode(name, reason),
    });
    this.ec2 = this.cloud.ec2;
    this.region = this.cloud.region;
    this.observed = this.cloud.observed;
    this.allocatable = this.cloud.allocatable;
    this.scheduler = new PlannerScheduler(c, this.store, this.queue, this.timing, (pod) => this.kubelet.startLater(pod));
    this.kubelet = new Kubelet(this.store, this.queue, this.timing, this.faults, input.prng.fork('pods'), this.scheduler, {
      podTerminating: (pod) => this.controllers.podTerminating(pod),
      podRemoved: (pod) => this.controllers.podRemoved(pod),
    });
    this.controllers = new Controllers(c, this.store, this.queue, this.scheduler, { startLater: (pod) => this.kubelet.startLater(pod) });
    this.daemonSets = this.controllers.daemonSets;
    this.replicas = this.controllers.replicas;
    this.unreadyWorkloads = this.controllers.unreadyWorkloads;
    this.disruption = new DisruptionController(c.pdbs, this.store, this.replicas, (pod, reason) => this.deletePod(pod, reason));
    this.pdbs = this.disruption.pdbs;
    this.nodeLifecycle = new NodeLifecycle({
      store: this.store,
      queue: this.queue,
      timing: this.timing,
      scheduler: this.scheduler,
      pods: this.kubelet,
      daemons: this.controllers,
      shapes: this.cloud,
      onNodeReady: (node) => this.onNodeReady(node),
    });

    for (const n of [...c.nodes].sort((a, b) => cmp(a.name, b.name))) {
      const node = this.store.adoptNode(n);
      this.scheduler.nodeAdded(node);
      this.cloud.adoptInstance(node);
    }
    for (const p of [...c.pods].sort((a, b) => cmp(key(a.namespace, a.name), key(b.namespace, b.name)))) {
      const pod = this.store.adoptPod(p, this.controllers.workloadUnready(p.namespace, p.workload));
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      if (pod.nodeName !== null) {
        this.scheduler.podBound(pod, pod.nodeName);
        this.kubelet.adoptPod(pod);
      }
    }
    this.requestSchedule();
  }

  /** Pods created during the run. */
  get podsCreated(): number {
    return this.store.podsCreated;
  }

  emit(kind: string, object: string, detail: Record<string, DetailValue> = {}): void {
    this.store.emit(kind, object, detail);
  }

  snapshot(): ClusterSnapshot {
    return this.store.snapshot((p) => this.disruption.optOutsOf(p));
  }

  // ---- scheduling ----

  /** Asks for a scheduling pass soon (coalesced). */
  requestSchedule(clusterChanged = true): void {
    this.scheduler.requestSchedule(clusterChanged);
  }

  /** Pending unbound pods, in kube-scheduler's queue order: priority, then age, then name. */
  pendingPods(): SimPod[] {
    return this.scheduler.pendingPods();
  }

  /**
   * Creates a pod (Pending, unbound unless `node` is given: DaemonSet pods are placed on their node). `replaces` names the pod
   * (namespace/name) a controller makes this one for; it is only traced (the invariant checkers follow replacement chains).
   */
  createPod(base: Pod, name: string, node: string | null, replaces: string | null = null): SimPod {
    return this.controllers.createPod(base, name, node, replaces);
  }

  /** Graceful deletion (eviction or delete): terminating now, gone after the grace period. Unbound pods go at once. */
  deletePod(pod: SimPod, reason: string): void {
    this.kubelet.deletePod(pod, reason);
  }

  /** Creates a Deployment (ReplicaSet + pods) during the run. */
  createDeployment(namespace: string, name: string, replicas: number, requests: ResourceList, nodeSelector: Record<string, string>): void {
    this.controllers.createDeployment(namespace, name, replicas, requests, nodeSelector);
  }

  // ---- PDBs ----

  /** The disruption controller's view of a PDB now. */
  pdbStatus(pdb: PodDisruptionBudget): PdbStatus {
    return this.disruption.pdbStatus(pdb);
  }

  /** The PDBs selecting a pod. */
  pdbsOf(pod: SimPod): PodDisruptionBudget[] {
    return this.disruption.pdbsOf(pod);
  }

  /** The Eviction subresource. */
  evict(namespace: string, name: string): EvictionAnswer {
    return this.disruption.evict(namespace, name);
  }

  // ---- nodes ----

  /** Cordon (true) or uncordon; false when there is no such node. */
  setUnschedulable(name: string, value: boolean): boolean {
    return this.nodeLifecycle.setUnschedulable(name, value);
  }

  /** Removes a Node object; pods bound to it are deleted at once (pod garbage collection) and controllers react. */
  deleteNode(name: string, reason: string): boolean {
    return this.nodeLifecycle.deleteNode(name, reason);
  }

  setNodeReady(node: SimNode, ready: boolean, reason: string): void {
    this.nodeLifecycle.setNodeReady(node, ready, reason);
  }

  /** DaemonSet pods a node of these labels and taints runs. */
  daemonSetsFor(name: string, labels: Readonly<Record<string, string>>, taints: readonly Taint[]): DaemonSet[] {
    return this.controllers.daemonSetsFor(name, labels, taints);
  }

  /** A model pod of a DaemonSet's template (for a node that does not exist yet, or to create one). */
  daemonPodBase(d: DaemonSet, nodeName: string | null): Pod {
    return this.controllers.daemonPodBase(d, nodeName);
  }

  // ---- EC2 ----

  /** Resources of a node of this type launched by a VNG: what nodes of the type report in the input, else computed. */
  nodeResourcesFor(vng: Vng, instanceType: string): NodeResources | null {
    return this.cloud.nodeResourcesFor(vng, instanceType);
  }

  /** The name the next launched node will have (its private DNS name). */
  nextNodeName(): string {
    return this.cloud.nextNodeName();
  }

  /** Labels of a node of `instanceType` launched by `vng` in `zone`. */
  launchLabels(vng: Vng, instanceType: string, zone: string, name: string): Record<string, string> | null {
    return this.cloud.launchLabels(vng, instanceType, zone, name);
  }

  /** RunInstances: an instance that boots, registers its Node and turns Ready. */
  launch(vng: Vng, instanceType: string, zone: string, nodeName: string): SimInstance {
    return this.cloud.launch(vng, instanceType, zone, nodeName);
  }

  /** TerminateInstances on one instance: shutting-down now, terminated later; its Node goes NotReady, then is deleted. */
  terminateInstance(id: string): void {
    this.cloud.terminateInstance(id);
  }

  /** The world as a model Cluster (what a planner run on the live cluster would read now). */
  modelNode(n: SimNode): Node {
    return this.store.modelNode(n);
  }

  modelPod(p: SimPod, nodeName: string | null): Pod {
    return this.store.modelPod(p, nodeName);
  }

  /** Running pods on a node (not terminating). */
  runningPodsOn(name: string): number {
    return this.kubelet.runningPodsOn(name);
  }
}
