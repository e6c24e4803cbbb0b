/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
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
import type { NodeSelectorTerm, PersistentVolume } from '../../../../../../src/model/types.js';
import { cycleMemo } from '../cycle-memo.js';
import { nodeTermMatches } from '../match.js';
import { OK, unresolvable } from '../types.js';
import type { FilterPlugin, SchedPod, Snapshot } from '../types.js';

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

/** The pod's claims resolved once per cycle. */
export function claimsOf(pod: SchedPod, snapshot: Snapshot): ClaimCheck {
  return cycleMemo(snapshot, pod, 'volumes', () => {
    const v = snapshot.volumes;
    const bound: PersistentVolume[] = [];
    for (const vol of pod.volumes) {
      if (vol.kind !== 'pvc' || v === undefined) continue;
      const pvc = v.pvcs.find((c) => c.namespace === pod.namespace && c.name === vol.claimName);
      if (pvc === undefined) return { error: reasonClaimNotFound(vol.claimName), bound };
      if (pvc.volumeName === null) {
        const sc = v.storageClasses.find((c) => c.name === pvc.storageClassName);
        if (sc?.volumeBindingMode === 'Immediate') return { error: REASON_UNBOUND_IMMEDIATE, bound };
        continue;
      }
      const pv = v.pvs.find((x) => x.name === pvc.volumeName);
      if (pv !== undefined) bound.push(pv);
    }
    return { error: null, bound };
  });
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
