import { describe, expect, it } from 'vitest';
import { planFromOptions } from '../../src/cli/plan-command.js';

const fixture = (name: string): string => `test/fixtures/plan/${name}`;

describe('plan on a two-node cluster with a GPU pod and no GPU VNG', () => {
  const plan = planFromOptions({
    cluster: fixture('two-nodes-gpu-missing.yaml'),
    vngs: fixture('vngs-general.json'),
    output: 'json',
  });

  it('is not feasible and names the GPU pod with kube-scheduler reasons', () => {
    expect(plan.feasible).toBe(false);
    const gpu = plan.pods.find((p) => p.name === 'trainer-0');
    expect(gpu?.placement).toBeNull();
    expect(gpu?.summary).toBe(
      '0/15 VNG node types are available: 6 Insufficient cpu, 6 Insufficient memory, 15 Insufficient nvidia.com/gpu.',
    );
    expect(gpu?.reasons.map((r) => r.plugin)).toEqual(['NodeResourcesFit', 'NodeResourcesFit', 'NodeResourcesFit']);
  });

  it('predicts the failure the migration hits first: the PDB blocks batch 1 before the GPU pod of batch 2 matters', () => {
    expect(plan.batches[0]?.nodes).toEqual(['old-a']);
    expect(plan.predictedFailure?.code).toBe('TechnicalTimeout');
    expect(plan.predictedFailure?.message).toBe('The migration has stopped due to technical timeout.');
    expect(plan.predictedFailure?.objects).toEqual(['Node old-a', 'PodDisruptionBudget shop/api']);
  });

  it('predicts InsufficientCapacity, with Ocean message and the pod, once the PDB no longer blocks', () => {
    const relaxed = planFromOptions({
      cluster: fixture('two-nodes-gpu-missing.yaml'),
      vngs: fixture('vngs-general.json'),
      respectPdb: false,
      output: 'json',
    });
    expect(relaxed.predictedFailure?.code).toBe('InsufficientCapacity');
    expect(relaxed.predictedFailure?.message).toContain('inability to spin up enough new instances');
    expect(relaxed.predictedFailure?.objects).toEqual(['Pod ml/trainer-0']);
  });

  it('puts the three web replicas on three different new nodes (hostname anti-affinity)', () => {
    const nodes = plan.pods.filter((p) => p.name.startsWith('web-')).map((p) => p.placement?.node);
    expect(new Set(nodes).size).toBe(3);
  });

  it('spreads the api replicas over zones with skew at most 1', () => {
    const zones = new Map<string, number>();
    for (const p of plan.pods.filter((x) => x.name.startsWith('api-'))) {
      const z = p.placement?.zone ?? 'none';
      zones.set(z, (zones.get(z) ?? 0) + 1);
    }
    const counts = ['us-east-1a', 'us-east-1b', 'us-east-1c'].map((z) => zones.get(z) ?? 0);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('chooses the cheapest nodes that hold the pods and prices before and after', () => {
    // Max pods: the old nodes report their own EKS value, so the new m5.large gets its own (29), from the ENI formula.
    expect(plan.nodes).toEqual([{ vng: 'general', instanceType: 'm5.large', count: 3, priceUsdPerHour: 0.096, maxPods: 29, maxPodsSource: 'eni-formula' }]);
    expect(plan.cost.before).toBeCloseTo(0.384, 6);
    expect(plan.cost.newNodesUsdPerHour).toBeCloseTo(0.288, 6);
  });

  it('keeps in the cost after both old nodes (one behind a PDB that allows no eviction, one with the GPU pod) and marks the cost partial', () => {
    expect(plan.cost.stayingOldNodes.map((n) => n.name)).toEqual(['old-a', 'old-b']);
    expect(plan.cost.stayingOldNodes[0]?.reasons).toEqual(['PDB shop/api: allows no disruption, so its pods here are never evicted']);
    expect(plan.cost.stayingOldNodes[1]?.reasons).toEqual([
      'PDB shop/api: allows no disruption, so its pods here are never evicted',
      'Pod ml/trainer-0: fits no VNG',
    ]);
    expect(plan.cost.migratedNodes).toBe(0);
    // Nothing goes, three new nodes come: after = before + new, never a saving.
    expect(plan.cost.after).toBeCloseTo(0.384 + 0.288, 6);
    expect(plan.cost.basis).toBe('partial');
  });

  it('flags the PDB that allows no disruption as a risk and marks its batches blocked', () => {
    const risk = plan.risks.find((r) => r.code === 'PdbAllowsNoDisruption');
    expect(risk?.objects).toEqual(['PodDisruptionBudget shop/api']);
    expect(plan.batches.every((b) => b.serialisedBy.some((s) => s.pdb === 'shop/api' && s.allowed === 0))).toBe(true);
    expect(plan.batches.every((b) => b.estimatedSeconds === null && b.overBudget)).toBe(true);
  });

  it('VNG limits turn into VngLimits reasons when the VNG is capped below what the pods need', () => {
    // The same cluster with maxInstanceCount 2: the third web replica (anti-affinity) has nowhere to go.
    const capped = planFromOptions({
      cluster: fixture('two-nodes-gpu-missing.yaml'),
      vngs: fixture('vngs-general-capped.json'),
      output: 'json',
    });
    const web = capped.pods.filter((p) => p.name.startsWith('web-') && p.placement === null);
    expect(web).toHaveLength(1);
    expect(web[0]?.reasons.some((r) => r.plugin === 'VngLimits' && r.message === 'VNG general reached maxInstanceCount 2')).toBe(true);
  });
});

describe('partial migration by label selector', () => {
  it('moves only the selected node, counting the pods that stay for spread and anti-affinity', () => {
    const plan = planFromOptions({
      cluster: fixture('two-nodes-gpu-missing.yaml'),
      vngs: fixture('vngs-general.json'),
      nodeNames: 'old-a',
      output: 'json',
    });
    expect(plan.oldNodes.map((n) => n.name)).toEqual(['old-a']);
    expect(plan.pods.every((p) => p.from === 'old-a')).toBe(true);
    // old-b (us-east-1b) keeps two api replicas: the two moving ones go to the other zones, not next to them.
    const api = plan.pods.filter((p) => p.name.startsWith('api-')).map((p) => p.placement?.zone).sort();
    expect(api).toEqual(['us-east-1a', 'us-east-1c']);
    // old-b keeps a web replica: anti-affinity keeps the moving web pods off it.
    const web = plan.pods.filter((p) => p.name.startsWith('web-'));
    expect(web.every((p) => p.placement !== null && p.placement.node !== 'old-b')).toBe(true);
  });
});

describe('same input, same plan', () => {
  it('gives byte-identical JSON twice', () => {
    const opts = { cluster: 'examples/cluster.yaml', vngs: 'examples/vngs.json', output: 'json' };
    expect(JSON.stringify(planFromOptions(opts))).toBe(JSON.stringify(planFromOptions(opts)));
  });
});
