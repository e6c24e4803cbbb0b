/**
 * The world's scheduler, as kube-scheduler behaves: an active queue of the pods to try (priority, then age, then name),
 * coalesced scheduling passes, an unschedulable pool with QueueingHints and the periodic flush (scheduling-queue.ts), and
 * assume-then-bind (the chosen node is reserved at once, the Binding lands after the API latency). Node choice, scoring and
 * preemption are the world's own kube-scheduler (sim/scheduler/: the default profile's filter and score plugins, a seeded
 * tie-break, PostFilter preemption), independent of the planner's packing and predicates, so a rehearsal can disagree with
 * the plan. As kube-scheduler at scale, a cycle evaluates nodes until it has found numFeasibleNodesToFind feasible ones
 * (every node below 100 nodes), starting where the previous cycle stopped, and scores only those.
 *
 * QueueingHints: a pod that found no node waits in the pool and goes back to the active queue only when a cluster event
 * since may have made it schedulable (or preemption possible). The events are the scheduler cache's changes - a node
 * added, changed (Ready, cordon, taints, labels) or removed, a pod placed on or gone from a node - and whether they may have
 * is decided exactly, for a group of equal pods at once, at the start of each pass and after a pass that changed the cache
 * itself: the class cache (class-cache.ts) follows the changed nodes and knows when a group's pods pass the node-local
 * filters nowhere and cannot preempt (the kube-scheduler hints of NodeResourcesFit, NodeAffinity, TaintToleration,
 * NodeUnschedulable, NodePorts, the volume plugins: a node added or changed, a pod gone from a node, now passing), and the
 * failure memo (failure-memo.ts) follows the events that reach topology spread and pod (anti-)affinity (a pod their terms
 * count placed or gone, a node's labels changed, a repelling pod gone) and preemption (a pod of lower priority placed). A
 * pod moved is the same pod as before for the queue order. A pass so costs the pool's groups and classes and the pods that
 * may have changed, not every Pending pod. Every cache change from outside the scheduler asks for a pass while the pool is
 * not empty, so no event goes unlooked-at; the flush (kube-scheduler's podMaxInUnschedulablePodsDuration, 5 minutes,
 * looked at every 30 s) is the guard.
 *
 * As kube-scheduler sees the cluster: a NotReady node carries the node lifecycle controller's not-ready NoSchedule taint; a
 * terminating pod keeps its room until it is gone. Preemption deletes the victims gracefully; as kube-scheduler's
 * PodEligibleToPreemptOthers, the preemptor preempts no one else while one of its victims still terminates, and it is
 * moved back when they are gone (no nominatedNodeName reservation: another pod may take the room first).
 */
