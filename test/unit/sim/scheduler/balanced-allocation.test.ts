import { describe, expect, it } from 'vitest';
import { balance, balancedAllocationScore } from '../../../../sim/scheduler/plugins/balanced-allocation.js';
import { GI, node, pod, snapshot, state } from './fixtures.js';

describe('NodeResourcesBalancedAllocation score (kube-scheduler v1.36: the change the pod makes to the balance)', () => {
  it('a balance is trunc((1 - |cpuFraction - memFraction| / 2) * 100)', () => {
    expect(balance([2000, 2 * GI], [4000, 8 * GI])).toBe(87); // 0.5 vs 0.25 -> std 0.125
    expect(balance([2000, 4 * GI], [4000, 8 * GI])).toBe(100);
    expect(balance([0, 0], [4000, 8 * GI])).toBe(100);
    expect(balance([4000, 0], [4000, 0])).toBe(100); // memory has no allocatable: left out, one fraction, std 0
  });

  it('is 50 + trunc((50 + balance with the pod - balance without it) / 2)', () => {
    const a = state(node('a'));
    const b = state(node('b'), [pod('old', { requests: { cpu: 0, memory: 2 * GI, pods: 1 } })]);
    const p = pod('p', { requests: { cpu: 2000, memory: 2 * GI, pods: 1 } });
    // a: without 100 (empty), with 87 -> 50 + trunc(37 / 2) = 68. b: without 0 vs 0.25 -> 87, with 0.5 vs 0.5 -> 100:
    // 50 + trunc(63 / 2) = 81. (Before v1.36 these were 87 and 100.)
    expect(balancedAllocationScore.score(p, [a, b], snapshot([a, b]))).toEqual([68, 81]);
  });

  it('prefers the node the pod rebalances over an empty one it unbalances less', () => {
    // c: 3000m of 4000m cpu used and no memory (0.75 vs 0: balance 62); the pod's 4Gi makes it 0.75 vs 0.5 (87): +25.
    const c = state(node('c'), [pod('cpu-heavy', { requests: { cpu: 3000, memory: 0, pods: 1 } })]);
    const e = state(node('e'));
    const p = pod('p', { requests: { cpu: 0, memory: 4 * GI, pods: 1 } });
    // c: 50 + trunc((50 + 87 - 62) / 2) = 87; e: 0 vs 0.5 -> 75: 50 + trunc((50 + 75 - 100) / 2) = 62.
    expect(balancedAllocationScore.score(p, [c, e], snapshot([c, e]))).toEqual([87, 62]);
  });

  it('uses actual requests, not the non-zero defaults, for the node pods', () => {
    const a = state(node('a'), [pod('besteffort')]);
    const p = pod('p', { requests: { cpu: 2000, memory: 4 * GI, pods: 1 } });
    // without: 0 vs 0 -> 100 (the best-effort pod counts nothing); with: 0.5 vs 0.5 -> 100; 50 + 25.
    expect(balancedAllocationScore.score(p, [a], snapshot([a]))).toEqual([75]);
  });

  it('scores a pod requesting no cpu or memory 0 everywhere (the plugin is skipped)', () => {
    const a = state(node('a'));
    expect(balancedAllocationScore.score(pod('p'), [a], snapshot([a]))).toEqual([0]);
  });
});
