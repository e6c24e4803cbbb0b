/**
 * The active queue's order (kube-scheduler plugins/queuesort/priority_sort.go): higher .spec.priority first, then the pod
 * that entered the queue earlier; equal on both, the one added first. No backoff or unschedulable sub-queues here.
 */
import type { SchedPod } from './types.js';

interface Entry {
  readonly pod: SchedPod;
  readonly enqueuedAt: number;
  readonly seq: number;
}

export function queueLess(a: { pod: SchedPod; enqueuedAt: number; seq: number }, b: { pod: SchedPod; enqueuedAt: number; seq: number }): boolean {
  if (a.pod.priority !== b.pod.priority) return a.pod.priority > b.pod.priority;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt;
  return a.seq < b.seq;
}

export class SchedulingQueue {
  private entries: Entry[] = [];
  private seq = 0;

  /** Adds a pod that entered the queue at virtual time `enqueuedAt`. */
  add(pod: SchedPod, enqueuedAt: number): void {
    const entry = { pod, enqueuedAt, seq: this.seq++ };
    const at = this.entries.findIndex((e) => queueLess(entry, e));
    if (at < 0) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
  }

  /** The next pod to schedule, or null when empty. */
  pop(): SchedPod | null {
    return this.entries.shift()?.pod ?? null;
  }

  get length(): number {
    return this.entries.length;
  }
}
