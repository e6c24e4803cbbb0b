/**
 * Spot signals in the simulated world (sim/world/spot.ts): EC2's two-minute interruption notice and the rebalance
 * recommendation, on nodes a VNG launched during the run, as the trace shows them: when the notice is seen, what is cordoned
 * and evicted, when the instance goes, and that the migration and the invariant checkers cope.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../sim/cluster.js';
import { parseFault } from '../../../sim/faults.js';
import { checkInvariants, formatViolations } from '../../../sim/invariants/index.js';
import { simulate, type SimResult } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, pdb, planFor } from './tiny-world.js';

/**
 * Three old nodes, web (16 replicas) on them, a PDB allowing one web pod down at a time: the migration takes about 1,100 s
 * and launches new nodes Ready at about 100, 560 and 1,020 s (seed 3). `budget` false drops the PDB.
 */
function world(budget: boolean) {
  const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002'), oldNode('old-3', 'i-0aaa0000000000003')];
  const web = deployment({ name: 'web', replicas: 16, nodes: ['old-1', 'old-2', 'old-3'] });
  const c = cluster(nodes, [web], budget ? [pdb('web', 'web', 1)] : []);
  const vngs = [generalVng()];
  return { c, vngs, plan: planFor(c, vngs) };
}

async function run(faults: string[], budget = true, seed = 3): Promise<{ r: SimResult; violations: string }> {
  const { c, vngs, plan } = world(budget);
  const r = await simulate({ cluster: c, vngs, catalog, plan, seed, faults: faults.map((f) => parseFault(f)) });
  return { r, violations: formatViolations(checkInvariants({ plan, cluster: c, result: r })) };
}

const of = (r: SimResult, kind: string, object?: string): TraceEvent[] => r.events.filter((e) => e.kind === kind && (object === undefined || e.object === object));
const FIRST_NEW = 'ip-10-200-0-1.ec2.internal';

describe('spot-interruption', () => {
  it('shows the notice at T, cordons and drains the node at once, and EC2 takes the instance at T+120', async () => {
    const { r, violations } = await run(['spot-interruption@300']);
    const [notice] = of(r, 'spot.interruption-notice');
    expect(notice).toMatchObject({ t: 300, object: `Node ${FIRST_NEW}`, vng: 'general', terminationAt: 420 });
    const id = notice?.['instanceId'] as string;
    expect(of(r, 'node.updated', `Node ${FIRST_NEW}`)).toEqual([{ t: 300, kind: 'node.updated', object: `Node ${FIRST_NEW}`, unschedulable: true, by: 'spot-interruption' }]);
    // Every pod on the node is asked to leave at the notice (Eviction API): evicted at once, or refused by the PDB then.
    const drained = r.events.filter((e) => e.kind === 'pod.terminating' && e['reason'] === 'spot-interruption' && e.t === 300);
    const refused = r.events.filter((e) => e.kind === 'pdb.blocked' && e.t === 300);
    expect(drained.length).toBeGreaterThan(0);
    expect(drained.every((e) => e['node'] === FIRST_NEW)).toBe(true);
    const onNode = new Set(of(r, 'pod.bound').filter((e) => e['node'] === FIRST_NEW && e.t < 300).map((e) => e.object));
    const gone = new Set(r.events.filter((e) => e.kind === 'pod.terminated' && e.t <= 300).map((e) => e.object));
    const there = [...onNode].filter((p) => !gone.has(p));
    expect(drained.length + refused.length).toBe(there.length);
    // The reclaim: exactly two minutes after the notice, by EC2, and nothing of the migration's touches the instance before.
    expect(of(r, 'instance.shutting-down', `Instance ${id}`)).toEqual([{ t: 420, kind: 'instance.shutting-down', object: `Instance ${id}`, node: FIRST_NEW, by: 'spot-interruption' }]);
    expect(r.instances.new.find((i) => i.instanceId === id)?.state).toBe('terminated');
    // The evicted pods are replaced and Ready elsewhere; the migration completes and the checkers find nothing wrong.
    expect(r.events.some((e) => e.kind === 'pod.ready' && e.t > 300 && e['node'] !== FIRST_NEW)).toBe(true);
    expect(r.status).toBe('Completed');
    expect(violations).toBe('');
  });

  it('evicts every pod at the notice when no PodDisruptionBudget refuses', async () => {
    const { r, violations } = await run(['spot-interruption@300'], false);
    const drained = r.events.filter((e) => e.kind === 'pod.terminating' && e['reason'] === 'spot-interruption');
    expect(drained.length).toBeGreaterThan(0);
    expect(drained.every((e) => e.t === 300)).toBe(true);
    expect(r.events.some((e) => e.kind === 'pod.terminated' && e['reason'] === 'spot-interruption' && e.t > 420)).toBe(false);
    expect(violations).toBe('');
  });

  it('respects PodDisruptionBudgets while it drains; what is left at T+120 goes with the instance and is replaced', async () => {
    const { r, violations } = await run(['spot-interruption@300']);
    const blocked = r.events.filter((e) => e.kind === 'pdb.blocked' && e.t >= 300 && e.t < 420);
    expect(blocked.length).toBeGreaterThan(0);
    // Refusals are retried every 5 s, as kubectl drain does.
    const times = [...new Set(blocked.map((e) => e.t))];
    expect(times.slice(0, 3)).toEqual([300, 305, 310]);
    const left = r.events.filter((e) => e.kind === 'pod.terminated' && e['node'] === FIRST_NEW && e['reason'] === 'spot-interruption' && e.t > 420);
    expect(left.length).toBeGreaterThan(0);
    // Gone with the Node object once EC2 terminated the instance (shutdown 30 s, then the cloud node lifecycle 30 s).
    expect(left.every((e) => e.t === 480)).toBe(true);
    for (const p of left) expect(of(r, 'pod.created').some((e) => e['replaces'] === p.object.slice(4))).toBe(true);
    expect(r.status).toBe('Completed');
    expect(violations).toBe('');
  });

  it('picks among the running new nodes of the VNG with the seeded PRNG, the same ones for the same seed', async () => {
    const a = await run(['spot-interruption@700:vng=general,count=2']);
    const b = await run(['spot-interruption@700:vng=general,count=2']);
    const hit = (r: SimResult): string[] => of(r, 'spot.interruption-notice').map((e) => e.object);
    expect(hit(a.r)).toEqual(hit(b.r));
    expect(new Set(hit(a.r)).size).toBe(hit(a.r).length);
    expect(hit(a.r)).toHaveLength(2);
    expect(JSON.stringify(a.r)).toBe(JSON.stringify(b.r));
    expect(a.violations).toBe('');
  });

  it('says so in the trace when there is nothing to hit: no new node yet, an old node named, another VNG', async () => {
    const { r } = await run(['spot-interruption@0', 'spot-interruption@5:node=old-1', 'spot-interruption@300:vng=gpu']);
    expect(of(r, 'spot.no-target').map((e) => e['reason'])).toEqual([
      'no running new node',
      'old-1 is a node of the input cluster, not one a VNG launched',
      'no running new node of VNG gpu',
    ]);
    expect(of(r, 'spot.interruption-notice')).toEqual([]);
  });
});

