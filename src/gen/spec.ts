/** What the cluster generator is asked for, and the defaults that fill every field left out. */

export type GenTaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface GenTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: GenTaintEffect;
}

/** One pool of existing nodes: its instance type, its share of the node count, and what sets it apart. */
export interface NodeTypeSpec {
  readonly instanceType: string;
  /** Share of `nodes`; counts are apportioned (largest remainder), every positive weight gets at least one node if possible. */
  readonly weight: number;
  /** eks.amazonaws.com/nodegroup value; default `ng-<instance type with dashes>`. */
  readonly nodegroup?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly GenTaint[];
}

/** Relative weights of the workload kinds drawn for the cluster. */
export interface WorkloadMix {
  /** Deployment without placement constraints. */
  readonly plainDeployment: number;
  /** Deployment with required pod anti-affinity on kubernetes.io/hostname. */
  readonly antiAffinityDeployment: number;
  /** Deployment with a zone topology spread constraint (maxSkew 1, DoNotSchedule). */
  readonly zoneSpreadDeployment: number;
  /** StatefulSet with one PVC per replica bound to a zonal EBS PV. */
  readonly statefulSet: number;
  /** Job with running pods. */
  readonly job: number;
  /** A pod with no controller. */
  readonly standalonePod: number;
  /** Job whose pods select `workload-class: batch` and tolerate `dedicated=batch:NoSchedule`. */
  readonly batchJob: number;
  /** Deployment whose pods request one nvidia.com/gpu, select `accelerator: nvidia` and tolerate the nvidia.com/gpu taint. */
  readonly gpuDeployment: number;
}

export type WorkloadMixKind = keyof WorkloadMix;

/** A DaemonSet present on every node (its pods tolerate every taint). */
export interface DaemonSetSpec {
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  readonly cpu: string;
  readonly memory: string | null;
  readonly hostNetwork: boolean;
}

export interface ClusterGenSpec {
  /** Number of nodes (default 10). */
  readonly nodes?: number;
  /** Non-DaemonSet pods to place, Running (default 20 per node). Fewer come out only when the nodes are full. */
  readonly pods?: number;
  /** Extra Pending pods (no nodeName), added to plain Deployments (default 0). */
  readonly pendingPods?: number;
  readonly nodeTypes?: readonly NodeTypeSpec[];
  readonly zones?: readonly string[];
  readonly region?: string;
  /** Number of application namespaces (default: about one per 100 pods, between 2 and 16). */
  readonly namespaces?: number;
  readonly mix?: Partial<WorkloadMix>;
  /** Share of Deployments and StatefulSets given a PodDisruptionBudget (default 0.3). */
  readonly pdbFraction?: number;
  /** How many of those PDBs get `maxUnavailable: 0`, which blocks every voluntary eviction (default 0). */
  readonly blockingPdbs?: number;
  readonly daemonSets?: readonly DaemonSetSpec[];
  /** Share of workloads whose pods mount an emptyDir (default 0.05). */
  readonly emptyDirFraction?: number;
  /** How many Deployments carry cluster-autoscaler.kubernetes.io/safe-to-evict: "false" on their pods (default 1). */
  readonly safeToEvictFalse?: number;
  readonly clusterName?: string;
  readonly kubernetesVersion?: string;
  /** Root EBS volume of each node in GiB (default 20, the EKS managed node group default). */
  readonly rootVolumeGiB?: number;
  /** Share of nominal memory not visible to the kubelet, in percent (default 7.5, Karpenter's estimate). */
  readonly vmMemoryOverheadPercent?: number;
  /** The instant the snapshot is taken, ISO 8601; creation times lie before it (default 2026-01-15T12:00:00Z). */
  readonly now?: string;
  /** AWS account id used in image names (default 123456789012). */
  readonly accountId?: string;
}

export interface ResolvedClusterGenSpec {
  readonly nodes: number;
  readonly pods: number;
  readonly pendingPods: number;
  readonly nodeTypes: readonly NodeTypeSpec[];
  readonly zones: readonly string[];
  readonly region: string;
  readonly namespaces: number;
  readonly mix: WorkloadMix;
  readonly pdbFraction: number;
  readonly blockingPdbs: number;
  readonly daemonSets: readonly DaemonSetSpec[];
  readonly emptyDirFraction: number;
  readonly safeToEvictFalse: number;
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly rootVolumeGiB: number;
  readonly vmMemoryOverheadPercent: number;
  readonly nowMs: number;
  readonly accountId: string;
}

