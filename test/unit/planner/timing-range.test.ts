import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { apiCallsSeconds, DEFAULT_TIMING, timingModelFromFigures } from '../../../src/planner/timing.js';
import { catalog, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

function world(replicas: number) {
  const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002')];
  const c = cluster(nodes, [deployment({ name: 'web', replicas, nodes: ['old-1', 'old-2'], cpu: 10, memory: 16 * 1024 * 1024 })]);
  return { c, vngs: [generalVng()] };
}

describe('the plan states its time as a range', () => {
  it('low <= expected <= high, per batch and in all, from the timing model\'s spread', () => {
    const { c, vngs } = world(20);
    const plan = buildPlan({ cluster: c, vngs, catalog, params: { ...DEFAULT_PARAMS, batchSizePercentage: 50 } });
    const r = plan.estimatedRange;
    expect(r).not.toBeNull();
    expect(r?.expectedSeconds).toBeCloseTo(plan.estimatedSeconds ?? NaN, 0);
    expect(r?.spread).toBe(DEFAULT_TIMING.spread);
    expect(r!.lowSeconds).toBeLessThan(r!.expectedSeconds);
    expect(r!.highSeconds).toBeGreaterThan(r!.expectedSeconds);
    // The range spans what varies (launch, pod start) by the spread either way, not the fixed API work: the first batch
    // launches the nodes, the second starts pods on them.
    const first = plan.batches[0]!;
    expect(first.estimatedRange!.highSeconds - first.estimatedSeconds!).toBeCloseTo((DEFAULT_TIMING.nodeLaunchSeconds + DEFAULT_TIMING.podStartSeconds) * DEFAULT_TIMING.spread, 1);
    const sumHigh = plan.batches.reduce((s, b) => s + b.estimatedRange!.highSeconds, 0);
    expect(r!.highSeconds).toBeCloseTo(sumHigh, 0);
    for (const b of plan.batches) {
      expect(b.estimatedRange!.lowSeconds).toBeLessThan(b.estimatedSeconds!);
      expect(b.estimatedRange!.highSeconds).toBeGreaterThan(b.estimatedSeconds!);
    }
    // A narrower spread, a narrower range.
    const calm = buildPlan({ cluster: c, vngs, catalog, params: { ...DEFAULT_PARAMS, batchSizePercentage: 50 }, timing: { ...DEFAULT_TIMING, spread: 0.05 } });
    expect(calm.estimatedRange!.highSeconds - calm.estimatedRange!.lowSeconds).toBeLessThan(r!.highSeconds - r!.lowSeconds);
  });

  it('a big batch is paced by the client-side rate limit', () => {
    expect(apiCallsSeconds(DEFAULT_TIMING, 0)).toBe(0);
    expect(apiCallsSeconds(DEFAULT_TIMING, 10)).toBeCloseTo(0.5, 9); // within the burst: 10 round trips
    expect(apiCallsSeconds({ ...DEFAULT_TIMING, apiLatencySeconds: 0.01 }, 4040)).toBeCloseTo(200, 9); // (4040 - 40) / 20
    expect(apiCallsSeconds(DEFAULT_TIMING, 4040)).toBeCloseTo(202, 9); // 50 ms round trips one after the other are slower
    // Evictions take their own round trip: 10 calls of which 6 evictions at 0.3 s and 4 others at 0.02 s.
    const loaded = { ...DEFAULT_TIMING, apiLatencySeconds: 0.02, evictLatencySeconds: 0.3 };
    expect(apiCallsSeconds(loaded, 10, 6)).toBeCloseTo(6 * 0.3 + 4 * 0.02, 9);
    expect(apiCallsSeconds(loaded, 10, 20)).toBeCloseTo(10 * 0.3, 9); // never more evictions than calls
    // A timing file without the eviction's figure gives evictions its request time; with it, its own.
    expect(timingModelFromFigures({ apiLatencySeconds: 0.004 }).evictLatencySeconds).toBe(0.004);
    expect(timingModelFromFigures({ apiLatencySeconds: 0.004, evictLatencySeconds: 0.09 }).evictLatencySeconds).toBe(0.09);
    expect(timingModelFromFigures({}).evictLatencySeconds).toBe(DEFAULT_TIMING.evictLatencySeconds);
    const small = buildPlan({ cluster: world(20).c, vngs: world(20).vngs, catalog, params: { ...DEFAULT_PARAMS, batchSizePercentage: 100 } });
    const big = buildPlan({ cluster: world(2000).c, vngs: world(2000).vngs, catalog, params: { ...DEFAULT_PARAMS, batchSizePercentage: 100, maxPods: undefined } as typeof DEFAULT_PARAMS });
    const slowClient = { ...DEFAULT_TIMING, clientQps: 5 };
    const bigSlow = buildPlan({ cluster: world(2000).c, vngs: world(2000).vngs, catalog, params: { ...DEFAULT_PARAMS, batchSizePercentage: 100 }, timing: slowClient });
    expect((bigSlow.estimatedSeconds ?? 0) - (big.estimatedSeconds ?? 0)).toBeGreaterThan(200);
    expect(small.estimatedSeconds).toBeLessThan(big.estimatedSeconds ?? 0);
  });

  it("the planner's model from a timing file's figures", () => {
    const t = timingModelFromFigures({ instanceBootSeconds: 0, nodeJoinSeconds: 0, nodeReadySeconds: 1, autoscalerIntervalSeconds: 5, podStartSeconds: 2, podReadySeconds: 0, clientQps: 7 }, 0.1);
    expect(t).toMatchObject({ nodeLaunchSeconds: 3.5, podStartSeconds: 2, clientQps: 7, clientBurst: 40, autoscalerIntervalSeconds: 5, spread: 0.1 });
    expect(timingModelFromFigures({})).toEqual(DEFAULT_TIMING);
  });
});
