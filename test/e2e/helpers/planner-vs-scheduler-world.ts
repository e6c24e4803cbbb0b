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
import type { V1Affinity, V1PodSpec, V1Toleration, V1TopologySpreadConstraint } from '@kubernetes/client-node';
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
  /** The pods' labels besides pod-template-hash (default: app=<name>); the Deployment selects them. */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly affinity?: V1Affinity;
  readonly topologySpreadConstraints?: readonly V1TopologySpreadConstraint[];
  /** A PersistentVolumeClaim (of the world's `volumes`) mounted as volume "data". */
  readonly claim?: string;
  /** The pods' annotations (e.g. karpenter.sh/do-not-disrupt). */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** A TCP host port its container asks for (at most one such pod per node). */
  readonly hostPort?: number;
}

/**
 * `stays`: a node that is not migrated (not in the plan's node selection); its pods stay, bound, in the replay too.
 * `pods` and `ephemeralStorage` (a quantity) replace what the node reports (capacity and allocatable) for those two
 * resources: a kubelet with another maxPods (VPC CNI prefix delegation), a bigger root volume than the VNG gives.
 */
export type OldNode = Omit<NodeObjectInput, 'index'> & {
  readonly stays?: boolean;
  readonly pods?: number;
  readonly ephemeralStorage?: string;
};

/** A DaemonSet: a pod on every node (no selector, no toleration), created on the control plane before the moving pods. */
export interface DaemonSetSpec {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly requests: Readonly<Record<string, string>>;
}

/** A claim bound to a local PersistentVolume whose node affinity wants `zone`. */
export interface BoundVolume {
  readonly namespace: string;
  readonly claim: string;
  readonly pv: string;
  readonly zone: string;
}

export interface WorldSpec {
  readonly oldNodes: readonly OldNode[];
  readonly workloads: readonly Workload[];
  readonly daemonSets?: readonly DaemonSetSpec[];
  readonly volumes?: readonly BoundVolume[];
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
        ...(w.hostPort !== undefined ? { ports: [{ containerPort: w.hostPort, hostPort: w.hostPort, protocol: 'TCP' }] } : {}),
      },
    ],
    ...(w.nodeSelector ? { nodeSelector: { ...w.nodeSelector } } : {}),
    ...(w.tolerations ? { tolerations: [...w.tolerations] } : {}),
    ...(w.topologySpreadConstraints ? { topologySpreadConstraints: [...w.topologySpreadConstraints] } : {}),
    ...(w.claim !== undefined ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: w.claim } }] } : {}),
    ...(w.affinity ? { affinity: w.affinity } : {}),
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
  /** Nodes that stay (not migrated), and the pods on them by namespace/name with their node. */
  readonly stayingNodes: readonly string[];
  readonly stayingPods: ReadonlyMap<string, string>;
  readonly spec: WorldSpec;
}

/** The pod template of a DaemonSet spec. */
export function daemonPodSpec(d: DaemonSetSpec): V1PodSpec {
  return { containers: [{ name: 'main', image: `registry.invalid/${d.name}:1`, resources: { requests: { ...d.requests } } }] };
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

export function buildWorld(catalog: Catalog, worldSpec: WorldSpec): World {
  const objects: KObj[] = worldSpec.oldNodes.map(({ stays: _stays, pods, ephemeralStorage, ...n }, index) => {
    const node = nodeObject(catalog, { ...n, index });
    const status = node['status'] as { capacity: Record<string, string>; allocatable: Record<string, string> };
    for (const list of [status.capacity, status.allocatable]) {
      if (pods !== undefined) list['pods'] = String(pods);
      if (ephemeralStorage !== undefined) list['ephemeral-storage'] = ephemeralStorage;
    }
    return node;
  });
  const stayingNodes = worldSpec.oldNodes.filter((n) => n.stays === true).map((n) => n.name);
  const stayingPods = new Map<string, string>();
  const pods = new Map<string, WorldPod>();
  worldSpec.workloads.forEach((w, index) => {
    const depUid = uid(2_100_000 + index);
    const rsUid = uid(3_100_000 + index);
    const hash = '5c8d7f9b4';
    const rsName = `${w.name}-${hash}`;
    const selectorLabels = w.podLabels ?? { app: w.name };
    const labels = { ...selectorLabels, 'pod-template-hash': hash };
    const spec = podSpecOf(w);
    objects.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: w.name, namespace: w.namespace, uid: depUid, labels: { ...selectorLabels } },
        spec: { replicas: w.replicas, selector: { matchLabels: { ...selectorLabels } } },
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
      const name = `${rsName}-${String.fromCharCode(97 + (r % 26))}${r}x7q`;
      const nodeName = w.oldNodes[r % w.oldNodes.length] ?? '';
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: w.namespace,
          uid: uid(4_100_000 + index * 1000 + r),
          labels,
          ...(w.podAnnotations ? { annotations: { ...w.podAnnotations } } : {}),
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid, controller: true }],
        },
        spec: { ...spec, nodeName },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
      pods.set(`${w.namespace}/${name}`, { namespace: w.namespace, name, app: w.name, labels, spec });
      if (stayingNodes.includes(nodeName)) stayingPods.set(`${w.namespace}/${name}`, nodeName);
    }
  });
  (worldSpec.daemonSets ?? []).forEach((d, index) => {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: d.name, namespace: d.namespace, uid: uid(5_100_000 + index) },
      spec: { selector: { matchLabels: { ...d.labels } }, template: { metadata: { labels: { ...d.labels } }, spec: daemonPodSpec(d) } },
    });
  });
  (worldSpec.volumes ?? []).forEach((v, index) => {
    objects.push(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: v.claim, namespace: v.namespace, uid: uid(8_100_000 + index) },
        spec: { volumeName: v.pv, storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        status: { phase: 'Bound' },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: v.pv, uid: uid(9_100_000 + index) },
        spec: pvSpec(v, v.namespace),
      },
    );
  });
  return { objects, pods, stayingNodes, stayingPods, spec: worldSpec };
}