export const DEFAULT_MIX: WorkloadMix = {
  plainDeployment: 50,
  antiAffinityDeployment: 10,
  zoneSpreadDeployment: 10,
  statefulSet: 6,
  job: 5,
  standalonePod: 2,
  batchJob: 4,
  gpuDeployment: 2,
};

/** The node agents of a typical EKS cluster, with requests as their charts ship them. */
export const DEFAULT_DAEMON_SETS: readonly DaemonSetSpec[] = [
  {
    namespace: 'kube-system',
    name: 'aws-node',
    image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1',
    cpu: '25m',
    memory: null,
    hostNetwork: true,
  },
  {
    namespace: 'kube-system',
    name: 'kube-proxy',
    image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2',
    cpu: '100m',
    memory: null,
    hostNetwork: true,
  },
  {
    namespace: 'kube-system',
    name: 'ebs-csi-node',
    image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/aws-ebs-csi-driver:v1.38.1',
    cpu: '10m',
    memory: '40Mi',
    hostNetwork: false,
  },
  {
    namespace: 'amazon-cloudwatch',
    name: 'fluent-bit',
    image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4',
    cpu: '50m',
    memory: '100Mi',
    hostNetwork: false,
  },
];

export const DEFAULT_NOW = '2026-01-15T12:00:00Z';

function nonNegativeInteger(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`ClusterGenSpec.${field}: expected an integer >= 0, got ${value}`);
  return value;
}

function fraction(field: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`ClusterGenSpec.${field}: expected a number in [0, 1], got ${value}`);
  return value;
}

/** Fills defaults and checks ranges; throws RangeError naming the field on a bad value. */
export function resolveClusterGenSpec(spec: ClusterGenSpec): ResolvedClusterGenSpec {
  const nodes = nonNegativeInteger('nodes', spec.nodes ?? 10);
  const pods = nonNegativeInteger('pods', spec.pods ?? nodes * 20);
  const nodeTypes = spec.nodeTypes ?? [{ instanceType: 'm5.xlarge', weight: 1 }];
  if (nodeTypes.length === 0 || !nodeTypes.some((t) => t.weight > 0)) {
    throw new RangeError('ClusterGenSpec.nodeTypes: expected at least one entry with a positive weight');
  }
  for (const [i, t] of nodeTypes.entries()) {
    if (!(t.weight >= 0)) throw new RangeError(`ClusterGenSpec.nodeTypes[${i}].weight: expected a number >= 0, got ${t.weight}`);
  }
  const region = spec.region ?? 'us-east-1';
  const zones = spec.zones ?? [`${region}a`, `${region}b`, `${region}c`];
  if (zones.length === 0) throw new RangeError('ClusterGenSpec.zones: expected at least one zone');
  const mix: WorkloadMix = { ...DEFAULT_MIX, ...spec.mix };
  for (const [kind, weight] of Object.entries(mix)) {
    if (!(weight >= 0)) throw new RangeError(`ClusterGenSpec.mix.${kind}: expected a number >= 0, got ${String(weight)}`);
  }
  const nowMs = Date.parse(spec.now ?? DEFAULT_NOW);
  if (Number.isNaN(nowMs)) throw new RangeError(`ClusterGenSpec.now: expected an ISO 8601 instant, got ${spec.now}`);
  return {
    nodes,
    pods,
    pendingPods: nonNegativeInteger('pendingPods', spec.pendingPods ?? 0),
    nodeTypes,
    zones,
    region,
    namespaces: Math.max(1, nonNegativeInteger('namespaces', spec.namespaces ?? Math.min(16, Math.max(2, Math.round(pods / 100))))),
    mix,
    pdbFraction: fraction('pdbFraction', spec.pdbFraction ?? 0.3),
    blockingPdbs: nonNegativeInteger('blockingPdbs', spec.blockingPdbs ?? 0),
    daemonSets: spec.daemonSets ?? DEFAULT_DAEMON_SETS,
    emptyDirFraction: fraction('emptyDirFraction', spec.emptyDirFraction ?? 0.05),
    safeToEvictFalse: nonNegativeInteger('safeToEvictFalse', spec.safeToEvictFalse ?? 1),
    clusterName: spec.clusterName ?? 'prod-eks',
    kubernetesVersion: spec.kubernetesVersion ?? 'v1.31.4-eks-2d5f260',
    rootVolumeGiB: Math.max(1, nonNegativeInteger('rootVolumeGiB', spec.rootVolumeGiB ?? 20)),
    vmMemoryOverheadPercent: spec.vmMemoryOverheadPercent ?? 7.5,
    nowMs,
    accountId: spec.accountId ?? '123456789012',
  };
}
