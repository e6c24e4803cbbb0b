/**
 * What a node that a VNG launches offers to pods, and where each figure comes from. Shared by the planner (pack.ts), the
 * simulator's autoscaler and the live KWOK capacity provider (through planner/scale-up.ts), so that the plan, the rehearsal
 * and a KWOK run agree on every new node.
 *
 * - cpu, memory and devices: what old nodes of the same instance type report (observed), else computed as nodeadm would
 *   (allocatable.ts).
 * - pods (max pods), first found of: the --max-pods flag; the VNG's `maxPods`; what old nodes of the same type report; what
 *   old nodes of the same family report when it is not their own EKS value (a cluster-wide setting such as VPC CNI prefix
 *   delegation's 110); the catalog's EKS value. When it differs from what the cpu/memory figures were worked out with,
 *   memory allocatable is moved by nodeadm's 11 MiB per pod of kube-reserved memory, so the two stay consistent.
 * - ephemeral-storage: always from the VNG's root volume (its rootVolumeSize, else the default), less kube-reserved and the
 *   nodefs.available eviction threshold: old nodes of the type may have had a bigger disk than the VNG gives.
 */
import type { Catalog } from './catalog.js';
import type { InstanceType, ResourceList, Vng } from '../model/types.js';
import { EPHEMERAL_STORAGE, MEMORY, PODS } from '../model/types.js';
import {
  DEFAULT_ROOT_VOLUME_GIB,
  EVICTION_NODEFS_PERCENT,
  GIB,
  KUBE_RESERVED_EPHEMERAL_BYTES,
  KUBE_RESERVED_MEMORY_MIB_PER_POD,
  MIB,
  nodeResources,
  type AllocatableOptions,
  type NodeResources,
} from './allocatable.js';

/** Where a new node's max pods came from. */
export type MaxPodsSource = 'flag' | 'vng' | 'observed-type' | 'observed-family' | 'eni-formula';

export interface NewNodeShape extends NodeResources {
  readonly maxPods: number;
  readonly maxPodsSource: MaxPodsSource;
  /** The root volume the ephemeral storage was worked out from, in GiB. */
  readonly rootVolumeSizeGiB: number;
}

/** Ephemeral storage a node with a root volume of `gib` GiB offers: less kube-reserved (1Gi) and nodefs.available (10%). */
export function ephemeralStorageOf(gib: number): { capacity: number; allocatable: number } {
  const capacity = gib * GIB;
  const allocatable = Math.max(0, capacity - KUBE_RESERVED_EPHEMERAL_BYTES - Math.floor((capacity * EVICTION_NODEFS_PERCENT) / 100));
  return { capacity, allocatable };
}

/**
 * Max pods that old nodes of `family` report when it is not the EKS value of their own type: a setting of the cluster (VPC
 * CNI prefix delegation, a kubelet maxPods in the node bootstrap) that nodes of other sizes of the family get too. Reads one
 * representative per observed type; when types disagree, the value most types report wins, ties to the larger value. Null
 * when every observed type of the family reports its own EKS value (or none is observed).
 */
export function familyMaxPods(family: string, catalog: Catalog, observed: ReadonlyMap<string, NodeResources>): number | null {
  const votes = new Map<number, number>();
  for (const [typeName, res] of observed) {
    const it = catalog.byName.get(typeName);
    if (it === undefined || it.family !== family) continue;
    const pods = res.allocatable[PODS];
    if (pods === undefined || !Number.isInteger(pods) || pods <= 0 || pods === it.maxPods) continue;
    votes.set(pods, (votes.get(pods) ?? 0) + 1);
  }
  let best: number | null = null;
  let bestVotes = 0;
  for (const [pods, n] of votes) {
    if (n > bestVotes || (n === bestVotes && best !== null && pods > best)) {
      best = pods;
      bestVotes = n;
    }
  }
  return best;
}

/** The resources of one node of type `it` launched by `vng`, with the source of its max pods. */
export function newNodeShape(
  vng: Vng,
  it: InstanceType,
  catalog: Catalog,
  observed: ReadonlyMap<string, NodeResources>,
  opts: AllocatableOptions = {},
): NewNodeShape {
  const seen = observed.get(it.name);
  const seenPods = seen?.allocatable[PODS];
  const family = seen === undefined ? familyMaxPods(it.family, catalog, observed) : null;
  let maxPods: number;
  let source: MaxPodsSource;
  if (opts.maxPods !== undefined) {
    maxPods = opts.maxPods;
    source = 'flag';
  } else if (vng.maxPods !== undefined && vng.maxPods !== null) {
    maxPods = vng.maxPods;
    source = 'vng';
  } else if (seen !== undefined && seenPods !== undefined) {
    maxPods = seenPods;
    source = 'observed-type';
  } else if (family !== null) {
    maxPods = family;
    source = 'observed-family';
  } else {
    maxPods = it.maxPods;
    source = 'eni-formula';
  }
  const rootGiB = vng.rootVolumeSizeGiB ?? opts.rootVolumeSizeGiB ?? DEFAULT_ROOT_VOLUME_GIB;
  const storage = ephemeralStorageOf(rootGiB);

  let capacity: ResourceList;
  let allocatable: ResourceList;
  if (seen !== undefined) {
    capacity = { ...seen.capacity };
    allocatable = { ...seen.allocatable };
    // The observed memory was left after kube-reserved for the observed max pods; move it by the difference.
    const basePods = seenPods ?? maxPods;
    const mem = allocatable[MEMORY];
    if (mem !== undefined && basePods !== maxPods) {
      allocatable[MEMORY] = Math.max(0, mem - (maxPods - basePods) * KUBE_RESERVED_MEMORY_MIB_PER_POD * MIB);
    }
  } else {
    const computed = nodeResources(it, { ...opts, maxPods, rootVolumeSizeGiB: rootGiB });
    capacity = { ...computed.capacity };
    allocatable = { ...computed.allocatable };
  }
  capacity[PODS] = maxPods;
  allocatable[PODS] = maxPods;
  capacity[EPHEMERAL_STORAGE] = storage.capacity;
  allocatable[EPHEMERAL_STORAGE] = storage.allocatable;
  return { capacity, allocatable, maxPods, maxPodsSource: source, rootVolumeSizeGiB: rootGiB };
}
