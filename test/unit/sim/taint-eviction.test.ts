import { describe, expect, it } from 'vitest';
import { parseFault } from '../../../sim/faults.js';
import { simulate } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, planFor } from './tiny-world.js';

describe('taint-based eviction in the simulated world', () => {
  it('evicts the pods of a node NotReady for longer than the default toleration (300 s); controllers replace them', async () => {
    const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002')];
    const web = deployment({ name: 'web', replicas: 2, nodes: ['old-1', 'old-2'] });
    const c = cluster(nodes, [web], []);
    const vngs = [generalVng()];
    // Only old-1 migrates; old-2 stays and goes NotReady at 20 s for good.
    const plan = planFor(c, vngs, { nodes: { kind: 'nodeNames', names: ['old-1'] } });
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, faults: [parseFault('node-not-ready@20:node=old-2')] });
    const evicted = r.events.filter((e) => e.kind === 'pod.terminating' && e['reason'] === 'taint-eviction');
    expect(evicted.length).toBeGreaterThan(0);
    // Only pods of the NotReady node, and only once the toleration has run out.
    expect(evicted.every((e) => e['node'] === 'old-2')).toBe(true);
    expect(Math.min(...evicted.map((e) => e.t))).toBeGreaterThanOrEqual(320);
    expect(r.events.some((e) => e.kind === 'node.not-ready' && e.object === 'Node old-2')).toBe(true);
    // Its replacement runs somewhere Ready.
    const ready = r.events.filter((e) => e.kind === 'pod.ready' && e.t > (evicted[0]?.t ?? 0));
    expect(ready.length).toBeGreaterThan(0);
  });
});
