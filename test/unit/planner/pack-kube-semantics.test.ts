/**
 * The packer (buildPlan) on small clusters, for kube-scheduler semantics that only show across nodes: DaemonSet overhead
 * on new nodes, and topology spread counting pods on nodes that stay.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { parseClusterObjects } from '../../../src/model/kube/cluster.js';
import { DEFAULT_PARAMS, type MigrationParams } from '../../../src/model/params.js';
import { parseVngText } from '../../../src/model/vng/parse-vngs.js';
import { buildPlan, type Plan } from '../../../src/planner/plan.js';
import { daemonSetObjects, deploymentObjects, launchSpecsText, nodeObject, REGION, type KObj } from '../../helpers/kube-objects.js';

const catalog = loadCatalog();
const A = `${REGION}a`;
const B = `${REGION}b`;

function plan(objects: KObj[], vngs: string, params: Partial<MigrationParams> = {}): Plan {
  const cluster = parseClusterObjects(objects, 'cluster');
  return buildPlan({ cluster, vngs: parseVngText(vngs, 'vngs', catalog).vngs, catalog, params: { ...DEFAULT_PARAMS, ...params } });
}

describe('DaemonSets on new nodes', () => {
  it('two DaemonSets with identical pod templates each put a pod on every new node, and both are charged', () => {
    const agent = { labels: { app: 'agent' }, cpuMilli: 200, memoryMi: 256 };
    const objects = [
      nodeObject(catalog, { name: 'old-1', instanceType: 'm5.xlarge', zone: A, index: 0 }),
      ...deploymentObjects({ namespace: 'shop', name: 'web', index: 0, template: { labels: { app: 'web' }, cpuMilli: 500, memoryMi: 512 }, replicaNodes: ['old-1'] }),
      ...daemonSetObjects({ namespace: 'ops', name: 'agent-a', index: 0, template: agent, nodes: ['old-1'] }),
      ...daemonSetObjects({ namespace: 'ops', name: 'agent-b', index: 1, template: agent, nodes: ['old-1'] }),
    ];
    const p = plan(objects, launchSpecsText([{ name: 'general', instanceTypes: ['m5.large'], zones: [A] }]));
    expect(p.newNodes).toHaveLength(1);
    const node = p.newNodes[0];
    expect(node?.daemonSets).toEqual(['ops/agent-a', 'ops/agent-b']);
    expect(node?.cpuRequestedMilli).toBe(500 + 2 * 200);
    expect(node?.memoryRequestedBytes).toBe((512 + 2 * 256) * 1024 ** 2);
  });
});

describe('Topology spread against pods on nodes that stay', () => {
  // Three web pods stay on a legacy node in zone a; two web pods that must run on pool=general move. With the default
  // nodeAffinityPolicy Honor, kube-scheduler does not count the legacy node's pods (it fails their nodeSelector): zones a
  // and b both count 0, so the two pods go one per zone. Counting them would push both into zone b.
  const spreadZone = { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } };
  const world = (constraint: KObj): KObj[] => [
    nodeObject(catalog, { name: 'legacy-1', instanceType: 'm5.xlarge', zone: A, labels: { pool: 'legacy' }, index: 0 }),
    nodeObject(catalog, { name: 'old-1', instanceType: 'm5.xlarge', zone: A, labels: { pool: 'old' }, index: 1 }),
    ...deploymentObjects({ namespace: 'shop', name: 'web-legacy', index: 0, template: { labels: { app: 'web' }, cpuMilli: 100, memoryMi: 128 }, replicaNodes: ['legacy-1', 'legacy-1', 'legacy-1'] }),
    ...deploymentObjects({
      namespace: 'shop',
      name: 'web',
      index: 1,
      template: { labels: { app: 'web' }, cpuMilli: 300, memoryMi: 256, nodeSelector: { pool: 'general' }, topologySpreadConstraints: [constraint] },
      replicaNodes: ['old-1', 'old-1'],
    }),
  ];
  const vngs = launchSpecsText([{ name: 'general', instanceTypes: ['m5.large'], zones: [A, B], labels: { pool: 'general' } }]);
  const zonesOf = (p: Plan): string[] => p.pods.filter((x) => x.name.startsWith('web-')).map((x) => x.placement?.zone ?? '-').sort();

  it('nodeAffinityPolicy Honor (default): pods on a staying node the pod cannot use do not count, so one pod per zone', () => {
    const p = plan(world(spreadZone), vngs, { nodes: { kind: 'nodeNames', names: ['old-1'] } });
    expect(zonesOf(p)).toEqual([A, B]);
  });
  it('nodeAffinityPolicy Ignore: they count, so both pods go to the other zone', () => {
    const p = plan(world({ ...spreadZone, nodeAffinityPolicy: 'Ignore' }), vngs, { nodes: { kind: 'nodeNames', names: ['old-1'] } });
    expect(zonesOf(p)).toEqual([B, B]);
  });
});

describe('Topology spread and a cordoned node that stays', () => {
  // keep-c (pool=general, zone c) is cordoned: it takes no pod, but kube-scheduler still sees it. With the default
  // nodeTaintsPolicy Ignore zone c is a domain holding 0 pods of the group, so only one pod per zone a and b fits; with
  // Honor its node.kubernetes.io/unschedulable taint (not tolerated) leaves zone c out and the third pod fits.
  const C = `${REGION}c`;
  const world = (policy: 'Honor' | 'Ignore'): KObj[] => {
    const cordoned = nodeObject(catalog, { name: 'keep-c', instanceType: 'm5.large', zone: C, labels: { pool: 'general' }, index: 0 });
    cordoned['spec'] = { ...(cordoned['spec'] as KObj), unschedulable: true };
    const constraint = {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { app: 'web' } },
      nodeTaintsPolicy: policy,
    };
    return [
      cordoned,
      nodeObject(catalog, { name: 'old-1', instanceType: 'm5.xlarge', zone: A, labels: { pool: 'old' }, index: 1 }),
      ...deploymentObjects({
        namespace: 'shop',
        name: 'web',
        index: 0,
        template: { labels: { app: 'web' }, cpuMilli: 300, memoryMi: 256, nodeSelector: { pool: 'general' }, topologySpreadConstraints: [constraint] },
        replicaNodes: ['old-1', 'old-1', 'old-1'],
      }),
    ];
  };
  const vngs = launchSpecsText([{ name: 'general', instanceTypes: ['m5.large'], zones: [A, B], labels: { pool: 'general' } }]);
  const placed = (p: Plan): number => p.pods.filter((x) => x.placement !== null).length;

  it('nodeTaintsPolicy Ignore (default): the cordoned node\'s zone is an empty domain, so the third pod fits nowhere', () => {
    expect(placed(plan(world('Ignore'), vngs, { nodes: { kind: 'nodeNames', names: ['old-1'] } }))).toBe(2);
  });
  it('nodeTaintsPolicy Honor: its unschedulable taint leaves the zone out, so all three pods fit', () => {
    expect(placed(plan(world('Honor'), vngs, { nodes: { kind: 'nodeNames', names: ['old-1'] } }))).toBe(3);
  });
});
