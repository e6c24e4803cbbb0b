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

/**
 * The sum of both plugins' scores (weight 1 each) on a node with this allocatable cpu and memory, for a pod that requests
 * cpu or memory (`requestsAny`), the node's pods and the pod included: with the non-zero defaults, and as requested.
 */
export function defaultResourceScore(
  allocatableCpu: number,
  allocatableMemory: number,
  nonZeroCpu: number,
  nonZeroMemory: number,
  cpu: number,
  memory: number,
  requestsAny: boolean,
): number {
  return leastAllocatedScore(allocatableCpu, allocatableMemory, nonZeroCpu, nonZeroMemory) + balancedAllocationScore(allocatableCpu, allocatableMemory, cpu, memory, requestsAny);
}

export function leastAllocatedScore(allocatableCpu: number, allocatableMemory: number, nonZeroCpu: number, nonZeroMemory: number): number {
  let total = 0;
  let weights = 0;
  if (allocatableCpu > 0) {
    total += nonZeroCpu > allocatableCpu ? 0 : Math.trunc(((allocatableCpu - nonZeroCpu) * MAX_NODE_SCORE) / allocatableCpu);
    weights += 1;
  }
  if (allocatableMemory > 0) {
    total += nonZeroMemory > allocatableMemory ? 0 : Math.trunc(((allocatableMemory - nonZeroMemory) * MAX_NODE_SCORE) / allocatableMemory);
    weights += 1;
  }
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

export function balancedAllocationScore(allocatableCpu: number, allocatableMemory: number, cpu: number, memory: number, requestsAny: boolean): number {
  if (!requestsAny) return 0;
  if (allocatableCpu <= 0 || allocatableMemory <= 0) return MAX_NODE_SCORE;
  const std = Math.abs(Math.min(1, cpu / allocatableCpu) - Math.min(1, memory / allocatableMemory)) / 2;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
