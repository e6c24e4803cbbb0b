import { describe, expect, it } from 'vitest';
import type { TopologySpreadConstraint } from '../../../../src/model/types.js';
import { podTopologySpread } from '../../../../src/planner/predicates/pod-topology-spread.js';
import { HOSTNAME, planNode, req, sel, spread, taint, term, toleration, verdict, world, ZONE, type NodeInput, type PodInput } from '../../../helpers/sched.js';

const REASON = ["node(s) didn't match pod topology spread constraints"];
const MISSING = ["node(s) didn't match pod topology spread constraints (missing required label)"];
const web = { app: 'web' };
const zoneSpread = (extra: Partial<TopologySpreadConstraint> = {}) => spread(ZONE, sel(web), extra);

function existingOn(...nodes: string[]) {
  return nodes.map((node) => ({ node, pod: { labels: web } }));
}

const abNodes: NodeInput[] = [
  { name: 'na', zone: 'a' },
  { name: 'nb', zone: 'b' },
];

describe('PodTopologySpread: skew', () => {
  it('fails a zone that would be maxSkew ahead of the emptiest eligible zone', () => {
    const w = world({ nodes: abNodes, existing: existingOn('na'), incoming: [{ labels: web, topologySpread: [zoneSpread()] }] });
    expect(verdict(w.check(podTopologySpread, 0, 'na'))).toEqual(REASON);
    expect(verdict(w.check(podTopologySpread, 0, 'nb'))).toBe('pass');
  });
  it('a larger maxSkew allows it', () => {
    const w = world({ nodes: abNodes, existing: existingOn('na'), incoming: [{ labels: web, topologySpread: [zoneSpread({ maxSkew: 2 })] }] });
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull();
  });
  it('a pod that does not match the selector does not add itself', () => {
    const w = world({ nodes: abNodes, existing: existingOn('na'), incoming: [{ labels: { app: 'other' }, topologySpread: [zoneSpread()] }] });
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull();
  });
  it('counts only pods of its own namespace', () => {
    const w = world({
      nodes: abNodes,
      existing: [{ node: 'na', pod: { labels: web, namespace: 'other' } }],
      incoming: [{ labels: web, topologySpread: [zoneSpread()] }],
    });
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull();
  });
  it('counts pods placed by the planner as it goes', () => {
    const w = world({ nodes: abNodes, incoming: [{ labels: web, topologySpread: [zoneSpread()] }] });
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull();
    w.place(0, 'na');
    expect(verdict(w.check(podTopologySpread, 0, 'na'))).toEqual(REASON);
    w.place(0, 'nb');
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull();
  });
  it('hostname spread: each node is a domain', () => {
    const sp = spread(HOSTNAME, sel(web));
    const w = world({ nodes: [{ name: 'h1' }, { name: 'h2' }], existing: existingOn('h1'), incoming: [{ labels: web, topologySpread: [sp] }] });
    expect(verdict(w.check(podTopologySpread, 0, 'h1'))).toEqual(REASON);
    expect(w.check(podTopologySpread, 0, 'h2')).toBeNull();
  });
  it('a null selector selects no pods, so nothing filters', () => {
    const sp = spread(ZONE, null);
    const w = world({ nodes: abNodes, existing: existingOn('na', 'na'), incoming: [{ labels: web, topologySpread: [sp] }] });
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull();
  });
});

