/**
 * evictionPeriods (src/planner/expected-fleet.ts): a batch's first-wave evictions split by the autoscaler period whose
 * look first sees them Pending, at the run's pace (timing.ts apiCallsSeconds: one request after the other, each its round
 * trip, no faster than clientQps once the burst is spent).
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/types.js';
import { evictionPeriods } from '../../../src/planner/expected-fleet.js';
import { DEFAULT_TIMING } from '../../../src/planner/timing.js';
import { cluster, deployment, oldNode } from '../sim/tiny-world.js';

function pods(n: number): readonly Pod[] {
  return cluster([oldNode('old-1', 'i-0000000000000001a')], [deployment({ name: 'web', replicas: n, nodes: ['old-1'] })]).pods;
}

describe('evictionPeriods', () => {
  it('without a timing model, or with no period, one period holds every eviction', () => {
    const list = pods(300);
    expect(evictionPeriods(list, 1, undefined)).toEqual([list]);
    expect(evictionPeriods(list, 1, { ...DEFAULT_TIMING, autoscalerIntervalSeconds: 0 })).toEqual([list]);
    expect(evictionPeriods([], 1, DEFAULT_TIMING)).toEqual([[]]);
  });

  it('at 0.05 s a request, one node (4 requests before the first eviction): 195, 200 and 5 pods in the 10 s periods', () => {
    // Eviction i goes out after (4 + i + 1) round trips of 0.05 s: periods change at i = 195 and i = 395.
    const list = pods(400);
    const periods = evictionPeriods(list, 1, DEFAULT_TIMING);
    expect(periods.map((p) => p.length)).toEqual([195, 200, 5]);
    // In the engine's order: the periods cut the list, they do not reorder it.
    expect(periods.flat()).toEqual(list);
  });

  it('the rate limit paces once the burst is spent; more nodes mean more cordon requests first', () => {
    // 0.01 s round trips, 10 requests a second after a burst of 40; 5 nodes make 12 requests first: eviction i at
    // (12 + i + 1 - 40) / 10 s once that is the larger. 100 pods are out by 7.3 s, one 10 s period.
    const slow = { ...DEFAULT_TIMING, apiLatencySeconds: 0.01, evictLatencySeconds: 0.01, clientQps: 10, clientBurst: 40 };
    expect(evictionPeriods(pods(100), 5, slow).map((p) => p.length)).toEqual([100]);
    // i + 1 - 28 < 100 for i < 127: 127 pods in the first period, the next 100 in the second.
    expect(evictionPeriods(pods(200), 5, slow).map((p) => p.length)).toEqual([127, 73]);
    // 50 nodes: 102 requests before the first eviction, which goes out at (103 - 40) / 10 = 6.3 s: the first period holds
    // 37 evictions (i < 37), the second 100.
    expect(evictionPeriods(pods(200), 50, slow).map((p) => p.length)).toEqual([37, 100, 63]);
  });
});
