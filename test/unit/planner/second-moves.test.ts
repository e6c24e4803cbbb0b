/**
 * The plan's estimate of second moves (cordonAllAtStart off): pods of batch k that kube-scheduler places on old nodes of later
 * batches, still schedulable, are evicted again with them. Pinned on hand-made worlds, and against the rehearsal of the
 * bundled example (the simulator's scheduler and autoscaler decide there, not the estimate).
 */
import { describe, expect, it } from 'vitest';
import { readCluster, readInput } from '../../../src/cli/inputs.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { parseVngText } from '../../../src/model/vng/parse-vngs.js';
import { predictSecondMoves } from '../../../src/planner/second-moves.js';
import { cordonLine, repeatMovesNote } from '../../../src/report/cordon-line.js';
import { rehearse } from '../../../sim/rehearse.js';
import { catalog, cluster, deployment, generalVng, oldNode, planFor } from '../sim/tiny-world.js';

describe('predictSecondMoves on hand-made worlds', () => {
  const nodes = (): ReturnType<typeof oldNode>[] => [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002')];

  it('counts a pod of batch 1 that fits on the still schedulable old node of batch 2 as moving twice', () => {
    const c = cluster(nodes(), [deployment({ name: 'web', replicas: 2, nodes: ['old-1'] })]);
    const moving = c.pods;
    expect(predictSecondMoves(c, [['old-1'], ['old-2']], moving)).toEqual({ perBatch: [0, 2], total: 2 });
  });

  it('counts none when the pods do not fit on the later old node (kube-scheduler sends them to new nodes)', () => {
    const c = cluster(nodes(), [deployment({ name: 'big', replicas: 2, nodes: ['old-1'], cpu: 1200 }), deployment({ name: 'fill', replicas: 1, nodes: ['old-2'], cpu: 1200 })]);
    expect(predictSecondMoves(c, [['old-1'], ['old-2']], c.pods).total).toBe(0);
  });

  it('counts none for the last batch, nor when the later node was cordoned before the migration', () => {
    const c = cluster(nodes(), [deployment({ name: 'web', replicas: 2, nodes: ['old-2'] })]);
    expect(predictSecondMoves(c, [['old-1'], ['old-2']], c.pods).total).toBe(0);
    const cordoned = cluster([nodes()[0] as ReturnType<typeof oldNode>, { ...(nodes()[1] as ReturnType<typeof oldNode>), unschedulable: true }], [deployment({ name: 'web', replicas: 2, nodes: ['old-1'] })]);
    expect(predictSecondMoves(cordoned, [['old-1'], ['old-2']], cordoned.pods).total).toBe(0);
  });

  it('fills the later node as kube-scheduler would: only as many pods as its free resources hold', () => {
    // old-2 has 1930m; 600m pods: three fit (1800m), the fourth goes to a new node.
    const c = cluster(nodes(), [deployment({ name: 'web', replicas: 4, nodes: ['old-1'], cpu: 600 })]);
    expect(predictSecondMoves(c, [['old-1'], ['old-2']], c.pods).perBatch).toEqual([0, 3]);
  });

  it('is in the plan only when cordonAllAtStart is off (the pods then move once)', () => {
    const c = cluster(nodes(), [deployment({ name: 'one', replicas: 1, nodes: ['old-1'] }), deployment({ name: 'web', replicas: 2, nodes: ['old-2'] })]);
    const off = planFor(c, [generalVng()], { batchSizePercentage: 50, cordonAllAtStart: false });
    expect(off.batches.map((b) => b.nodes)).toEqual([['old-1'], ['old-2']]);
    expect(off.summary.predictedSecondMoves).toBe(1);
    expect(off.batches.map((b) => b.repeatMoves)).toEqual([0, 1]);
    const on = planFor(c, [generalVng()], { batchSizePercentage: 50, cordonAllAtStart: true });
    expect(on.summary.predictedSecondMoves).toBe(0);
    expect(on.batches.map((b) => b.repeatMoves)).toEqual([0, 0]);
  });

  it('the report labels the count an estimate and says how it is made; with the parameter on, that every node is cordoned at start', () => {
    const c = cluster(nodes(), [deployment({ name: 'one', replicas: 1, nodes: ['old-1'] }), deployment({ name: 'web', replicas: 2, nodes: ['old-2'] })]);
    const off = planFor(c, [generalVng()], { batchSizePercentage: 50, cordonAllAtStart: false });
    expect(cordonLine(off)).toContain('Estimate: ~1 eviction of pods that already moved once');
    expect(cordonLine(off)).toContain('kube-scheduler can place on the not yet cordoned old nodes of later batches');
    expect(repeatMovesNote(off.batches[1] ?? {})).toEqual(['~1 pod moving a second time (estimate)']);
    expect(repeatMovesNote(off.batches[0] ?? {})).toEqual([]);
    const on = planFor(c, [generalVng()], { batchSizePercentage: 50 });
    expect(cordonLine(on)).toContain('all selected old nodes are cordoned when the migration starts');
  });
});

describe('against the rehearsal of the bundled example (forcePodEvictionOnPdbFailure, so every pod is evicted)', () => {
  const inputs = (cordonAllAtStart: boolean): Parameters<typeof rehearse>[0] => ({
    cluster: readCluster('examples/cluster.yaml'),
    vngs: parseVngText(readInput('examples/vngs.json'), 'examples/vngs.json', catalog).vngs,
    params: { ...DEFAULT_PARAMS, forcePodEvictionOnPdbFailure: true, cordonAllAtStart },
    timing: {},
    engine: {},
    faults: [],
    seed: 1,
    maxSeconds: undefined,
  });
  const evictions = (r: Awaited<ReturnType<typeof rehearse>>['result']): number => r.batches.reduce((a, b) => a + b.evicted, 0);

  it('off: the estimate is within 15% of the repeat evictions the rehearsal makes (measured 129, estimated 128)', async () => {
    const { plan, result } = await rehearse(inputs(false), catalog);
    expect(result.status).toBe('Completed');
    const measured = evictions(result) - plan.summary.movingPods;
    expect(measured).toBeGreaterThan(50);
    expect(Math.abs(plan.summary.predictedSecondMoves - measured)).toBeLessThanOrEqual(0.15 * measured);
  });

  it('on: each moving pod is evicted once, as the plan says', async () => {
    const { plan, result } = await rehearse(inputs(true), catalog);
    expect(result.status).toBe('Completed');
    expect(plan.summary.predictedSecondMoves).toBe(0);
    expect(evictions(result)).toBe(plan.summary.movingPods);
    const evicted = result.events.filter((e) => e.kind === 'pod.evicted' || e.kind === 'pod.deleted' || e.kind === 'pod.gone').map((e) => e.object);
    expect(new Set(evicted).size).toBe(evicted.length);
  });
});
