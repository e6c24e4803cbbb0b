import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { load as parse } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { clusterListJson, clusterListYaml, generateClusterObjects } from '../../../src/gen/cluster.js';
import { apportion } from '../../../src/gen/node-fleet.js';
import { kubeReservedCpuMillicores, nodeSizing, requireInstanceFacts } from '../../../src/gen/node-capacity.js';
import { Prng } from '../../../src/gen/prng.js';
import type { ClusterGenSpec } from '../../../src/gen/spec.js';
import { timestampText } from '../../../src/gen/quantity-text.js';
import { asObjs, byKind, cpuMillis, isDaemonSetPod, podView, quantity } from './kube-json.js';
import type { Obj } from './kube-json.js';

const SPECIAL_POOLS: ClusterGenSpec = {
  nodes: 30,
  pods: 700,
  pendingPods: 3,
  nodeTypes: [
    { instanceType: 'm5.xlarge', weight: 10 },
    { instanceType: 'm5.2xlarge', weight: 10 },
    { instanceType: 'c5.2xlarge', weight: 3, labels: { 'workload-class': 'batch' }, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] },
    { instanceType: 'g5.xlarge', weight: 2, labels: { accelerator: 'nvidia' }, taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }] },
  ],
  blockingPdbs: 2,
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function generate(spec: ClusterGenSpec, seed: number): Obj[] {
  return asObjs(generateClusterObjects(spec, new Prng(seed)));
}

function workloadPods(objs: readonly Obj[]): Obj[] {
  return byKind(objs, 'Pod').filter((p) => !isDaemonSetPod(p));
}

/** Every check that must hold for any generated cluster. */
function checkNoOvercommit(objs: readonly Obj[]): void {
  const used = new Map<string, { cpu: number; memory: number; pods: number; gpu: number }>();
  for (const p of byKind(objs, 'Pod')) {
    const v = podView(p);
    if (v.nodeName === null) continue;
    const u = used.get(v.nodeName) ?? { cpu: 0, memory: 0, pods: 0, gpu: 0 };
    u.cpu += cpuMillis(v.requests['cpu'] ?? '0');
    u.memory += quantity(v.requests['memory'] ?? '0');
    u.gpu += quantity(v.requests['nvidia.com/gpu'] ?? '0');
    u.pods += 1;
    used.set(v.nodeName, u);
  }
  const nodes = new Map(byKind(objs, 'Node').map((n) => [n.metadata.name, n]));
  expect(used.size).toBeGreaterThan(0);
  for (const [name, u] of used) {
    const node = nodes.get(name);
    expect(node, `pod bound to unknown node ${name}`).toBeDefined();
    const alloc = (node?.status as { allocatable: Record<string, string> }).allocatable;
    expect(u.cpu).toBeLessThanOrEqual(cpuMillis(alloc['cpu'] ?? '0'));
    expect(u.memory).toBeLessThanOrEqual(quantity(alloc['memory'] ?? '0'));
    expect(u.pods).toBeLessThanOrEqual(quantity(alloc['pods'] ?? '0'));
    expect(u.gpu).toBeLessThanOrEqual(quantity(alloc['nvidia.com/gpu'] ?? '0'));
  }
}

function checkOwnerChains(objs: readonly Obj[]): void {
  const byUid = new Map(objs.filter((o) => o.metadata.uid !== undefined).map((o) => [o.metadata.uid as string, o]));
  for (const o of objs) {
    for (const ref of o.metadata.ownerReferences ?? []) {
      const owner = byUid.get(ref.uid);
      expect(owner, `${o.kind} ${o.metadata.name}: owner ${ref.kind} ${ref.name} missing`).toBeDefined();
      expect(owner?.kind).toBe(ref.kind);
      expect(owner?.metadata.name).toBe(ref.name);
      expect(owner?.metadata.namespace).toBe(o.metadata.namespace);
      expect(ref.controller).toBe(true);
    }
  }
  for (const rs of byKind(objs, 'ReplicaSet')) expect(rs.metadata.ownerReferences?.[0]?.kind).toBe('Deployment');
}