/** A local PersistentVolume pinned (by required node affinity) to the volume's zone, bound to its claim in `namespace`. */
export function pvSpec(v: BoundVolume, namespace: string): Record<string, unknown> {
  return {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: '',
    local: { path: `/mnt/${v.pv}` },
    claimRef: { namespace, name: v.claim },
    nodeAffinity: {
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [v.zone] }] }] },
    },
  };
}

/** One VNG of m5.large nodes labelled pool=general, in zones a and b: each new node holds one 1200m pod. */
export const GENERAL_AB_VNGS_JSON = JSON.stringify({
  launchSpecs: [
    {
      id: 'ols-0000e2e4',
      name: 'general',
      instanceTypes: ['m5.large'],
      subnetIds: ['subnet-e2e-a', 'subnet-e2e-b'],
      labels: [{ key: 'pool', value: 'general' }],
      taints: [],
    },
  ],
  subnetZones: { 'subnet-e2e-a': `${REGION}a`, 'subnet-e2e-b': `${REGION}b` },
});

/** One VNG of m5.large nodes (1930m allocatable) in zone a. */
export const M5_LARGE_A_VNGS_JSON = JSON.stringify({
  launchSpecs: [
    {
      id: 'ols-0000e2e5',
      name: 'general',
      instanceTypes: ['m5.large'],
      subnetIds: ['subnet-e2e-a'],
      labels: [{ key: 'pool', value: 'general' }],
      taints: [],
    },
  ],
  subnetZones: { 'subnet-e2e-a': `${REGION}a` },
});

const zoneSpread = (app: string, extra: Partial<V1TopologySpreadConstraint> = {}): V1TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey: 'topology.kubernetes.io/zone',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app } },
  ...extra,
});

/**
 * Topology spread's node inclusion policies, against GENERAL_AB_VNGS_JSON. Nodes that stay, all in zone b:
 * keep-general-b (pool=general, full: it makes zone b a domain for pods that want pool=general), keep-legacy-b (pool=legacy,
 * two `app=web` pods) and keep-tainted-b (pool=general, tainted, two `app=api` pods). Two `web` pods (nodeSelector
 * pool=general, zone spread with the default nodeAffinityPolicy Honor) and two `api` pods (the same with nodeTaintsPolicy
 * Honor, no toleration) move off old-1. kube-scheduler does not count the pods of keep-legacy-b for `web` (it fails their
 * nodeSelector) nor those of keep-tainted-b for `api` (its taint is not tolerated): both zones count 0, so each group goes
 * one pod per zone. Counting them would make a planner put both pods of a group in zone a, where kube-scheduler refuses
 * the second one (1 + 1 - 0 > maxSkew) and it stays Pending.
 */
