/**
 * The autoscaler's packing view: the Ready nodes are left to kube-scheduler, the nodes holding the pods a pending pod's
 * zone-wide spread counts come in as bystanders (cordoned copies) with only those pods, and the full view keeps everything.
 */
import { describe, expect, it } from 'vitest';
import { fullView, NodeRequests, packingView } from '../../../sim/autoscaler-view.js';
import { World } from '../../../sim/cluster.js';
import { EventQueue } from '../../../sim/event-queue.js';
import { FaultState } from '../../../sim/fault-state.js';
import { DEFAULT_SIM_TIMING } from '../../../sim/timing.js';
import { Prng } from '../../../src/gen/prng.js';
import type { Cluster, Node, Pod, ResourceList, TopologySpreadConstraint } from '../../../src/model/types.js';
import { catalog, cluster, deployment, generalVng, oldNode } from './tiny-world.js';

function world(c: Cluster): World {
  const queue = new EventQueue();
  const prng = new Prng(1);
  return new World({ cluster: c, vngs: [generalVng()], catalog, timing: DEFAULT_SIM_TIMING, queue, faults: new FaultState([], prng.fork('faults')), prng });
}

/** A Pending copy of `like` (one of a workload's pods) under another name, with `over` on top. */
function pendingLike(like: Pod, name: string, over: Partial<Pod> = {}): Pod {
  return { ...like, name, uid: `uid-${name}`, nodeName: null, phase: 'Pending', ready: false, ...over };
}

const ZONE_SPREAD: TopologySpreadConstraint = {
  maxSkew: 1,
  topologyKey: 'topology.kubernetes.io/zone',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' }, matchExpressions: [] },
  minDomains: null,
  nodeAffinityPolicy: 'Honor',
  nodeTaintsPolicy: 'Ignore',
  matchLabelKeys: [],
};

