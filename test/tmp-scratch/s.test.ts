import { it, expect } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { parseClusterObjects } from '../../src/model/kube/index.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import { buildPlan } from '../../src/planner/plan.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import { deploymentObjects, kubeList, launchSpecsText, nodeObject } from '../helpers/kube-objects.js';

it('hostname spread', () => {
  const catalog = loadCatalog();
  const objs = [
    nodeObject(catalog, { name: 'old-1', instanceType: 'm5.large', zone: 'us-east-1a', index: 1 }),
    ...deploymentObjects({ namespace: 'default', name: 'web', index: 1, replicaNodes: ['old-1', 'old-1'], template: {
      labels: { app: 'web' }, cpuMilli: 100, memoryMi: 128,
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
    } }),
    ...deploymentObjects({ namespace: 'default', name: 'solo', index: 2, replicaNodes: ['old-1', 'old-1'], template: {
      labels: { app: 'solo' }, cpuMilli: 100, memoryMi: 128,
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'solo' } } }] } },
    } }),
  ];
  const cluster = parseClusterObjects([kubeList(objs)], 'c');
  const { vngs } = parseVngText(launchSpecsText([{ name: 'g', instanceTypes: ['m5.large'], zones: ['us-east-1a'] }]), 'v', catalog);
  const plan = buildPlan({ cluster, vngs, catalog, params: DEFAULT_PARAMS });
  console.log(JSON.stringify(plan.pods.map((p) => [p.name, p.placement?.node, p.summary])));
  expect(plan.feasible).toBe(true);
});
