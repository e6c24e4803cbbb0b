/**
 * The cluster of test/e2e/planner-vs-scheduler.test.ts, as kubectl would print it: old nodes, Deployments with their
 * ReplicaSets and pods bound to the old nodes, and two Ocean VNGs (a general one of m5 types and a tainted batch one of c5
 * types). Most pods fit the VNGs; four do not, each for a reason kube-scheduler words differently:
 *
 * | pod           | what it asks                                             | expected reasons (per VNG node type, the planner's words)  |
 * |---------------|----------------------------------------------------------|------------------------------------------------------------|
 * | gpu-trainer   | nvidia.com/gpu: 1, no toleration                         | Insufficient nvidia.com/gpu (m5), untolerated taint (c5)   |
 * | nvme-db       | nodeSelector disktype=nvme, tolerates the batch taint    | node(s) didn't match Pod's node affinity/selector (all)    |
 * | batch-report  | nodeSelector workload=batch, no toleration               | didn't match (m5), untolerated taint {dedicated: batch} (c5) |
 * | render        | 12 CPUs (more than any VNG type has), tolerates batch    | Insufficient cpu (all)                                     |
 *
 * The misfits ask for little of anything else (no CPU for the GPU pod, 100m otherwise, small memory), so that on nodes the
 * other pods fill, kube-scheduler's NodeResourcesFit names the same resource and not also the one the fillers used up.
 */
import type { V1PodSpec, V1Toleration } from '@kubernetes/client-node';
import { nodeObject, REGION, uid, type KObj, type NodeObjectInput } from '../../helpers/kube-objects.js';
import type { Catalog } from '../../../src/catalog/catalog.js';

export const NS_SHOP = 'shop';
export const NS_BATCH = 'batch';

export const BATCH_TAINT = { key: 'dedicated', value: 'batch', effect: 'NoSchedule' } as const;
const TOLERATE_BATCH: V1Toleration = { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' };

export const VNGS_JSON = JSON.stringify({
  launchSpecs: [
    {
      id: 'ols-0000e2e1',
      name: 'general',
      instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge'],
      subnetIds: ['subnet-e2e-a', 'subnet-e2e-b'],
      labels: [{ key: 'pool', value: 'general' }],
      taints: [],
      resourceLimits: { minInstanceCount: 0, maxInstanceCount: 30 },
    },
    {
      id: 'ols-0000e2e2',
      name: 'batch',
      instanceTypes: ['c5.xlarge', 'c5.2xlarge'],
      subnetIds: ['subnet-e2e-a', 'subnet-e2e-b'],
      labels: [{ key: 'workload', value: 'batch' }],
      taints: [BATCH_TAINT],
      resourceLimits: { minInstanceCount: 0, maxInstanceCount: 10 },
    },
  ],
  subnetZones: { 'subnet-e2e-a': `${REGION}a`, 'subnet-e2e-b': `${REGION}b` },
});

/**
 * Why a pod must fit nowhere: the set of reason phrases the planner must give (kube-scheduler v1.34+ words the taint one
 * "node(s) had untolerated taint(s)", without the taint; the test maps one to the other).
 */
export const EXPECTED_MISFITS: Readonly<Record<string, readonly string[]>> = {
  'gpu-trainer': ['Insufficient nvidia.com/gpu', 'node(s) had untolerated taint {dedicated: batch}'],
  'nvme-db': ["node(s) didn't match Pod's node affinity/selector"],
  'batch-report': ["node(s) didn't match Pod's node affinity/selector", 'node(s) had untolerated taint {dedicated: batch}'],
  render: ['Insufficient cpu'],
};

export interface Workload {
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  /** Container requests (limits equal for extended resources). */
  readonly requests: Readonly<Record<string, string>>;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly V1Toleration[];
  /** Required anti-affinity to its own replicas per hostname. */
  readonly hostAntiAffinity?: boolean;
  /** Old nodes its replicas run on today, round robin. */
  readonly oldNodes: readonly string[];
}

export type OldNode = Omit<NodeObjectInput, 'index'>;

export interface WorldSpec {
  readonly oldNodes: readonly OldNode[];
  readonly workloads: readonly Workload[];
}

const OLD_GENERAL = ['old-m5-1', 'old-m5-2', 'old-m5-3', 'old-m5-4', 'old-m5-5', 'old-m5-6'];

const WORKLOADS: readonly Workload[] = [
  { namespace: NS_SHOP, name: 'web', replicas: 10, requests: { cpu: '500m', memory: '512Mi' }, oldNodes: OLD_GENERAL },
  {
    namespace: NS_SHOP,
    name: 'api',
    replicas: 6,
    requests: { cpu: '1', memory: '1Gi' },
    hostAntiAffinity: true,
    oldNodes: OLD_GENERAL,
  },
  {
    namespace: NS_SHOP,
    name: 'cache',
    replicas: 2,
    requests: { cpu: '2500m', memory: '2Gi' },
    hostAntiAffinity: true,
    oldNodes: ['old-m5-1', 'old-m5-4'],
  },
  {
    namespace: NS_BATCH,
    name: 'worker',
    replicas: 4,
    requests: { cpu: '1500m', memory: '1Gi' },
    nodeSelector: { workload: 'batch' },
    tolerations: [TOLERATE_BATCH],
    oldNodes: ['old-c5-1', 'old-c5-2'],
  },
  // The misfits.
  {
    namespace: NS_BATCH,
    name: 'gpu-trainer',
    replicas: 1,
    requests: { memory: '512Mi', 'nvidia.com/gpu': '1' },
    oldNodes: ['old-g4dn-1'],
  },
  {
    namespace: NS_SHOP,
    name: 'nvme-db',
    replicas: 1,
    requests: { cpu: '100m', memory: '256Mi' },
    nodeSelector: { disktype: 'nvme' },
    tolerations: [TOLERATE_BATCH],
    oldNodes: ['old-i3-1'],
  },
  {
    namespace: NS_BATCH,
    name: 'batch-report',
    replicas: 1,
    requests: { cpu: '100m', memory: '256Mi' },
    nodeSelector: { workload: 'batch' },
    oldNodes: ['old-c5-1'],
  },
  {
    namespace: NS_BATCH,
    name: 'render',
    replicas: 1,
    requests: { cpu: '12', memory: '1Gi' },
    tolerations: [TOLERATE_BATCH],
    oldNodes: ['old-c5-big-1'],
  },
];

/** The pod spec a workload's replicas share (no nodeName): what the test creates on the control plane. */
export function podSpecOf(w: Workload): V1PodSpec {
  const extended = Object.fromEntries(Object.entries(w.requests).filter(([k]) => k !== 'cpu' && k !== 'memory'));
  return {
    containers: [
      {
        name: 'main',
        image: `registry.invalid/${w.name}:1`,
        resources: { requests: { ...w.requests }, ...(Object.keys(extended).length > 0 ? { limits: extended } : {}) },
      },
    ],
    ...(w.nodeSelector ? { nodeSelector: { ...w.nodeSelector } } : {}),
    ...(w.tolerations ? { tolerations: [...w.tolerations] } : {}),
    ...(w.hostAntiAffinity
      ? {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: w.name } }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
        }
      : {}),
  };
}

