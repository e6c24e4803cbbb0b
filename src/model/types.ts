/**
 * The typed model every other layer works on. Inputs (kubectl Lists, launch specs, the live API) are parsed and validated
 * once at the edge into these shapes; the planner, engine and simulator trust them.
 *
 * Units: `cpu` in millicores, memory and ephemeral-storage in bytes, `pods` as a count, extended resources
 * (nvidia.com/gpu, hugepages-2Mi, ...) in their integer base unit, as kube-scheduler compares them.
 */

/** Resource name -> integer amount (cpu in millicores, everything else in base units). */
export type ResourceList = Record<string, number>;

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

export type Labels = Readonly<Record<string, string>>;

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: TaintEffect;
}

export interface Toleration {
  /** Empty key with operator Exists tolerates everything. */
  readonly key: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value: string;
  /** Empty effect matches every effect. */
  readonly effect: TaintEffect | '';
}

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** metav1.LabelSelector. An empty selector (no labels, no expressions) matches everything. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator | 'Gt' | 'Lt';
  readonly values: readonly string[];
}

/** One term of a required node affinity: requirements are ANDed; terms are ORed. */
export interface NodeSelectorTerm {
  readonly matchExpressions: readonly NodeSelectorRequirement[];
  /** Only `metadata.name` is a valid field. */
  readonly matchFields: readonly NodeSelectorRequirement[];
}

export interface PodAffinityTerm {
  /** null selects no pods (kube-scheduler semantics for a nil selector). */
  readonly labelSelector: LabelSelector | null;
  /** Empty list and null namespaceSelector: the pod's own namespace. */
  readonly namespaces: readonly string[];
  /** An empty selector ({}) selects every namespace. */
  readonly namespaceSelector: LabelSelector | null;
  readonly topologyKey: string;
}

export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly labelSelector: LabelSelector | null;
  readonly minDomains: number | null;
  /** Default Honor. */
  readonly nodeAffinityPolicy: 'Honor' | 'Ignore';
  /** Default Ignore. */
  readonly nodeTaintsPolicy: 'Honor' | 'Ignore';
  readonly matchLabelKeys: readonly string[];
}

export interface HostPort {
  readonly port: number;
  readonly protocol: string;
  /** '' or 0.0.0.0 means every address. */
  readonly hostIP: string;
}

export type PodVolume =
  | { readonly name: string; readonly kind: 'pvc'; readonly claimName: string }
  | { readonly name: string; readonly kind: 'emptyDir'; readonly medium: string }
  | { readonly name: string; readonly kind: 'hostPath'; readonly path: string }
  | { readonly name: string; readonly kind: 'other' };

/** Everything kube-scheduler reads from a pod spec. Shared by pods and pod templates (DaemonSets). */
export interface PodScheduling {
  /** Effective request: max(sum(app + sidecar init), max(init)) + overhead, per resource, plus `pods: 1`. */
  readonly requests: ResourceList;
  readonly nodeSelector: Labels;
  /** requiredDuringSchedulingIgnoredDuringExecution terms, or null when absent. */
  readonly requiredNodeAffinity: readonly NodeSelectorTerm[] | null;
  readonly tolerations: readonly Toleration[];
  readonly hostPorts: readonly HostPort[];
  /** Required pod affinity terms. */
  readonly podAffinity: readonly PodAffinityTerm[];
  /** Required pod anti-affinity terms. */
  readonly podAntiAffinity: readonly PodAffinityTerm[];
  readonly topologySpread: readonly TopologySpreadConstraint[];
  readonly volumes: readonly PodVolume[];
  readonly priority: number;
  readonly terminationGracePeriodSeconds: number;
}

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface Pod extends PodScheduling {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly nodeName: string | null;
  readonly phase: PodPhase;
  /** The controller owner reference (controller: true), or null for a stand-alone pod. */
  readonly owner: OwnerRef | null;
  /** The top-level workload: a ReplicaSet's Deployment, else the owner itself; null when stand-alone. */
  readonly workload: OwnerRef | null;
  /** Static pod mirrored by the kubelet (annotation kubernetes.io/config.mirror). */
  readonly isMirror: boolean;
  readonly ready: boolean;
}

export interface Node {
  readonly name: string;
  readonly uid: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly taints: readonly Taint[];
  readonly capacity: ResourceList;
  readonly allocatable: ResourceList;
  readonly unschedulable: boolean;
  readonly providerID: string;
  /** From node.kubernetes.io/instance-type (or the beta label). */
  readonly instanceType: string | null;
  /** From topology.kubernetes.io/zone (or the beta label). */
  readonly zone: string | null;
  /** From the providerID aws:///zone/i-...; null when absent. */
  readonly instanceId: string | null;
  readonly ready: boolean;
}

export type IntOrPercent = { readonly kind: 'int'; readonly value: number } | { readonly kind: 'percent'; readonly value: number };

export interface PodDisruptionBudget {
  readonly namespace: string;
  readonly name: string;
  readonly selector: LabelSelector | null;
  readonly minAvailable: IntOrPercent | null;
  readonly maxUnavailable: IntOrPercent | null;
  /** status.disruptionsAllowed when the input carries a status; null otherwise. */
  readonly disruptionsAllowed: number | null;
}