import type { Cluster, Node, Pod, PodDisruptionBudget, Taint } from '../../src/model/types.js';
import type { Prng } from '../../src/gen/prng.js';
import type { EventQueue } from '../event-queue.js';
import { SchedulerCache } from '../scheduler/cache.js';
import { ClassCache, nodeLocalKey } from '../scheduler/class-cache.js';
import { FailureMemo } from '../scheduler/failure-memo.js';
import { FieldKeys } from '../scheduler/field-keys.js';
import { nodeSampling } from '../scheduler/framework.js';
import { claimsText } from '../scheduler/plugins/volume-binding.js';
import { scheduleOne, type ScheduleOneResult } from '../scheduler/schedule-one.js';
import type { SchedPod, Snapshot } from '../scheduler/types.js';
import type { SimTiming } from '../timing.js';
import type { ApiStore } from './api-store.js';
import type { WorldScheduler } from './scheduler-seam.js';
import { PendingOrder } from './pending-order.js';
import { FLUSH_PERIOD_SECONDS, MAX_IN_UNSCHEDULABLE_SECONDS, SchedulingQueue } from './scheduling-queue.js';
import { key, type SimNode, type SimPod } from './types.js';

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
  /** equivalenceKey by the pod fields it is made of (field-keys.ts: once per workload rather than once per pod). */
  private readonly equivalence = new FieldKeys();
  /** nodeLocalKey of the pods made from one model pod (it reads none of what schedPod adds: uid, name, start time). */
  private readonly localKeys = new WeakMap<Pod, string>();
  private schedulePending = false;
  /**
   * Bumped by every change the world reports as one that can make an unschedulable pod fit (a node Ready, uncordoned or
   * removed, a pod gone): the autoscaler skips its pass while it has not moved. The queue's wake-ups do not read it.
   */
  private gen = 0;
  /** The active queue and the unschedulable pool. */
  private readonly pending = new SchedulingQueue();
  private flushArmed = false;
  /**
   * The equivalence keys whose memo entries the memo keeps: those the pass asked for since the pool was last looked at, and
   * those that look found an entry of.
   */
  private memoKeys = new Set<string>();
  /** The cache's version when the pool was last looked at: nothing can have moved while it is the same. */
  private wokenAt = -1;
  /** A preemptor's victims (uids), while it is Pending: it preempts no more while one of them still holds its room. */
  private readonly victimsOf = new Map<SimPod, readonly string[]>();
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
    for (const p of store.pods.values()) if (p.nodeName === null) this.enqueue(p);
    store.pods.listen({
      added: (p) => {
        if (p.nodeName === null) this.enqueue(p);
      },
      removed: (p) => {
        this.unbound.remove(p);
        this.pending.remove(p);
      },
    });
  }

  get generation(): number {
    return this.gen;
  }

  nodeAdded(node: SimNode): void {
    this.cache.setNode(this.schedNode(node));
    this.poolEvent();
  }

  nodeRemoved(name: string): void {
    this.cache.removeNode(name);
    // Bindings in flight to the node are dropped: their pods go back to the active queue.
    for (const p of this.assumedOn.get(name) ?? []) {
      if (p.assumed !== name) continue;
      p.assumed = null;
      this.enqueue(p);
    }
    this.assumedOn.delete(name);
    this.poolEvent();
  }

  nodeSchedulabilityChanged(node: SimNode): void {
    this.cache.setNode(this.schedNode(node));
    this.poolEvent();
  }

  podBound(pod: SimPod, node: string): void {
    this.cache.addPod(this.schedPod(pod), node);
    this.poolEvent();
  }

  podGone(pod: SimPod): void {
    this.unassume(pod);
    this.unbound.remove(pod);
    this.pending.remove(pod);
    this.victimsOf.delete(pod);
    this.cache.removePod(pod.uid);
    this.poolEvent();
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

  /** A pod waiting to be tried: in the active queue (a pod stored unbound, or whose binding was dropped). */
  private enqueue(p: SimPod): void {
    this.unbound.add(p);
    if (p.assumed === null && !p.terminating && p.phase === 'Pending') this.pending.activate(p);
  }

  /**
   * A change of the cache from outside the scheduler: the pool's pods may be moved by it, which the next pass looks at
   * (asked for here, without counting as a cluster change for the generation: the caller says that).
   */
  private poolEvent(): void {
    if (this.pending.parkedCount > 0) this.requestSchedule(false);
  }

  private assume(pod: SimPod, node: string): void {
    this.pending.remove(pod);
    this.victimsOf.delete(pod);
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

  /**
   * Everything the scheduler reads of a pod but its name and uid: pods with equal keys get equal answers in one pass. Of
   * its volumes only the claims (the volume filters read no other kind, whose names differ from pod to pod).
   */
  private equivalenceKey(p: SimPod): string {
    if (p.schedKey !== undefined) return p.schedKey;
    const b = p.base;
    const k = this.equivalence.key(
      [b.labels, b.namespace, b.requests, b.nodeSelector, b.requiredNodeAffinity, b.tolerations, b.hostPorts, b.podAffinity, b.podAntiAffinity, b.topologySpread, b.volumes, b.priority],
      () => JSON.stringify([b.namespace, b.labels, b.requests, b.nodeSelector, b.requiredNodeAffinity, b.tolerations, b.hostPorts, b.podAffinity, b.podAntiAffinity, b.topologySpread, claimsText(b), b.priority]),
    );
    p.schedKey = k;
    return k;
  }

  /** snapshot() as a function kept for the class cache's questions (one closure, not one per question). */
  private readonly currentSnapshot = (): Snapshot => this.snapshot();

  /** The cache's snapshot for this pass (see passSnapshot). */
  private snapshot(): Snapshot {
    const version = this.cache.version;
    if (this.passSnapshot === null || this.passSnapshot.version !== version) this.passSnapshot = { version, snapshot: this.cache.snapshot() };
    return this.passSnapshot.snapshot;
  }

  /**
   * The pool's group of a pod: its node-local key, priority and preemption policy and, for a pod with claims, what the class
   * cache reads of them (claimsKey: the bound volumes' node affinity and labels), or the claims themselves when a PreFilter
   * rejects it (knownFailure answers them all alike). Only PersistentVolumeClaim volumes are claims (claimsText): pods with
   * none, whatever other volumes they carry (emptyDir, the projected token volume), share their node-local key's group;
   * the pods of a StatefulSet whose volumes are bound in one zone share one.
   */
  private groupKey(p: SimPod): string {
    if (p.groupKey !== undefined) return p.groupKey;
    const b = p.base;
    return (p.groupKey = `${b.priority}|${this.schedPod(p).preemptionPolicy ?? ''}|${this.localKey(p)}|${this.claimsPart(p)}`);
  }

  /** groupKey's part for the pod's claims ('' for a pod without). */
  private claimsPart(p: SimPod): string {
    const claims = claimsText(p.base);
    if (claims === '') return '';
    const shared = this.classes.claimsKey(this.schedPod(p), this.snapshot());
    return shared === null ? `rejected|${p.base.namespace}|${claims}` : `claims|${shared}`;
  }

  /**
   * The QueueingHints: moves to the active queue the pool's pods that may fit or preempt now, group by group (see the
   * header); how many moved. A group whose pods pass the node-local filters nowhere (then, pods with claims, the volume
   * filters) and cannot preempt stays as a whole (the class cache's knownFailure); else each class of it stays while the
   * failure memo still holds its answer.
   */
  private wake(): number {
    if (this.cache.version === this.wokenAt) return 0;
    this.wokenAt = this.cache.version;
    this.memoKeys = new Set();
    let moved = 0;
    for (const group of this.pending.parkedGroups()) {
      if (group.classes.size === 0) continue;
      if (this.classes.knownToFail(this.schedPod(group.rep), this.currentSnapshot, group.localKey)) continue;
      // Waking a class drops it from the group: the walk goes on with the classes after it.
      for (const ek of group.classes.keys()) {
        // A class the memo has no answer for is woken and kept in no list: the memo holds no entry of it to keep, and an
        // entry made for it later comes from a cycle of the pass, which lists it.
        if (this.memo.message(ek) === null) moved += this.pending.wake(group, ek);
        else this.memoKeys.add(ek);
      }
    }
    return moved;
  }

  private schedulePass(): void {
    this.passSnapshot = null;
    this.wake();
    // A pod like one that found no node and nothing to preempt in this pass finds none either: nodes only fill up.
    const failed = new Map<string, string>();
    const now = this.queue.now;
    for (const pod of this.pending.takeActive()) {
      if (pod.nodeName !== null || pod.assumed !== null || pod.terminating || pod.phase !== 'Pending' || !this.store.alive(pod)) continue;
      const ek = this.equivalenceKey(pod);
      let known = failed.get(ek) ?? null;
      if (known === null) {
        known = this.classes.knownFailure(this.schedPod(pod), this.currentSnapshot, this.localKey(pod));
        // A failure the class cache knows needs no memo entry (the memo forgets the classes it was not asked about).
        if (known === null) {
          this.memoKeys.add(ek);
          known = this.memo.message(ek);
        }
      }
      const answer: ScheduleOneResult = known !== null ? { kind: 'unschedulable', message: known } : this.cycle(pod, ek);
      if (answer.kind === 'scheduled') {
        const target = answer.node;
        this.assume(pod, target);
        this.cache.addPod(this.schedPod(pod), target);
        this.queue.after(this.timing.apiLatencySeconds, 'bind', () => this.bind(pod, target));
        continue;
      }
      if (answer.kind === 'unschedulable') failed.set(ek, answer.message);
      // Traced once per pod (the first FailedScheduling); later answers only update the reason.
      if (pod.unschedulable === null) this.store.emit('pod.unschedulable', `Pod ${pod.key}`, { reason: answer.message });
      pod.unschedulable = answer.message;
      this.pending.park(pod, this.groupKey(pod), this.localKey(pod), ek, now);
      // kube-scheduler's PodEligibleToPreemptOthers: a pod whose victims are still terminating preempts no one else.
      if (answer.kind === 'preempt' && !this.awaitingVictims(pod)) {
        this.preempt(pod, answer.node, answer.victims);
        this.passSnapshot = null;
      }
    }
    // The pass's own changes of the cache (pods assumed, bindings dropped) are events for the pool too: a pod moved by
    // them is tried in the next pass.
    if (this.wake() > 0) this.requestSchedule(false);
    this.passSnapshot = null;
    this.memo.retain(this.memoKeys);
    this.armFlush();
  }

  /**
   * kube-scheduler's flushUnschedulablePodsLeftover: every FLUSH_PERIOD_SECONDS while the pool is not empty, the pods in it
   * for longer than MAX_IN_UNSCHEDULABLE_SECONDS go back to the active queue.
   */
  private armFlush(): void {
    if (this.flushArmed || this.pending.parkedCount === 0) return;
    this.flushArmed = true;
    this.queue.after(FLUSH_PERIOD_SECONDS, 'scheduler flush', () => {
      this.flushArmed = false;
      if (this.pending.flush(this.queue.now - MAX_IN_UNSCHEDULABLE_SECONDS) > 0) this.requestSchedule(false);
      this.armFlush();
    });
  }

  /** A full scheduling cycle; a failure without a preemption victim is remembered for the pods equal to this one. */
  private cycle(pod: SimPod, ek: string): ScheduleOneResult {
    const sp = this.schedPod(pod);
    const snapshot = this.snapshot();
    const answer = scheduleOne(sp, snapshot, this.prng, this.sampling, this.classes.answers(ek, sp, snapshot, this.localKey(pod)));
    if (answer.kind === 'unschedulable' && answer.cycle !== undefined) this.memo.record(ek, sp, snapshot, answer.cycle);
    return answer;
  }

  /** Whether some victim of the pod's last preemption is still on its node (terminating). */
  private awaitingVictims(pod: SimPod): boolean {
    const victims = this.victimsOf.get(pod);
    if (victims === undefined) return false;
    if (victims.some((uid) => this.cache.nodeOf(uid) !== null)) return true;
    this.victimsOf.delete(pod);
    return false;
  }

  /** PostFilter preemption: the victims are deleted gracefully; the preemptor is tried again once they are gone. */
  private preempt(pod: SimPod, node: string, victims: readonly SchedPod[]): void {
    this.victimsOf.set(pod, victims.map((v) => v.uid));
    this.store.emit('pod.preempting', `Pod ${pod.key}`, { node, victims: victims.map((v) => key(v.namespace, v.name)).join(',') });
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
      if (!pod.terminating) {
        this.enqueue(pod);
        this.requestSchedule();
      }
      return;
    }
    this.store.pods.bind(pod, node);
    pod.unschedulable = null;
    this.store.emit('pod.bound', `Pod ${pod.key}`, { node });
    this.hooks.bound(pod);
  }
}
