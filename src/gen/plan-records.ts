/** Plain records of what the generator decided (workloads, pods, volumes, budgets) before any Kubernetes object is built. */
import type { GenNode } from './node-fleet.js';
import type { PodSize } from './sizes.js';
import type { DaemonSetSpec, WorkloadMixKind } from './spec.js';

export interface GenToleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value: string | null;
  readonly effect: string;
}

/** What a workload's pods look like: the parts the objects are built from. */
export interface GenTemplate {
  readonly size: PodSize;
  readonly gpus: number;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly GenToleration[];
  readonly hostnameAntiAffinity: boolean;
  readonly zoneSpread: boolean;
  readonly emptyDir: boolean;
  readonly volumeClaim: boolean;
  readonly safeToEvictFalse: boolean;
  readonly image: string;
  /** `repository@sha256:digest`, as containerStatuses[].imageID shows it. */
  readonly imageId: string;
  readonly port: number;
}

export interface GenVolume {
  readonly claimName: string;
  readonly claimUid: string;
  readonly volumeHandle: string;
  readonly zone: string;
  readonly nodeName: string;
  readonly sizeGi: number;
}

export interface GenPod {
  readonly name: string;
  readonly uid: string;
  /** null: Pending (unscheduled). */
  readonly node: GenNode | null;
  readonly podIp: number | null;
  readonly createdMs: number;
  /** `containerd://<64 hex>`; '' for a Pending pod. */
  readonly containerId: string;
  readonly ordinal: number;
  readonly volume: GenVolume | null;
}

export type WorkloadShape = 'Deployment' | 'StatefulSet' | 'Job' | 'Pod';

export interface GenPdb {
  readonly name: string;
  readonly uid: string;
  readonly minAvailable: number | string | null;
  readonly maxUnavailable: number | string | null;
}

export interface GenWorkload {
  readonly kind: WorkloadMixKind;
  readonly shape: WorkloadShape;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly createdMs: number;
  readonly template: GenTemplate;
  /** Deployment: its ReplicaSet; StatefulSet: its controller revision hash (name suffix). */
  readonly revisionHash: string;
  readonly replicaSetUid: string;
  readonly pods: GenPod[];
  pdb: GenPdb | null;
}

export interface GenDaemonSet {
  readonly spec: DaemonSetSpec;
  readonly uid: string;
  readonly createdMs: number;
  readonly revisionHash: string;
  readonly imageId: string;
  readonly pods: GenPod[];
}
