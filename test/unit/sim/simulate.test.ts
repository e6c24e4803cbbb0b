import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClusterText } from '../../../src/model/kube/index.js';
import { parseVngText } from '../../../src/model/vng/parse-vngs.js';
import { parseFault } from '../../../sim/faults.js';
import { simulate, type SimResult } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, pdb, planFor } from './tiny-world.js';

const kinds = (r: SimResult, kind: string): number => r.events.filter((e) => e.kind === kind).length;

function tiny(opts: { pdbMaxUnavailable?: number } = {}) {
  const nodes = [oldNode('old-1', 'i-0aaa0000000000001')];
  const web = deployment({ name: 'web', replicas: 3, nodes: ['old-1'] });
  const c = cluster(nodes, [web], opts.pdbMaxUnavailable === undefined ? [] : [pdb('web', 'web', opts.pdbMaxUnavailable)]);
  const vngs = [generalVng()];
  return { c, vngs };
}

describe('simulate', () => {
  it('moves one old node with three Deployment pods onto one VNG and completes', async () => {
    const { c, vngs } = tiny();
    const plan = planFor(c, vngs, { batchSizePercentage: 100 });
    expect(plan.feasible).toBe(true);
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 7 });
    expect(r.status).toBe('Completed');
    expect(r.failure).toBeNull();
    expect(r.timedOut).toBe(false);
    expect(r.batches).toHaveLength(1);
    expect(r.batches[0]?.phase).toBe('done');
    expect(r.batches[0]?.evicted).toBe(3);
    expect(r.instances.old).toEqual([{ instanceId: 'i-0aaa0000000000001', nodeName: 'old-1', state: 'terminated', runningPods: 0 }]);
    expect(r.instances.new.length).toBeGreaterThanOrEqual(1);
    expect(r.instances.new.every((n) => n.vng === 'general' && n.zone === 'us-east-1a')).toBe(true);
    expect(r.instances.new.reduce((s, n) => s + n.runningPods, 0)).toBe(3);
    expect(r.unscheduledPods).toEqual([]);
    expect(r.counts).toMatchObject({ podsLaunched: 3, podsRemaining: 0, unscheduledPods: 0 });
    expect(kinds(r, 'pod.ready')).toBe(3);
    expect(kinds(r, 'instance.terminated')).toBe(1);
    expect(kinds(r, 'migration.completed')).toBe(1);
    // Events are in time order, times in milliseconds, detail values flat.
    for (let i = 1; i < r.events.length; i++) expect(r.events[i]!.t).toBeGreaterThanOrEqual(r.events[i - 1]!.t);
    for (const e of r.events) {
      expect(Math.round(e.t * 1000) / 1000).toBe(e.t);
      for (const v of Object.values(e)) expect(['string', 'number', 'boolean'].includes(typeof v) || v === null).toBe(true);
    }
    // The node is never terminated while one of the moved pods still runs there.
    const terminatedAt = r.events.find((e) => e.kind === 'node.terminated')!.t;
    const lastGone = Math.max(...r.events.filter((e) => e.kind === 'pod.terminated' && e['node'] === 'old-1').map((e) => e.t));
    expect(lastGone).toBeLessThanOrEqual(terminatedAt);
  });

  it('fails with TechnicalTimeout when a PDB with maxUnavailable 0 blocks every eviction', async () => {
    const { c, vngs } = tiny({ pdbMaxUnavailable: 0 });
    const plan = planFor(c, vngs, { batchSizePercentage: 100, batchTimeBudgetSeconds: 300 });
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 1 });
    expect(r.status).toBe('Failed');
    expect(r.failure?.code).toBe('TechnicalTimeout');
    expect(r.failure?.objects).toContain('Node old-1');
    expect(kinds(r, 'pdb.blocked')).toBeGreaterThan(0);
    expect(kinds(r, 'pod.evicted')).toBe(0);
    expect(r.durationSeconds).toBeGreaterThan(300);
    expect(r.durationSeconds).toBeLessThan(400);
    expect(r.instances.old[0]?.state).toBe('running');
  });

  it('gives the same result for the same seed, byte for byte', async () => {
    const { c, vngs } = tiny();
    const plan = planFor(c, vngs, { batchSizePercentage: 100 });
    const faults = [parseFault('api-throttling@5:duration=60,rate=0.5'), parseFault('engine-crash@40')];
    const a = await simulate({ cluster: c, vngs, catalog, plan, seed: 42, faults });
    const b = await simulate({ cluster: c, vngs, catalog, plan, seed: 42, faults });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const others = await Promise.all([1, 2, 3].map((seed) => simulate({ cluster: c, vngs, catalog, plan, seed, faults })));
    // Different seeds draw different launch and pod timings.
    expect(others.some((o) => JSON.stringify(o.events) !== JSON.stringify(a.events))).toBe(true);
  });

  it('survives an engine crash: a new engine resumes from the persisted state and completes', async () => {
    const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002')];
    const web = deployment({ name: 'web', replicas: 4, nodes: ['old-1', 'old-2'] });
    const c = cluster(nodes, [web]);
    const vngs = [generalVng()];
    const plan = planFor(c, vngs, { batchSizePercentage: 50 });
    expect(plan.batches).toHaveLength(2);
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, faults: [parseFault('engine-crash@60'), parseFault('engine-crash@2m')] });
    expect(r.status).toBe('Completed');
    expect(r.engineRestarts).toBe(2);
    expect(kinds(r, 'migration.resumed')).toBe(2);
    expect(kinds(r, 'migration.started')).toBe(1);
    expect(r.instances.old.every((i) => i.state === 'terminated')).toBe(true);
    expect(r.counts.unscheduledPods).toBe(0);
    // Nothing the crashed engines did was repeated in a harmful way: each old node is terminated once.
    expect(kinds(r, 'node.terminated')).toBe(2);
    expect(r.options.faults).toEqual(['engine-crash@60', 'engine-crash@120']);
  });

  it('replays the small fixture cluster: its blocking PDBs end the run with TechnicalTimeout, as the plan predicts', async () => {
    const c = parseClusterText(readFileSync('test/fixtures/small-cluster.yaml', 'utf8'), 'small-cluster.yaml');
    const { vngs } = parseVngText(readFileSync('test/fixtures/vngs/basic.json', 'utf8'), 'basic.json', catalog);
    const plan = planFor(c, vngs, {});
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 5 });
    expect(plan.predictedFailure?.code).toBe('TechnicalTimeout');
    expect(r.status).toBe('Failed');
    expect(r.failure?.code).toBe('TechnicalTimeout');
  });
});
