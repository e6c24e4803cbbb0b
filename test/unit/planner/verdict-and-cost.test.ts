/**
 * Issue 10: the plan's verdict has three values and its first line never contradicts itself; the cost after keeps every old
 * node the migration leaves in place; batchSizePercentage auto says when no size avoids the predicted failure.
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/types.js';
import { costLines, verdict } from '../../../src/report/plan-groups.js';
import { cluster, catalog, deployment, generalVng, GI, oldNode, pdb, planFor } from '../sim/tiny-world.js';

const M5_LARGE = catalog.byName.get('m5.large')?.priceUsdPerHour ?? NaN;

function world(opts: { blockingPdb?: boolean; standAlone?: boolean; hugePod?: boolean } = {}) {
  const nodes = [oldNode('old-1', 'i-0000000000000001a'), oldNode('old-2', 'i-0000000000000002a'), oldNode('old-3', 'i-0000000000000003a')];
  const web = deployment({ name: 'web', replicas: 3, nodes: ['old-1', 'old-2', 'old-3'] });
  const db = deployment({ name: 'db', replicas: 1, nodes: ['old-3'] });
  const parts = [web, db];
  if (opts.hugePod) parts.push(deployment({ name: 'huge', replicas: 1, nodes: ['old-2'], cpu: 64_000, memory: 8 * GI }));
  const c = cluster(nodes, parts, opts.blockingPdb ? [pdb('db-pdb', 'db', 0)] : []);
  if (!opts.standAlone) return c;
  const debug: Pod = { ...(web.pods[0] as Pod), uid: 'pod-debug', name: 'debug', labels: { app: 'debug' }, nodeName: 'old-1', owner: null, workload: null };
  return { ...c, pods: [...c.pods, debug] };
}

describe('verdict: three values, one first line without a contradiction', () => {
  it('FEASIBLE: every pod fits and no failure is predicted', () => {
    const plan = planFor(world(), [generalVng()]);
    expect(plan.verdict).toBe('FEASIBLE');
    expect(plan.feasible).toBe(true);
    expect(plan.predictedFailure).toBeNull();
    expect(verdict(plan)).toBe('FEASIBLE: all 4 moving pods fit the VNGs and no failure is predicted');
  });

  it('FAILURE_PREDICTED: every pod fits, but a PDB that allows no disruption times the batch out (not a green light)', () => {
    const plan = planFor(world({ blockingPdb: true }), [generalVng()]);
    expect(plan.feasible).toBe(true);
    expect(plan.verdict).toBe('FAILURE_PREDICTED');
    expect(plan.predictedFailure?.code).toBe('TechnicalTimeout');
    const batch = plan.predictedFailure?.batch ?? 0;
    expect(plan.batches[batch - 1]?.nodes).toContain('old-3');
    expect(verdict(plan)).toBe(`FAILURE PREDICTED: all 4 moving pods fit the VNGs, but the migration is expected to stop with TechnicalTimeout in batch ${batch}`);
    expect(verdict(plan)).not.toContain('FEASIBLE,');
  });

  it('NOT_FEASIBLE: a pod that fits no VNG, named with the failure it causes', () => {
    const plan = planFor(world({ hugePod: true }), [generalVng()]);
    expect(plan.feasible).toBe(false);
    expect(plan.verdict).toBe('NOT_FEASIBLE');
    expect(plan.predictedFailure?.code).toBe('InsufficientCapacity');
    expect(verdict(plan)).toMatch(/^NOT FEASIBLE: 1 of 5 moving pods fit no VNG; the migration is expected to stop with InsufficientCapacity in batch \d$/);
  });
});

describe('batchSizePercentage auto', () => {
  it('picks a size that avoids the failure when one exists, and says nothing more', () => {
    const plan = planFor(world(), [generalVng()], { batchSizePercentage: 'auto' });
    expect(plan.batchSizeChosen).toBe('auto');
    expect(plan.verdict).toBe('FEASIBLE');
    expect(plan.batchSizeNote).toBeNull();
  });

  it('says so when no batch size avoids the predicted failure (a PDB that allows no eviction blocks every size)', () => {
    const plan = planFor(world({ blockingPdb: true }), [generalVng()], { batchSizePercentage: 'auto' });
    expect(plan.verdict).toBe('FAILURE_PREDICTED');
    expect(plan.batchSizeNote).toBe('no batch size from 50% down to 1% avoids the predicted TechnicalTimeout');
  });

  it('a fixed batch size never carries the note', () => {
    const plan = planFor(world({ blockingPdb: true }), [generalVng()], { batchSizePercentage: 20 });
    expect(plan.batchSizeNote).toBeNull();
  });
});

describe('cost after: every old node that stays is still paid for', () => {
  it('all nodes go when nothing keeps them: after = before - old + new', () => {
    const plan = planFor(world(), [generalVng()]);
    const c = plan.cost;
    expect(c.stayingOldNodes).toEqual([]);
    expect(c.migratedNodes).toBe(3);
    expect(c.basis).toBe('complete');
    expect(c.before).toBeCloseTo(3 * M5_LARGE, 6);
    expect(c.after).toBeCloseTo(c.newNodesUsdPerHour, 6);
  });

  it('a stand-alone pod that is not evicted keeps its node, and the node is priced in the after', () => {
    const plan = planFor(world({ standAlone: true }), [generalVng()]);
    const c = plan.cost;
    expect(c.stayingOldNodes).toEqual([{ name: 'old-1', reasons: ['Pod default/debug: no controller (shouldEvictStandAlonePods is false)'] }]);
    expect(c.migratedNodes).toBe(2);
    expect(c.after).toBeCloseTo(M5_LARGE + c.newNodesUsdPerHour, 6);
    expect(costLines(plan)[0]).toContain('2 old nodes out');
    expect(costLines(plan)[0]).toContain('1 selected old node stays');
  });

  it('with shouldEvictStandAlonePods the stand-alone pod goes and so does its node', () => {
    const plan = planFor(world({ standAlone: true }), [generalVng()], { shouldEvictStandAlonePods: true });
    expect(plan.cost.stayingOldNodes).toEqual([]);
    expect(plan.cost.migratedNodes).toBe(3);
  });

  it('a node whose pods sit behind a PDB that allows no eviction stays (unless eviction is forced)', () => {
    const kept = planFor(world({ blockingPdb: true }), [generalVng()]);
    expect(kept.cost.stayingOldNodes.map((n) => n.name)).toEqual(['old-3']);
    const forced = planFor(world({ blockingPdb: true }), [generalVng()], { forcePodEvictionOnPdbFailure: true });
    expect(forced.cost.stayingOldNodes).toEqual([]);
  });

  it('prices the expected fleet as the new nodes and the cost after, and gives the packing lower bound on a line of its own', () => {
    const plan = planFor(world(), [generalVng()]);
    expect(plan.cost.newNodes).toBe(plan.newNodes.length);
    expect(plan.cost.newNodes).toBeGreaterThanOrEqual(plan.packingLowerBound.newNodeCount);
    expect(plan.packingLowerBound.newNodeCount).toBeGreaterThan(0);
    const lines = costLines(plan);
    expect(lines[1]).toMatch(/^New nodes and cost after are the expected fleet: what the run launches as the autoscaler scales up for each batch's pending pods and kube-scheduler spreads them\. Packing lower bound \(every pod placed at once\): \d+ new nodes?, \$[\d.]+\/h\.$/);
    expect(lines[1]).toContain(`${plan.packingLowerBound.newNodeCount} new node${plan.packingLowerBound.newNodeCount === 1 ? '' : 's'}`);
  });

  it('an infeasible plan is partial: its figure is never shown as a saving', () => {
    const plan = planFor(world({ hugePod: true }), [generalVng()]);
    expect(plan.cost.basis).toBe('partial');
    expect(plan.cost.stayingOldNodes.map((n) => n.name)).toEqual(['old-2']);
    const line = costLines(plan)[0] ?? '';
    expect(line).toMatch(/^Cost \(partial: 1 pod fits no VNG, so no saving is shown\)/);
    expect(line).not.toContain('->');
    expect(line).not.toMatch(/-\$/);
  });
});
