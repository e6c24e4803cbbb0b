/**
 * VolumeBinding (kube-scheduler plugins/volumebinding), for the claims a migration meets: EBS-like volumes that are either
 * bound to a PV or provisioned on first use.
 * PreFilter (the pod as a whole, unresolvable): a claim that does not exist -> `persistentvolumeclaim "NAME" not found`; an
 * unbound claim whose StorageClass binds Immediately -> "pod has unbound immediate PersistentVolumeClaims". An unbound claim
 * of a WaitForFirstConsumer class (or of a class not in the input, as EKS's gp2/gp3 are) is assumed provisionable anywhere.
 * Filter (unresolvable): a bound PV's required node affinity must match the node -> "node(s) didn't match
 * PersistentVolume's node affinity" (kube-scheduler 1.36's wording; older releases said "node(s) had volume node affinity
 * conflict"). A bound PV missing from the input is not checked. Left out: matching unbound claims to existing PVs, storage
 * capacity tracking.
 */
import type { NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../src/model/types.js';
import { nodeTermMatches } from '../match.js';
import { OK, unresolvable } from '../types.js';
import type { FilterPlugin, SchedPod, Snapshot, VolumeObjects } from '../types.js';

export const REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const REASON_VOLUME_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity";
export function reasonClaimNotFound(name: string): string {
  return `persistentvolumeclaim "${name}" not found`;
}

interface ClaimCheck {
  /** The PreFilter failure, or null. */
  readonly error: string | null;
  /** The bound PVs of the pod's claims. */
  readonly bound: readonly PersistentVolume[];
}

interface VolumeLookup {
  readonly pvcs: ReadonlyMap<string, PersistentVolumeClaim>;
  readonly pvs: ReadonlyMap<string, PersistentVolume>;
  readonly classes: ReadonlyMap<string, StorageClass>;
}

const lookups = new WeakMap<VolumeObjects, VolumeLookup>();
/** The storage objects by name (the first of a name, as a search in list order finds it), built once per object set. */
function lookup(v: VolumeObjects): VolumeLookup {
  let l = lookups.get(v);
  if (l === undefined) {
    const first = <T,>(items: readonly T[], key: (x: T) => string): Map<string, T> => {
      const m = new Map<string, T>();
      for (const x of items) if (!m.has(key(x))) m.set(key(x), x);
      return m;
    };
    l = {
      pvcs: first(v.pvcs, (c) => `${c.namespace}/${c.name}`),
      pvs: first(v.pvs, (x) => x.name),
      classes: first(v.storageClasses, (c) => c.name),
    };
    lookups.set(v, l);
  }
  return l;
}

/**
 * Whether the volume filters (VolumeBinding, VolumeZone) read anything of the pod: it has a PersistentVolumeClaim volume.
 * They read no other volume kind (emptyDir, hostPath, the projected service account token every pod carries): a pod
 * without claims passes them on every node.
 */
export function hasClaims(pod: Pick<SchedPod, 'volumes'>): boolean {
  for (const v of pod.volumes) if (v.kind === 'pvc') return true;
  return false;
}

/** The pod's claim volumes (the part of its volumes the volume filters read), as text; '' for a pod without claims. */
export function claimsText(pod: Pick<SchedPod, 'volumes'>): string {
  return hasClaims(pod) ? JSON.stringify(pod.volumes.filter((v) => v.kind === 'pvc')) : '';
}

const NO_CLAIMS: ClaimCheck = { error: null, bound: [] };
/** The key of the claims of snapshots without storage objects. */
const NO_VOLUMES: object = {};
const checked = new WeakMap<object, WeakMap<SchedPod, ClaimCheck>>();

/**
 * The pod's claims resolved: they read the pod and the snapshot's storage objects only (which a snapshot never changes), so
 * they are resolved once per pod and set of storage objects, not per cycle.
 */
export function claimsOf(pod: SchedPod, snapshot: Snapshot): ClaimCheck {
  if (pod.volumes.length === 0) return NO_CLAIMS;
  const v = snapshot.volumes;
  let byPod = checked.get(v ?? NO_VOLUMES);
  if (byPod === undefined) checked.set(v ?? NO_VOLUMES, (byPod = new WeakMap()));
  let c = byPod.get(pod);
  if (c === undefined) byPod.set(pod, (c = resolveClaims(pod, v)));
  return c;
}

function resolveClaims(pod: SchedPod, v: VolumeObjects | undefined): ClaimCheck {
  const bound: PersistentVolume[] = [];
  for (const vol of pod.volumes) {
    if (vol.kind !== 'pvc' || v === undefined) continue;
    const pvc = lookup(v).pvcs.get(`${pod.namespace}/${vol.claimName}`);
    if (pvc === undefined) return { error: reasonClaimNotFound(vol.claimName), bound };
    if (pvc.volumeName === null) {
      const sc = pvc.storageClassName === null ? undefined : lookup(v).classes.get(pvc.storageClassName);
      if (sc?.volumeBindingMode === 'Immediate') return { error: REASON_UNBOUND_IMMEDIATE, bound };
      continue;
    }
    const pv = lookup(v).pvs.get(pvc.volumeName);
    if (pv !== undefined) bound.push(pv);
  }
  return { error: null, bound };
}

function affinityMatches(terms: readonly NodeSelectorTerm[], node: Parameters<typeof nodeTermMatches>[1]): boolean {
  return terms.some((t) => nodeTermMatches(t, node));
}

export const volumeBinding: FilterPlugin = {
  name: 'VolumeBinding',
  preFilter(pod, snapshot) {
    const { error } = claimsOf(pod, snapshot);
    return error === null ? OK : unresolvable(error);
  },
  filter(pod, { node }, snapshot) {
    for (const pv of claimsOf(pod, snapshot).bound) {
      if (pv.nodeAffinity !== null && !affinityMatches(pv.nodeAffinity, node)) return unresolvable(REASON_VOLUME_NODE_CONFLICT);
    }
    return OK;
  },
};