describe('generateClusterObjects', () => {
  it('works with only nodes and pods given, and honours both counts', () => {
    const objs = generate({ nodes: 20, pods: 600 }, 1);
    expect(byKind(objs, 'Node')).toHaveLength(20);
    const pods = workloadPods(objs);
    expect(pods).toHaveLength(600);
    expect(pods.every((p) => podView(p).phase === 'Running' && podView(p).nodeName !== null)).toBe(true);
    // four DaemonSets by default, one pod each per node
    expect(byKind(objs, 'DaemonSet')).toHaveLength(4);
    expect(byKind(objs, 'Pod').filter(isDaemonSetPod)).toHaveLength(80);
    checkNoOvercommit(objs);
    checkOwnerChains(objs);
  });

  it('is deterministic: same spec and seed give byte-identical JSON; another seed differs', () => {
    const a = sha256(clusterListJson(generateClusterObjects(SPECIAL_POOLS, new Prng(5))));
    const b = sha256(clusterListJson(generateClusterObjects(SPECIAL_POOLS, new Prng(5))));
    const c = sha256(clusterListJson(generateClusterObjects(SPECIAL_POOLS, new Prng(6))));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('emits objects in kubectl order: kind, then namespace, then name', () => {
    const objs = generate(SPECIAL_POOLS, 2);
    const kinds = [...new Set(objs.map((o) => o.kind))];
    expect(kinds).toEqual([
      'Namespace',
      'StorageClass',
      'Node',
      'Pod',
      'PodDisruptionBudget',
      'DaemonSet',
      'ReplicaSet',
      'Deployment',
      'StatefulSet',
      'Job',
      'PersistentVolumeClaim',
      'PersistentVolume',
    ]);
    for (const kind of kinds) {
      const keys = byKind(objs, kind).map((o) => [o.metadata.namespace ?? '', o.metadata.name] as const);
      const sorted = [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
      expect(keys).toEqual(sorted);
    }
  });

  it('with dedicated pools: every mix kind appears, constraints hold, nothing is over-committed', () => {
    const objs = generate(SPECIAL_POOLS, 3);
    checkNoOvercommit(objs);
    checkOwnerChains(objs);
    const nodes = new Map(byKind(objs, 'Node').map((n) => [n.metadata.name, n]));
    const pods = workloadPods(objs).map(podView);
    expect(pods.filter((p) => p.phase === 'Running')).toHaveLength(700);
    const pending = pods.filter((p) => p.phase === 'Pending');
    expect(pending).toHaveLength(3);
    expect(pending.every((p) => p.nodeName === null)).toBe(true);

    // GPU pods: on GPU nodes, with the selector and toleration the GPU VNG needs.
    const gpu = pods.filter((p) => p.requests['nvidia.com/gpu'] === '1');
    expect(gpu.length).toBeGreaterThan(0);
    for (const p of gpu) {
      expect(p.nodeSelector).toEqual({ accelerator: 'nvidia' });
      expect(p.tolerations).toContainEqual({ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' });
      expect(nodes.get(p.nodeName ?? '')?.metadata.labels?.['node.kubernetes.io/instance-type']).toBe('g5.xlarge');
    }
    // Batch pods: on batch nodes only; no other pod on a tainted node.
    const batch = pods.filter((p) => p.nodeSelector['workload-class'] === 'batch');
    expect(batch.length).toBeGreaterThan(0);
    for (const p of batch) {
      expect(p.tolerations).toContainEqual({ effect: 'NoSchedule', key: 'dedicated', operator: 'Equal', value: 'batch' });
      expect(nodes.get(p.nodeName ?? '')?.metadata.labels?.['workload-class']).toBe('batch');
    }
    for (const p of pods) {
      if (p.nodeName === null || Object.keys(p.nodeSelector).length > 0) continue;
      expect((nodes.get(p.nodeName)?.spec as { taints?: unknown[] }).taints).toBeUndefined();
    }

    // Stand-alone pods have no owner.
    expect(pods.some((p) => p.obj.metadata.ownerReferences === undefined)).toBe(true);

    // Anti-affinity: one pod per node per workload. Zone spread: skew at most 1.
    const groups = new Map<string, { nodes: string[]; antiAffinity: boolean; spread: boolean }>();
    for (const p of pods) {
      if (p.nodeName === null) continue;
      const spec = p.obj.spec as { affinity?: { podAntiAffinity?: unknown }; topologySpreadConstraints?: unknown[] };
      const key = `${p.obj.metadata.namespace}/${p.obj.metadata.labels?.['app']}`;
      const g = groups.get(key) ?? { nodes: [], antiAffinity: spec.affinity?.podAntiAffinity !== undefined, spread: spec.topologySpreadConstraints !== undefined };
      g.nodes.push(p.nodeName);
      groups.set(key, g);
    }
    const anti = [...groups.values()].filter((g) => g.antiAffinity);
    const spread = [...groups.values()].filter((g) => g.spread);
    expect(anti.length).toBeGreaterThan(0);
    expect(spread.length).toBeGreaterThan(0);
    for (const g of anti) expect(new Set(g.nodes).size).toBe(g.nodes.length);
    for (const g of spread) {
      const perZone = new Map<string, number>([['us-east-1a', 0], ['us-east-1b', 0], ['us-east-1c', 0]]);
      for (const n of g.nodes) {
        const zone = nodes.get(n)?.metadata.labels?.['topology.kubernetes.io/zone'] ?? '';
        perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
      }
      expect(Math.max(...perZone.values()) - Math.min(...perZone.values())).toBeLessThanOrEqual(1);
    }

    // StatefulSet pods: <sts>-<ordinal>, each with a bound PVC whose PV is pinned to the pod's zone.
    const pvcs = new Map(byKind(objs, 'PersistentVolumeClaim').map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c]));
    const pvs = new Map(byKind(objs, 'PersistentVolume').map((v) => [v.metadata.name, v]));
    const stsPods = pods.filter((p) => p.obj.metadata.ownerReferences?.[0]?.kind === 'StatefulSet');
    expect(stsPods.length).toBeGreaterThan(0);
    for (const p of stsPods) {
      const owner = p.obj.metadata.ownerReferences?.[0]?.name ?? '';
      expect(p.obj.metadata.name).toMatch(new RegExp(`^${owner}-\\d+$`));
      const claim = pvcs.get(`${p.obj.metadata.namespace}/data-${p.obj.metadata.name}`);
      expect(claim).toBeDefined();
      const pv = pvs.get((claim?.spec as { volumeName: string }).volumeName);
      const zone = (pv?.spec as { nodeAffinity: { required: { nodeSelectorTerms: { matchExpressions: { key: string; values: string[] }[] }[] } } })
        .nodeAffinity.required.nodeSelectorTerms[0]?.matchExpressions[0];
      expect(zone?.key).toBe('topology.kubernetes.io/zone');
      expect(zone?.values).toEqual([nodes.get(p.nodeName ?? '')?.metadata.labels?.['topology.kubernetes.io/zone']]);
    }

    // Deployment pods are named <rs>-<5 chars>.
    for (const p of pods.filter((x) => x.obj.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet')) {
      const rs = p.obj.metadata.ownerReferences?.[0]?.name ?? '';
      expect(p.obj.metadata.name).toMatch(new RegExp(`^${rs}-[a-z0-9]{5}$`));
    }

    // PDBs: some blocking (maxUnavailable 0, no disruption allowed), some with percentages.
    const pdbs = byKind(objs, 'PodDisruptionBudget');
    const blocking = pdbs.filter((b) => (b.spec as { maxUnavailable?: unknown }).maxUnavailable === 0);
    expect(blocking).toHaveLength(2);
    for (const b of blocking) expect((b.status as { disruptionsAllowed: number }).disruptionsAllowed).toBe(0);
    expect(pdbs.some((b) => Object.values(b.spec ?? {}).some((v) => typeof v === 'string' && v.endsWith('%')))).toBe(true);

    // emptyDir and safe-to-evict are present.
    expect(pods.some((p) => JSON.stringify(p.obj.spec).includes('"emptyDir"'))).toBe(true);
    const notEvictable = pods.filter((p) => p.obj.metadata.annotations?.['cluster-autoscaler.kubernetes.io/safe-to-evict'] === 'false');
    expect(notEvictable.length).toBeGreaterThan(0);
    expect(new Set(notEvictable.map((p) => p.obj.metadata.ownerReferences?.[0]?.name)).size).toBe(1);
    expect(byKind(objs, 'Job').length).toBeGreaterThan(0);
  });

  it('builds EKS-like nodes: labels, providerID, Ready', () => {
    const objs = generate({ nodes: 6, pods: 60, zones: ['us-east-1a', 'us-east-1b'] }, 4);
    for (const n of byKind(objs, 'Node')) {
      const labels = n.metadata.labels ?? {};
      expect(n.metadata.name).toMatch(/^ip-10-\d+-\d+-\d+\.ec2\.internal$/);
      expect(labels['kubernetes.io/hostname']).toBe(n.metadata.name);
      expect(labels['node.kubernetes.io/instance-type']).toBe('m5.xlarge');
      expect(labels['beta.kubernetes.io/instance-type']).toBe('m5.xlarge');
      expect(labels['topology.kubernetes.io/region']).toBe('us-east-1');
      expect(['us-east-1a', 'us-east-1b']).toContain(labels['topology.kubernetes.io/zone']);
      expect(labels['failure-domain.beta.kubernetes.io/zone']).toBe(labels['topology.kubernetes.io/zone']);
      expect(labels['kubernetes.io/arch']).toBe('amd64');
      expect(labels['eks.amazonaws.com/nodegroup']).toBe('ng-m5-xlarge');
      const spec = n.spec as { providerID: string };
      expect(spec.providerID).toMatch(new RegExp(`^aws:///${labels['topology.kubernetes.io/zone']}/i-[0-9a-f]{17}$`));
      const status = n.status as { conditions: { type: string; status: string }[]; phase: string; allocatable: Record<string, string> };
      expect(status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(status.phase).toBe('Running');
      expect(status.allocatable).toMatchObject({ cpu: '3920m', memory: `${14162 * 1024}Ki`, pods: '58' });
    }
    const zones = byKind(objs, 'Node').map((n) => n.metadata.labels?.['topology.kubernetes.io/zone']);
    expect(zones.filter((z) => z === 'us-east-1a')).toHaveLength(3);
  });

  it('skips what cannot fit instead of over-committing, and stops', () => {
    const objs = generate({ nodes: 2, pods: 5000 }, 8);
    checkNoOvercommit(objs);
    const placed = workloadPods(objs).length;
    expect(placed).toBeGreaterThan(50);
    expect(placed).toBeLessThan(5000);
  });

  it('copes with an empty cluster', () => {
    const objs = generate({ nodes: 0, pods: 10 }, 1);
    expect(byKind(objs, 'Node')).toHaveLength(0);
    expect(byKind(objs, 'Pod')).toHaveLength(0);
  });

  it('rejects bad specs with a message naming the field', () => {
    expect(() => generateClusterObjects({ nodes: -1 }, new Prng(1))).toThrow(/nodes/);
    expect(() => generateClusterObjects({ nodeTypes: [{ instanceType: 'nope.large', weight: 1 }] }, new Prng(1))).toThrow(/nope\.large/);
    expect(() => generateClusterObjects({ pdbFraction: 2 }, new Prng(1))).toThrow(/pdbFraction/);
  });

  it('wraps objects in a v1 List, as JSON and as YAML that parse back to the same data', () => {
    const objs = generateClusterObjects({ nodes: 3, pods: 40, mix: { statefulSet: 100 } }, new Prng(12));
    expect(JSON.stringify(objs)).toContain('"pv.kubernetes.io/bind-completed":"yes"');
    const json = clusterListJson(objs);
    const yaml = clusterListYaml(objs);
    const fromJson = JSON.parse(json) as { apiVersion: string; kind: string; items: unknown[] };
    expect(fromJson.apiVersion).toBe('v1');
    expect(fromJson.kind).toBe('List');
    expect(fromJson.items).toEqual(JSON.parse(JSON.stringify(objs)));
    expect(parse(yaml)).toEqual(fromJson);
    expect(yaml).not.toMatch(/[&*]a\d/);
    // YAML 1.1 readers (Kubernetes' own) must not turn annotation values or timestamps into booleans or dates (js-yaml's
    // default schema reads unquoted timestamps as dates, so the toEqual above checks those; 1.1 booleans must be quoted).
    expect(yaml).toMatch(/pv\.kubernetes\.io\/bind-completed: "yes"/);
    expect(yaml).toMatch(/creationTimestamp: "\d{4}-/);
  });

  it(
    'generates 5,000 nodes and 150,000 pods',
    () => {
      const objs = asObjs(generateClusterObjects({ nodes: 5000, pods: 150_000 }, new Prng(2026)));
      expect(byKind(objs, 'Node')).toHaveLength(5000);
      expect(workloadPods(objs)).toHaveLength(150_000);
    },
    300_000,
  );
});

describe('node sizing and helpers', () => {
  it('kube-reserved CPU follows the EKS ranges', () => {
    expect(kubeReservedCpuMillicores(2)).toBe(70);
    expect(kubeReservedCpuMillicores(4)).toBe(80);
    expect(kubeReservedCpuMillicores(8)).toBe(90);
    expect(kubeReservedCpuMillicores(96)).toBe(310);
  });

  it('allocatable equals the published Karpenter figures for amd64 types', () => {
    const data = JSON.parse(readFileSync(new URL('../../../data/ec2-instance-types.json', import.meta.url), 'utf8')) as {
      instanceTypes: { name: string; architecture: string; karpenterDocsAllocatable: { cpuMillicores: number; memoryMiB: number; pods: number } | null }[];
    };
    for (const name of ['m5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.2xlarge', 'g5.xlarge', 'r6i.4xlarge', 'm7i.48xlarge']) {
      const row = data.instanceTypes.find((t) => t.name === name);
      const published = row?.karpenterDocsAllocatable;
      expect(published, name).toBeTruthy();
      const { allocatable } = nodeSizing(requireInstanceFacts(name), 20, 7.5);
      expect(allocatable.cpuMillicores, name).toBe(published?.cpuMillicores);
      expect(allocatable.memoryKi, name).toBe((published?.memoryMiB ?? 0) * 1024);
      expect(allocatable.pods, name).toBe(published?.pods);
    }
    expect(nodeSizing(requireInstanceFacts('m5.xlarge'), 20, 7.5).allocatable.ephemeralKi).toBe(Math.floor(20 * 1024 * 1024 * 0.9) - 1024 * 1024);
  });

  it('apportions node counts by weight, giving every positive weight at least one', () => {
    expect(apportion(14, [6, 6, 1, 1])).toEqual([6, 6, 1, 1]);
    expect(apportion(10, [1, 0, 1])).toEqual([5, 0, 5]);
    expect(apportion(3, [100, 1])).toEqual([2, 1]);
    expect(apportion(7, [1, 1, 1])).toEqual([3, 2, 2]);
  });

  it('formats timestamps as the API server does', () => {
    for (const iso of ['2026-01-15T12:00:00Z', '2024-02-29T23:59:59Z', '1999-12-31T00:00:01Z', '2025-03-01T00:00:00Z']) {
      expect(timestampText(Date.parse(iso) + 999)).toBe(iso);
    }
    // Any second from 1970 to 2100, against Date's own text (whole seconds: the API server's precision).
    const until = Date.parse('2100-01-01T00:00:00Z');
    for (let i = 0, ms = 0; i < 20_000; i++, ms = (ms + 86_400_000 * 2.37 + 4_321_987) % until) {
      expect(timestampText(ms)).toBe(new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z'));
    }
  });
});
