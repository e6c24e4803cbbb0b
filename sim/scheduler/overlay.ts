/**
 * A snapshot seen with one node's pods replaced (preemption's "what if these victims were gone"), made without copying the
 * node list, and the node-set version the per-node-object memos hang on.
 *
 * The plugins that look across the cluster (PodTopologySpread, InterPodAffinity) do not recount such a snapshot: they take
 * their counts for the base snapshot and correct them for the one node (kube-scheduler's PreFilterExtensions AddPod /
 * RemovePod do the same), so trying a node during preemption costs the pods of that node, not those of the cluster.
 */
import type { NodeState, Snapshot } from './types.js';

export interface Overlay {
  readonly base: Snapshot;
  /** The node as the base snapshot holds it. */
  readonly original: NodeState;
  /** The same node with other pods. */
  readonly replaced: NodeState;
}

const overlays = new WeakMap<Snapshot, Overlay>();
const versions = new WeakMap<Snapshot, object>();

/** `snapshot` with `replaced` standing for the node of the same name (whose pods the snapshot holds as `original`). */
export function withNode(snapshot: Snapshot, original: NodeState, replaced: NodeState): Snapshot {
  const base = overlays.get(snapshot)?.base ?? snapshot;
  if (base !== snapshot) throw new Error('withNode: an overlay of an overlay');
  let nodes: readonly NodeState[] | null = null;
  const derived: Snapshot = {
    get nodes() {
      nodes ??= base.nodes.map((n) => (n.node.name === replaced.node.name ? replaced : n));
      return nodes;
    },
    namespaceLabels: base.namespaceLabels,
    ...(base.volumes ? { volumes: base.volumes } : {}),
    get pdbs() {
      return base.pdbs;
    },
  };
  overlays.set(derived, { base, original, replaced });
  return derived;
}

export function overlayOf(snapshot: Snapshot): Overlay | undefined {
  return overlays.get(snapshot);
}

/** Declares that `snapshot` holds the same Node objects, in the same order, as every snapshot given the same `version`. */
export function setNodesVersion(snapshot: Snapshot, version: object): void {
  versions.set(snapshot, version);
}

/**
 * An object that stays the same while the snapshot's Node objects do (the pods may differ): the key of memos that depend on
 * the nodes only. An overlay shares its base's.
 */
export function nodesVersion(snapshot: Snapshot): object {
  const o = overlays.get(snapshot);
  if (o !== undefined) return nodesVersion(o.base);
  return versions.get(snapshot) ?? snapshot;
}

/** The node list of the snapshot, or of its base when it is an overlay (the same Node objects). */
export function baseNodes(snapshot: Snapshot): readonly NodeState[] {
  return overlays.get(snapshot)?.base.nodes ?? snapshot.nodes;
}
