/**
 * The plan's new nodes as a VNG would launch them: max pods (and its source), ephemeral storage from the root volume, and
 * what the cost line says about the region of the prices.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { parseClusterObjects } from '../../../src/model/kube/index.js';
import { parseParams } from '../../../src/model/params.js';
import type { Cluster, Vng } from '../../../src/model/types.js';
import { parseVngText } from '../../../src/model/vng/parse-vngs.js';
import { buildPlan, type Plan } from '../../../src/planner/plan.js';
import { renderPlanMarkdown } from '../../../src/report/markdown.js';
import { renderPlanText } from '../../../src/report/text.js';
import { deploymentObjects, kubeList, nodeObject, type KObj } from '../../helpers/kube-objects.js';
import { checkPlacements } from '../../helpers/placement-checker.js';

const catalog = loadCatalog();
const params = parseParams({ nodes: 'vngshift.io/migrate=true' }, 'test');

interface OldNode {
  readonly name: string;
  readonly instanceType: string;
  /** Overrides of what the node reports (allocatable and capacity). */
  readonly pods?: number;
  readonly ephemeralGi?: number;
  readonly region?: string;
}

/** Old nodes (all migrating) and one Deployment of `replicas` pods spread over them, each asking `requests`. */
function cluster(nodes: readonly OldNode[], replicas: number, requests: Record<string, string>): Cluster {
  const objects: KObj[] = nodes.map((n, i) => {
    const region = n.region ?? 'us-east-1';
    const obj = nodeObject(catalog, { name: n.name, instanceType: n.instanceType, zone: `${region}a`, index: i, labels: { 'vngshift.io/migrate': 'true' } });
    const meta = obj['metadata'] as { labels: Record<string, string> };
    meta.labels['topology.kubernetes.io/region'] = region;
    const status = obj['status'] as Record<string, Record<string, string>>;
    for (const list of ['capacity', 'allocatable']) {
      const l = status[list] as Record<string, string>;
      if (n.pods !== undefined) l['pods'] = String(n.pods);
      if (n.ephemeralGi !== undefined) l['ephemeral-storage'] = `${n.ephemeralGi}Gi`;
    }
    return obj;
  });
  const names = nodes.map((n) => n.name);
  const dep = deploymentObjects({
    namespace: 'shop',
    name: 'web',
    index: 1,
    template: { labels: { app: 'web' }, cpuMilli: 10, memoryMi: 16 },
    replicaNodes: Array.from({ length: replicas }, (_, i) => names[i % names.length] ?? null),
  });
  for (const o of dep) {
    if (o['kind'] !== 'Pod') continue;
    const spec = o['spec'] as { containers: { resources: { requests: Record<string, string> } }[] };
    for (const c of spec.containers) c.resources.requests = { ...c.resources.requests, ...requests };
  }
  return parseClusterObjects([kubeList([...objects, ...dep])], 'cluster.json');
}

function vngs(spec: Record<string, unknown>): Vng[] {
  return parseVngText(JSON.stringify([{ name: 'general', instanceTypes: ['m5.large'], ...spec }]), 'vngs.json', catalog).vngs;
}

function plan(c: Cluster, v: Vng[], maxPods?: number): Plan {
  return buildPlan({ cluster: c, vngs: v, catalog, params, ...(maxPods !== undefined ? { allocatable: { maxPods } } : {}) });
}

describe('ephemeral storage of new nodes (NodeResourcesFit)', () => {
  const old = [{ name: 'old-1', instanceType: 'm5.large', ephemeralGi: 200 }];

  it('a pod asking 30Gi fits no node of a 20 GiB VNG, whatever old nodes of the type report: "Insufficient ephemeral-storage"', () => {
    const p = plan(cluster(old, 1, { 'ephemeral-storage': '30Gi' }), vngs({ rootVolumeSize: 20 }));
    expect(p.feasible).toBe(false);
    const pod = p.pods[0];
    expect(pod?.placement).toBeNull();
    expect(pod?.summary).toMatch(/Insufficient ephemeral-storage/);
    expect(pod?.reasons.map((r) => r.plugin)).toContain('NodeResourcesFit');
  });

  it('the same pod fits a 50 GiB VNG (44Gi allocatable after 1Gi kube-reserved and 10% nodefs.available)', () => {
    const p = plan(cluster(old, 1, { 'ephemeral-storage': '30Gi' }), vngs({ rootVolumeSize: 50 }));
    expect(p.feasible).toBe(true);
    expect(p.newNodes[0]).toMatchObject({ rootVolumeSizeGiB: 50, ephemeralStorageAllocatableBytes: 44 * 1024 ** 3 });
  });

  it("a VNG without rootVolumeSize takes the Ocean cluster's root volume from the VNG file", () => {
    const text = JSON.stringify({ cluster: { compute: { launchSpecification: { rootVolumeSize: 60 } } }, launchSpecs: [{ name: 'general', instanceTypes: ['m5.large'] }] });
    const p = plan(cluster(old, 1, { 'ephemeral-storage': '30Gi' }), parseVngText(text, 'vngs.json', catalog).vngs);
    expect(p.feasible).toBe(true);
    expect(p.newNodes[0]?.rootVolumeSizeGiB).toBe(60);
  });
});