describe('PodTopologySpread: domains', () => {
  it('minDomains above the number of eligible domains makes the global minimum 0', () => {
    const base = { nodes: abNodes, existing: existingOn('na', 'nb') };
    const without = world({ ...base, incoming: [{ labels: web, topologySpread: [zoneSpread()] }] });
    expect(without.check(podTopologySpread, 0, 'na')).toBeNull(); // 1 + 1 - 1 = 1
    const withMin = world({ ...base, incoming: [{ labels: web, topologySpread: [zoneSpread({ minDomains: 3 })] }] });
    expect(verdict(withMin.check(podTopologySpread, 0, 'na'))).toEqual(REASON); // 1 + 1 - 0 = 2
    const enough = world({ ...base, incoming: [{ labels: web, topologySpread: [zoneSpread({ minDomains: 2 })] }] });
    expect(enough.check(podTopologySpread, 0, 'na')).toBeNull();
  });

  const threeZones: NodeInput[] = [
    { name: 'na', zone: 'a', labels: { pool: 'x' } },
    { name: 'nb', zone: 'b', labels: { pool: 'y' } },
    { name: 'nc', zone: 'c', labels: { pool: 'x' } },
  ];
  const podIn = (c: TopologySpreadConstraint): PodInput => ({ labels: web, nodeSelector: { pool: 'x' }, topologySpread: [c] });

  it('nodeAffinityPolicy Honor: zones of nodes the pod cannot use are not domains', () => {
    const w = world({ nodes: threeZones, existing: existingOn('na', 'nc'), incoming: [podIn(zoneSpread({ nodeAffinityPolicy: 'Honor' }))] });
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull(); // domains {a, c}: 1 + 1 - 1
  });
  it('nodeAffinityPolicy Ignore: every zone is a domain', () => {
    const w = world({ nodes: threeZones, existing: existingOn('na', 'nc'), incoming: [podIn(zoneSpread({ nodeAffinityPolicy: 'Ignore' }))] });
    expect(verdict(w.check(podTopologySpread, 0, 'na'))).toEqual(REASON); // zone b has 0
  });

  const tainted: NodeInput[] = [
    { name: 'na', zone: 'a' },
    { name: 'nb', zone: 'b', taints: [taint('dedicated', 'batch')] },
    { name: 'nc', zone: 'c' },
  ];
  it('nodeTaintsPolicy Ignore (default): a tainted node still makes a domain', () => {
    const w = world({ nodes: tainted, existing: existingOn('na', 'nc'), incoming: [{ labels: web, topologySpread: [zoneSpread()] }] });
    expect(verdict(w.check(podTopologySpread, 0, 'na'))).toEqual(REASON);
  });
  it('nodeTaintsPolicy Honor: a node with an untolerated taint makes no domain', () => {
    const w = world({
      nodes: tainted,
      existing: existingOn('na', 'nc'),
      incoming: [{ labels: web, topologySpread: [zoneSpread({ nodeTaintsPolicy: 'Honor' })] }],
    });
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull();
  });
  it('nodeTaintsPolicy Honor: a tolerated taint keeps the domain', () => {
    const w = world({
      nodes: tainted,
      existing: existingOn('na', 'nc'),
      incoming: [
        {
          labels: web,
          tolerations: [{ key: 'dedicated', operator: 'Exists', value: '', effect: '' }],
          topologySpread: [zoneSpread({ nodeTaintsPolicy: 'Honor' })],
        },
      ],
    });
    expect(verdict(w.check(podTopologySpread, 0, 'na'))).toEqual(REASON);
  });
  it('a node without the topology label fails with the missing-label reason', () => {
    const w = world({ nodes: [...abNodes, { name: 'nolabel' }], incoming: [{ labels: web, topologySpread: [zoneSpread()] }] });
    expect(verdict(w.check(podTopologySpread, 0, 'nolabel'))).toEqual(MISSING);
  });
  it('VNG templates count as eligible (empty) domains', () => {
    const base = { nodes: abNodes, existing: existingOn('na', 'nb'), incoming: [{ labels: web, topologySpread: [zoneSpread()] }] };
    expect(world(base).check(podTopologySpread, 0, 'na')).toBeNull();
    const withTemplate = world({ ...base, templates: [{ name: 'vng/m5.large/c', zone: 'c' }] });
    expect(verdict(withTemplate.check(podTopologySpread, 0, 'na'))).toEqual(REASON);
    expect(withTemplate.check(podTopologySpread, 0, 'vng/m5.large/c')).toBeNull();
  });
});

