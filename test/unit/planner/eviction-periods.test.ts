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

  it('at 0.05 s a request, one node (4 requests before the first eviction, one of them its Event, not waited for): 196, 200 and 4 pods in the 10 s periods', () => {
    // Eviction i goes out after (3 + i + 1) round trips of 0.05 s: periods change at i = 196 and i = 396.
    const list = pods(400);
    const periods = evictionPeriods(list, 1, DEFAULT_TIMING);
    expect(periods.map((p) => p.length)).toEqual([196, 200, 4]);
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
    // With cordonAllAtStart the 50 nodes are cordoned already: 2 requests first, i + 3 - 40 < 100 until i = 137.
    expect(evictionPeriods(pods(200), 50, slow, { cordonedAtStart: true }).map((p) => p.length)).toEqual([137, 63]);
  });

  it('an eviction a PDB refuses costs its request: a first-wave pod goes out after every attempt before it', () => {
    // 400 pods tried in order, every other one refused (not in the first wave): at 0.05 s a request the 200 first-wave
    // pods take the 400 attempts' time, three periods (as 400 evictions do), not the 10 s of 200.
    const all = pods(400);
    const firstWave = all.filter((_, i) => i % 2 === 0);
    expect(evictionPeriods(firstWave, 1, DEFAULT_TIMING).map((p) => p.length)).toEqual([196, 4]);
    const periods = evictionPeriods(firstWave, 1, DEFAULT_TIMING, { tryOrder: all });
    // Attempt k goes out at (3 + k + 1) * 0.05 s: first-wave pods at even k below 196, below 396, and beyond.
    expect(periods.map((p) => p.length)).toEqual([98, 100, 2]);
    expect(periods.flat()).toEqual(firstWave);
  });

  it('without respectPdb the executor deletes: each pod takes a plain request\'s round trip, not an eviction\'s', () => {
    // Evictions at 0.1 s, other requests at 0.02 s, no rate limit in the way: one node's 4 requests first (3 waited for).
    const loaded = { ...DEFAULT_TIMING, apiLatencySeconds: 0.02, evictLatencySeconds: 0.1, clientQps: 1000, clientBurst: 1000 };
    // Evicting: i goes out at 3 * 0.02 + (i + 1) * 0.1 s, below 10 s for i < 99.
    expect(evictionPeriods(pods(200), 1, loaded).map((p) => p.length)).toEqual([99, 100, 1]);
    // Deleting: (3 + i + 1) * 0.02 s, below 10 s for i < 496: all 200 in the first period.
    expect(evictionPeriods(pods(200), 1, loaded, { deletes: true }).map((p) => p.length)).toEqual([200]);
  });
});
