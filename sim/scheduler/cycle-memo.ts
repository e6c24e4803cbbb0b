/**
 * Memoisation for one scheduling cycle, in the manner of kube-scheduler's PreFilter/PreScore cycle state: what a plugin
 * would otherwise recompute for every node (a spread constraint's domain counts, the pod's claims, the topology pairs of
 * pod affinity) is computed once per (snapshot, incoming pod) and read by every node's filter or score.
 *
 * The contract that makes this sound: a Snapshot does not change while a cycle reads it. The cache's snapshots are valid
 * until the cache changes and each cycle takes a new one (sim/scheduler/cache.ts); any other caller builds a new Snapshot
 * object when its cluster changes.
 */
import type { SchedPod, Snapshot } from './types.js';

const perSnapshotPod = new WeakMap<Snapshot, WeakMap<SchedPod, Map<string, unknown>>>();

/** A value derived from the snapshot for one incoming pod (a cycle's state), computed once per (snapshot, pod, key). */
let lastSnapshot: Snapshot | null = null;
let lastPod: SchedPod | null = null;
let lastMap: Map<string, unknown> | null = null;

export function cycleMemo<T>(snapshot: Snapshot, pod: SchedPod, key: string, compute: () => T): T {
  // The filters of one cycle ask for the same (snapshot, pod) node after node: keep the last one at hand.
  let m = lastSnapshot === snapshot && lastPod === pod ? lastMap : null;
  if (m === null) {
    let byPod = perSnapshotPod.get(snapshot);
    if (!byPod) {
      byPod = new WeakMap();
      perSnapshotPod.set(snapshot, byPod);
    }
    m = byPod.get(pod) ?? null;
    if (m === null) {
      m = new Map();
      byPod.set(pod, m);
    }
    lastSnapshot = snapshot;
    lastPod = pod;
    lastMap = m;
  }
  if (m.has(key)) return m.get(key) as T;
  const v = compute();
  m.set(key, v);
  return v;
}
