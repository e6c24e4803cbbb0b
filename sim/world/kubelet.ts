/**
 * The kubelets of the world: what happens to a pod on its node. A bound pod starts after the image pull and start time
 * (Pending -> Running; later if its node is NotReady), turns Ready after its readiness probe unless its workload never gets
 * Ready, and on deletion is terminating for its grace period (capped by the timing model) before the object is removed.
 * Unbound pods are removed at once. Each removal is told to the scheduler and the controllers.
 */
import type { Prng } from '../../src/gen/prng.js';
import type { EventQueue } from '../event-queue.js';
import type { FaultState } from '../fault-state.js';
import type { SimTiming } from '../timing.js';
import type { ApiStore } from './api-store.js';
import type { WorldScheduler } from './scheduler-seam.js';
import { key, podObject, type SimPod } from './types.js';

/** What the kubelet tells the pods' controllers (sim/world/controllers.ts). */
export interface PodOwners {
  /** A pod was marked for deletion. */
  podTerminating(pod: SimPod): void;
  /** A pod object was removed. */
  podRemoved(pod: SimPod): void;
}

export class Kubelet {
  /** `podPrng` draws the jitter of start and readiness times. */
  constructor(
    private readonly store: ApiStore,
    private readonly queue: EventQueue,
    private readonly timing: SimTiming,
    private readonly faults: FaultState,
    private readonly podPrng: Prng,
    private readonly scheduler: Pick<WorldScheduler, 'podGone' | 'requestSchedule'>,
    private readonly owners: PodOwners,
  ) {}

  /** A pod of the input bound to its node: it goes on starting, or getting Ready, where the input left it. */
  adoptPod(pod: SimPod): void {
    if (pod.phase === 'Pending') this.startLater(pod);
    else if (pod.phase === 'Running' && !pod.ready && !pod.neverReady) this.readyLater(pod);
  }

  /** A pod bound to its node starts after the start time. */
  startLater(pod: SimPod): void {
    this.queue.after(this.podDelay(this.timing.podStartSeconds), 'pod start', () => this.startPod(pod));
  }

  /** A Running pod turns Ready after the readiness time (if its node is Ready then). */
  readyLater(pod: SimPod): void {
    this.queue.after(this.podDelay(this.timing.podReadySeconds), 'pod ready', () => this.readyPod(pod));
  }

  private podDelay(base: number): number {
    const j = this.timing.podJitter;
    return base * (1 + j * (2 * this.podPrng.next() - 1));
  }

  private startPod(pod: SimPod): void {
    if (!this.store.alive(pod) || pod.terminating || pod.phase !== 'Pending' || pod.nodeName === null) return;
    const node = this.store.nodes.get(pod.nodeName);
    if (!node) return;
    if (!node.ready) {
      // The kubelet is not there to start it: look again later.
      this.queue.after(this.timing.podStartSeconds, 'pod start', () => this.startPod(pod));
      return;
    }
    pod.phase = 'Running';
    this.store.touch(pod);
    if (this.faults.neverReadyFor(workloadNames(pod), this.queue.now)) pod.neverReady = true;
    this.store.emit('pod.running', podObject(pod), { node: pod.nodeName });
    if (!pod.neverReady) this.readyLater(pod);
  }

  private readyPod(pod: SimPod): void {
    if (!this.store.alive(pod) || pod.terminating || pod.phase !== 'Running' || pod.ready || pod.neverReady || pod.nodeName === null) return;
    if (!this.store.nodes.get(pod.nodeName)?.ready) return;
    pod.ready = true;
    this.store.touch(pod);
    this.store.emit('pod.ready', podObject(pod), { node: pod.nodeName });
  }

  /** Graceful deletion (eviction or delete): terminating now, gone after the grace period. Unbound pods go at once. */
  deletePod(pod: SimPod, reason: string): void {
    if (pod.terminating || !this.store.alive(pod)) return;
    if (pod.nodeName === null) {
      this.scheduler.podGone(pod);
      pod.terminating = true;
      this.store.touch(pod);
      this.owners.podTerminating(pod);
      this.podGone(pod, reason);
      return;
    }
    pod.terminating = true;
    pod.ready = false;
    this.store.touch(pod);
    this.store.emit('pod.terminating', podObject(pod), { node: pod.nodeName, reason });
    this.owners.podTerminating(pod);
    const grace = Math.min(pod.base.terminationGracePeriodSeconds, this.timing.maxTerminationSeconds);
    this.queue.after(grace, 'pod gone', () => this.podGone(pod, reason));
  }

  /** The pod object is removed from the API; the scheduler and the controllers react. */
  podGone(pod: SimPod, reason: string): void {
    if (!this.store.alive(pod)) return;
    this.store.pods.delete(pod.key);
    this.scheduler.podGone(pod);
    this.store.emit('pod.terminated', podObject(pod), { node: pod.nodeName, reason });
    this.owners.podRemoved(pod);
    this.scheduler.requestSchedule();
  }

  /** Running pods on a node (not terminating). */
  runningPodsOn(name: string): number {
    return this.store.pods.countOn(name, (p) => p.phase === 'Running' && !p.terminating);
  }
}

/** namespace/name of the pod's workload and of its owner (what a pods-never-ready fault may name). */
function workloadNames(p: SimPod): string[] {
  const out: string[] = [];
  if (p.workload) out.push(key(p.namespace, p.workload.name));
  if (p.owner) out.push(key(p.namespace, p.owner.name));
  return out;
}