export const SPREAD_WORLD: WorldSpec = {
  oldNodes: [
    { name: 'old-1', instanceType: 'm5.2xlarge', zone: `${REGION}a`, labels: { pool: 'old' } },
    { name: 'keep-general-b', instanceType: 'm5.large', zone: `${REGION}b`, labels: { pool: 'general' }, stays: true },
    { name: 'keep-legacy-b', instanceType: 'm5.xlarge', zone: `${REGION}b`, labels: { pool: 'legacy' }, stays: true },
    {
      name: 'keep-tainted-b',
      instanceType: 'm5.xlarge',
      zone: `${REGION}b`,
      labels: { pool: 'general' },
      taints: [BATCH_TAINT],
      stays: true,
    },
  ],
  workloads: [
    { namespace: NS_SHOP, name: 'filler', replicas: 1, requests: { cpu: '1700m', memory: '256Mi' }, oldNodes: ['keep-general-b'] },
    { namespace: NS_SHOP, name: 'web-legacy', podLabels: { app: 'web' }, replicas: 2, requests: { cpu: '100m', memory: '128Mi' }, oldNodes: ['keep-legacy-b'] },
    {
      namespace: NS_SHOP,
      name: 'api-legacy',
      podLabels: { app: 'api' },
      replicas: 2,
      requests: { cpu: '100m', memory: '128Mi' },
      tolerations: [TOLERATE_BATCH],
      oldNodes: ['keep-tainted-b'],
    },
    {
      namespace: NS_SHOP,
      name: 'web',
      replicas: 2,
      requests: { cpu: '1200m', memory: '256Mi' },
      nodeSelector: { pool: 'general' },
      topologySpreadConstraints: [zoneSpread('web')],
      oldNodes: ['old-1'],
    },
    {
      namespace: NS_SHOP,
      name: 'api',
      replicas: 2,
      requests: { cpu: '1200m', memory: '256Mi' },
      nodeSelector: { pool: 'general' },
      topologySpreadConstraints: [zoneSpread('api', { nodeTaintsPolicy: 'Honor' })],
      oldNodes: ['old-1'],
    },
  ],
};

/**
 * Several required pod-affinity terms, against GENERAL_AB_VNGS_JSON. Zone a has a pod `app=db` and another `tier=cache`
 * (on keep-a, which stays); zone b has one pod with both labels (on keep-b). `client` wants, in its zone, a pod app=db and
 * a pod tier=cache: kube-scheduler counts only pods matching both terms, so only zone b will do.
 */
export const AFFINITY_WORLD: WorldSpec = {
  oldNodes: [
    { name: 'old-1', instanceType: 'm5.2xlarge', zone: `${REGION}a`, labels: { pool: 'old' } },
    { name: 'keep-a', instanceType: 'm5.xlarge', zone: `${REGION}a`, labels: { pool: 'legacy' }, stays: true },
    { name: 'keep-b', instanceType: 'm5.xlarge', zone: `${REGION}b`, labels: { pool: 'legacy' }, stays: true },
  ],
  workloads: [
    { namespace: NS_SHOP, name: 'db-a', podLabels: { app: 'db' }, replicas: 1, requests: { cpu: '100m', memory: '128Mi' }, oldNodes: ['keep-a'] },
    { namespace: NS_SHOP, name: 'cache-a', podLabels: { tier: 'cache' }, replicas: 1, requests: { cpu: '100m', memory: '128Mi' }, oldNodes: ['keep-a'] },
    {
      namespace: NS_SHOP,
      name: 'db-cache-b',
      podLabels: { app: 'db', tier: 'cache' },
      replicas: 1,
      requests: { cpu: '100m', memory: '128Mi' },
      oldNodes: ['keep-b'],
    },
    {
      namespace: NS_SHOP,
      name: 'client',
      replicas: 1,
      requests: { cpu: '1200m', memory: '256Mi' },
      nodeSelector: { pool: 'general' },
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'topology.kubernetes.io/zone' },
            { labelSelector: { matchLabels: { tier: 'cache' } }, topologyKey: 'topology.kubernetes.io/zone' },
          ],
        },
      },
      oldNodes: ['old-1'],
    },
  ],
};

/**
 * Two DaemonSets with identical pod templates (200m each) and a bound volume, against M5_LARGE_A_VNGS_JSON. Each new
 * m5.large (1930m) runs both DaemonSet pods (400m), so it holds one 800m worker (1530m left), not two: charging the
 * DaemonSets once would plan two workers per node, and kube-scheduler would leave one Pending. `pinned` mounts a claim
 * bound to a PersistentVolume of zone c, where the VNG has no subnet: it fits nowhere, for VolumeBinding's reason.
 */
