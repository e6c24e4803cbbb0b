/**
 * Ocean's discovery beside the plan (src/report/discovery-compare.ts), and the reading of a discovery answer
 * (src/live/spot/discovery.ts): which nodes are flagged, and why.
 */
import { describe, expect, it } from 'vitest';
import { parseDiscovery, suggestionOf } from '../../src/live/spot/discovery.js';
import type { DiscoveredNode } from '../../src/model/ocean-discovery.js';
import type { Plan } from '../../src/planner/plan.js';
import { compareDiscovery, type DiscoveryVng } from '../../src/report/discovery-compare.js';

type PlanPart = Pick<Plan, 'oldNodes' | 'pods'>;

const VNGS: DiscoveryVng[] = [
  { id: 'ols-gen', name: 'general', labels: {}, taints: [] },
  { id: 'ols-gpu', name: 'gpu', labels: { accelerator: 'nvidia' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] },
  { id: 'ols-shop', name: 'shop', labels: { team: 'shop' }, taints: [] },
];

const node = (name: string, instanceId: string | null) => ({ name, instanceType: 'm5.large', zone: 'us-east-1a', instanceId });
const pod = (name: string, from: string, vng: string | null | undefined): Plan['pods'][number] => ({
  namespace: 'ns',
  name,
  uid: name,
  from,
  owner: null,
  requests: {},
  placement: vng === undefined ? null : { vng, instanceType: vng === null ? null : 'm5.large', zone: 'us-east-1a', node: vng === null ? 'old-staying' : 'new-1' },
  reasons: [],
});
const found = (nodeName: string | null, instanceId: string | null, suggestion: DiscoveredNode['suggestion']): DiscoveredNode => ({ nodeName, instanceId, suggestion, pods: null });

describe('compareDiscovery', () => {
  const plan: PlanPart = {
    oldNodes: [node('a', 'i-a'), node('b', 'i-b'), node('c', 'i-c'), node('d', 'i-d'), node('e', null), node('f', 'i-f'), node('g', 'i-g')],
    pods: [
      pod('a1', 'a', 'shop'),
      pod('a2', 'a', 'shop'),
      pod('b1', 'b', 'shop'),
      pod('b2', 'b', 'general'),
      pod('c1', 'c', 'general'),
      pod('c2', 'c', null), // onto an old node that stays: not compared
      pod('d1', 'd', 'gpu'),
      pod('e1', 'e', 'general'),
      pod('f1', 'f', undefined),
      pod('g1', 'g', 'shop'),
    ],
  };
  const discovered = [
    found('a', 'i-a', { kind: 'vng', vngId: 'ols-shop' }),
    found('renamed', 'i-b', { kind: 'vng', vngId: 'ols-shop' }), // matched by instance id
    found('c', 'i-c', { kind: 'default' }),
    found('d', 'i-d', { kind: 'default' }),
    found('e', null, { kind: 'none' }), // matched by name
    found('f', 'i-f', { kind: 'vng', vngId: 'ols-gen' }),
    found('x', 'i-x', { kind: 'default' }),
  ];
  const c = compareDiscovery(plan, VNGS, discovered, 'o-1');
  const row = (n: string) => c.nodes.find((r) => r.node === n);

  it('agrees where the planner places every pod on the VNG Ocean names, or Ocean says Default and the VNGs have no labels or taints', () => {
    expect(row('a')).toMatchObject({ ocean: { kind: 'vng', vngId: 'ols-shop', vng: 'shop' }, planner: ['shop'], movingPods: 2, differs: false, why: null });
    expect(row('c')).toMatchObject({ ocean: { kind: 'default' }, planner: ['general'], movingPods: 2, unplacedPods: 0, differs: false });
  });

  it('flags another VNG besides Ocean\'s, a VNG with labels or taints against Default, no VNG for Ocean, unplaced pods, a node Ocean does not list', () => {
    expect(row('b')).toMatchObject({ instanceId: 'i-b', planner: ['general', 'shop'], differs: true, why: 'the planner places pods on general besides shop' });
    expect(row('d')).toMatchObject({ differs: true, why: 'the planner places pods on gpu, a VNG with labels or taints of its own' });
    expect(row('e')).toMatchObject({ ocean: { kind: 'none' }, differs: true, why: "no VNG matches the node's labels and taints for Ocean; the planner places its pods on general" });
    expect(row('f')).toMatchObject({ planner: [], unplacedPods: 1, differs: true, why: 'the planner found no VNG for 1 of its pods' });
    expect(row('g')).toMatchObject({ ocean: { kind: 'not-listed' }, differs: true, why: "Ocean's discovery does not list the node" });
    expect(c.differing).toBe(5);
    expect(c.nodes.map((r) => r.node)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('lists the nodes Ocean knows that the plan does not migrate, and does not flag a node without moving pods', () => {
    expect(c.notInPlan).toEqual(['x']);
    const quiet = compareDiscovery({ oldNodes: [node('q', 'i-q')], pods: [] }, VNGS, [found('q', 'i-q', { kind: 'none' })], 'o-1');
    expect(quiet.nodes[0]).toMatchObject({ movingPods: 0, differs: false, why: null });
  });

  it("names a VNG id Ocean gives that is not among the cluster's launch specs", () => {
    const r = compareDiscovery({ oldNodes: [node('a', 'i-a')], pods: [pod('a1', 'a', 'shop')] }, VNGS, [found('a', 'i-a', { kind: 'vng', vngId: 'ols-gone' })], 'o-1');
    expect(r.nodes[0]).toMatchObject({ ocean: { kind: 'vng', vngId: 'ols-gone', vng: null }, differs: true });
    expect(r.nodes[0]?.why).toBe("the planner places pods on shop; Ocean's VNG ols-gone is not one of the cluster's launch specs read");
  });
});

describe('reading a discovery answer', () => {
  it("reads Default, a VNG id and null (none), with the node's names and pod counts", () => {
    const nodes = parseDiscovery([
      { instanceId: 'i-1', k8sNodeName: 'n1', launchSpecId: 'Default', runningPods: 3 },
      { instanceId: 'i-2', k8sNodeName: 'n2', launchSpecId: 'ols-1', podDetails: [{}, {}] },
      { instanceId: 'i-3', nodeName: 'n3', launchSpecId: null },
      { launchSpecId: 'ols-1' }, // names no node: dropped
    ]);
    expect(nodes).toEqual([
      { instanceId: 'i-1', nodeName: 'n1', suggestion: { kind: 'default' }, pods: 3 },
      { instanceId: 'i-2', nodeName: 'n2', suggestion: { kind: 'vng', vngId: 'ols-1' }, pods: 2 },
      { instanceId: 'i-3', nodeName: 'n3', suggestion: { kind: 'none' }, pods: null },
    ]);
  });

  it('reads one item holding the nodes, and the other names of the VNG field', () => {
    expect(parseDiscovery([{ nodes: [{ instanceId: 'i-1', virtualNodeGroupId: 'ols-2' }] }])).toEqual([{ instanceId: 'i-1', nodeName: null, suggestion: { kind: 'vng', vngId: 'ols-2' }, pods: null }]);
    expect(suggestionOf({ virtualNodeGroup: { id: 'ols-3' } })).toEqual({ kind: 'vng', vngId: 'ols-3' });
    expect(suggestionOf({ vngId: 'DEFAULT' })).toEqual({ kind: 'default' });
    expect(suggestionOf({})).toEqual({ kind: 'none' });
  });
});
