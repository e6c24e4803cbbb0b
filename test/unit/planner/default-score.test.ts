/**
 * kube-scheduler's default resource scores as the planner's model of a run computes them (src/planner/default-score.ts),
 * against values worked out by hand from the plugins' formulas.
 */
import { describe, expect, it } from 'vitest';
import { balancedAllocationScore, defaultResourceScore, leastAllocatedScore, nonZeroCpu, nonZeroMemory } from '../../../src/planner/default-score.js';

const MI = 1024 ** 2;
const GI = 1024 ** 3;

describe('default resource scores', () => {
  it('LeastAllocated: the truncated mean of trunc((allocatable - requested) * 100 / allocatable) over cpu and memory', () => {
    // cpu: (2000 - 500) * 100 / 2000 = 75; memory: (8Gi - 2Gi) * 100 / 8Gi = 75.
    expect(leastAllocatedScore(2000, 8 * GI, 500, 2 * GI)).toBe(75);
    // cpu: 1000 * 100 / 1930 = 51.8 -> 51; memory: (7Gi - 256Mi) * 100 / 7Gi = 96.4 -> 96; mean 73.5 -> 73.
    expect(leastAllocatedScore(1930, 7 * GI, 930, 256 * MI)).toBe(73);
    // Over-committed resources score 0.
    expect(leastAllocatedScore(1000, GI, 1500, GI)).toBe(0);
    // A resource with no allocatable is left out of the mean.
    expect(leastAllocatedScore(0, 8 * GI, 100, 2 * GI)).toBe(75);
  });

  it("uses kube-scheduler's non-zero defaults for a pod that requests no cpu or memory", () => {
    expect(nonZeroCpu({ memory: GI })).toBe(100);
    expect(nonZeroMemory({ cpu: 100 })).toBe(200 * MI);
    expect(nonZeroCpu({ cpu: 250 })).toBe(250);
  });

  it('BalancedAllocation: trunc((1 - |cpu fraction - memory fraction| / 2) * 100), fractions capped at 1', () => {
    // 930/1930 = 0.4819, 256Mi/7Gi = 0.0357: std 0.2231 -> 77.69 -> 77.
    expect(balancedAllocationScore(1930, 7 * GI, 930, 256 * MI, true)).toBe(77);
    expect(balancedAllocationScore(2000, 8 * GI, 1000, 4 * GI, true)).toBe(100);
    // cpu over-committed: fraction 1; memory 0: std 0.5 -> 50.
    expect(balancedAllocationScore(1000, 8 * GI, 3000, 0, true)).toBe(50);
    // A pod that requests neither is not scored by this plugin.
    expect(balancedAllocationScore(1000, 8 * GI, 500, GI, false)).toBe(0);
  });

  it('adds both plugins with weight 1 each', () => {
    expect(defaultResourceScore(1930, 7 * GI, 930, 256 * MI, 930, 256 * MI, true)).toBe(73 + 77);
  });
});
