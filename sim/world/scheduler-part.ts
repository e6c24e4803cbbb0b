/**
 * The world's scheduler, as kube-scheduler behaves: a queue of Pending pods (priority, then age, then name), coalesced
 * scheduling passes, an unschedulable pool retried after a cluster change or every UNSCHEDULABLE_RETRY_SECONDS, and
 * assume-then-bind (the chosen node is reserved at once, the Binding lands after the API latency). Node choice, scoring and
 * preemption are the world's own kube-scheduler (sim/scheduler/: the default profile's filter and score plugins, a seeded
 * tie-break, PostFilter preemption), independent of the planner's packing and predicates, so a rehearsal can disagree with
 * the plan. As kube-scheduler at scale, a cycle evaluates nodes until it has found numFeasibleNodesToFind feasible ones
 * (every node below 100 nodes), starting where the previous cycle stopped, and scores only those.
 *
 * What a pass costs: the class cache (class-cache.ts) keeps each class's node-local verdicts on every node up to date from
 * the cache's changes, so a cycle visits only the nodes that pass them, and a pod that passes none on any node gets its
 * answer without a cycle; the failure memo keeps the other failures (pods that pass a node's node-local filters but not
 * topology spread or pod affinity anywhere). Every pending pod is still looked at in every pass (its answer and the time
 * of its last try are per pod), so a pass costs at least the pending pods.
 *
 * As kube-scheduler sees the cluster: a NotReady node carries the node lifecycle controller's not-ready NoSchedule taint; a
 * terminating pod keeps its room until it is gone. Preemption deletes the victims gracefully and the preemptor is tried
 * again once they are gone (no nominatedNodeName reservation: another pod may take the room first).
 */
import type { Cluster, Node, Pod, PodDisruptionBudget, Taint } from '../../src/model/types.js';
import type { Prng } from '../../src/gen/prng.js';
import type { EventQueue } from '../event-queue.js';
import { SchedulerCache } from '../scheduler/cache.js';
import { ClassCache, nodeLocalKey } from '../scheduler/class-cache.js';
import { FailureMemo } from '../scheduler/failure-memo.js';
import { nodeSampling } from '../scheduler/framework.js';
import { scheduleOne, type ScheduleOneResult } from '../scheduler/schedule-one.js';
import type { SchedPod, Snapshot } from '../scheduler/types.js';
import type { SimTiming } from '../timing.js';
import type { ApiStore } from './api-store.js';
import type { WorldScheduler } from './scheduler-seam.js';
import { PendingOrder } from './pending-order.js';
import { key, type SimNode, type SimPod } from './types.js';

/** An unschedulable pod is tried again at least this often even when nothing changed (pod affinity to new pods, ...). */
const UNSCHEDULABLE_RETRY_SECONDS = 30;

/** The node lifecycle controller's taint on a NotReady node (TaintNodesByCondition). */
export const NOT_READY_TAINT: Taint = { key: 'node.kubernetes.io/not-ready', value: '', effect: 'NoSchedule' };

export interface SchedulerHooks {
  /** Hands a pod whose Binding landed to the kubelet. */
  readonly bound: (pod: SimPod) => void;
  /** Graceful deletion of a preemption victim. */
  readonly evict: (pod: SimPod, reason: string) => void;
  /** The PDBs with their live status (disruptionsAllowed), read when a cycle tries preemption. */
  readonly pdbs: () => readonly PodDisruptionBudget[];
}

export class KubeScheduler implements WorldScheduler {
  private readonly cache: SchedulerCache;
  /**
   * The answers of pods that found no node, kept exact as the cache changes (failure-memo.ts), by equivalence key: the
   * failures the class cache does not know by itself.
   */
  private readonly memo: FailureMemo;
  /** Per equivalence key, the verdicts and node-local scores of nodes that did not change (class-cache.ts). */
  private readonly classes: ClassCache;
  /** kube-scheduler's node sampling: percentageOfNodesToScore adaptive, the start node rotating over the cycles. */
  private readonly sampling = nodeSampling();
  private readonly equivalence = new WeakMap<Pod, string>();
  /** nodeLocalKey of the pods made from one model pod (it reads none of what schedPod adds: uid, name, start time). */
  private readonly localKeys = new WeakMap<Pod, string>();
  private schedulePending = false;
  /**
   * Bumped by every change that can make an unschedulable pod fit (a node added, Ready or uncordoned, a pod gone). As in
   * kube-scheduler's unschedulable queue, a pod that found no node is tried again only after such a change, or after
   * UNSCHEDULABLE_RETRY_SECONDS.
   */
  private gen = 0;
  private retryPending = false;
  /**
   * The snapshot the current pass reads, while the cache is as it was made from (its version): the PDBs, the one thing of
   * a snapshot read live, do not change during a pass but through a preemption, which drops it.
   */
  private passSnapshot: { readonly version: number; readonly snapshot: Snapshot } | null = null;
  /** Pods stored unbound and not removed since (the pod table tells), in queue order: the candidates of pendingPods(). */
  private readonly unbound = new PendingOrder();
  /** The pods assumed (binding in flight) per node. */
  private readonly assumedOn = new Map<string, Set<SimPod>>();

