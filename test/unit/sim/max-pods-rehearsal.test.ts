/** The rehearsal launches nodes as the plan counted them: the plan's --max-pods reaches the simulator's autoscaler. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { simulate } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode } from './tiny-world.js';

describe('rehearsal with --max-pods', () => {
  it('launches nodes that run at most the plan\'s max pods (6 pods, max 2 a node: at least 3 nodes), as the plan said', async () => {
    const c = cluster([oldNode('old-1', 'i-0aaa0000000000001')], [deployment({ name: 'web', replicas: 6, nodes: ['old-1'], cpu: 10, memory: 16 * 1024 ** 2 })], []);
    const vngs = [generalVng()];
    const plan = buildPlan({ cluster: c, vngs, catalog, params: { ...DEFAULT_PARAMS, batchSizePercentage: 100 }, allocatable: { maxPods: 2 } });
    expect(plan.feasible).toBe(true);
    expect(plan.newNodes.map((n) => [n.pods, n.maxPodsSource])).toEqual([
      [2, 'flag'],
      [2, 'flag'],
      [2, 'flag'],
    ]);
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3 });
    expect(r.status).toBe('Completed');
    expect(r.instances.new.length).toBeGreaterThanOrEqual(3);
    for (const n of r.instances.new) expect(n.runningPods).toBeLessThanOrEqual(2);
    expect(r.instances.new.reduce((s, n) => s + n.runningPods, 0)).toBe(6);
  });
});
