import { describe, expect, it } from 'vitest';
import { balancedAllocationScore } from '../../../../sim/scheduler/plugins/balanced-allocation.js';
import { GI, node, pod, snapshot, state } from './fixtures.js';

describe('NodeResourcesBalancedAllocation score', () => {
  it('is trunc((1 - |cpuFraction - memFraction| / 2) * 100) with the pod placed', () => {
    const a = state(node('a'));
    const b = state(node('b'), [pod('old', { requests: { cpu: 0, memory: 2 * GI, pods: 1 } })]);
    const p = pod('p', { requests: { cpu: 2000, memory: 2 * GI, pods: 1 } });
    // a: 0.5 vs 0.25 -> std 0.125 -> 87; b: 0.5 vs 0.5 -> 100.
    expect(balancedAllocationScore.score(p, [a, b], snapshot([a, b]))).toEqual([87, 100]);
  });

  it('uses actual requests, not the non-zero defaults, for the node pods', () => {
    const a = state(node('a'), [pod('besteffort')]);
    const p = pod('p', { requests: { cpu: 2000, memory: 4 * GI, pods: 1 } });
    expect(balancedAllocationScore.score(p, [a], snapshot([a]))).toEqual([100]);
  });

  it('scores a pod requesting no cpu or memory 0 everywhere (the plugin is skipped)', () => {
    const a = state(node('a'));
    expect(balancedAllocationScore.score(pod('p'), [a], snapshot([a]))).toEqual([0]);
  });
});
