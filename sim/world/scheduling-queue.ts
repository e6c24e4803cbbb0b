/**
 * The world's scheduling queue, as kube-scheduler's (pkg/scheduler/backend/queue): an active queue of the pods to try in the
 * next pass, and a pool of unschedulable pods that are tried again only when their rejection may have gone (the caller's
 * QueueingHints: scheduler-part.ts) or when they stayed in the pool longer than podMaxInUnschedulablePodsDuration (the
 * periodic flush). No backoff queue: a pod moved out of the pool is tried in the next pass.
 *
 * The pool holds the pods by group of pods that get the same answer about the same cluster: a group is the pods with one
 * node-local key, priority and preemption policy and, for pods with claims, one claims key (what the class cache reads of
 * them: scheduler-part.ts groupKey; the class cache's knownFailure answers them all at once), split into
 * equivalence classes (the failure memo answers a class at once). A pass then costs the groups and classes of the pool and
 * the pods it tries, not every Pending pod.
 */
import { queueOrder } from './pending-order.js';
import type { ParkedGroup, PoolPlace, SimPod } from './types.js';

export type { ParkedGroup, PoolPlace } from './types.js';

/**
 * kube-scheduler's podMaxInUnschedulablePodsDuration (5 minutes): a pod in the pool longer than this is tried again even
 * when no event moved it, and the period of its flushUnschedulablePodsLeftover loop (30 s).
 */
export const MAX_IN_UNSCHEDULABLE_SECONDS = 300;
export const FLUSH_PERIOD_SECONDS = 30;

export class SchedulingQueue {
  /** The pods to try in the next pass (taken in queue order). */
  private active = new Set<SimPod>();
  /** The unschedulable pool, by group key (insertion order: the order the groups are looked at). */
  private readonly groups = new Map<string, ParkedGroup>();
  private inPool = 0;
  /**
   * The pool's entries in the order they entered it, for the flush (an entry no longer current is skipped): the pods and,
   * at the same positions, when they entered (two arrays rather than an object per entry).
   */
  private fifoPods: SimPod[] = [];
  private fifoAt: number[] = [];
  private fifoHead = 0;

  /** A pod to try in the next pass (out of the pool if it was there). */
  activate(pod: SimPod): void {
    this.unpark(pod);
    this.active.add(pod);
  }

  /** The pod left the queue (bound, assumed, deleted). */
  remove(pod: SimPod): void {
    this.active.delete(pod);
    const p = this.placeOf(pod);
    if (p === undefined) return;
    if (p.inPool) this.leave(pod, p);
    // The pod's place goes with it (parking it again makes a new one).
    pod.queued = undefined;
  }

  /** The pod found no node: it waits in the pool, in the group `groupKey` (node-local key `localKey`) and class `ek`. */
  park(pod: SimPod, groupKey: string, localKey: string, ek: string, now: number): void {
    this.active.delete(pod);
    const p = this.placeOf(pod);
    if (p !== undefined && p.inPool) this.leave(pod, p);
    let group = this.groups.get(groupKey);
    if (group === undefined) this.groups.set(groupKey, (group = { localKey, rep: pod, classes: new Map() }));
    let pods = group.classes.get(ek);
    if (pods === undefined) group.classes.set(ek, (pods = new Set()));
    pods.add(pod);
    if (p === undefined) pod.queued = { queue: this, group, groupKey, ek, at: now, inPool: true };
    else {
      p.group = group;
      p.groupKey = groupKey;
      p.ek = ek;
      p.at = now;
      p.inPool = true;
    }
    this.inPool += 1;
    this.fifoPods.push(pod);
    this.fifoAt.push(now);
  }

  /** Whether the pod is in the pool. */
  isParked(pod: SimPod): boolean {
    return this.placeOf(pod)?.inPool === true;
  }

  /** The active pods in queue order (priority, then age, then namespace/name); the active queue is empty after. */
  takeActive(): SimPod[] {
    const out = [...this.active].sort(queueOrder);
    this.active = new Set();
    return out;
  }

  get activeCount(): number {
    return this.active.size;
  }

  get parkedCount(): number {
    return this.inPool;
  }

  /** The pool's groups (live: wake() below may empty and drop the one being looked at). */
  parkedGroups(): ParkedGroup[] {
    return [...this.groups.values()];
  }

  /** Moves every pod of class `ek` of `group` to the active queue; how many moved. */
  wake(group: ParkedGroup, ek: string): number {
    const pods = group.classes.get(ek);
    if (pods === undefined) return 0;
    // The whole class leaves the pool at once: what activating its pods one by one does, without emptying its set pod by pod.
    group.classes.delete(ek);
    let groupKey: string | null = null;
    for (const p of pods) {
      const entry = this.placeOf(p);
      if (entry !== undefined && entry.inPool) {
        entry.inPool = false;
        this.inPool -= 1;
        groupKey = entry.groupKey;
      }
      this.active.add(p);
    }
    if (group.classes.size === 0 && groupKey !== null && this.groups.get(groupKey) === group) this.groups.delete(groupKey);
    return pods.size;
  }

  /** Moves the pods that entered the pool before `cutoff` (and stayed since) to the active queue; how many moved. */
  flush(cutoff: number): number {
    let moved = 0;
    while (this.fifoHead < this.fifoPods.length) {
      const pod = this.fifoPods[this.fifoHead] as SimPod;
      const at = this.fifoAt[this.fifoHead] as number;
      if (at >= cutoff) break;
      this.fifoHead++;
      const p = this.placeOf(pod);
      if (p === undefined || !p.inPool || p.at !== at) continue;
      this.activate(pod);
      moved++;
    }
    // The entries passed are dropped once they are half of the list.
    if (this.fifoHead * 2 >= this.fifoPods.length && this.fifoHead > 0) {
      this.fifoPods = this.fifoPods.slice(this.fifoHead);
      this.fifoAt = this.fifoAt.slice(this.fifoHead);
      this.fifoHead = 0;
    }
    return moved;
  }

  /** The pod's place in this queue's pool, if it was parked since it last left the queue. */
  private placeOf(pod: SimPod): PoolPlace | undefined {
    const p = pod.queued;
    return p !== undefined && p.queue === this ? p : undefined;
  }

  private unpark(pod: SimPod): void {
    const p = this.placeOf(pod);
    if (p !== undefined && p.inPool) this.leave(pod, p);
  }

  /** The pod (in the pool at place `p`) leaves it. */
  private leave(pod: SimPod, p: PoolPlace): void {
    p.inPool = false;
    this.inPool -= 1;
    const pods = p.group.classes.get(p.ek);
    pods?.delete(pod);
    if (pods !== undefined && pods.size === 0) p.group.classes.delete(p.ek);
    if (p.group.classes.size === 0 && this.groups.get(p.groupKey) === p.group) this.groups.delete(p.groupKey);
  }
}