  constructor(
    cluster: Cluster,
    private readonly store: ApiStore,
    private readonly queue: EventQueue,
    private readonly timing: SimTiming,
    private readonly prng: Prng,
    private readonly hooks: SchedulerHooks,
  ) {
    this.cache = new SchedulerCache({
      namespaceLabels: Object.fromEntries(cluster.namespaces.map((ns) => [ns.name, ns.labels])),
      volumes: { pvcs: cluster.pvcs, pvs: cluster.pvs, storageClasses: cluster.storageClasses },
      pdbs: hooks.pdbs,
    });
    this.memo = new FailureMemo((priority) => this.cache.hasPriorityBelow(priority), (name) => this.cache.stateOf(name));
    this.cache.listen(this.memo);
    this.classes = new ClassCache(this.cache);
    for (const p of store.pods.values()) if (p.nodeName === null) this.unbound.add(p);
    store.pods.listen({
      added: (p) => {
        if (p.nodeName === null) this.unbound.add(p);
      },
      removed: (p) => {
        this.unbound.remove(p);
      },
    });
  }

  get generation(): number {
    return this.gen;
  }

  nodeAdded(node: SimNode): void {
    this.cache.setNode(this.schedNode(node));
  }

  nodeRemoved(name: string): void {
    this.cache.removeNode(name);
    for (const p of this.assumedOn.get(name) ?? []) if (p.assumed === name) p.assumed = null;
    this.assumedOn.delete(name);
  }

  nodeSchedulabilityChanged(node: SimNode): void {
    this.cache.setNode(this.schedNode(node));
  }

  podBound(pod: SimPod, node: string): void {
    this.cache.addPod(this.schedPod(pod), node);
  }

  podGone(pod: SimPod): void {
    this.unassume(pod);
    this.unbound.remove(pod);
    this.cache.removePod(pod.uid);
  }

  requestSchedule(clusterChanged = true): void {
    if (clusterChanged) this.gen += 1;
    if (this.schedulePending) return;
    this.schedulePending = true;
    this.queue.after(this.timing.schedulerDelaySeconds, 'scheduler', () => {
      this.schedulePending = false;
      this.schedulePass();
    });
  }

  pendingPods(): SimPod[] {
    return this.unbound.list((p) => p.assumed === null && !p.terminating && p.phase === 'Pending');
  }

  private assume(pod: SimPod, node: string): void {
    pod.assumed = node;
    let on = this.assumedOn.get(node);
    if (on === undefined) {
      on = new Set();
      this.assumedOn.set(node, on);
    }
    on.add(pod);
  }

  private unassume(pod: SimPod): void {
    if (pod.assumed !== null) this.assumedOn.get(pod.assumed)?.delete(pod);
    pod.assumed = null;
  }

  /** The node as kube-scheduler sees it: a NotReady node carries the not-ready taint. */
  private schedNode(n: SimNode): Node {
    const m = this.store.modelNode(n);
    return n.ready ? m : { ...m, taints: [...m.taints, NOT_READY_TAINT] };
  }

  /** The scheduler's view of a pod (built once per pod; it is never scheduled to a node it names). */
  private schedPod(p: SimPod): SchedPod {
    return (p.sched ??= { ...p.base, uid: p.uid, name: p.name, nodeName: null, startTime: p.createdAt });
  }

  private localKey(p: SimPod): string {
    if (p.localKey !== undefined) return p.localKey;
    let k = this.localKeys.get(p.base);
    if (k === undefined) this.localKeys.set(p.base, (k = nodeLocalKey(this.schedPod(p))));
    p.localKey = k;
    return k;
  }

  /** Everything the scheduler reads of a pod but its name and uid: pods with equal keys get equal answers in one pass. */
  private equivalenceKey(p: SimPod): string {
    if (p.schedKey !== undefined) return p.schedKey;
    let k = this.equivalence.get(p.base);
    if (k === undefined) {
      const b = p.base;
      k = JSON.stringify([b.namespace, b.labels, b.requests, b.nodeSelector, b.requiredNodeAffinity, b.tolerations, b.hostPorts, b.podAffinity, b.podAntiAffinity, b.topologySpread, b.volumes, b.priority]);
      this.equivalence.set(p.base, k);
    }
    p.schedKey = k;
    return k;
  }

