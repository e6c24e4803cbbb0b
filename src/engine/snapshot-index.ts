/**
 * A snapshot's lookups (ports.ts SnapshotIndex): the port's own when it keeps them, else built from the snapshot's lists in
 * one pass, once per snapshot (a snapshot is never changed). `isSettled` says which pods `unsettled()` leaves out; a port
 * that keeps its own index follows it too.
 */
import type { ClusterSnapshot, NodeView, PodView, SnapshotIndex } from './ports.js';

/** Finished, or Running, Ready and not terminating: what `SnapshotIndex.unsettled()` leaves out. */
export function isSettled(p: Pick<PodView, 'phase' | 'ready' | 'terminating'>): boolean {
  return p.phase === 'Succeeded' || p.phase === 'Failed' || (p.phase === 'Running' && p.ready && !p.terminating);
}

const NONE: readonly PodView[] = [];

function push<K>(m: Map<K, PodView[]>, k: K, p: PodView): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [p]);
  else list.push(p);
}

/** The lookups over a node list and a pod list (each answer in the pod list's order). */
export function indexLists(nodes: readonly NodeView[], pods: readonly PodView[]): SnapshotIndex {
  const byName = new Map<string, NodeView>();
  for (const n of nodes) byName.set(n.name, n);
  const onNode = new Map<string, PodView[]>();
  const ofOwner = new Map<string, PodView[]>();
  const unsettled: PodView[] = [];
  for (const p of pods) {
    if (p.nodeName !== null) push(onNode, p.nodeName, p);
    if (p.ownerUid !== null) push(ofOwner, p.ownerUid, p);
    if (!isSettled(p)) unsettled.push(p);
  }
  return {
    node: (name) => byName.get(name),
    podsOn: (node) => onNode.get(node) ?? NONE,
    podsOf: (owner) => ofOwner.get(owner) ?? NONE,
    unsettled: () => unsettled,
  };
}

const built = new WeakMap<ClusterSnapshot, SnapshotIndex>();

/** The snapshot's lookups: the port's, or built from its lists on first use. */
export function indexOf(snap: ClusterSnapshot): SnapshotIndex {
  if (snap.index !== undefined) return snap.index;
  let index = built.get(snap);
  if (index === undefined) {
    index = indexLists(snap.nodes, snap.pods);
    built.set(snap, index);
  }
  return index;
}

/** The lookups of `index` with some nodes shown otherwise (a reconcile that changed them after its read). */
export function withNodes(index: SnapshotIndex, changed: ReadonlyMap<string, NodeView>): SnapshotIndex {
  if (changed.size === 0) return index;
  return {
    node: (name) => changed.get(name) ?? index.node(name),
    podsOn: (node) => index.podsOn(node),
    podsOf: (owner) => index.podsOf(owner),
    unsettled: () => index.unsettled(),
  };
}