export interface DaemonSet {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly template: PodScheduling & { readonly labels: Labels };
}

export interface Workload {
  readonly kind: 'ReplicaSet' | 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob' | 'ReplicationController';
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly replicas: number | null;
  /** The controller owner of this workload (e.g. a ReplicaSet's Deployment). */
  readonly owner: OwnerRef | null;
}

export interface PersistentVolumeClaim {
  readonly namespace: string;
  readonly name: string;
  readonly volumeName: string | null;
  readonly storageClassName: string | null;
  readonly phase: string;
}

export interface PersistentVolume {
  readonly name: string;
  /** Required node affinity terms of the volume (spec.nodeAffinity.required.nodeSelectorTerms), or null. */
  readonly nodeAffinity: readonly NodeSelectorTerm[] | null;
  /** Legacy zone/region labels on the PV (topology.kubernetes.io/zone, failure-domain.beta...). */
  readonly labels: Labels;
  readonly claimRef: { readonly namespace: string; readonly name: string } | null;
}

export interface Namespace {
  readonly name: string;
  readonly labels: Labels;
}

export interface StorageClass {
  readonly name: string;
  readonly volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer';
}

export interface Cluster {
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly pdbs: readonly PodDisruptionBudget[];
  readonly daemonSets: readonly DaemonSet[];
  readonly workloads: readonly Workload[];
  readonly pvcs: readonly PersistentVolumeClaim[];
  readonly pvs: readonly PersistentVolume[];
  readonly namespaces: readonly Namespace[];
  readonly storageClasses: readonly StorageClass[];
  /**
   * Objects of kinds the planner does not read, counted per kind (sorted by kind), when the cluster came from a file:
   * `known` says whether the kind is a Kubernetes kind at all (a typo such as `Nodes` is not).
   */
  readonly skippedKinds?: readonly SkippedKind[];
}

export interface SkippedKind {
  readonly kind: string;
  readonly count: number;
  readonly known: boolean;
}

/** An EC2 launch template by id or by name, and a version of it. */
export type LaunchTemplateRef = ({ readonly id: string; readonly name?: undefined } | { readonly name: string; readonly id?: undefined }) & {
  /** `$Default`, `$Latest` or a version number (as text); null: the template's default version. */
  readonly version: string | null;
};

/** An Ocean Virtual Node Group (launch spec), validated and resolved against the catalog. */
export interface Vng {
  readonly id: string | null;
  readonly name: string;
  readonly labels: Labels;
  readonly taints: readonly Taint[];
  /** Resolved candidate instance types (allow list, else filters, else the Ocean cluster's list), sorted by name. */
  readonly instanceTypes: readonly string[];
  /** Zones the VNG can launch in (from its subnets), sorted; empty means "any zone the cluster knows". */
  readonly zones: readonly string[];
  readonly subnetIds: readonly string[];
  readonly minInstanceCount: number;
  /** null: unlimited. */
  readonly maxInstanceCount: number | null;
  /** Optional caps on the VNG's total vCPU / memory (GiB); null: unlimited. */
  readonly maxVCpu: number | null;
  readonly maxMemoryGiB: number | null;
  /** Root volume size in GiB (drives ephemeral-storage); null: the default. */
  readonly rootVolumeSizeGiB: number | null;
  /** Max pods per node set on the VNG (our field; Spot's launch spec has none); absent or null: not set. */
  readonly maxPods?: number | null;
  readonly preferredSpotTypes: readonly string[];
  /**
   * Ocean's `strategy.spotPercentage` for the VNG (its own, else its cluster's): the share of its nodes Ocean runs on Spot
   * (the rest on-demand). Absent: not stated.
   */
  readonly spotPercentage?: number;
  /**
   * The EC2 launch template new nodes of the VNG are launched from when vngshift launches them itself (`run --capacity
   * ec2`; our field, Spot's launch spec has none); absent or null: not set.
   */
  readonly launchTemplate?: LaunchTemplateRef | null;
  /**
   * Set on a VNG whose limits were reduced to the headroom left by the nodes it already launched (the autoscaler's view
   * during a run): the limits as configured, so that a message names the VNG's real limit, not what is left of it.
   */
  readonly configuredLimits?: {
    readonly maxInstanceCount: number | null;
    readonly maxVCpu: number | null;
    readonly maxMemoryGiB: number | null;
    /** Nodes of the VNG already running or launching. */
    readonly launched: number;
  };
}

export type Architecture = 'amd64' | 'arm64';

/** Facts about one EC2 instance type (from the bundled catalog or EC2 DescribeInstanceTypes). */
export interface InstanceType {
  readonly name: string;
  readonly family: string;
  readonly size: string;
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly architecture: Architecture;
  readonly gpuCount: number;
  readonly gpuManufacturer: string | null;
  readonly neuronDeviceCount: number;
  /** EKS max pods (eni-max-pods table, else the default-card ENI formula). */
  readonly maxPods: number;
  /** On-demand Linux USD/hour; null when unknown. */
  readonly priceUsdPerHour: number | null;
  readonly bareMetal: boolean;
  readonly burstable: boolean;
  readonly currentGeneration: boolean;
  /** Local instance store in GB (0 when none). */
  readonly instanceStorageGB: number;
}