describe('rebalance-recommendation', () => {
  it('launches a replacement first, drains the node once it is Ready (evictions spread), then terminates the instance', async () => {
    const { r, violations } = await run(['rebalance-recommendation@110']);
    const [rec] = of(r, 'spot.rebalance-recommendation');
    expect(rec).toMatchObject({ t: 110, object: `Node ${FIRST_NEW}` });
    const [replacement] = of(r, 'spot.replacement', `Node ${FIRST_NEW}`);
    expect(replacement?.t).toBe(110);
    const replacementName = replacement?.['replacement'] as string;
    expect(of(r, 'node.launched', `Node ${replacementName}`)[0]).toMatchObject({ t: 110, instanceType: 'm5.large', zone: 'us-east-1a', vng: 'general' });
    const ready = of(r, 'node.ready', `Node ${replacementName}`)[0]?.t ?? Infinity;
    const [drain] = of(r, 'spot.drain-started', `Node ${FIRST_NEW}`);
    expect(drain?.t).toBeGreaterThanOrEqual(ready);
    expect(drain?.t).toBeLessThan(ready + 5.001);
    expect(of(r, 'node.updated', `Node ${FIRST_NEW}`)[0]).toMatchObject({ t: drain?.t, unschedulable: true, by: 'spot-rebalance' });
    // Ocean spreads the evictions over 120 s instead of evicting all at once.
    const evictions = r.events.filter((e) => e.kind === 'pod.terminating' && e['reason'] === 'spot-rebalance').map((e) => e.t);
    expect(evictions.length).toBeGreaterThan(1);
    expect(Math.max(...evictions) - Math.min(...evictions)).toBeGreaterThan(0);
    expect(Math.max(...evictions) - (drain?.t ?? 0)).toBeLessThanOrEqual(120);
    // Terminated by Ocean once drained, within the 300 s draining timeout.
    const [down] = r.events.filter((e) => e.kind === 'instance.shutting-down' && e['node'] === FIRST_NEW);
    expect(down).toMatchObject({ by: 'spot-rebalance' });
    expect(down?.t).toBeGreaterThanOrEqual(Math.max(...evictions));
    expect(down?.t).toBeLessThanOrEqual((drain?.t ?? 0) + 300);
    expect(r.status).toBe('Completed');
    expect(violations).toBe('');
  });

  it('drains at once when no replacement can be launched (InsufficientInstanceCapacity for the type and zone)', async () => {
    const { r, violations } = await run(['rebalance-recommendation@110', 'insufficient-capacity@105:instanceType=m5.large,zone=us-east-1a,duration=60']);
    expect(of(r, 'spot.replacement-failed')[0]).toMatchObject({ t: 110, reason: 'InsufficientInstanceCapacity: m5.large in us-east-1a' });
    expect(of(r, 'spot.drain-started')[0]?.t).toBe(110);
    expect(violations).toBe('');
  });
});