describe('PodTopologySpread: other fields', () => {
  it('ScheduleAnyway does not filter', () => {
    const w = world({
      nodes: abNodes,
      existing: existingOn('na', 'na', 'na'),
      incoming: [{ labels: web, topologySpread: [zoneSpread({ whenUnsatisfiable: 'ScheduleAnyway' })] }],
    });
    expect(w.check(podTopologySpread, 0, 'na')).toBeNull();
  });
  it('ScheduleAnyway does not even need the topology label', () => {
    const w = world({ nodes: [{ name: 'nolabel' }], incoming: [{ labels: web, topologySpread: [zoneSpread({ whenUnsatisfiable: 'ScheduleAnyway' })] }] });
    expect(w.check(podTopologySpread, 0, 'nolabel')).toBeNull();
  });
  it('matchLabelKeys narrows the selector to pods with the same value of those keys', () => {
    const old = { app: 'web', 'pod-template-hash': 'v1' };
    const fresh = { app: 'web', 'pod-template-hash': 'v2' };
    const existing = [{ node: 'na', pod: { labels: old } }, { node: 'na', pod: { labels: old } }];
    const plain = world({ nodes: abNodes, existing, incoming: [{ labels: fresh, topologySpread: [zoneSpread()] }] });
    expect(verdict(plain.check(podTopologySpread, 0, 'na'))).toEqual(REASON);
    const keyed = world({
      nodes: abNodes,
      existing,
      incoming: [{ labels: fresh, topologySpread: [zoneSpread({ matchLabelKeys: ['pod-template-hash'] })] }],
    });
    expect(keyed.check(podTopologySpread, 0, 'na')).toBeNull();
  });
  it('matchLabelKeys with a key the pod lacks is ignored', () => {
    const w = world({
      nodes: abNodes,
      existing: existingOn('na'),
      incoming: [{ labels: web, topologySpread: [zoneSpread({ matchLabelKeys: ['absent'] })] }],
    });
    expect(verdict(w.check(podTopologySpread, 0, 'na'))).toEqual(REASON);
  });
  it('every DoNotSchedule constraint must hold', () => {
    const w = world({
      nodes: [
        { name: 'a1', zone: 'a' },
        { name: 'a2', zone: 'a' },
        { name: 'b1', zone: 'b' },
      ],
      existing: existingOn('a1', 'b1'),
      incoming: [{ labels: web, topologySpread: [zoneSpread(), spread(HOSTNAME, sel(web))] }],
    });
    expect(w.check(podTopologySpread, 0, 'a2')).toBeNull(); // zone a: 1+1-1, host a2: 0+1-0
    expect(verdict(w.check(podTopologySpread, 0, 'a1'))).toEqual(REASON); // host a1 would be 2 vs a2 0
  });
});

describe('PodTopologySpread: VNG templates and hostname', () => {
  it('a template (a node not launched yet) is a fresh hostname domain, so a hostname spread can open a node', () => {
    const w = world({
      nodes: [{ name: 'h1' }],
      existing: existingOn('h1'),
      templates: [{ name: 'g/m5.large/a', zone: 'a' }],
      incoming: [{ labels: web, topologySpread: [spread(HOSTNAME, sel(web))] }],
    });
    expect(w.check(podTopologySpread, 0, 'g/m5.large/a')).toBeNull();
  });
  it('a node not launched yet is an empty hostname domain: each node takes at most maxSkew pods of the group', () => {
    const withTemplate = world({
      nodes: [{ name: 'h1' }, { name: 'h2' }],
      existing: existingOn('h1', 'h2'),
      templates: [{ name: 'g/m5.large/a', zone: 'a' }],
      incoming: [{ labels: web, topologySpread: [spread(HOSTNAME, sel(web))] }],
    });
    expect(verdict(withTemplate.check(podTopologySpread, 0, 'h1'))).toEqual(REASON); // 1 + 1 - 0 (a new node)
    expect(withTemplate.check(podTopologySpread, 0, 'g/m5.large/a')).toBeNull();
    // Without any VNG node type for the pod, only the nodes that exist count, as kube-scheduler counts them.
    const withoutTemplate = world({
      nodes: [{ name: 'h1' }, { name: 'h2' }],
      existing: existingOn('h1', 'h2'),
      incoming: [{ labels: web, topologySpread: [spread(HOSTNAME, sel(web))] }],
    });
    expect(withoutTemplate.check(podTopologySpread, 0, 'h1')).toBeNull(); // 1 + 1 - 1
  });
  it('with zone and hostname constraints, template zones still count as zone domains', () => {
    const w = world({
      nodes: [{ name: 'na', zone: 'a' }],
      existing: existingOn('na'),
      templates: [{ name: 'g/m5.large/b', zone: 'b' }],
      incoming: [{ labels: web, topologySpread: [zoneSpread(), spread(HOSTNAME, sel(web), { maxSkew: 5 })] }],
    });
    expect(verdict(w.check(podTopologySpread, 0, 'na'))).toEqual(REASON); // zone b (template) has 0
    expect(w.check(podTopologySpread, 0, 'g/m5.large/b')).toBeNull();
  });
});