export const DAEMONSETS_WORLD: WorldSpec = {
  oldNodes: [{ name: 'old-1', instanceType: 'm5.2xlarge', zone: `${REGION}a` }],
  workloads: [
    { namespace: NS_SHOP, name: 'worker', replicas: 4, requests: { cpu: '800m', memory: '256Mi' }, oldNodes: ['old-1'] },
    { namespace: NS_SHOP, name: 'pinned', replicas: 1, requests: { cpu: '100m', memory: '128Mi' }, claim: 'pinned-data', oldNodes: ['old-1'] },
  ],
  daemonSets: [
    { namespace: 'ops', name: 'agent-a', labels: { app: 'agent' }, requests: { cpu: '200m', memory: '128Mi' } },
    { namespace: 'ops', name: 'agent-b', labels: { app: 'agent' }, requests: { cpu: '200m', memory: '128Mi' } },
  ],
  volumes: [{ namespace: NS_SHOP, claim: 'pinned-data', pv: 'pinned-pv', zone: `${REGION}c` }],
};

/**
 * Max pods from old nodes of the same family, against M5_LARGE_A_VNGS_JSON (m5.large only). The one old node, an
 * m5.2xlarge, reports 110 pods where EKS's ENI formula gives it 58: the cluster runs VPC CNI prefix delegation, so a new
 * m5.large gets 110 too, not its ENI value 29. Its 60 pods ask for almost nothing (10m, 16Mi: 600m and 960Mi together, a
 * third of an m5.large), so pods is the only resource that binds: one m5.large holds them all, where the ENI value would
 * need three. MAX_PODS_ENI_WORLD is the same cluster with the old node reporting its own EKS value.
 */
export const MAX_PODS_WORLD: WorldSpec = {
  oldNodes: [{ name: 'old-1', instanceType: 'm5.2xlarge', zone: `${REGION}a`, pods: 110 }],
  workloads: [{ namespace: NS_SHOP, name: 'sidecar-heavy', replicas: 60, requests: { cpu: '10m', memory: '16Mi' }, oldNodes: ['old-1'] }],
};

export const MAX_PODS_ENI_WORLD: WorldSpec = {
  ...MAX_PODS_WORLD,
  oldNodes: [{ name: 'old-1', instanceType: 'm5.2xlarge', zone: `${REGION}a` }],
};

/** One VNG of m5.large nodes in zone a with a 20 GiB root volume: 17 GiB of ephemeral storage allocatable per node. */
export const SMALL_DISK_VNGS_JSON = JSON.stringify({
  launchSpecs: [
    {
      id: 'ols-0000e2e6',
      name: 'general',
      instanceTypes: ['m5.large'],
      subnetIds: ['subnet-e2e-a'],
      labels: [{ key: 'pool', value: 'general' }],
      taints: [],
      rootVolumeSize: 20,
    },
  ],
  subnetZones: { 'subnet-e2e-a': `${REGION}a` },
});

/**
 * Ephemeral storage from the VNG's root volume, against SMALL_DISK_VNGS_JSON. The old node, an m5.large like the VNG's,
 * has a 100 GiB disk; its pods `scratch-big` (30Gi of ephemeral-storage) and `scratch-small` (10Gi) move. A new node has
 * 17 GiB (20 GiB less kube-reserved and the 10% eviction threshold): `scratch-small` fits, `scratch-big` fits no VNG
 * (Insufficient ephemeral-storage). A planner taking the old node's storage, as it does its cpu and memory, would place
 * both. `keeper` is annotated karpenter.sh/do-not-disrupt: it stays with the old node, so it is not a moving pod.
 */
export const EPHEMERAL_WORLD: WorldSpec = {
  oldNodes: [{ name: 'old-1', instanceType: 'm5.large', zone: `${REGION}a`, ephemeralStorage: '100Gi' }],
  workloads: [
    {
      namespace: NS_SHOP,
      name: 'scratch-big',
      replicas: 1,
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '30Gi' },
      oldNodes: ['old-1'],
    },
    {
      namespace: NS_SHOP,
      name: 'scratch-small',
      replicas: 1,
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '10Gi' },
      oldNodes: ['old-1'],
    },
    {
      namespace: NS_SHOP,
      name: 'keeper',
      replicas: 1,
      requests: { cpu: '100m', memory: '128Mi' },
      podAnnotations: { 'karpenter.sh/do-not-disrupt': 'true' },
      oldNodes: ['old-1'],
    },
  ],
};
