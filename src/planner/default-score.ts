/**
 * kube-scheduler's default resource scores, as the planner's model of a run uses them to say which node a pending pod lands
 * on (expected-fleet.ts): NodeResourcesFit with its default LeastAllocated strategy plus NodeResourcesBalancedAllocation, cpu
 * and memory weighted 1 each, each plugin weighted 1. Neither plugin normalises, so a node's score is the plain sum (0-200).
 *
 * - LeastAllocated, per resource: trunc((allocatable - requested) * 100 / allocatable), 0 when requested exceeds it; the
 *   weighted mean, truncated. `requested` is the node's pods plus the incoming pod, each counted with kube-scheduler's
 *   non-zero defaults (a pod that requests no cpu counts 100m, no memory 200Mi).
 * - BalancedAllocation: per resource the fraction min(1, requested / allocatable) with the actual requests (no defaults);
 *   score trunc((1 - |cpu fraction - memory fraction| / 2) * 100). A pod that requests neither cpu nor memory scores 0.
 * A resource whose allocatable is 0 is left out of both.
 */
import { CPU, MEMORY, type ResourceList } from '../model/types.js';

/** kube-scheduler's defaults for a pod that requests no cpu (millicores) or no memory (bytes). */
export const NON_ZERO_CPU_MILLI = 100;
export const NON_ZERO_MEMORY_BYTES = 200 * 1024 * 1024;

const MAX_NODE_SCORE = 100;

/** A pod's cpu request as LeastAllocated counts it. */
export function nonZeroCpu(requests: ResourceList): number {
  const v = requests[CPU] ?? 0;
  return v === 0 ? NON_ZERO_CPU_MILLI : v;
}

/** A pod's memory request as LeastAllocated counts it. */
export function nonZeroMemory(requests: ResourceList): number {
  const v = requests[MEMORY] ?? 0;
  return v === 0 ? NON_ZERO_MEMORY_BYTES : v;
}

/** One node as the scores see it, the incoming pod included. */
export interface ScoreInput {
  readonly allocatableCpu: number;
  readonly allocatableMemory: number;
  /** Requests of the node's pods and the incoming pod, with the non-zero defaults. */
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  /** The same with the actual requests. */
  readonly cpu: number;
  readonly memory: number;
}

export function leastAllocatedScore(s: ScoreInput): number {
  let total = 0;
  let weights = 0;
  const one = (allocatable: number, used: number): void => {
    if (allocatable <= 0) return;
    total += used > allocatable ? 0 : Math.trunc(((allocatable - used) * MAX_NODE_SCORE) / allocatable);
    weights += 1;
  };
  one(s.allocatableCpu, s.nonZeroCpu);
  one(s.allocatableMemory, s.nonZeroMemory);
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

export function balancedAllocationScore(s: ScoreInput, podRequestsCpuOrMemory: boolean): number {
  if (!podRequestsCpuOrMemory) return 0;
  const fractions: number[] = [];
  if (s.allocatableCpu > 0) fractions.push(Math.min(1, s.cpu / s.allocatableCpu));
  if (s.allocatableMemory > 0) fractions.push(Math.min(1, s.memory / s.allocatableMemory));
  const std = fractions.length === 2 ? Math.abs((fractions[0] as number) - (fractions[1] as number)) / 2 : 0;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** The sum of both plugins' scores (weight 1 each) for a pod with these requests on a node in this state. */
export function defaultResourceScore(s: ScoreInput, podRequests: ResourceList): number {
  const any = (podRequests[CPU] ?? 0) > 0 || (podRequests[MEMORY] ?? 0) > 0;
  return leastAllocatedScore(s) + balancedAllocationScore(s, any);
}