describe('the autoscaler views', () => {
  it('packs onto booting nodes only; zone-spread context comes as cordoned bystanders with the matching pods', () => {
    const nodes = [oldNode('n-1', 'i-01', 'us-east-1a'), oldNode('n-2', 'i-02', 'us-east-1b'), oldNode('n-3', 'i-03', 'us-east-1a')];
    const web = deployment({ name: 'web', replicas: 2, nodes: ['n-1', 'n-2'] });
    const other = deployment({ name: 'other', replicas: 3, nodes: ['n-3'] });
    const spreadPods = web.pods.map((p) => ({ ...p, topologySpread: [ZONE_SPREAD] }));
    const pendingWeb: Pod = { ...(spreadPods[0] as Pod), name: 'web-pending', uid: 'uid-web-pending', nodeName: null, phase: 'Pending', ready: false };
    const w = world(cluster(nodes, [{ pods: [...spreadPods, pendingWeb], workloads: web.workloads }, other]));
    const candidate = w.pods.get('default/web-pending');
    expect(candidate).toBeDefined();
    const view = packingView(w, [], new Map(), [candidate!], new NodeRequests(w));
    // n-1 and n-2 hold the spread's pods: bystanders that take nothing; n-3 (other pods only) is not read.
    expect(view.nodes.map((n) => [n.name, n.unschedulable])).toEqual([
      ['n-1', true],
      ['n-2', true],
    ]);
    expect(view.pods.map((p) => p.name).sort()).toEqual(web.pods.map((p) => p.name).sort());

    const full = fullView(w, [], new Map());
    expect(full.nodes.map((n) => [n.name, n.unschedulable])).toEqual([
      ['n-1', false],
      ['n-2', false],
      ['n-3', false],
    ]);
    expect(full.pods).toHaveLength(5);
  });

  it('reads nothing of the cluster for a pending pod without zone-wide terms but one bystander node per zone', () => {
    const nodes = [oldNode('n-1', 'i-01')];
    const d = deployment({ name: 'api', replicas: 2, nodes: ['n-1'] });
    const p: Pod = { ...(d.pods[0] as Pod), name: 'api-pending', uid: 'uid-api-pending', nodeName: null, phase: 'Pending', ready: false };
    const w = world(cluster(nodes, [{ pods: [...d.pods, p], workloads: d.workloads }]));
    const view = packingView(w, [], new Map(), [w.pods.get('default/api-pending')!], new NodeRequests(w));
    expect(view.pods).toEqual([]);
    expect(view.nodes.map((n) => [n.name, n.zone, n.unschedulable])).toEqual([['n-1', 'us-east-1a', true]]);
  });

  it('leaves out a pod waiting for a booting node that no rule of the pending pods counts, taking its requests off the node', () => {
    const nodes = [oldNode('n-1', 'i-01')];
    const d = deployment({ name: 'api', replicas: 2, nodes: ['n-1'], cpu: 300, memory: 256 * 1024 * 1024 });
    const pending = (name: string, over: Partial<Pod> = {}): Pod => pendingLike(d.pods[0] as Pod, name, over);
    const repel: Pod['podAntiAffinity'][number] = {
      labelSelector: { matchLabels: { app: 'api' }, matchExpressions: [] },
      namespaces: [],
      namespaceSelector: null,
      topologyKey: 'kubernetes.io/hostname',
    };
    const waiting = pending('api-waiting');
    const plain = pending('api-plain', { labels: { app: 'other' } });
    const repelling = pending('api-repelling', { labels: { app: 'other' }, podAntiAffinity: [repel] });
    const w = world(cluster(nodes, [{ pods: [...d.pods, waiting, plain, repelling], workloads: d.workloads }]));
    const inst = w.launch(generalVng(), 'm5.xlarge', 'us-east-1a', w.nextNodeName());
    const covered = new Map([['uid-api-waiting', inst.id]]);
    const booting = (v: { nodes: Node[] }): Node => v.nodes.find((n) => n.name === inst.nodeName) as Node;
    const full = fullView(w, [inst], covered);
    const fullNode = booting(full);
    expect(full.pods.map((p) => p.name)).toContain('api-waiting');

    // The plain candidate's terms select nothing: the waiting pod only takes room.
    const cut = packingView(w, [inst], covered, [w.pods.get('default/api-plain')!], new NodeRequests(w));
    expect(cut.pods.map((p) => p.name)).not.toContain('api-waiting');
    expect(booting(cut).allocatable['cpu']).toBe((fullNode.allocatable['cpu'] ?? 0) - 300);
    expect(booting(cut).allocatable['pods']).toBe((fullNode.allocatable['pods'] ?? 0) - 1);

    // A candidate whose anti-affinity selects the waiting pod needs it there: kept, the node's room as it is.
    const kept = packingView(w, [inst], covered, [w.pods.get('default/api-repelling')!], new NodeRequests(w));
    expect(kept.pods.map((p) => p.name)).toContain('api-waiting');
    expect(booting(kept).allocatable).toEqual(fullNode.allocatable);
  });

  it('takes the waiting pods off a booting node as summed in namespace/name order, whatever order they were covered in', () => {
    const nodes = [oldNode('n-1', 'i-01')];
    const d = deployment({ name: 'api', replicas: 1, nodes: ['n-1'], cpu: 300, memory: 256 * 1024 * 1024 });
    const like = d.pods[0] as Pod;
    const plain = pendingLike(like, 'api-plain', { labels: { app: 'other' } });
    const waiting = (name: string, requests: ResourceList): Pod => pendingLike(like, name, { labels: { app: 'other' }, requests });
    // Whole amounts the node offers, then one it does not offer (a new key of the allocatable, whose place depends on the
    // order), then amounts that are not whole numbers (whose sum depends on the order).
    const cases: { name: string; pods: Pod[] }[] = [
      { name: 'whole', pods: [waiting('w-c', { cpu: 300, memory: 3 }), waiting('w-a', { cpu: 7, memory: 5 }), waiting('w-b', { cpu: 11 })] },
      { name: 'not offered', pods: [waiting('x-c', { 'example.com/b': 1, cpu: 300 }), waiting('x-a', { 'example.com/a': 1, cpu: 1 }), waiting('x-b', { memory: 9 })] },
      // (1.1 + 0.1) + 0.1 is 1.3000000000000003, (0.1 + 0.1) + 1.1 is 1.3.
      { name: 'fractions', pods: [waiting('f-c', { cpu: 1.1 }), waiting('f-a', { cpu: 0.1 }), waiting('f-b', { cpu: 0.1 })] },
    ];
    for (const c of cases) {
      const w = world(cluster(nodes, [{ pods: [...d.pods, plain, ...c.pods], workloads: d.workloads }]));
      const inst = w.launch(generalVng(), 'm5.xlarge', 'us-east-1a', w.nextNodeName());
      // Covered in the order listed (not by name).
      const covered = new Map(c.pods.map((p) => [p.uid, inst.id]));
      const full = fullView(w, [inst], covered).nodes.find((n) => n.name === inst.nodeName) as Node;
      // The oracle: the requests summed in namespace/name order, then taken off the allocatable.
      const taken: ResourceList = {};
      for (const p of [...c.pods].sort((a, b) => (a.name < b.name ? -1 : 1))) for (const [k, v] of Object.entries(p.requests)) taken[k] = (taken[k] ?? 0) + v;
      const want: ResourceList = { ...full.allocatable };
      for (const [k, v] of Object.entries(taken)) want[k] = (want[k] ?? 0) - v;
      const cut = packingView(w, [inst], covered, [w.pods.get('default/api-plain')!], new NodeRequests(w));
      const got = cut.nodes.find((n) => n.name === inst.nodeName) as Node;
      expect(cut.pods.map((p) => p.name), c.name).toEqual([]);
      expect(Object.entries(got.allocatable), c.name).toEqual(Object.entries(want));
    }
  });

  it("keeps each node's split of its pods until they change: the pods with anti-affinity of their own, and the others' requests", () => {
    const nodes = [oldNode('n-1', 'i-01')];
    const d = deployment({ name: 'api', replicas: 3, nodes: ['n-1'], cpu: 300, memory: 256 * 1024 * 1024 });
    const repel: Pod['podAntiAffinity'][number] = {
      labelSelector: { matchLabels: { app: 'api' }, matchExpressions: [] },
      namespaces: [],
      namespaceSelector: null,
      topologyKey: 'kubernetes.io/hostname',
    };
    const [first, second, third] = d.pods as [Pod, Pod, Pod];
    const w = world(cluster(nodes, [{ pods: [first, { ...second, podAntiAffinity: [repel] }, { ...third, requests: { cpu: 100 } }], workloads: d.workloads }]));
    const requests = new NodeRequests(w);
    const split = requests.split('n-1');
    expect(split.counted.map((p) => p.name)).toEqual([second.name]);
    expect(split.taken).toEqual({ cpu: 400, memory: 256 * 1024 * 1024, pods: 1 });
    expect(requests.split('n-1')).toBe(split);
    // A pod bound there removed: the split is made again.
    w.pods.delete(`default/${first.name}`);
    const after = requests.split('n-1');
    expect(after).not.toBe(split);
    expect(after.taken).toEqual({ cpu: 100 });
  });

  it('packs a registered node that is not Ready with the same pods and room whether or not a term selects one of its pods', () => {
    const nodes = [oldNode('n-1', 'i-01')];
    const d = deployment({ name: 'api', replicas: 1, nodes: ['n-1'] });
    const pending = (name: string, over: Partial<Pod> = {}): Pod => pendingLike(d.pods[0] as Pod, name, { labels: { app: 'other' }, ...over });
    const spread = { ...ZONE_SPREAD, labelSelector: { matchLabels: { app: 'bound' }, matchExpressions: [] } };
    const plain = pending('plain');
    const spreading = pending('spreading', { topologySpread: [{ ...spread, topologyKey: 'kubernetes.io/hostname' }] });
    // Held back from every node (kube-scheduler would place it on n-1 meanwhile), then bound to the registered node.
    const bound = pending('bound', { labels: { app: 'bound' }, nodeSelector: { none: 'such' }, requests: { cpu: 700, memory: 512 * 1024 * 1024 } });
    const w = world(cluster(nodes, [{ pods: [...d.pods, plain, spreading, bound], workloads: d.workloads }]));
    const inst = w.launch(generalVng(), 'm5.xlarge', 'us-east-1a', w.nextNodeName());
    while (!w.nodes.has(inst.nodeName)) w.queue.pop()?.run();
    const node = w.nodes.get(inst.nodeName);
    expect(node?.ready).toBe(false);
    w.pods.bind(w.pods.get('default/bound')!, inst.nodeName);
    const registered = (v: { nodes: Node[] }): Node => v.nodes.find((n) => n.name === inst.nodeName) as Node;
    const requests = new NodeRequests(w);
    // The plain candidate selects nothing there: the bound pod only takes room (the node's kept split).
    const cut = packingView(w, [inst], new Map(), [w.pods.get('default/plain')!], requests);
    expect(cut.pods.map((p) => p.name)).not.toContain('bound');
    expect(registered(cut).ready).toBe(true);
    expect(registered(cut).allocatable['cpu']).toBe((node?.allocatable['cpu'] ?? 0) - 700);
    // A per-node spread selecting it: kept, the node's room as it is.
    const kept = packingView(w, [inst], new Map(), [w.pods.get('default/spreading')!], requests);
    expect(kept.pods.map((p) => p.name)).toContain('bound');
    expect(registered(kept).allocatable).toEqual(node?.allocatable);
    expect(registered(kept).ready).toBe(true);
  });

  it('keeps the nodes with room from pass to pass: the same answer as a walk over every node after each change', () => {
    const nodes = [oldNode('n-1', 'i-01')];
    const d = deployment({ name: 'api', replicas: 4, nodes: ['n-1'] });
    // Held back from every node, bound by hand below.
    const pending = (name: string, cpu: number): Pod => pendingLike(d.pods[0] as Pod, name, { nodeSelector: { none: 'such' }, requests: { cpu, pods: 1 } });
    const big = [pending('big-0', 3000), pending('big-1', 3000)];
    const w = world(cluster(nodes, [{ pods: [...d.pods, ...big], workloads: d.workloads }]));
    const launched = [0, 1, 2].map(() => w.launch(generalVng(), 'm5.xlarge', 'us-east-1a', w.nextNodeName()));
    const ready = (): boolean => launched.every((i) => w.nodes.get(i.nodeName)?.ready === true);
    while (!ready()) w.queue.pop()?.run();
    const names = launched.map((i) => i.nodeName);
    const kept = new NodeRequests(w);
    const walked = (min: ResourceList): readonly string[] => new NodeRequests(w).withRoom(min);
    const both = (min: ResourceList): readonly string[] => {
      const answer = kept.withRoom(min);
      expect(answer).toEqual(walked(min));
      return answer;
    };
    // An old node is never packed onto; the three launched ones have room for 1 CPU.
    expect(both({ cpu: 1000 })).toEqual(names);
    // A pod bound to the second takes 3 of its ~3.9 CPUs: no room for 1 CPU there, and none for 2 CPUs after.
    w.pods.bind(w.pods.get('default/big-0')!, names[1] as string);
    expect(both({ cpu: 1000 })).toEqual([names[0], names[2]]);
    expect(both({ cpu: 2000 })).toEqual([names[0], names[2]]);
    // Cordoned, the first is left out; smaller requests again: the second has room for a quarter CPU.
    w.setUnschedulable(names[0] as string, true);
    expect(both({ cpu: 2000 })).toEqual([names[2]]);
    expect(both({ cpu: 250 })).toEqual([names[1], names[2]]);
    // NotReady, then Ready and uncordoned again.
    w.setNodeReady(w.nodes.get(names[2] as string)!, false, 'test');
    expect(both({ cpu: 250 })).toEqual([names[1]]);
    w.setNodeReady(w.nodes.get(names[2] as string)!, true, 'test');
    w.setUnschedulable(names[0] as string, false);
    expect(both({ cpu: 250 })).toEqual(names);
    // A new resource in the smallest requests: every node is checked again.
    expect(both({ cpu: 250, memory: 1 })).toEqual(names);
    // The bound pod gone: the second has room for 2 CPUs again.
    w.pods.delete('default/big-0');
    expect(both({ cpu: 2000, memory: 1 })).toEqual(names);
  });

  it("keeps each zone's first node by name as nodes come and go", () => {
    const nodes = [oldNode('n-1', 'i-01', 'us-east-1a'), oldNode('n-2', 'i-02', 'us-east-1b'), oldNode('n-3', 'i-03', 'us-east-1a')];
    const w = world(cluster(nodes, []));
    const requests = new NodeRequests(w);
    expect(requests.zoneAnchors()).toEqual(['n-1', 'n-2']);
    // The first of a zone gone: the next of that zone.
    expect(w.deleteNode('n-1', 'test')).toBe(true);
    expect(requests.zoneAnchors()).toEqual(['n-2', 'n-3']);
    // A launched node registered in us-east-1b, its name first in code-unit order.
    const inst = w.launch(generalVng(), 'm5.xlarge', 'us-east-1b', w.nextNodeName());
    while (!w.nodes.has(inst.nodeName)) w.queue.pop()?.run();
    expect(inst.nodeName < 'n-2').toBe(true);
    expect(requests.zoneAnchors()).toEqual([inst.nodeName, 'n-3']);
    expect(new NodeRequests(w).zoneAnchors()).toEqual([inst.nodeName, 'n-3']);
    // The last of a zone gone: the zone has no first node.
    expect(w.deleteNode('n-3', 'test')).toBe(true);
    expect(requests.zoneAnchors()).toEqual([inst.nodeName]);
  });
});
