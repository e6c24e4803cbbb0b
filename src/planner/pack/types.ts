/**
 * The public types of the packing solve (src/planner/pack.ts re-exports them): its input, each moving pod's placement, the
 * new nodes it opens, and why pods that fit nowhere do not fit.
 */
import type { AllocatableOptions } from '../../catalog/allocatable.js';
import type { MaxPodsSource } from '../../catalog/new-node.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { Cluster, Pod, ResourceList, Vng } from '../../model/types.js';
import type { KnownClassKey } from '../pod-classes.js';
import type { PluginName } from '../predicates/index.js';

export interface SolveInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  /** Names of the old nodes being migrated: their pods move, they are not candidates. */
  readonly migratingNodes: ReadonlySet<string>;
  /** The pods that need a place, in a stable order. */
  readonly movingPods: readonly Pod[];
  /** Observed capacity/allocatable per instance type (from nodes of that type in the input); wins over computed values. */
  readonly observed: ReadonlyMap<string, { capacity: ResourceList; allocatable: ResourceList }>;
  readonly allocatable?: AllocatableOptions;
  /** Per moving pod: the architectures it may run on (null: any). Absent: no architecture policy. */
  readonly podArchitectures?: readonly (readonly string[] | null)[];
  /** Class keys the caller has already, for moving and staying pods (see KnownClassKey in pod-classes.ts). */
  readonly knownClassKey?: KnownClassKey;
}

export interface Placement {
  readonly node: string;
  /** null when the pod lands on a node that stays. */
  readonly vng: string | null;
  readonly instanceType: string | null;
  readonly zone: string | null;
}

export interface Reason {
  readonly plugin: PluginName;
  readonly message: string;
  /** How many VNG node types gave this reason. */
  readonly count: number;
}

export interface Unschedulable {
  /** kube-scheduler's style: "0/12 VNG node types are available: 4 Insufficient memory, 8 node(s) had untolerated taint {...}." */
  readonly summary: string;
  readonly reasons: readonly Reason[];
}

export interface NewNode {
  readonly name: string;
  readonly vng: string;
  readonly instanceType: string;
  readonly zone: string | null;
  readonly priceUsdPerHour: number;
  readonly allocatable: ResourceList;
  /** Requests of everything placed there, DaemonSet pods included. */
  readonly requested: ResourceList;
  /** DaemonSets that run there, as namespace/name. */
  readonly daemonSets: readonly string[];
  /** Indexes of the moving pods placed there. */
  readonly pods: readonly number[];
  /** Max pods of the node and where that figure came from (see catalog/new-node.ts). */
  readonly maxPods: number;
  readonly maxPodsSource: MaxPodsSource;
  /** Root volume size (GiB) its ephemeral storage was worked out from. */
  readonly rootVolumeSizeGiB: number;
}

export interface DaemonSetMisfit {
  readonly daemonSet: string;
  readonly vng: string;
  readonly instanceType: string;
}

export interface SolveResult {
  /** One entry per moving pod, same order as the input. */
  readonly placements: readonly (Placement | null)[];
  readonly unschedulable: ReadonlyMap<number, Unschedulable>;
  readonly newNodes: readonly NewNode[];
  /** DaemonSets whose pods alone do not fit an instance type of a VNG they would run on. */
  readonly daemonSetMisfits: readonly DaemonSetMisfit[];
  /** Number of VNG node types (VNG x instance type x zone) considered. */
  readonly templateCount: number;
}
