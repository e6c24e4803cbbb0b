import { describe, expect, it } from 'vitest';
import { nodeResourcesFitScore } from '../../../../sim/scheduler/plugins/node-resources-fit.js';
import { GI, MI, node, pod, snapshot, state } from './fixtures.js';

describe('NodeResourcesFit score (LeastAllocated, cpu and memory weighted 1)', () => {
  it('scores the free fraction after placing the pod: floor((alloc - requested) * 100 / alloc), averaged', () => {
    const busy = state(node('a'), [pod('old', { requests: { cpu: 1000, memory: 2 * GI, pods: 1 } })]);
    const empty = state(node('b'));
    const p = pod('p', { requests: { cpu: 1000, memory: 2 * GI, pods: 1 } });
    // a: cpu (4000-2000)/4000 = 50, memory (8-4)/8 = 50; b: cpu 3000/4000 = 75, memory 6/8 = 75.
    expect(nodeResourcesFitScore.score(p, [busy, empty], snapshot([busy, empty]))).toEqual([50, 75]);
  });

  it('counts a pod requesting nothing as 100m cpu and 200Mi memory (kube-scheduler non-zero defaults)', () => {
    const small = state(node('a', { allocatable: { cpu: 1000, memory: 1000 * MI, pods: 110 } }));
    // cpu (1000-100)*100/1000 = 90, memory (1000-200)*100/1000 = 80 -> (90+80)/2 = 85.
    expect(nodeResourcesFitScore.score(pod('p'), [small], snapshot([small]))).toEqual([85]);
  });

  it('gives 0 for a resource that would be over-committed, and truncates the mean', () => {
    const n = state(node('a', { allocatable: { cpu: 1000, memory: 3 * GI, pods: 110 } }));
    const p = pod('p', { requests: { cpu: 1500, memory: 2 * GI, pods: 1 } });
    // cpu over -> 0; memory (3-2)*100/3 = 33 -> (0+33)/2 = 16.
    expect(nodeResourcesFitScore.score(p, [n], snapshot([n]))).toEqual([16]);
  });
});
