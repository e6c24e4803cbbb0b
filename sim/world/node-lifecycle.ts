/**
 * The life of Node objects: a launched instance's kubelet registers its Node (NotReady), which turns Ready after the node
 * ready time with its DaemonSet pods placed first; Ready/NotReady changes (a NotReady node's pods lose readiness and, after
 * the taint-eviction toleration, are evicted, DaemonSet and mirror pods excepted); cordons; and Node deletion, whose pods
 * are removed at once (pod garbage collection).
 */
import type { NodeResources } from '../../src/catalog/allocatable.js';
import type { Vng } from '../../src/model/types.js';
import type { SimInstance } from '../ec2.js';
import type { EventQueue } from '../event-queue.js';
import type { SimTiming } from '../timing.js';
import type { ApiStore } from './api-store.js';
import type { WorldScheduler } from './scheduler-seam.js';
import { UNSCHEDULABLE_TAINT, type SimNode, type SimPod } from './types.js';

/** What the node lifecycle asks of the kubelet (sim/world/kubelet.ts). */
export interface NodePods {
  readyLater(pod: SimPod): void;
  deletePod(pod: SimPod, reason: string): void;
  podGone(pod: SimPod, reason: string): void;
}

/** The shape of a node a VNG launches (sim/world/cloud.ts). */
export interface LaunchedNodeShape {
  launchLabels(vng: Vng, instanceType: string, zone: string, name: string): Record<string, string> | null;
  nodeResourcesFor(vng: Vng, instanceType: string): NodeResources | null;
}

export interface NodeLifecycleDeps {
  readonly store: ApiStore;
  readonly queue: EventQueue;
  readonly timing: SimTiming;
  readonly scheduler: Pick<WorldScheduler, 'nodeAdded' | 'nodeRemoved' | 'nodeSchedulabilityChanged' | 'requestSchedule'>;
  readonly pods: NodePods;
  /** The DaemonSet controller (sim/world/controllers.ts). */
  readonly daemons: { placeDaemonPods(node: SimNode): void };
  readonly shapes: LaunchedNodeShape;
  /** Called when a launched node turns Ready. */
  readonly onNodeReady: (node: SimNode) => void;
}

export class NodeLifecycle {
  private readonly store: ApiStore;
  private readonly queue: EventQueue;
  private readonly timing: SimTiming;

  constructor(private readonly deps: NodeLifecycleDeps) {
    this.store = deps.store;
    this.queue = deps.queue;
    this.timing = deps.timing;
  }

  /**
   * Cordon (true) or uncordon; false when there is no such node. `by` names who did it when it is not the migration (the Spot
   * interruption handler, Ocean): traced, so the checkers can tell the migration's cordons from others'.
   */
  setUnschedulable(name: string, value: boolean, by?: string): boolean {
    const n = this.store.nodes.get(name);
    if (!n) return false;
    // Traced as a watch on Nodes would show it (the invariant checkers read cordons from the world, not the engine).
    if (n.unschedulable !== value) this.store.emit('node.updated', `Node ${name}`, { unschedulable: value, ...(by !== undefined ? { by } : {}) });
    n.unschedulable = value;
    this.store.nodes.touched(name);
    n.taints = n.taints.filter((t) => t.key !== UNSCHEDULABLE_TAINT.key);
    if (value) n.taints.push(UNSCHEDULABLE_TAINT);
    this.deps.scheduler.nodeSchedulabilityChanged(n);
    if (!value) this.deps.scheduler.requestSchedule();
    return true;
  }

  /**
   * Removes a Node object; pods bound to it are deleted at once (pod garbage collection) and controllers react. `podReason`
   * is the reason traced for those pods (default node-deleted).
   */
  deleteNode(name: string, reason: string, podReason = 'node-deleted'): boolean {
    const n = this.store.nodes.get(name);
    if (!n) return false;
    this.store.nodes.delete(name);
    this.deps.scheduler.nodeRemoved(name);
    this.store.emit('node.deleted', `Node ${name}`, { reason });
    for (const p of this.store.pods.podsOn(name)) this.deps.pods.podGone(p, podReason);
    this.deps.scheduler.requestSchedule();
    return true;
  }

  setNodeReady(node: SimNode, ready: boolean, reason: string): void {
    if (!this.store.nodes.has(node.name) || node.ready === ready) return;
    node.ready = ready;
    this.store.nodes.touched(node.name);
    this.deps.scheduler.nodeSchedulabilityChanged(node);
    this.store.emit(ready ? 'node.ready' : 'node.not-ready', `Node ${node.name}`, { reason });
    for (const p of this.store.pods.podsOn(node.name)) {
      if (p.terminating) continue;
      if (!ready && p.ready) {
        p.ready = false;
        this.store.touch(p);
      }
      if (ready && p.phase === 'Running' && !p.neverReady) this.deps.pods.readyLater(p);
    }
    if (ready) this.deps.scheduler.requestSchedule();
    else {
      // Taint-based eviction: still NotReady after the pods' default toleration, they are evicted (DaemonSet and mirror
      // pods tolerate it) and their controllers replace them elsewhere.
      this.queue.after(this.timing.taintEvictionSeconds, 'taint eviction', () => {
        if (this.store.nodes.get(node.name) !== node || node.ready) return;
        for (const p of this.store.pods.podsOn(node.name)) {
          if (p.terminating || p.owner?.kind === 'DaemonSet' || p.base.isMirror) continue;
          this.deps.pods.deletePod(p, 'taint-eviction');
        }
      });
    }
  }

  /** The kubelet of a running launched instance registers its Node, NotReady until the node ready time has passed. */
  registerNode(inst: SimInstance, vng: Vng): void {
    if (inst.state !== 'running' || inst.instanceType === null || inst.zone === null) return;
    const labels = this.deps.shapes.launchLabels(vng, inst.instanceType, inst.zone, inst.nodeName);
    const res = this.deps.shapes.nodeResourcesFor(vng, inst.instanceType);
    if (!labels || !res) return;
    const node: SimNode = {
      name: inst.nodeName,
      uid: `sim-node-${inst.id}`,
      labels,
      taints: [...vng.taints],
      capacity: res.capacity,
      allocatable: res.allocatable,
      unschedulable: false,
      ready: false,
      instanceId: inst.id,
      providerID: `aws:///${inst.zone}/${inst.id}`,
      instanceType: inst.instanceType,
      zone: inst.zone,
      createdAt: this.queue.now,
      old: false,
      vng: vng.name,
      faultNotReady: false,
      engineView: undefined,
      model: undefined,
    };
    this.store.nodes.set(node.name, node);
    this.deps.scheduler.nodeAdded(node);
    this.store.emit('node.registered', `Node ${node.name}`, { instanceId: inst.id, vng: vng.name });
    this.queue.after(this.timing.nodeReadySeconds, 'node ready', () => {
      if (this.store.nodes.get(node.name) !== node || node.faultNotReady || inst.state !== 'running') return;
      // DaemonSet pods first: the DaemonSet controller places them as the node appears, before other pods land.
      this.deps.daemons.placeDaemonPods(node);
      this.setNodeReady(node, true, 'kubelet ready');
      this.deps.onNodeReady(node);
    });
  }
}
