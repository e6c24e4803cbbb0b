/**
 * The rehearsal honours pods that ask not to be disrupted as the live run does: the simulated world carries the input's
 * annotations and labels into the engine's view, the engine leaves the pod where it is and keeps its node, and the plan and
 * the rehearsal agree on the nodes kept.
 */
import { describe, expect, it } from 'vitest';
import type { Ports } from '../../../src/engine/ports.js';
import type { Pod } from '../../../src/model/types.js';
import { renderSimulationText } from '../../../src/report/simulation-text.js';
import { checkInvariants, formatViolations } from '../../../sim/invariants/index.js';
import { simulate } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, planFor } from './tiny-world.js';

function world(annotations: Record<string, string>, labels: Record<string, string> = {}) {
  const web = deployment({ name: 'web', replicas: 3, nodes: ['old-1', 'old-2'] });
  const cache = deployment({ name: 'cache', replicas: 1, nodes: ['old-2'] });
  const p = cache.pods[0] as Pod;
  cache.pods[0] = { ...p, annotations: { ...p.annotations, ...annotations }, labels: { ...p.labels, ...labels } };
  return cluster([oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002')], [web, cache]);
}

const CACHE = 'default/cache-5c7d8-p0';

describe('simulate: pods that ask not to be disrupted', () => {
  it('completes with the do-not-disrupt pod still on its node, the node kept running, as the plan says', async () => {
    const c = world({ 'karpenter.sh/do-not-disrupt': 'true' });
    const vngs = [generalVng()];
    const plan = planFor(c, vngs, { batchSizePercentage: 50 });
    expect(plan.keptNodes.map((n) => n.name)).toEqual(['old-2']);
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3 });
    expect(r.status).toBe('Completed');
    expect(r.events.filter((e) => e.kind === 'pod.kept').map((e) => [e.object, e['node'], e['reason']])).toEqual([
      [`Pod ${CACHE}`, 'old-2', 'karpenter.sh/do-not-disrupt'],
    ]);
    expect(r.events.some((e) => e.object === `Pod ${CACHE}` && (e.kind === 'pod.evicted' || e.kind === 'pod.terminating'))).toBe(false);
    expect(r.events.filter((e) => e.kind === 'node.kept').map((e) => e.object)).toEqual(plan.keptNodes.map((n) => `Node ${n.name}`));
    expect(r.instances.old).toEqual([
      { instanceId: 'i-0aaa0000000000001', nodeName: 'old-1', state: 'terminated', runningPods: 0 },
      { instanceId: 'i-0aaa0000000000002', nodeName: 'old-2', state: 'running', runningPods: 1 },
    ]);
    // The text report's timeline counts the kept node in its batch (old-2's, the second).
    const text = renderSimulationText(r, 'replay');
    expect(text.split('batch 2 at')[1]).toMatch(/\n +nodes kept +1 +t\+/);
    expect(text.split('batch 2 at')[0]).not.toMatch(/\n +nodes kept +/);
  });

  it("Ocean's restrict-scale-down label keeps the node unless respectRestrictScaleDown is false", async () => {
    const c = world({}, { 'spotinst.io/restrict-scale-down': 'true' });
    const vngs = [generalVng()];
    const kept = await simulate({ cluster: c, vngs, catalog, plan: planFor(c, vngs, { batchSizePercentage: 50 }), seed: 3 });
    expect(kept.status).toBe('Completed');
    expect(kept.instances.old.map((i) => i.state)).toEqual(['terminated', 'running']);
    const plan = planFor(c, vngs, { batchSizePercentage: 50, respectRestrictScaleDown: false });
    expect(plan.keptNodes).toEqual([]);
    const moved = await simulate({ cluster: c, vngs, catalog, plan, seed: 3 });
    expect(moved.status).toBe('Completed');
    expect(moved.instances.old.map((i) => i.state)).toEqual(['terminated', 'terminated']);
    expect(moved.events.some((e) => e.kind === 'pod.evicted' && e.object === `Pod ${CACHE}`)).toBe(true);
  });

  it('invariant 1 catches a world whose informer drops the opt-outs (the engine then evicts the pod); the honest run is clean', async () => {
    const c = world({ 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    const vngs = [generalVng()];
    const plan = planFor(c, vngs, { batchSizePercentage: 50 });
    const honest = await simulate({ cluster: c, vngs, catalog, plan, seed: 4 });
    expect(checkInvariants({ plan, cluster: c, result: honest })).toEqual([]);
    const wrapPorts = (p: Ports): Ports => ({
      ...p,
      cluster: { ...p.cluster, snapshot: () => ({ ...p.cluster.snapshot(), pods: p.cluster.snapshot().pods.map((x) => ({ ...x, disruptionOptOuts: [] })) }) },
    });
    const result = await simulate({ cluster: c, vngs, catalog, plan, seed: 4, wrapPorts });
    const v = checkInvariants({ plan, cluster: c, result }).filter((x) => x.invariant === 1);
    expect(v.map((x) => x.objects), formatViolations(v)).toEqual([[`Pod ${CACHE}`]]);
    expect(v[0]?.message).toContain('asks not to be disrupted (cluster-autoscaler.kubernetes.io/safe-to-evict) and the parameters honour it, but it was removed (evicted)');
  });
});
