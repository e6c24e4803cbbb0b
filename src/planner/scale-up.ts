/**
 * Scale-up as an autoscaler in the manner of Ocean's decides it, shared by the simulator's autoscaler (sim/autoscaler.ts) and
 * the live KWOK capacity provider (src/live/capacity-kwok.ts): take the pods kube-scheduler could not place, run the planner's
 * own solve() over the cluster as it is now (nodes still booting count as nodes, with the pods already waiting for them), and
 * answer which new nodes to launch, which pods wait for a booting node, and which pods fit no VNG (with kube-scheduler's
 * summary). Pure: no I/O, no clock; the same input gives the same answer.
 */
import type { AllocatableOptions, NodeResources } from '../catalog/allocatable.js';
import { newNodeShape } from '../catalog/new-node.js';
import type { Catalog } from '../catalog/catalog.js';
import { LABEL_HOSTNAME, nodeTemplateLabels } from '../catalog/template.js';
import type { Cluster, DaemonSet, Node, Pod, Taint, Vng } from '../model/types.js';
import { constrainsArch } from './architecture-policy.js';
import type { KnownClassKey } from './pod-classes.js';
import { solve, type NewNode, type Placement, type Unschedulable } from './pack.js';
import { firstUntoleratedTaint, nodeAffinityMatches } from './selectors.js';

/**
 * Resources of a node of `instanceType` launched by `vng` (see catalog/new-node.ts): cpu and memory as nodes of the type
 * report them (observed), else computed; max pods from the flag, the VNG, the old nodes or the catalog; ephemeral storage
 * from the VNG's root volume.
 */
export function launchResources(
  vng: Vng,
  instanceType: string,
  catalog: Catalog,
  observed: ReadonlyMap<string, NodeResources>,
  allocatable: AllocatableOptions = {},
): NodeResources | null {
  const it = catalog.byName.get(instanceType);
  if (!it) return null;
  const shape = newNodeShape(vng, it, catalog, observed, allocatable);
  return { capacity: shape.capacity, allocatable: shape.allocatable };
}

/** Labels of a node named `name` of `instanceType` launched by `vng` in `zone` of `region`. */
export function launchLabels(vng: Vng, instanceType: string, zone: string, region: string, name: string, catalog: Catalog): Record<string, string> | null {
  const it = catalog.byName.get(instanceType);
  if (!it) return null;
  return { ...nodeTemplateLabels(vng, it, zone, region), [LABEL_HOSTNAME]: name };
}

/** The DaemonSets that run a pod on a node of these labels and taints. */
export function daemonSetsFor(daemonSets: readonly DaemonSet[], name: string, labels: Readonly<Record<string, string>>, taints: readonly Taint[]): DaemonSet[] {
  return daemonSets.filter((d) => firstUntoleratedTaint(taints, d.template.tolerations) === null && nodeAffinityMatches(d.template, name, labels));
}

/**
 * A model pod of a DaemonSet's template (for a node that does not exist yet, or to create one); `uid` and `name` when the
 * caller has them (one object made, not a copy of one).
 */
export function daemonPodBase(d: DaemonSet, nodeName: string | null, uid = '', name = ''): Pod {
  return {
    ...d.template,
    uid,
    namespace: d.namespace,
    name,
    labels: d.template.labels,
    annotations: {},
    nodeName,
    phase: 'Pending',
    owner: { kind: 'DaemonSet', name: d.name, uid: d.uid },
    workload: { kind: 'DaemonSet', name: d.name, uid: d.uid },
    isMirror: false,
    ready: false,
  };
}

/** A node launched and not registered (or not Ready) yet. */
export interface BootingNode {
  readonly name: string;
  readonly instanceId: string;
  readonly vng: Vng;
  readonly instanceType: string;
  readonly zone: string;
}

export interface LaunchContext {
  readonly catalog: Catalog;
  readonly observed: ReadonlyMap<string, NodeResources>;
  /** The plan's node options (--max-pods, --vm-memory-overhead-percent). */
  readonly allocatable?: AllocatableOptions;
  readonly region: string;
  readonly daemonSets: readonly DaemonSet[];
}