export interface WorldPod {
  readonly namespace: string;
  readonly name: string;
  readonly app: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: V1PodSpec;
}

export interface World {
  /** kubectl-style objects: the planner's cluster input. */
  readonly objects: KObj[];
  /** Every pod of the input by namespace/name, with the spec to create it again unbound. */
  readonly pods: ReadonlyMap<string, WorldPod>;
}

/** The cluster with pods that cannot fit (the table above), against VNGS_JSON. */
export const MISFITS_WORLD: WorldSpec = {
  oldNodes: [
    ...OLD_GENERAL.map((name, i) => ({ name, instanceType: 'm5.xlarge', zone: `${REGION}${i % 2 === 0 ? 'a' : 'b'}` })),
    { name: 'old-c5-1', instanceType: 'c5.2xlarge', zone: `${REGION}a`, labels: { workload: 'batch' } },
    { name: 'old-c5-2', instanceType: 'c5.2xlarge', zone: `${REGION}b`, labels: { workload: 'batch' } },
    { name: 'old-g4dn-1', instanceType: 'g4dn.xlarge', zone: `${REGION}a`, labels: { accelerator: 'nvidia' } },
    { name: 'old-i3-1', instanceType: 'i3.large', zone: `${REGION}b`, labels: { disktype: 'nvme' } },
    { name: 'old-c5-big-1', instanceType: 'c5.4xlarge', zone: `${REGION}a` },
  ],
  workloads: WORKLOADS,
};

/**
 * Every pod fits, and tightly: the planner packs 6 x 1100m and 3 x 900m (9300m) first-fit decreasing into an m5.2xlarge
 * (7910m allocatable: 6 x 1100m + 900m) and an m5.large (1930m: 2 x 900m). Against GENERAL_ONLY_VNGS_JSON.
 */
export const TIGHT_WORLD: WorldSpec = {
  oldNodes: [{ name: 'old-m5-big-1', instanceType: 'm5.4xlarge', zone: `${REGION}a` }],
  workloads: [
    { namespace: NS_SHOP, name: 'queue', replicas: 6, requests: { cpu: '1100m', memory: '256Mi' }, oldNodes: ['old-m5-big-1'] },
    { namespace: NS_SHOP, name: 'indexer', replicas: 3, requests: { cpu: '900m', memory: '256Mi' }, oldNodes: ['old-m5-big-1'] },
  ],
};

export const GENERAL_ONLY_VNGS_JSON = JSON.stringify({
  launchSpecs: [
    {
      id: 'ols-0000e2e3',
      name: 'general',
      instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge'],
      subnetIds: ['subnet-e2e-a'],
      labels: [{ key: 'pool', value: 'general' }],
      taints: [],
    },
  ],
  subnetZones: { 'subnet-e2e-a': `${REGION}a` },
});

export function buildWorld(catalog: Catalog, spec: WorldSpec): World {
  const objects: KObj[] = spec.oldNodes.map((n, index) => nodeObject(catalog, { ...n, index }));
  const pods = new Map<string, WorldPod>();
  spec.workloads.forEach((w, index) => {
    const depUid = uid(2_100_000 + index);
    const rsUid = uid(3_100_000 + index);
    const hash = '5c8d7f9b4';
    const rsName = `${w.name}-${hash}`;
    const labels = { app: w.name, 'pod-template-hash': hash };
    const spec = podSpecOf(w);
    objects.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: w.name, namespace: w.namespace, uid: depUid, labels: { app: w.name } },
        spec: { replicas: w.replicas, selector: { matchLabels: { app: w.name } } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace: w.namespace,
          uid: rsUid,
          labels,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: w.name, uid: depUid, controller: true }],
        },
        spec: { replicas: w.replicas },
      },
    );
    for (let r = 0; r < w.replicas; r++) {
      const name = `${rsName}-${String.fromCharCode(97 + r)}${r}x7q`;
      const nodeName = w.oldNodes[r % w.oldNodes.length] ?? '';
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: w.namespace,
          uid: uid(4_100_000 + index * 1000 + r),
          labels,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid, controller: true }],
        },
        spec: { ...spec, nodeName },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
      pods.set(`${w.namespace}/${name}`, { namespace: w.namespace, name, app: w.name, labels, spec });
    }
  });
  return { objects, pods };
}
