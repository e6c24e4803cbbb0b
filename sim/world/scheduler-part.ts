/**
 * The world's scheduler, as kube-scheduler behaves: a queue of Pending pods (priority, then age, then name), coalesced
 * scheduling passes, an unschedulable pool retried after a cluster change or every UNSCHEDULABLE_RETRY_SECONDS, and
 * assume-then-bind (the chosen node is reserved at once, the Binding lands after the API latency). Node choice uses the
 * planner's predicates through IncrementalScheduler, the same implementation the plan was made with; this file is the only
 * part of the world that knows it.
 */
import type { Cluster } from '../../src/model/types.js';
import { IncrementalScheduler, type ScheduleAnswer, type SchedulerPod } from '../../src/planner/incremental-scheduler.js';
import { classKey } from '../../src/planner/pod-classes.js';
import type { EventQueue } from '../event-queue.js';
import type { SimTiming } from '../timing.js';
import type { ApiStore } from './api-store.js';
import type { WorldScheduler } from './scheduler-seam.js';
import { cmp, key, type SimNode, type SimPod } from './types.js';

/** An unschedulable pod is tried again at least this often even when nothing changed (pod affinity to new pods, ...). */
const UNSCHEDULABLE_RETRY_SECONDS = 30;

export class PlannerScheduler implements WorldScheduler {
  private readonly scheduler: IncrementalScheduler;
  private readonly schedPods = new WeakMap<SimPod, SchedulerPod>();
  private schedulePending = false;
  /**
   * Bumped by every change that can make an unschedulable pod fit (a node added, Ready or uncordoned, a pod gone). As in
   * kube-scheduler's unschedulable queue, a pod that found no node is tried again only after such a change, or after
   * UNSCHEDULABLE_RETRY_SECONDS.
   */
  private gen = 0;
  private retryPending = false;

  /** `bound` hands a pod whose Binding landed to the kubelet. */
  constructor(
    cluster: Cluster,
    private readonly store: ApiStore,
    private readonly queue: EventQueue,
    private readonly timing: SimTiming,
    private readonly bound: (pod: SimPod) => void,
  ) {
    this.scheduler = new IncrementalScheduler(cluster);
  }

  get generation(): number {
    return this.gen;
  }

  nodeAdded(node: SimNode): void {
    this.scheduler.addNode(node, schedulable(node));
  }

  nodeRemoved(name: string): void {
    this.scheduler.removeNode(name);
    for (const p of this.store.pods.values()) if (p.assumed === name) p.assumed = null;
  }

  nodeSchedulabilityChanged(node: SimNode): void {
    this.scheduler.setSchedulable(node.name, schedulable(node));
  }

  podBound(pod: SimPod, node: string): void {
    this.scheduler.addPod(this.schedPod(pod), node);
  }

  podGone(pod: SimPod): void {
    pod.assumed = null;
    this.scheduler.removePod(pod.uid);
  }

  /** The scheduler's view of a pod (built once per pod: its class key is costly). */
  private schedPod(p: SimPod): SchedulerPod {
    let sp = this.schedPods.get(p);
    if (!sp) {
      sp = { key: p.uid, namespace: p.namespace, labels: p.base.labels, spec: p.base, classKey: classKey(p.namespace, p.base.labels, p.base) };
      this.schedPods.set(p, sp);
    }
    return sp;
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
    return [...this.store.pods.values()]
      .filter((p) => p.nodeName === null && p.assumed === null && !p.terminating && p.phase === 'Pending')
      .sort((a, b) => b.base.priority - a.base.priority || a.createdAt - b.createdAt || cmp(key(a.namespace, a.name), key(b.namespace, b.name)));
  }

  private schedulePass(): void {
    // A pod like one that found no node in this pass finds none either (nodes only fill up during a pass).
    const failed = new Map<string, ScheduleAnswer>();
    const now = this.queue.now;
    let left = false;
    for (const pod of this.pendingPods()) {
      const tried = pod.triedAt;
      if (tried && tried.generation === this.gen && now - tried.t < UNSCHEDULABLE_RETRY_SECONDS) {
        left = true;
        continue;
      }
      const sp = this.schedPod(pod);
      const ck = sp.classKey ?? '';
      const answer = failed.get(ck) ?? this.scheduler.findNode(sp);
      if (answer.node === null) {
        failed.set(ck, answer);
        left = true;
        // Traced once per pod (the first FailedScheduling); later answers only update the reason.
        if (pod.unschedulable === null) this.store.emit('pod.unschedulable', `Pod ${key(pod.namespace, pod.name)}`, { reason: answer.summary });
        pod.unschedulable = answer.summary;
        pod.triedAt = { t: now, generation: this.gen };
        continue;
      }
      const target = answer.node;
      pod.triedAt = undefined;
      pod.assumed = target;
      this.scheduler.addPod(sp, target);
      this.queue.after(this.timing.apiLatencySeconds, 'bind', () => this.bind(pod, target));
    }
    if (left && !this.retryPending) {
      this.retryPending = true;
      this.queue.after(UNSCHEDULABLE_RETRY_SECONDS, 'scheduler retry', () => {
        this.retryPending = false;
        this.requestSchedule(false);
      });
    }
  }

  /** The Binding lands: the pod is on its node, unless the pod or the node went away meanwhile. */
  private bind(pod: SimPod, node: string): void {
    if (!this.store.alive(pod) || pod.assumed !== node) return;
    pod.assumed = null;
    if (!this.store.nodes.has(node) || pod.terminating) {
      this.scheduler.removePod(pod.uid);
      if (!pod.terminating) this.requestSchedule();
      return;
    }
    pod.nodeName = node;
    pod.unschedulable = null;
    this.store.emit('pod.bound', `Pod ${key(pod.namespace, pod.name)}`, { node });
    this.bound(pod);
  }
}

/** Pods may land on a node that is Ready and not cordoned. */
function schedulable(n: SimNode): boolean {
  return !n.unschedulable && n.ready;
}
