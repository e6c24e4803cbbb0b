/**
 * Builders for the typed model (src/model/types.ts) used by the synthetic benchmarks: pods, DaemonSets, VNGs, instance
 * types and clusters, built directly so that no parsing cost or parser default leaks into what is measured.
 */
import type {
  Cluster,
  DaemonSet,
  InstanceType,
  Labels,
  LabelSelector,
  Pod,
  PodAffinityTerm,
  PodScheduling,
  ResourceList,
  Taint,
  Toleration,
  TopologySpreadConstraint,
  Vng,
} from '../src/model/types.js';

export const MI = 1024 * 1024;
export const GI = 1024 * MI;

export interface PodOptions {
  readonly namespace?: string;
  readonly labels?: Labels;
  readonly cpu: number;
  readonly memory: number;
  readonly nodeSelector?: Labels;
  readonly tolerations?: readonly Toleration[];
  readonly podAffinity?: readonly PodAffinityTerm[];
  readonly podAntiAffinity?: readonly PodAffinityTerm[];
  readonly topologySpread?: readonly TopologySpreadConstraint[];
  /** Owning ReplicaSet name (default `bench`). */
  readonly owner?: string;
}

export function selector(matchLabels: Labels): LabelSelector {
  return { matchLabels, matchExpressions: [] };
}

export function affinityTerm(matchLabels: Labels, topologyKey: string): PodAffinityTerm {
  return { labelSelector: selector(matchLabels), namespaces: [], namespaceSelector: null, topologyKey };
}

export function spread(matchLabels: Labels, topologyKey: string): TopologySpreadConstraint {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: selector(matchLabels),
    minDomains: null,
    nodeAffinityPolicy: 'Honor',
    nodeTaintsPolicy: 'Ignore',
    matchLabelKeys: [],
  };
}

function scheduling(o: PodOptions): PodScheduling {
  return {
    requests: { cpu: o.cpu, memory: o.memory, pods: 1 },
    nodeSelector: o.nodeSelector ?? {},
    requiredNodeAffinity: null,
    tolerations: o.tolerations ?? [],
    hostPorts: [],
    podAffinity: o.podAffinity ?? [],
    podAntiAffinity: o.podAntiAffinity ?? [],
    topologySpread: o.topologySpread ?? [],
    volumes: [],
    priority: 0,
    terminationGracePeriodSeconds: 30,
  };
}

/** A Pending pod (no node yet) owned by a ReplicaSet: the planner has to find it a place. */
export function pendingPod(index: number, o: PodOptions): Pod {
  const namespace = o.namespace ?? 'default';
  const ownerName = o.owner ?? 'bench';
  return {
    ...scheduling(o),
    uid: `pod-uid-${index}`,
    namespace,
    name: `${ownerName}-${index}`,
    labels: o.labels ?? {},
    annotations: {},
    nodeName: null,
    phase: 'Pending',
    owner: { kind: 'ReplicaSet', name: ownerName, uid: `rs-${ownerName}` },
    workload: { kind: 'Deployment', name: ownerName, uid: `deploy-${ownerName}` },
    isMirror: false,
    ready: false,
  };
}

/** A DaemonSet whose pods tolerate every taint, as node agents do. */
export function daemonSet(namespace: string, name: string, cpu: number, memory: number): DaemonSet {
  return {
    namespace,
    name,
    uid: `ds-${name}`,
    template: {
      ...scheduling({ cpu, memory, tolerations: [{ key: '', operator: 'Exists', value: '', effect: '' }] }),
      labels: { app: name },
    },
  };
}

export function cluster(pods: readonly Pod[], daemonSets: readonly DaemonSet[] = []): Cluster {
  return {
    nodes: [],
    pods,
    pdbs: [],
    daemonSets,
    workloads: [],
    pvcs: [],
    pvs: [],
    namespaces: [{ name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } }],
    storageClasses: [],
  };
}

export function vng(name: string, instanceTypes: readonly string[], zones: readonly string[], taints: readonly Taint[] = []): Vng {
  return {
    id: null,
    name,
    labels: {},
    taints,
    instanceTypes: [...instanceTypes].sort(),
    zones: [...zones].sort(),
    subnetIds: [],
    minInstanceCount: 0,
    maxInstanceCount: null,
    maxVCpu: null,
    maxMemoryGiB: null,
    rootVolumeSizeGiB: null,
    preferredSpotTypes: [],
  };
}

/** A made-up instance type (family `bench`), for catalogFromTypes. */
export function syntheticType(name: string, vcpu: number, memoryMiB: number, maxPods: number, price: number): InstanceType {
  const dot = name.indexOf('.');
  return {
    name,
    family: dot > 0 ? name.slice(0, dot) : name,
    size: dot > 0 ? name.slice(dot + 1) : name,
    vcpu,
    memoryMiB,
    architecture: 'amd64',
    gpuCount: 0,
    gpuManufacturer: null,
    neuronDeviceCount: 0,
    maxPods,
    priceUsdPerHour: price,
    bareMetal: false,
    burstable: false,
    currentGeneration: true,
    instanceStorageGB: 0,
  };
}

/** An `observed` entry whose capacity and allocatable are both `resources` (no kubelet reservations). */
export function exactResources(resources: ResourceList): { capacity: ResourceList; allocatable: ResourceList } {
  return { capacity: { ...resources }, allocatable: { ...resources } };
}
