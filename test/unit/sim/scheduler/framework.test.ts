import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../src/gen/prng.js';
import { fitErrorMessage, schedule, scoreNodes, selectHost } from '../../../../sim/scheduler/framework.js';
import { DEFAULT_SCORES } from '../../../../sim/scheduler/profile.js';
import { GI, node, pod, snapshot, state } from './fixtures.js';

describe('scheduling framework', () => {
  it("uses kube-scheduler's default score weights", () => {
    expect(Object.fromEntries(DEFAULT_SCORES.map((s) => [s.plugin.name, s.weight]))).toEqual({
      TaintToleration: 3,
      NodeAffinity: 2,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      NodeResourcesFit: 1,
      NodeResourcesBalancedAllocation: 1,
    });
  });

  it('sums the normalised scores times their weights', () => {
    const a = state(node('a'));
    const b = state(node('b', { taints: [{ key: 'k', value: '', effect: 'PreferNoSchedule' }] }));
    const p = pod('p', { requests: { cpu: 1000, memory: 1 * GI, pods: 1 } });
    const scores = scoreNodes(p, [a, b], snapshot([a, b]));
    // Fit: cpu 75, memory 87 -> 81; Balanced: 0.25 vs 0.125 -> 93 against 100 empty -> 50 + trunc(43 / 2) = 71;
    // Taint: a 100, b 0 (x3); the rest 0.
    expect(scores.map((s) => s.total)).toEqual([300 + 81 + 71, 81 + 71]);
    expect(scores[0]?.byPlugin).toEqual({
      TaintToleration: 100,
      NodeAffinity: 0,
      PodTopologySpread: 0,
      InterPodAffinity: 0,
      NodeResourcesFit: 81,
      NodeResourcesBalancedAllocation: 71,
    });
  });

  it('picks the highest total regardless of the seed', () => {
    const scores = [{ node: 'a', byPlugin: {}, total: 5 }, { node: 'b', byPlugin: {}, total: 9 }, { node: 'c', byPlugin: {}, total: 7 }];
    for (let seed = 0; seed < 20; seed++) expect(selectHost(scores, new Prng(seed))).toBe('b');
  });

  it('breaks ties among the highest by the seed: the same seed picks the same node, seeds spread over the tied nodes', () => {
    const scores = ['a', 'b', 'c', 'd'].map((n) => ({ node: n, byPlugin: {}, total: n === 'd' ? 1 : 10 }));
    const picks = Array.from({ length: 60 }, (_, seed) => selectHost(scores, new Prng(seed)));
    expect(Array.from({ length: 60 }, (_, seed) => selectHost(scores, new Prng(seed)))).toEqual(picks);
    expect(new Set(picks)).toEqual(new Set(['a', 'b', 'c']));
  });

  it('schedules onto the only feasible node, and reports the FitError message when none fits', () => {
    const cordoned = state(node('a', { unschedulable: true }));
    const small = state(node('b', { allocatable: { cpu: 500, memory: GI, pods: 110 } }));
    const big = state(node('c'));
    const p = pod('p', { requests: { cpu: 1000, pods: 1 } });
    expect(schedule(p, snapshot([cordoned, small, big]), new Prng(1))).toMatchObject({ kind: 'scheduled', node: 'c' });
    const r = schedule(p, snapshot([cordoned, small]), new Prng(1));
    expect(r.kind).toBe('unschedulable');
    if (r.kind === 'unschedulable') {
      expect(r.message).toBe('0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.');
      expect(fitErrorMessage(2, r.diagnosis)).toBe(r.message);
    }
  });

  it('reports kube-scheduler\'s "no nodes available" error for an empty cluster', () => {
    expect(schedule(pod('p'), snapshot([]), new Prng(1))).toMatchObject({ kind: 'unschedulable', message: 'no nodes available to schedule pods' });
  });
});
