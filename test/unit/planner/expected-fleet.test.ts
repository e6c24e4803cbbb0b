/**
 * The expected fleet (src/planner/expected-fleet.ts) on clusters small enough to work out by hand. The VNG launches only
 * m5.large, which holds 1930m of cpu here (as the old m5.large nodes report), so every count below follows from cpu.
 */
import { describe, expect, it } from 'vitest';
import type { Pod, PodAffinityTerm } from '../../../src/model/types.js';
import { podSpec } from '../../helpers/pod-spec.js';
import { cluster, deployment, generalVng, oldNode, planFor } from '../sim/tiny-world.js';

const MI = 1024 ** 2;
const onlyLarge = generalVng({ instanceTypes: ['m5.large'] });

function apart(app: string): PodAffinityTerm {
  return { labelSelector: { matchLabels: { app }, matchExpressions: [] }, namespaces: [], namespaceSelector: null, topologyKey: 'kubernetes.io/hostname' };
}

/** Pods of a Deployment with their own cpu and, optionally, hostname anti-affinity among themselves. */
function pods(name: string, node: string, cpus: readonly number[], antiAffine = false): { pods: Pod[]; workloads: ReturnType<typeof deployment>['workloads'] } {
  const d = deployment({ name, replicas: cpus.length, nodes: [node] });
  return {
    workloads: d.workloads,
    pods: d.pods.map((p, i) => ({
      ...p,
      ...podSpec({ requests: { cpu: cpus[i] ?? 100, memory: 128 * MI }, podAntiAffinity: antiAffine ? [apart(name)] : [] }),
    })),
  };
}

describe('expected fleet', () => {
  it("kube-scheduler's spreading costs a node the packing does not need (two batches)", () => {
    // Batch 1 (old-1): two anti-affine pods of 430m and 930m, so two new nodes with 1500m and 1000m free.
    // Batch 2 (old-2): 'aa' (600m) queues before 'zz' (1400m). kube-scheduler puts aa on the emptier node (LeastAllocated
    // 71 + BalancedAllocation 75 against 58 + 62), leaving 900m and 1000m: zz needs a third node. The packing, with every
    // pod at once, puts zz beside the 430m pod and aa beside the 930m one: two nodes.
    const c = cluster([oldNode('old-1', 'i-0000000000000001a'), oldNode('old-2', 'i-0000000000000002a')], [
      pods('anti', 'old-1', [430, 930], true),
      pods('aa', 'old-2', [600]),
      pods('zz', 'old-2', [1400]),
    ]);
    const plan = planFor(c, [onlyLarge], { batchSizePercentage: 50 });
    expect(plan.verdict).toBe('FEASIBLE');
    expect(plan.batches.map((b) => b.nodes)).toEqual([['old-1'], ['old-2']]);
    expect(plan.packingLowerBound.newNodeCount).toBe(2);
    expect(plan.newNodes.map((n) => [n.name, n.instanceType, n.batch, n.round, n.pods])).toEqual([
      ['general-b1-001', 'm5.large', 1, 1, 2],
      ['general-b1-002', 'm5.large', 1, 1, 1],
      ['general-b2-003', 'm5.large', 2, 1, 1],
    ]);
    // The first node Ready takes the first anti pod in the queue (430m), then aa.
    expect(plan.newNodes.map((n) => n.cpuRequestedMilli)).toEqual([1030, 930, 1400]);
    expect(plan.batches.map((b) => b.newNodes)).toEqual([2, 1]);
    expect(plan.nodes).toEqual([expect.objectContaining({ vng: 'general', instanceType: 'm5.large', count: 3 })]);
    expect(plan.summary.newNodes).toBe(3);
    expect(plan.cost.newNodes).toBe(3);
    expect(plan.packingLowerBound.nodes).toEqual([expect.objectContaining({ instanceType: 'm5.large', count: 2 })]);
    expect(plan.cost.newNodesUsdPerHour).toBeCloseTo(1.5 * plan.packingLowerBound.usdPerHour, 6);
  });

  it('nodes turn Ready one at a time: the first fills with the pods first in the queue and a second round launches one more', () => {
    // One batch: two 'aa' pods of 900m and two 'bb' pods of 1000m. The scale-up packs 1000m + 900m per node (two nodes).
    // The first node Ready takes aa-0 and aa-1 (1800m); the second takes bb-0, and bb-1 (1000m) no longer fits anywhere.
    const c = cluster([oldNode('old-1', 'i-0000000000000001a')], [pods('aa', 'old-1', [900, 900]), pods('bb', 'old-1', [1000, 1000])]);
    const plan = planFor(c, [onlyLarge]);
    expect(plan.packingLowerBound.newNodeCount).toBe(2);
    expect(plan.newNodes.map((n) => [n.batch, n.round, n.cpuRequestedMilli])).toEqual([
      [1, 1, 1800],
      [1, 1, 1000],
      [1, 2, 1000],
    ]);
    expect(plan.batches[0]?.newNodes).toBe(3);
  });

  it('launches nothing for pods that fit no VNG, and as the packing for a batch kube-scheduler places in one go', () => {
    const c = cluster([oldNode('old-1', 'i-0000000000000001a')], [pods('small', 'old-1', [400, 400, 400]), pods('huge', 'old-1', [64_000])]);
    const plan = planFor(c, [onlyLarge]);
    expect(plan.verdict).toBe('NOT_FEASIBLE');
    expect(plan.newNodes.map((n) => [n.round, n.pods, n.cpuRequestedMilli])).toEqual([[1, 3, 1200]]);
    expect(plan.packingLowerBound.newNodeCount).toBe(1);
  });

  it('new nodes that fill spare room of nodes that stay are not launched', () => {
    // old-2 is not selected: it stays, with room for the moving pod.
    const c = cluster([oldNode('old-1', 'i-0000000000000001a'), oldNode('old-2', 'i-0000000000000002a')], [pods('web', 'old-1', [500])]);
    const plan = planFor(c, [onlyLarge], { nodes: { kind: 'nodeNames', names: ['old-1'] } });
    expect(plan.newNodes).toEqual([]);
    expect(plan.packingLowerBound.newNodeCount).toBe(0);
    expect(plan.batches.map((b) => b.newNodes)).toEqual([0]);
  });

  it('is the same plan for the same input', () => {
    const c = cluster([oldNode('old-1', 'i-0000000000000001a'), oldNode('old-2', 'i-0000000000000002a')], [
      pods('anti', 'old-1', [430, 930], true),
      pods('aa', 'old-2', [500]),
      pods('zz', 'old-2', [1400]),
    ]);
    expect(JSON.stringify(planFor(c, [onlyLarge], { batchSizePercentage: 50 }))).toBe(JSON.stringify(planFor(c, [onlyLarge], { batchSizePercentage: 50 })));
  });
});

describe('expected fleet input', () => {
  it('refuses two pods of one namespace/name (the cluster reader refuses them too): the model tells pods apart by record', () => {
    const c = cluster([oldNode('old-1', 'i-0000000000000001a')], [pods('web', 'old-1', [500, 500])]);
    const first = c.pods[0] as Pod;
    const twin: Pod = { ...first, uid: `${first.uid}-twin`, nodeName: null, phase: 'Pending' };
    expect(() => planFor({ ...c, pods: [...c.pods, twin] }, [onlyLarge])).toThrow(/two pods named default\//);
    expect(planFor(c, [onlyLarge]).verdict).toBe('FEASIBLE');
  });
});
