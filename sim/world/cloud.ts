/**
 * The cloud side of the world: EC2 instances (the input's, and those RunInstances launches with a boot time drawn from the
 * timing model and the slow-launch faults), the shape of a node a VNG launches (labels, capacity and allocatable), the
 * private DNS names new nodes get, and TerminateInstances with what follows it: the kubelet stops posting status (NotReady),
 * and the cloud node lifecycle controller deletes the Node once the instance is terminated.
 */
import type { AllocatableOptions, NodeResources } from '../../src/catalog/allocatable.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { observedResources } from '../../src/catalog/observed.js';
import { ec2PrivateDnsName } from '../../src/gen/names.js';
import type { Prng } from '../../src/gen/prng.js';
import type { Node, Vng } from '../../src/model/types.js';
import { launchLabels, launchResources } from '../../src/planner/scale-up.js';
import { Ec2, type SimInstance } from '../ec2.js';
import type { EventQueue } from '../event-queue.js';
import type { FaultState } from '../fault-state.js';
import { bootSeconds, type SimTiming } from '../timing.js';
import type { ApiStore } from './api-store.js';
import { BEFORE_RUN, type SimNode } from './types.js';

/** What the cloud tells the node lifecycle (sim/world/node-lifecycle.ts) about the instances' Nodes. */
export interface NodeLifecycleEvents {
  /** A launched instance is running and its kubelet registers the Node. */
  registerNode(inst: SimInstance, vng: Vng): void;
  setNodeReady(node: SimNode, ready: boolean, reason: string): void;
  deleteNode(name: string, reason: string, podReason?: string): boolean;
}

export interface CloudInput {
  readonly nodes: readonly Node[];
  readonly catalog: Catalog;
  readonly allocatable: AllocatableOptions;
}

export class Cloud {
  readonly ec2 = new Ec2();
  readonly region: string;
  readonly catalog: Catalog;
  /** Observed capacity per instance type (from the input's nodes). */
  readonly observed: ReadonlyMap<string, NodeResources>;
  /** Node options the plan was made with: launched nodes get the same. */
  readonly allocatable: AllocatableOptions;
  /** Launches made. */
  instancesLaunched = 0;
  private nodeCounter = 0;

  constructor(
    input: CloudInput,
    private readonly store: ApiStore,
    private readonly queue: EventQueue,
    private readonly timing: SimTiming,
    private readonly faults: FaultState,
    private readonly launchPrng: Prng,
    private readonly nodes: NodeLifecycleEvents,
  ) {
    this.catalog = input.catalog;
    this.region = input.nodes.map((n) => n.labels['topology.kubernetes.io/region']).find((r): r is string => r !== undefined) ?? input.catalog.region;
    this.observed = observedResources(input.nodes);
    this.allocatable = input.allocatable;
  }

  /** Records the instance behind a Node of the input cluster (running since before the run). */
  adoptInstance(n: SimNode): void {
    if (n.instanceId !== null && !this.ec2.get(n.instanceId)) {
      this.ec2.add({ id: n.instanceId, nodeName: n.name, old: true, vng: null, instanceType: n.instanceType, zone: n.zone, state: 'running', launchedAt: BEFORE_RUN });
    }
  }

  /** Resources of a node of this type launched by a VNG: what nodes of the type report in the input, else computed. */
  nodeResourcesFor(vng: Vng, instanceType: string): NodeResources | null {
    return launchResources(vng, instanceType, this.catalog, this.observed, this.allocatable);
  }

  /** The name the next launched node will have (its private DNS name). */
  nextNodeName(): string {
    this.nodeCounter += 1;
    return ec2PrivateDnsName((10 << 24) + (200 << 16) + this.nodeCounter, this.region);
  }

  /** Labels of a node of `instanceType` launched by `vng` in `zone`. */
  launchLabels(vng: Vng, instanceType: string, zone: string, name: string): Record<string, string> | null {
    return launchLabels(vng, instanceType, zone, this.region, name, this.catalog);
  }

  /** RunInstances: an instance that boots, registers its Node and turns Ready. */
  launch(vng: Vng, instanceType: string, zone: string, nodeName: string): SimInstance {
    const id = this.ec2.nextId();
    const now = this.queue.now;
    const inst: SimInstance = { id, nodeName, old: false, vng: vng.name, instanceType, zone, state: 'pending', launchedAt: now };
    this.ec2.add(inst);
    this.instancesLaunched += 1;
    this.store.emit('node.launched', `Node ${nodeName}`, { instanceId: id, vng: vng.name, instanceType, zone });
    const j = this.timing.launchJitter;
    const boot = bootSeconds(this.timing, instanceType) * this.faults.launchMultiplier(now) * (1 + j * (2 * this.launchPrng.next() - 1));
    this.queue.after(boot, 'instance running', () => {
      if (inst.state !== 'pending') return;
      inst.state = 'running';
      this.store.emit('instance.running', `Instance ${id}`, { node: nodeName });
      this.queue.after(this.timing.nodeJoinSeconds, 'node join', () => this.nodes.registerNode(inst, vng));
    });
    return inst;
  }

  /**
   * TerminateInstances on one instance: shutting-down now, terminated later; its Node goes NotReady, then is deleted. `by`
   * names who terminates it when it is not the migration (EC2 reclaiming a Spot instance, Ocean replacing one): traced on
   * instance.shutting-down, and given as the reason of the pods still bound to the Node when it is deleted.
   */
  terminateInstance(id: string, by?: string): void {
    const inst = this.ec2.get(id);
    if (!inst || inst.state === 'shutting-down' || inst.state === 'terminated') return;
    inst.state = 'shutting-down';
    this.store.emit('instance.shutting-down', `Instance ${id}`, { node: inst.nodeName, ...(by !== undefined ? { by } : {}) });
    this.queue.after(this.timing.instanceShutdownSeconds, 'instance terminated', () => {
      inst.state = 'terminated';
      this.store.emit('instance.terminated', `Instance ${id}`, { node: inst.nodeName });
      this.queue.after(this.timing.nodeDeleteSeconds, 'cloud node lifecycle', () => {
        const n = this.store.nodes.get(inst.nodeName);
        if (n && n.instanceId === id) this.nodes.deleteNode(n.name, 'instance terminated (cloud node lifecycle controller)', by);
      });
    });
    this.queue.after(this.timing.nodeNotReadySeconds, 'node monitor', () => {
      const n = this.store.nodes.get(inst.nodeName);
      if (n && n.instanceId === id) this.nodes.setNodeReady(n, false, 'kubelet stopped posting node status');
    });
  }
}