describe('PodTopologySpread: templates the pod does not fit', () => {
  it('a VNG node type too small for the pod is no domain (it would never be launched for it)', () => {
    const base = { nodes: abNodes, existing: existingOn('na', 'nb') };
    const small = { name: 'g/tiny/c', zone: 'c', allocatable: { cpu: 500, memory: 1024 ** 3, pods: 10 } };
    const big = { name: 'g/big/c', zone: 'c' };
    const pod = { labels: web, requests: { cpu: 1000 }, topologySpread: [zoneSpread()] };
    expect(world({ ...base, templates: [small], incoming: [pod] }).check(podTopologySpread, 0, 'na')).toBeNull();
    expect(verdict(world({ ...base, templates: [big], incoming: [pod] }).check(podTopologySpread, 0, 'na'))).toEqual(REASON);
  });
});


/**
 * kube-scheduler (PodTopologySpread PreFilter) counts matching pods only on nodes the constraint includes: nodes carrying
 * every topology key of the pod's constraints, passing its nodeSelector / required node affinity (nodeAffinityPolicy Honor,
 * the default) and, with nodeTaintsPolicy Honor, whose taints it tolerates. Pods elsewhere in the zone do not count.
 */
describe('PodTopologySpread: which pods count (node inclusion policies)', () => {
  const mixed: NodeInput[] = [
    { name: 'ax', zone: 'a', labels: { pool: 'x' } },
    { name: 'ay', zone: 'a', labels: { pool: 'y' } },
    { name: 'bx', zone: 'b', labels: { pool: 'x' } },
  ];
  const onAy = existingOn('ay', 'ay');
  const selective = (c: Partial<TopologySpreadConstraint> = {}): PodInput => ({
    labels: web,
    nodeSelector: { pool: 'x' },
    topologySpread: [zoneSpread(c)],
  });

  it('nodeAffinityPolicy Honor (default): pods on nodes the pod\'s nodeSelector excludes do not count in their zone', () => {
    const w = world({ nodes: mixed, existing: onAy, incoming: [selective()] });
    expect(w.check(podTopologySpread, 0, 'ax')).toBeNull(); // zone a counts 0 (ay excluded): 0 + 1 - 0
  });
  it('nodeAffinityPolicy Ignore: they count', () => {
    const w = world({ nodes: mixed, existing: onAy, incoming: [selective({ nodeAffinityPolicy: 'Ignore' })] });
    expect(verdict(w.check(podTopologySpread, 0, 'ax'))).toEqual(REASON); // 2 + 1 - 0
  });
  it('nodeAffinityPolicy Honor with required node affinity (not only nodeSelector)', () => {
    const w = world({
      nodes: mixed,
      existing: onAy,
      incoming: [
        {
          labels: web,
          requiredNodeAffinity: [term([req('pool', 'In', 'x')])],
          topologySpread: [zoneSpread()],
        },
      ],
    });
    expect(w.check(podTopologySpread, 0, 'ax')).toBeNull();
  });
  it('a pod without node affinity counts pods on every node of the zone', () => {
    const w = world({ nodes: mixed, existing: onAy, incoming: [{ labels: web, topologySpread: [zoneSpread()] }] });
    expect(verdict(w.check(podTopologySpread, 0, 'ax'))).toEqual(REASON);
  });

  const taintedA: NodeInput[] = [
    { name: 'a1', zone: 'a' },
    { name: 'a2', zone: 'a', taints: [taint('dedicated', 'batch')] },
    { name: 'b1', zone: 'b' },
  ];
  it('nodeTaintsPolicy Honor: pods on a node whose taint the pod does not tolerate do not count', () => {
    const w = world({ nodes: taintedA, existing: existingOn('a2', 'a2'), incoming: [{ labels: web, topologySpread: [zoneSpread({ nodeTaintsPolicy: 'Honor' })] }] });
    expect(w.check(podTopologySpread, 0, 'a1')).toBeNull();
  });
  it('nodeTaintsPolicy Ignore (default): they count', () => {
    const w = world({ nodes: taintedA, existing: existingOn('a2', 'a2'), incoming: [{ labels: web, topologySpread: [zoneSpread()] }] });
    expect(verdict(w.check(podTopologySpread, 0, 'a1'))).toEqual(REASON);
  });
  it('nodeTaintsPolicy Honor: pods on a node whose taint the pod tolerates count', () => {
    const w = world({
      nodes: taintedA,
      existing: existingOn('a2', 'a2'),
      incoming: [{ labels: web, tolerations: [toleration('dedicated', 'Exists')], topologySpread: [zoneSpread({ nodeTaintsPolicy: 'Honor' })] }],
    });
    expect(verdict(w.check(podTopologySpread, 0, 'a1'))).toEqual(REASON);
  });
  it('pods on a node lacking the topology key of another of the pod\'s constraints do not count', () => {
    const w = world({
      nodes: [
        { name: 'a1', zone: 'a', labels: { rack: 'r1' } },
        { name: 'a2', zone: 'a' },
        { name: 'b1', zone: 'b', labels: { rack: 'r2' } },
      ],
      existing: existingOn('a2', 'a2'),
      incoming: [{ labels: web, topologySpread: [zoneSpread(), spread('rack', sel(web), { maxSkew: 5 })] }],
    });
    expect(w.check(podTopologySpread, 0, 'a1')).toBeNull(); // zone a counts 0: a2 has no rack label
  });
  it('pods the planner places count only where the pod\'s policies include the node (new nodes of another VNG do not)', () => {
    const w = world({
      nodes: [
        { name: 'ax', zone: 'a', labels: { pool: 'x' } },
        { name: 'bx', zone: 'b', labels: { pool: 'x' } },
        { name: 'new-y-a', zone: 'a', labels: { pool: 'y' }, origin: 'new' },
      ],
      // Pod 1 has the same labels and spread but no selector: it may go to pool y, and shares the spread selector.
      incoming: [selective(), { labels: web, topologySpread: [zoneSpread()] }],
    });
    expect(w.check(podTopologySpread, 0, 'ax')).toBeNull();
    w.place(1, 'new-y-a');
    w.place(1, 'new-y-a');
    expect(w.check(podTopologySpread, 0, 'ax')).toBeNull(); // still 0 + 1 - 0 for the pod that wants pool x
    expect(verdict(w.check(podTopologySpread, 1, 'ax'))).toEqual(REASON); // the other pod counts them: 2 + 1 - 0
    w.place(0, 'ax');
    expect(verdict(w.check(podTopologySpread, 0, 'ax'))).toEqual(REASON); // now 1 + 1 - 0
    expect(w.check(podTopologySpread, 0, 'bx')).toBeNull();
  });
  it('a node that takes no pod (cordoned) still holds pods that count and makes a domain', () => {
    const w = world({ nodes: [{ name: 'a1', zone: 'a' }, { name: 'b1', zone: 'b' }], incoming: [{ labels: web, topologySpread: [zoneSpread()] }] });
    const cordoned = planNode({ name: 'c1', zone: 'c' }, -1);
    w.ctx.addBystander(cordoned);
    expect(w.check(podTopologySpread, 0, 'a1')).toBeNull();
    w.place(0, 'a1');
    w.place(0, 'b1');
    expect(verdict(w.check(podTopologySpread, 0, 'a1'))).toEqual(REASON); // zone c is a domain with 0
    const cls = w.classes[0];
    if (!cls) throw new Error('no class');
    w.ctx.place(cls, cordoned, null);
    expect(w.check(podTopologySpread, 0, 'a1')).toBeNull();
  });
});
