/**
 * One pod through the scheduling cycle and, when it fits nowhere, PostFilter preemption (kube-scheduler
 * pkg/scheduler/schedule_one.go): the entry point the simulated world will call once it is wired in. Binding, nominating
 * the node and evicting the victims are the caller's.
 */
import type { Prng } from '../../src/gen/prng.js';
import { schedule, type NodeLocalAnswers, type NodeSampling, type ScheduleResult } from './framework.js';
import { placedIndex } from './placed-index.js';
import { preempt } from './preemption.js';
import type { SchedPod, Snapshot } from './types.js';

export type ScheduleOneResult =
  | { readonly kind: 'scheduled'; readonly node: string }
  | { readonly kind: 'preempt'; readonly node: string; readonly victims: readonly SchedPod[]; readonly message: string }
  | {
      readonly kind: 'unschedulable';
      readonly message: string;
      /**
       * The failed cycle (every node evaluated), for a caller that keeps the answer (failure-memo.ts); absent when the class
       * cache keeps it already (read from its feasible index, and no preemption was tried).
       */
      readonly cycle?: ScheduleResult & { readonly kind: 'unschedulable' };
    };

/**
 * `sampling`: the scheduler's node sampling state (see framework.ts); absent, every node is evaluated. `local`: the pod's
 * class answers kept across cycles (class-cache.ts).
 */
export function scheduleOne(pod: SchedPod, snapshot: Snapshot, prng: Prng, sampling?: NodeSampling, local: NodeLocalAnswers | null = null): ScheduleOneResult {
  const r = schedule(pod, snapshot, prng, sampling, local);
  if (r.kind === 'scheduled') return { kind: 'scheduled', node: r.node };
  // Preemption can help only on a node that failed resolvably, and only with a pod of lower priority somewhere.
  const hopeless = r.resolvable === 0 || pod.preemptionPolicy === 'Never' || !placedIndex(snapshot).hasPriorityBelow(pod.priority);
  const candidate = hopeless ? null : preempt(pod, snapshot, r.diagnosis);
  if (candidate === null) return r.indexed && hopeless ? { kind: 'unschedulable', message: r.message } : { kind: 'unschedulable', message: r.message, cycle: r };
  return { kind: 'preempt', node: candidate.node, victims: candidate.victims, message: r.message };
}
