/**
 * The emulated cluster: nodes, pods, PDBs, controllers and EC2 instances, behaving as Kubernetes and EC2 do, in virtual time.
 *
 * `World` composes the parts of sim/world/, each a component of Kubernetes or of the cloud with a narrow interface:
 * - api-store.ts: the Node and Pod objects, generated names, the engine's ConfigMaps and the trace;
 * - scheduler-part.ts, behind the WorldScheduler seam (scheduler-seam.ts): the scheduling queue, passes, preemption and
 *   bindings, deciding with the world's own kube-scheduler (sim/scheduler/), not the planner's code;
 * - controllers.ts: ReplicaSet, Job, StatefulSet and DaemonSet controllers, scale and unready workloads;
 * - kubelet.ts: pods on their node (start, readiness, graceful deletion, removal);
 * - node-lifecycle.ts: Node registration, Ready/NotReady with taint eviction, cordons, Node deletion;
 * - disruption.ts: PDB status and the Eviction subresource;
 * - cloud.ts: EC2 launches and terminations;
 * - spot.ts: Spot interruption notices and rebalance recommendations, and the drains and replacements that follow them.
 * The parts never import one another: each receives what it needs from the others here, as objects of its own small
 * interfaces. World's own methods are the surface the autoscaler, the engine's ports and the run (sim/simulate.ts) use.
 */