  /** The cache's snapshot for this pass (see passSnapshot). */
  private snapshot(): Snapshot {
    const version = this.cache.version;
    if (this.passSnapshot === null || this.passSnapshot.version !== version) this.passSnapshot = { version, snapshot: this.cache.snapshot() };
    return this.passSnapshot.snapshot;
  }

  private schedulePass(): void {
    this.passSnapshot = null;
    // A pod like one that found no node and nothing to preempt in this pass finds none either: nodes only fill up.
    const failed = new Map<string, string>();
    const now = this.queue.now;
    let left = false;
    const waiting = new Set<string>();
    for (const pod of this.pendingPods()) {
      const ek = this.equivalenceKey(pod);
      const tried = pod.triedAt;
      if (tried && tried.generation === this.gen && now - tried.t < UNSCHEDULABLE_RETRY_SECONDS) {
        waiting.add(ek);
        left = true;
        continue;
      }
      let known = failed.get(ek) ?? null;
      if (known === null) {
        known = this.classes.knownFailure(this.schedPod(pod), () => this.snapshot(), this.localKey(pod));
        // A failure the class cache knows needs no memo entry (the memo forgets the classes not in `waiting`).
        if (known === null) waiting.add(ek);
        known ??= this.memo.message(ek);
      }
      const answer: ScheduleOneResult = known !== null ? { kind: 'unschedulable', message: known } : this.cycle(pod, ek);
      if (answer.kind === 'scheduled') {
        const target = answer.node;
        pod.triedAt = undefined;
        this.assume(pod, target);
        this.cache.addPod(this.schedPod(pod), target);
        this.queue.after(this.timing.apiLatencySeconds, 'bind', () => this.bind(pod, target));
        continue;
      }
      left = true;
      if (answer.kind === 'unschedulable') failed.set(ek, answer.message);
      // Traced once per pod (the first FailedScheduling); later answers only update the reason.
      if (pod.unschedulable === null) this.store.emit('pod.unschedulable', `Pod ${key(pod.namespace, pod.name)}`, { reason: answer.message });
      pod.unschedulable = answer.message;
      if (tried === undefined) pod.triedAt = { t: now, generation: this.gen };
      else {
        tried.t = now;
        tried.generation = this.gen;
      }
      if (answer.kind === 'preempt') {
        this.preempt(pod, answer.node, answer.victims);
        this.passSnapshot = null;
      }
    }
    this.passSnapshot = null;
    this.memo.retain(waiting);
    if (left && !this.retryPending) {
      this.retryPending = true;
      this.queue.after(UNSCHEDULABLE_RETRY_SECONDS, 'scheduler retry', () => {
        this.retryPending = false;
        this.requestSchedule(false);
      });
    }
  }

  /** A full scheduling cycle; a failure without a preemption victim is remembered for the pods equal to this one. */
  private cycle(pod: SimPod, ek: string): ScheduleOneResult {
    const sp = this.schedPod(pod);
    const snapshot = this.snapshot();
    const answer = scheduleOne(sp, snapshot, this.prng, this.sampling, this.classes.answers(ek, sp, snapshot, this.localKey(pod)));
    if (answer.kind === 'unschedulable' && answer.cycle !== undefined) this.memo.record(ek, sp, snapshot, answer.cycle);
    return answer;
  }

  /** PostFilter preemption: the victims are deleted gracefully; the preemptor is tried again once they are gone. */
  private preempt(pod: SimPod, node: string, victims: readonly SchedPod[]): void {
    this.store.emit('pod.preempting', `Pod ${key(pod.namespace, pod.name)}`, { node, victims: victims.map((v) => key(v.namespace, v.name)).join(',') });
    for (const v of victims) {
      const victim = this.store.pods.get(key(v.namespace, v.name));
      if (victim !== undefined && victim.uid === v.uid) this.hooks.evict(victim, 'preempted');
    }
  }

  /** The Binding lands: the pod is on its node, unless the pod or the node went away meanwhile. */
  private bind(pod: SimPod, node: string): void {
    if (!this.store.alive(pod) || pod.assumed !== node) return;
    this.unassume(pod);
    if (!this.store.nodes.has(node) || pod.terminating) {
      this.cache.removePod(pod.uid);
      if (!pod.terminating) this.requestSchedule();
      return;
    }
    this.store.pods.bind(pod, node);
    pod.unschedulable = null;
    this.store.emit('pod.bound', `Pod ${key(pod.namespace, pod.name)}`, { node });
    this.hooks.bound(pod);
  }
}
