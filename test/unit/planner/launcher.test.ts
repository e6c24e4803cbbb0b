/**
 * Who launches the new nodes (plan.ts PlanInput.launcher, `plan`/`simulate`/`run --capacity`). An autoscaler on its own
 * loop looks once per autoscalerIntervalSeconds while a batch's evictions go out, and scales up for what each look finds
 * Pending: a batch evicted over several periods gets several scale-ups. vngshift's executor (`--capacity kwok|ec2`)
 * launches at its reconcile, once the step that evicted the batch's first wave is over: one scale-up for the whole wave.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { buildPlan, type Plan } from '../../../src/planner/plan.js';
import { costLines } from '../../../src/report/plan-groups.js';
import { catalog, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

// 8 old nodes, 400 pods, one batch: at the default pace (0.05 s a request) its evictions span three 10 s periods.
const names = Array.from({ length: 8 }, (_, i) => `old-${i + 1}`);
const c = cluster(
  names.map((n, i) => oldNode(n, `i-00000000000000${String(i + 10)}a`)),
  [deployment({ name: 'web', replicas: 400, nodes: names, cpu: 100, memory: 128 * 1024 * 1024 })],
);
const vngs = [generalVng({ instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge'], maxInstanceCount: 100 })];
// Each batch cordons its own nodes (not all at the start): 18 requests before the first eviction.
const params = { ...DEFAULT_PARAMS, batchSizePercentage: 100, cordonAllAtStart: false };

const roundsOf = (p: Plan): number[] => [...new Set(p.newNodes.map((n) => n.round))].sort((a, b) => a - b);

describe('the plan told who launches', () => {
  it('an autoscaler scales up once per period of a long batch; the executor once for the whole first wave', () => {
    const autoscaler = buildPlan({ cluster: c, vngs, catalog, params });
    const engine = buildPlan({ cluster: c, vngs, catalog, params, launcher: 'engine' });
    expect(autoscaler.batches).toHaveLength(1);
    expect(roundsOf(autoscaler).length).toBeGreaterThanOrEqual(3);
    expect(roundsOf(engine)).toEqual([1]);
    // The scale-ups of the paced look launch for fewer pods each (smaller nodes, more of them); every pod is placed either way.
    expect(autoscaler.newNodes.length).toBeGreaterThan(engine.newNodes.length);
    expect(autoscaler.feasible && engine.feasible).toBe(true);
    // The plan says whom its fleet is for (run --plan warns when its --capacity says otherwise).
    expect(autoscaler.launchedBy).toBe('autoscaler');
    expect(engine.launchedBy).toBe('vngshift');
    expect(costLines(autoscaler).join('\n')).toMatch(/as the autoscaler scales up/);
    expect(costLines(engine).join('\n')).toMatch(/what vngshift's executor \(--capacity kwok or ec2\) launches for each batch/);
    // Only the fleet moves: the batches drain the same nodes.
    expect(engine.batches.map((b) => b.nodes)).toEqual(autoscaler.batches.map((b) => b.nodes));
  });
});