import type { AllocatableOptions, NodeResources } from '../src/catalog/allocatable.js';
import type { Catalog } from '../src/catalog/catalog.js';
import type { ClusterSnapshot, PodView } from '../src/engine/ports.js';
import type { StopRequest } from '../src/engine/state.js';
import type { Prng } from '../src/gen/prng.js';
import type { Cluster, DaemonSet, Node, Pod, ResourceList, Vng } from '../src/model/types.js';
import type { Ec2, SimInstance } from './ec2.js';
import type { EventQueue } from './event-queue.js';
import type { FaultState } from './fault-state.js';
import type { SimTiming } from './timing.js';
import { ApiStore, type NodeMap } from './world/api-store.js';
import type { PodTable } from './world/pod-table.js';
import { Cloud } from './world/cloud.js';
import { Controllers } from './world/controllers.js';
import { DisruptionController, type EvictionAnswer } from './world/disruption.js';
import { Kubelet } from './world/kubelet.js';
import { NodeLifecycle } from './world/node-lifecycle.js';
import { KubeScheduler } from './world/scheduler-part.js';
import { SpotReality } from './world/spot.js';
import type { WorldScheduler } from './world/scheduler-seam.js';
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

  // The parts.
  readonly store: ApiStore;
  /** The scheduler, held by its seam: any implementation of WorldScheduler fits. */
  readonly scheduler: WorldScheduler;
  readonly controllers: Controllers;
  readonly kubelet: Kubelet;
  readonly nodeLifecycle: NodeLifecycle;
  readonly disruption: DisruptionController;
  readonly cloud: Cloud;
  readonly spot: SpotReality;

  /** Called when a launched node turns Ready. */
  onNodeReady: (node: SimNode) => void = () => undefined;

  constructor(input: WorldInput) {
    const c = input.cluster;
    this.queue = input.queue;
    this.timing = input.timing;
    this.faults = input.faults;
    this.catalog = input.catalog;
    this.vngs = input.vngs;
    this.input = c;
    this.allowArchitectureChange = input.allowArchitectureChange === true;

    // Parts that need one another get lambdas: every part exists before the first event runs.
    const { queue, timing, faults } = this;
    const store = (this.store = new ApiStore(queue));
    this.cloud = new Cloud({ nodes: c.nodes, catalog: input.catalog, allocatable: input.allocatable ?? {} }, store, queue, timing, faults, input.prng.fork('launch'), {
      registerNode: (inst, vng) => this.nodeLifecycle.registerNode(inst, vng),
      setNodeReady: (node, ready, reason) => this.nodeLifecycle.setNodeReady(node, ready, reason),
      deleteNode: (name, reason, podReason) => this.nodeLifecycle.deleteNode(name, reason, podReason),
    });
    this.scheduler = new KubeScheduler(c, store, queue, timing, input.prng.fork('scheduler'), {
      bound: (pod) => this.kubelet.startLater(pod),
      evict: (pod, reason) => this.kubelet.deletePod(pod, reason),
      pdbs: () => this.disruption.pdbs.map((pdb) => ({ ...pdb, disruptionsAllowed: this.disruption.pdbStatus(pdb).allowed })),
    });
    this.kubelet = new Kubelet(store, queue, timing, faults, input.prng.fork('pods'), this.scheduler, {
      podTerminating: (pod) => this.controllers.podTerminating(pod),
      podRemoved: (pod) => this.controllers.podRemoved(pod),
    });
    this.controllers = new Controllers(c, store, queue, this.scheduler, this.kubelet);
    this.disruption = new DisruptionController(c.pdbs, store, this.controllers.replicas, (pod, reason) => this.kubelet.deletePod(pod, reason));
    this.spot = new SpotReality({
      store,
      queue,
      prng: input.prng.fork('spot'),
      vngs: input.vngs,
      instance: (id) => this.cloud.ec2.get(id),
      instances: () => this.cloud.ec2.list(),
      setUnschedulable: (name, value, by) => this.nodeLifecycle.setUnschedulable(name, value, by),
      evict: (namespace, name, reason) => this.disruption.evict(namespace, name, reason),
      deletePod: (pod, reason) => this.kubelet.deletePod(pod, reason),
      nextNodeName: () => this.cloud.nextNodeName(),
      launch: (vng, instanceType, zone, nodeName) => this.cloud.launch(vng, instanceType, zone, nodeName),
      terminateInstance: (id, by) => this.cloud.terminateInstance(id, by),
      noCapacity: (instanceType, zone, now) => faults.noCapacity(instanceType, zone, now),
    });
    this.nodeLifecycle = new NodeLifecycle({
      store,
      queue,
      timing,
      scheduler: this.scheduler,
      pods: this.kubelet,
      daemons: this.controllers,
      shapes: this.cloud,
      onNodeReady: (node) => this.onNodeReady(node),
    });

    // The input cluster: its nodes (and their instances), then its pods, bound ones where they run.
    for (const n of [...c.nodes].sort((a, b) => cmp(a.name, b.name))) {
      const node = store.adoptNode(n);
      this.scheduler.nodeAdded(node);
      this.cloud.adoptInstance(node);
    }
    for (const p of [...c.pods].sort((a, b) => cmp(key(a.namespace, a.name), key(b.namespace, b.name)))) {
      const pod = store.adoptPod(p, this.controllers.workloadUnready(p.namespace, p.workload));
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed' || pod.nodeName === null) continue;
      this.scheduler.podBound(pod, pod.nodeName);
      this.kubelet.adoptPod(pod);
    }
    this.scheduler.requestSchedule();
  }

  // ---- objects and trace (API store) ----

  get events(): TraceEvent[] {
    return this.store.events;
  }
  get nodes(): NodeMap {
    return this.store.nodes;
  }
  get pods(): PodTable {
    return this.store.pods;
  }
  /** "ConfigMaps" holding the engine's state, by migration id. */
  get stateStore(): Map<string, readonly string[]> {
    return this.store.stateStore;
  }
  get stopRequests(): Map<string, StopRequest> {
    return this.store.stopRequests;
  }
  /** Pods created during the run. */
  get podsCreated(): number {
    return this.store.podsCreated;
  }

  emit(kind: string, object: string, detail: Record<string, DetailValue> = {}): void {
    this.store.emit(kind, object, detail);
  }

  /** What the engine's informers show. */
  snapshot(): ClusterSnapshot {
    return this.store.snapshot((p) => this.disruption.optOutsOf(p));
  }

  /** The pods of snapshot() built from every pod, not kept from the last snapshot (the tests compare the two). */
  podViewsFromScratch(): readonly PodView[] {
    return this.store.podViewsFromScratch((p) => this.disruption.optOutsOf(p));
  }

  /** Node names in code-unit order. */
  nodeNames(): readonly string[] {
    return this.store.nodeNames();
  }

  /** The pod in the store with this uid. */
  podByUid(uid: string): SimPod | undefined {
    return this.store.pods.byUidOf(uid);
  }

  /** Pod keys (namespace/name) in code-unit order. */
  podKeys(): readonly string[] {
    return this.store.pods.keysInOrder();
  }

  /** A Node as a model Node (what a planner run on the live cluster would read now). */
  modelNode(n: SimNode): Node {
    return this.store.modelNode(n);
  }

  modelPod(p: SimPod, nodeName: string | null): Pod {
    return this.store.modelPod(p, nodeName);
  }

  /** The pod a model Pod of modelPod() shows (undefined for any other object). */
  podOfModel(m: Pod): SimPod | undefined {
    return this.store.podOfModel(m);
  }

  // ---- scheduling ----

  /** The cluster generation (see WorldScheduler.generation): the autoscaler skips a pass when nothing changed. */
  get generation(): number {
    return this.scheduler.generation;
  }

  /** Pending unbound pods, in the scheduling queue's order. */
  pendingPods(): SimPod[] {
    return this.scheduler.pendingPods();
  }

  // ---- pods and workloads ----

  get daemonSets(): readonly DaemonSet[] {
    return this.controllers.daemonSets;
  }

  /** Graceful deletion (eviction or delete): terminating now, gone after the grace period. Unbound pods go at once. */
  deletePod(pod: SimPod, reason: string): void {
    this.kubelet.deletePod(pod, reason);
  }

  /** The Eviction subresource (429 when a PodDisruptionBudget allows nothing). */
  evict(namespace: string, name: string): EvictionAnswer {
    return this.disruption.evict(namespace, name);
  }

  /** Creates a Deployment (ReplicaSet + pods) during the run. */
  createDeployment(namespace: string, name: string, replicas: number, requests: ResourceList, nodeSelector: Record<string, string>): void {
    this.controllers.createDeployment(namespace, name, replicas, requests, nodeSelector);
  }

  /** Running pods on a node (not terminating). */
  runningPodsOn(name: string): number {
    return this.kubelet.runningPodsOn(name);
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

  // ---- EC2 ----

  get ec2(): Ec2 {
    return this.cloud.ec2;
  }
  get region(): string {
    return this.cloud.region;
  }
  /** Observed capacity per instance type (from the input's nodes). */
  get observed(): ReadonlyMap<string, NodeResources> {
    return this.cloud.observed;
  }
  /** Node options the plan was made with. */
  get allocatable(): AllocatableOptions {
    return this.cloud.allocatable;
  }
  /** Launches made. */
  get instancesLaunched(): number {
    return this.cloud.instancesLaunched;
  }

  /** The name the next launched node will have (its private DNS name). */
  nextNodeName(): string {
    return this.cloud.nextNodeName();
  }

  /** RunInstances: an instance that boots, registers its Node and turns Ready. */
  launch(vng: Vng, instanceType: string, zone: string, nodeName: string): SimInstance {
    return this.cloud.launch(vng, instanceType, zone, nodeName);
  }

  /** TerminateInstances on one instance: shutting-down now, terminated later; its Node goes NotReady, then is deleted. */
  terminateInstance(id: string): void {
    this.cloud.terminateInstance(id);
  }

  // ---- Spot ----

  /** EC2's two-minute interruption notice for `count` launched nodes (the named one, else drawn; see world/spot.ts). */
  spotInterruption(node: string | null, vng: string | null, count: number): void {
    this.spot.interrupt(node, vng, count);
  }

  /** EC2's rebalance recommendation for one launched node: Ocean replaces it, then drains and terminates it. */
  rebalanceRecommendation(node: string | null, vng: string | null): void {
    this.spot.recommendRebalance(node, vng);
  }
}
