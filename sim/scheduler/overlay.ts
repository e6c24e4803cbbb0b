/**
 * A snapshot seen with one node's pods replaced (preemption's "what if these victims were gone"), made without copying the
 * node list, and the node-set version the per-node-object memos hang on.
 *
 * The plugins that look across the cluster (PodTopologySpread, InterPodAffinity) do not recount such a snapshot: they take
 * their counts for the base snapshot and correct them for the one node (kube-scheduler's PreFilterExtensions AddPod /
 * RemovePod do the same), so trying a node during preemption costs the pods of that node, not those of the cluster.
 */
import type { Node } from '../../src/model/types.js';
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

/**
 * The node changes of one cache in order: at each position, the name of the node added, replaced or removed, and its Node
 * object before and after (undefined: absent). A node-set version of the cache is a position in it (the changes made
 * before it), so what a reader keeps per node can be carried from one version to another, either way, by the entries
 * between them alone. Kept for the cache's lifetime (a few entries per node change).
 */
export class NodeSetLog {
  private readonly names: string[] = [];
  private readonly befores: (Node | undefined)[] = [];
  private readonly afters: (Node | undefined)[] = [];

  /** The position after the newest change: the cache's node set now. */
  get end(): number {
    return this.names.length;
  }

  record(name: string, before: Node | undefined, after: Node | undefined): void {
    this.names.push(name);
    this.befores.push(before);
    this.afters.push(after);
  }

  /** The node changed at position `pos` (0 <= pos < end). */
  nameAt(pos: number): string {
    return this.names[pos] as string;
  }

  /** The node's object before the change at `pos` (undefined: it was added). */
  beforeAt(pos: number): Node | undefined {
    return this.befores[pos];
  }

  /** The node's object after the change at `pos` (undefined: it was removed). */
  afterAt(pos: number): Node | undefined {
    return this.afters[pos];
  }
}

const logOf = new WeakMap<object, NodeSetLog>();

/** Declares that a node-set version belongs to a cache whose node changes `log` records (cache.ts). */
export function setVersionLog(version: object, log: NodeSetLog): void {
  logOf.set(version, log);
}

/** The node change log of the cache a node-set version (nodesVersion) belongs to, if it is a cache's. */
export function versionLog(version: object): NodeSetLog | undefined {
  return logOf.get(version);
}
