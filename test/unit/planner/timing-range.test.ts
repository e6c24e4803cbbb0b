import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { apiCallsSeconds, DEFAULT_TIMING, timingModelFromFigures } from '../../../src/planner/timing.js';
import { cordonLine } from '../../../src/report/cordon-line.js';
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
    // (The plan's figures are rounded to a tenth of a second each: their difference is within 0.1 s.)
    expect(Math.abs(first.estimatedRange!.highSeconds - first.estimatedSeconds! - (DEFAULT_TIMING.nodeLaunchSeconds + DEFAULT_TIMING.podStartSeconds) * DEFAULT_TIMING.spread)).toBeLessThanOrEqual(0.1 + 1e-9);
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
    // Requests sent without waiting for the answer (Events) take a token, no round trip.
    expect(apiCallsSeconds(loaded, 10, 6, 2)).toBeCloseTo(6 * 0.3 + 2 * 0.02, 9);
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

  it('without respectPdb the drain deletes its pods: plain requests, not evictions', () => {
    // 2,000 pods, evictions far slower than other requests, no rate limit in the way, no PDB in the world.
    const { c, vngs } = world(2000);
    const loaded = { ...DEFAULT_TIMING, apiLatencySeconds: 0.01, evictLatencySeconds: 0.2, clientQps: 10000, clientBurst: 10000, cordonAndEvictSeconds: 0 };
    const params = { ...DEFAULT_PARAMS, batchSizePercentage: 100, maxPods: undefined } as typeof DEFAULT_PARAMS;
    const evicting = buildPlan({ cluster: c, vngs, catalog, params, timing: loaded });
    const deleting = buildPlan({ cluster: c, vngs, catalog, params: { ...params, respectPdb: false }, timing: loaded });
    // 2,000 round trips of 0.2 s against 0.01 s: 380 s apart.
    expect((evicting.batches[0]?.estimatedSeconds ?? 0) - (deleting.batches[0]?.estimatedSeconds ?? 0)).toBeCloseTo(2000 * (0.2 - 0.01), 0);
  });

  it('cordonAllAtStart: every old node cordoned before the first batch, then no batch cordons its own', () => {
    // 40 old nodes of 5 pods each, one request a second after a burst of one: the requests set the pace.
    const names = Array.from({ length: 40 }, (_, i) => `old-${String(i + 1).padStart(2, '0')}`);
    const c = cluster(
      names.map((n, i) => oldNode(n, `i-0bbb00000000000${String(i + 10)}`)),
      [deployment({ name: 'web', replicas: 200, nodes: names, cpu: 10, memory: 16 * 1024 * 1024 })],
    );
    const slow = { ...DEFAULT_TIMING, clientQps: 1, clientBurst: 1, cordonAndEvictSeconds: 0 };
    const params = { ...DEFAULT_PARAMS, batchSizePercentage: 25, cordonAllAtStart: false };
    const each = buildPlan({ cluster: c, vngs: [generalVng()], catalog, params, timing: slow });
    const atStart = buildPlan({ cluster: c, vngs: [generalVng()], catalog, params: { ...params, cordonAllAtStart: true }, timing: slow });
    expect(each.cordonAllSeconds).toBeUndefined();
    // 40 cordons, their 40 Events and 2 state saves: (82 - 1) / 1 s.
    expect(atStart.cordonAllSeconds).toBeCloseTo(apiCallsSeconds(slow, 82), 1);
    expect(atStart.cordonAllSeconds).toBeCloseTo(81, 1);
    const sum = (p: typeof each): number => p.batches.reduce((s, b) => s + (b.estimatedSeconds ?? 0), 0);
    expect(atStart.estimatedSeconds).toBeCloseTo((atStart.cordonAllSeconds ?? 0) + sum(atStart), 1);
    expect(each.estimatedSeconds).toBeCloseTo(sum(each), 1);
    expect(cordonLine(atStart)).toContain('an estimated 1m21s before the first batch');
    // A batch of 10 nodes does not cordon them again: 20 requests fewer, 20 s at this pace; the first batch finds the
    // burst of one spent by the cordons before it (1 s more), the others do not.
    expect(atStart.batches).toHaveLength(4);
    expect((each.batches[0]?.estimatedSeconds ?? 0) - (atStart.batches[0]?.estimatedSeconds ?? 0)).toBeCloseTo(19, 1);
    expect((each.batches[1]?.estimatedSeconds ?? 0) - (atStart.batches[1]?.estimatedSeconds ?? 0)).toBeCloseTo(20, 1);
    // The bound covers the cordons before the first batch, with the spread's margin.
    expect(atStart.boundSeconds - each.boundSeconds).toBeCloseTo(81 * (1 + DEFAULT_TIMING.spread), 1);
  });

  it("the planner's model from a timing file's figures", () => {
    const t = timingModelFromFigures({ instanceBootSeconds: 0, nodeJoinSeconds: 0, nodeReadySeconds: 1, autoscalerIntervalSeconds: 5, podStartSeconds: 2, podReadySeconds: 0, clientQps: 7 }, 0.1);
    expect(t).toMatchObject({ nodeLaunchSeconds: 3.5, podStartSeconds: 2, clientQps: 7, clientBurst: 40, autoscalerIntervalSeconds: 5, spread: 0.1 });
    expect(timingModelFromFigures({})).toEqual(DEFAULT_TIMING);
  });
});