/** A booting node as the scheduler will see it once Ready, with the DaemonSet pods it will run. Null for an unknown type. */
export function bootingNodeModel(b: BootingNode, ctx: LaunchContext): { node: Node; daemonPods: Pod[] } | null {
  const labels = launchLabels(b.vng, b.instanceType, b.zone, ctx.region, b.name, ctx.catalog);
  const res = launchResources(b.vng, b.instanceType, ctx.catalog, ctx.observed, ctx.allocatable);
  if (!labels || !res) return null;
  const node: Node = {
    name: b.name,
    uid: `booting-${b.instanceId}`,
    labels,
    annotations: {},
    taints: b.vng.taints,
    capacity: res.capacity,
    allocatable: res.allocatable,
    unschedulable: false,
    providerID: `aws:///${b.zone}/${b.instanceId}`,
    instanceType: b.instanceType,
    zone: b.zone,
    instanceId: b.instanceId,
    ready: true,
  };
  const daemonPods = daemonSetsFor(ctx.daemonSets, b.name, labels, b.vng.taints).map((d) =>
    daemonPodBase(d, b.name, `ds-${d.uid}-${b.instanceId}`, `${d.name}-${b.instanceId}`),
  );
  return { node, daemonPods };
}

/** A node of a VNG that is up or booting: it counts against the VNG's limits. */
export interface LaunchedNode {
  readonly vng: string | null;
  readonly instanceType: string | null;
}

/** A VNG instance type and zone that failed to launch recently (InsufficientInstanceCapacity). */
export interface CapacityBackoff {
  readonly vng: string;
  readonly instanceType: string;
  readonly zone: string;
}

/**
 * The VNGs with what is already up or booting (`launched`, counted in the given order) taken off their limits, and the
 * types/zones in `backoffs` left out: a type in backoff is left out everywhere (solve() picks type and zone together); a zone
 * where two or more types failed is left out too (the shortage is the zone's).
 */
export function vngsWithHeadroom(
  vngs: readonly Vng[],
  catalog: Catalog,
  launched: readonly LaunchedNode[],
  backoffs: readonly CapacityBackoff[],
  used: ReadonlyMap<string, VngUse> = vngUse(catalog, launched),
): Vng[] {
  return vngs.map((v) => {
    const u = used.get(v.name) ?? { count: 0, vcpu: 0, memoryGiB: 0 };
    const off = backoffs.filter((b) => b.vng === v.name);
    let types = v.instanceTypes.filter((t) => !off.some((b) => b.instanceType === t));
    const badZone = (z: string): boolean => new Set(off.filter((b) => b.zone === z).map((b) => b.instanceType)).size >= 2;
    const zones = v.zones.filter((z) => !badZone(z));
    if (v.zones.length > 0 && zones.length === 0) types = [];
    return {
      ...v,
      instanceTypes: types,
      zones,
      minInstanceCount: Math.max(0, v.minInstanceCount - u.count),
      maxInstanceCount: v.maxInstanceCount === null ? null : Math.max(0, v.maxInstanceCount - u.count),
      maxVCpu: v.maxVCpu === null ? null : Math.max(0, v.maxVCpu - u.vcpu),
      maxMemoryGiB: v.maxMemoryGiB === null ? null : Math.max(0, v.maxMemoryGiB - u.memoryGiB),
      configuredLimits: v.configuredLimits ?? { maxInstanceCount: v.maxInstanceCount, maxVCpu: v.maxVCpu, maxMemoryGiB: v.maxMemoryGiB, launched: u.count },
    };
  });
}

/** What a VNG's nodes up or booting take of its limits. */
export interface VngUse {
  count: number;
  vcpu: number;
  memoryGiB: number;
}

/**
 * Per VNG, what the nodes of `launched` take of its limits, counted in order; into `used` when given (a caller whose list
 * only grows counts the new nodes alone, with the same sums).
 */
export function vngUse(catalog: Catalog, launched: readonly LaunchedNode[], from = 0, used = new Map<string, VngUse>()): Map<string, VngUse> {
  for (let i = from; i < launched.length; i++) {
    const n = launched[i] as LaunchedNode;
    if (n.vng === null) continue;
    const u = used.get(n.vng) ?? { count: 0, vcpu: 0, memoryGiB: 0 };
    const it = n.instanceType === null ? undefined : catalog.byName.get(n.instanceType);
    u.count += 1;
    u.vcpu += it?.vcpu ?? 0;
    u.memoryGiB += (it?.memoryMiB ?? 0) / 1024;
    used.set(n.vng, u);
  }
  return used;
}