describe('max pods of new nodes', () => {
  // 60 small pods; an m5.large holds 29 pods by its ENIs, 110 with prefix delegation.
  const prefixDelegation = [
    { name: 'old-1', instanceType: 'm5.xlarge', pods: 110 },
    { name: 'old-2', instanceType: 'm5.xlarge', pods: 110 },
  ];

  it('new m5.large nodes run 110 pods when old m5.xlarge nodes report 110 (prefix delegation is cluster-wide), and the report says so', () => {
    const p = plan(cluster(prefixDelegation, 60, {}), vngs({}));
    expect(p.feasible).toBe(true);
    expect(p.nodes).toEqual([expect.objectContaining({ instanceType: 'm5.large', count: 1, maxPods: 110, maxPodsSource: 'observed-family' })]);
    expect(p.newNodes[0]).toMatchObject({ maxPods: 110, maxPodsSource: 'observed-family', pods: 60 });
    expect(renderPlanText(p)).toContain('Max pods per new node: 110 on m5.large (as old nodes of the family report)');
    expect(renderPlanMarkdown(p)).toContain('Max pods per new node: 110 on m5.large');
    // The independent checker, with its own copy of the rules, finds the 60 pods within the node's pod count.
    expect(checkPlacements({ cluster: cluster(prefixDelegation, 60, {}), vngs: vngs({}), catalog, plan: p })).toEqual([]);
    // And it would catch the node if its max pods were the ENI value.
    const own = prefixDelegation.map((n) => ({ name: n.name, instanceType: n.instanceType }));
    expect(checkPlacements({ cluster: cluster(own, 60, {}), vngs: vngs({}), catalog, plan: p }).length).toBeGreaterThan(0);
  });

  it('without such nodes the EKS ENI value (29 on an m5.large) needs three nodes for the same pods', () => {
    const own = prefixDelegation.map((n) => ({ name: n.name, instanceType: n.instanceType }));
    const p = plan(cluster(own, 60, {}), vngs({}));
    expect(p.nodes).toEqual([expect.objectContaining({ instanceType: 'm5.large', count: 3, maxPods: 29, maxPodsSource: 'eni-formula' })]);
  });

  it("the VNG's maxPods wins over the old nodes, and --max-pods over both", () => {
    const c = cluster(prefixDelegation, 60, {});
    const byVng = plan(c, vngs({ maxPods: 58 }));
    expect(byVng.nodes).toEqual([expect.objectContaining({ count: 2, maxPods: 58, maxPodsSource: 'vng' })]);
    const byFlag = plan(c, vngs({ maxPods: 58 }), 20);
    expect(byFlag.nodes).toEqual([expect.objectContaining({ count: 3, maxPods: 20, maxPodsSource: 'flag' })]);
    expect(byFlag.allocatable).toEqual({ maxPods: 20 });
  });
});

describe('the region of the prices', () => {
  it('says the prices are us-east-1 list prices when the nodes run in another region', () => {
    const p = plan(cluster([{ name: 'old-1', instanceType: 'm5.large', region: 'eu-west-1' }], 2, {}), vngs({}));
    expect(p.cost).toMatchObject({ priceRegion: 'us-east-1', clusterRegion: 'eu-west-1' });
    expect(p.cost.priceNote).toMatch(/eu-west-1/);
    expect(renderPlanText(p)).toMatch(/Cost: .*us-east-1 on-demand prices, nodes in eu-west-1: an estimate/);
    expect(renderPlanMarkdown(p)).toMatch(/us-east-1 on-demand prices, nodes in eu-west-1: an estimate/);
  });

  it('adds no note when the nodes run in us-east-1', () => {
    const p = plan(cluster([{ name: 'old-1', instanceType: 'm5.large' }], 2, {}), vngs({}));
    expect(p.cost).toMatchObject({ priceRegion: 'us-east-1', clusterRegion: 'us-east-1' });
    expect(p.cost.priceNote).toBeUndefined();
    expect(renderPlanText(p)).toMatch(/Cost: .*; on-demand prices\)/);
  });
});
