/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * Memoisation for one scheduling cycle, in the manner of kube-scheduler's PreFilter/PreScore cycle state and its cached
 * NodeInfo sums: what a plugin would otherwise recompute for every node (the pods placed cluster-wide, a spread
 * constraint's domain counts, a node's requested resources) is computed once and kept while its inputs are the same objects.
 *
 * The contract that makes this sound: a Snapshot and the `pods` array of a NodeState are never mutated after they are handed
 * to the scheduler. A caller whose cluster changes builds a new Snapshot object for the next cycle and a new `pods` array for
 * a node whose pods changed (sim/scheduler/cache.ts does both).
 */
import type { Node } from '../../../../../src/model/types.js';
import type { SchedPod, Snapshot } from './types.js';

const perSnapshot = new WeakMap<Snapshot, Map<string, unknown>>();
const perSnapshotPod = new WeakMap<Snapshot, WeakMap<SchedPod, Map<string, unknown>>>();
const perPods = new WeakMap<readonly SchedPod[], Map<string, number>>();

/** A value derived from the whole snapshot, computed once per snapshot and `key`. */
export function snapshotMemo<T>(snapshot: Snapshot, key: string, compute: () => T): T {
  let m = perSnapshot.get(snapshot);
  if (!m) {
    m = new Map();
    perSnapshot.set(snapshot, m);
  }
  if (m.has(key)) return m.get(key) as T;
  const v = compute();
  m.set(key, v);
  return v;
}

/** A value derived from the snapshot for one incoming pod (a cycle's state), computed once per (snapshot, pod, key). */
export function cycleMemo<T>(snapshot: Snapshot, pod: SchedPod, key: string, compute: () => T): T {
  let byPod = perSnapshotPod.get(snapshot);
  if (!byPod) {
    byPod = new WeakMap();
    perSnapshotPod.set(snapshot, byPod);
  }
  let m = byPod.get(pod);
  if (!m) {
    m = new Map();
    byPod.set(pod, m);
  }
  if (m.has(key)) return m.get(key) as T;
  const v = compute();
  m.set(key, v);
  return v;
}

/** A sum over a node's pods (NodeInfo.Requested / NonZeroRequested), computed once per pods array and `key`. */
export function podsSum(pods: readonly SchedPod[], key: string, compute: () => number): number {
  let m = perPods.get(pods);
  if (!m) {
    m = new Map();
    perPods.set(pods, m);
  }
  const hit = m.get(key);
  if (hit !== undefined) return hit;
  const v = compute();
  m.set(key, v);
  return v;
}

export interface PlacedPod {
  readonly pod: SchedPod;
  readonly node: Node;
}

/** Every pod placed in the snapshot with its node, in node order. */
export function placedPods(snapshot: Snapshot): readonly PlacedPod[] {
  return snapshotMemo(snapshot, 'placed', () => snapshot.nodes.flatMap((n) => n.pods.map((pod) => ({ pod, node: n.node }))));
}

const withTermsOn = new WeakMap<readonly SchedPod[], readonly SchedPod[]>();

function hasAnyTerms(pod: SchedPod): boolean {
  return (
    pod.podAffinity.length > 0 ||
    pod.podAntiAffinity.length > 0 ||
    (pod.preferredPodAffinity?.length ?? 0) > 0 ||
    (pod.preferredPodAntiAffinity?.length ?? 0) > 0
  );
}

/**
 * The placed pods that carry any pod affinity or anti-affinity term (required or preferred): the only ones that can
 * constrain or score an incoming pod that has none of its own. Kept per node's pods array, so a cycle costs one step per
 * node, not per pod.
 */
export function placedWithAffinity(snapshot: Snapshot): readonly PlacedPod[] {
  return snapshotMemo(snapshot, 'placed-with-affinity', () => {
    const out: PlacedPod[] = [];
    for (const n of snapshot.nodes) {
      let list = withTermsOn.get(n.pods);
      if (list === undefined) {
        list = n.pods.filter(hasAnyTerms);
        withTermsOn.set(n.pods, list);
      }
      for (const pod of list) out.push({ pod, node: n.node });
    }
    return out;
  });
}
