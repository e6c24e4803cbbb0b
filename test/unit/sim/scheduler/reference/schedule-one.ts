/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * One pod through the scheduling cycle and, when it fits nowhere, PostFilter preemption (kube-scheduler
 * pkg/scheduler/schedule_one.go): the entry point the simulated world will call once it is wired in. Binding, nominating
 * the node and evicting the victims are the caller's.
 */
import type { Prng } from '../../../../../src/gen/prng.js';
import { schedule } from './framework.js';
import { preempt } from './preemption.js';
import type { SchedPod, Snapshot } from './types.js';

export type ScheduleOneResult =
  | { readonly kind: 'scheduled'; readonly node: string }
  | { readonly kind: 'preempt'; readonly node: string; readonly victims: readonly SchedPod[]; readonly message: string }
  | { readonly kind: 'unschedulable'; readonly message: string };

export function scheduleOne(pod: SchedPod, snapshot: Snapshot, prng: Prng): ScheduleOneResult {
  const r = schedule(pod, snapshot, prng);
  if (r.kind === 'scheduled') return { kind: 'scheduled', node: r.node };
  const candidate = preempt(pod, snapshot, r.diagnosis);
  if (candidate === null) return { kind: 'unschedulable', message: r.message };
  return { kind: 'preempt', node: candidate.node, victims: candidate.victims, message: r.message };
}