export interface ScaleUpInput {
  /** The cluster as it is, plus the booting nodes (bootingNodeModel) with the pods already waiting for them. */
  readonly view: Cluster;
  /** The pods kube-scheduler could not place, in a stable order (their nodeName null). */
  readonly pending: readonly Pod[];
  /** The VNGs with their headroom (vngsWithHeadroom). */
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly observed: ReadonlyMap<string, NodeResources>;
  /** The plan's node options (--max-pods, --vm-memory-overhead-percent). */
  readonly allocatable?: AllocatableOptions;
  /**
   * The architectures a pod that does not constrain kubernetes.io/arch itself may run on (the cluster's today, see
   * clusterArchitectures); null lets such pods change architecture.
   */
  readonly architectures: readonly string[] | null;
  /** Class keys the caller has already, for pending pods and the view's pods (see KnownClassKey in pod-classes.ts). */
  readonly knownClassKey?: KnownClassKey;
}

export interface ScaleUpResult {
  /** Per pending pod: where solve() put it. `vng === null`: on a node that exists or boots already (`node`). */
  readonly placements: readonly (Placement | null)[];
  /** The nodes to launch, with the indexes of the pending pods each is for. */
  readonly newNodes: readonly NewNode[];
  /** Pending pods (by index) that fit no VNG, with kube-scheduler's summary; in index order. */
  readonly misfits: readonly (readonly [number, Unschedulable])[];
}

export function scaleUp(input: ScaleUpInput): ScaleUpResult {
  const archs = input.architectures;
  const result = solve({
    ...(archs === null ? {} : { podArchitectures: input.pending.map((p) => (constrainsArch(p) ? null : archs)) }),
    cluster: withNamedVolumes(input.view, input.pending),
    vngs: input.vngs,
    catalog: input.catalog,
    migratingNodes: new Set(),
    movingPods: input.pending,
    observed: input.observed,
    ...(input.allocatable ? { allocatable: input.allocatable } : {}),
    ...(input.knownClassKey ? { knownClassKey: input.knownClassKey } : {}),
  });
  const misfits = [...result.unschedulable.entries()].sort((a, b) => a[0] - b[0]);
  return { placements: result.placements, newNodes: result.newNodes, misfits };
}

/**
 * The view with only the claims its pods and the pending pods name, and their volumes: solve() reads volumes only through
 * the pods' claims, and indexing every claim of a big cluster at each scale-up costs more than the rest of the setup.
 */
function withNamedVolumes(view: Cluster, pending: readonly Pod[]): Cluster {
  const claims = new Set<string>();
  for (const list of [view.pods, pending]) {
    for (const p of list) for (const v of p.volumes) if (v.kind === 'pvc') claims.add(`${p.namespace}/${v.claimName}`);
  }
  const pvcs = named(view.pvcs, claims, (c) => `${c.namespace}/${c.name}`);
  const volumes = new Set(pvcs.map((c) => c.volumeName).filter((v): v is string => v !== null));
  return { ...view, pvcs, pvs: named(view.pvs, volumes, (v) => v.name) };
}

/** Per list of claims or volumes: where the items of each name are in it (made once per list). */
const nameIndexes = new WeakMap<readonly object[], ReadonlyMap<string, readonly number[]>>();

/** The items of `list` whose name is in `names`, in the list's order (list.filter, without visiting every item). */
function named<T extends object>(list: readonly T[], names: ReadonlySet<string>, nameOf: (x: T) => string): T[] {
  if (names.size === 0) return [];
  let index = nameIndexes.get(list);
  if (index === undefined) {
    const built = new Map<string, number[]>();
    list.forEach((x, i) => {
      const k = nameOf(x);
      const at = built.get(k);
      if (at) at.push(i);
      else built.set(k, [i]);
    });
    nameIndexes.set(list, (index = built));
  }
  const at: number[] = [];
  for (const k of names) for (const i of index.get(k) ?? []) at.push(i);
  return at.sort((a, b) => a - b).map((i) => list[i] as T);
}

/**
 * The misfits that still fit nowhere when solved alone against `vngs` (typically the VNGs without the types and zones in
 * backoff): the others only lack capacity in backoff, and wait for it rather than count as unplaceable.
 */
export function stillUnplaceable(
  input: Omit<ScaleUpInput, 'architectures'>,
  misfits: readonly (readonly [number, Unschedulable])[],
): (readonly [number, Unschedulable])[] {
  const again = solve({
    cluster: withNamedVolumes(input.view, input.pending),
    vngs: input.vngs,
    catalog: input.catalog,
    migratingNodes: new Set(),
    movingPods: misfits.map(([i]) => input.pending[i] as Pod),
    observed: input.observed,
    ...(input.allocatable ? { allocatable: input.allocatable } : {}),
  });
  return misfits.filter((_, j) => again.placements[j] === null);
}
