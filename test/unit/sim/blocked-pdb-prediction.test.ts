/**
 * A batch whose every pod is under a PDB that allows no disruption moves nothing: no replacement is awaited, so a drain
 * threshold shorter than the replacements' ready time cannot fail it. The plan predicts the batch budget's TechnicalTimeout,
 * and the simulation ends that way (invariant 8). Found by the e2e tier with --drain-time-threshold 30s
 * --batch-time-budget 60s, where the plan used to predict PodsUnschedulable.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, pdb, planFor } from './tiny-world.js';

describe('plan vs simulation: a PDB that allows no disruption', () => {
  it('predicts TechnicalTimeout even when the drain threshold is shorter than the replacements need, and the simulation agrees', async () => {
    const c = cluster([oldNode('old-1', 'i-0aaa0000000000001')], [deployment({ name: 'web', replicas: 3, nodes: ['old-1'] })], [pdb('web', 'web', 0)]);
    const vngs = [generalVng()];
    const plan = planFor(c, vngs, { drainTimeThresholdSeconds: 30, batchTimeBudgetSeconds: 60 });
    expect(plan.predictedFailure?.code).toBe('TechnicalTimeout');
    expect(plan.predictedFailure?.objects).toContain('PodDisruptionBudget default/web');
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3 });
    expect(r.status).toBe('Failed');
    expect(r.failure?.code).toBe('TechnicalTimeout');
  });

  it('still predicts PodsUnschedulable when some pods of the batch do move and their replacements are slower than the threshold', () => {
    const c = cluster(
      [oldNode('old-1', 'i-0aaa0000000000001')],
      [deployment({ name: 'web', replicas: 3, nodes: ['old-1'] }), deployment({ name: 'api', replicas: 2, nodes: ['old-1'] })],
      [pdb('web', 'web', 0)],
    );
    const plan = planFor(c, [generalVng()], { drainTimeThresholdSeconds: 30, batchTimeBudgetSeconds: 60 });
    expect(plan.predictedFailure?.code).toBe('PodsUnschedulable');
  });
});
