/**
 * The engine's pod views (what its informer shows), kept by node, by controller and as the list of unsettled pods, so that a
 * snapshot costs the changes made since the last one rather than a pass over every pod. The world tells of every change:
 * the pod table's listener (pods added and removed, a pod bound to a node) and `touched(pod)` where a pod's phase, readiness
 * or termination changes. `frame()` brings the lists of the groups that changed up to date and returns the moment's
 * lists, which never change afterwards (framed-map.ts); the list of every pod is made from them only when asked for.
 *
 * The tests check the frames against views built from every pod (ApiStore.podViewsFromScratch) at each reconcile of whole
 * rehearsals.
 */
import type { PodView } from '../../src/engine/ports.js';
import { isSettled } from '../../src/engine/snapshot-index.js';
import { FramedMap, type MapFrame } from './framed-map.js';
import type { PodTableListener } from './pod-table.js';
import { cmp, key, type SimPod } from './types.js';

/** The group of the pods bound to no node (no node is named so). */
const UNBOUND = '\u0000';
const NONE: readonly PodView[] = [];

/** The pod views of one moment. */
export class PodViewsFrame {
  private everyPod: readonly PodView[] | null = null;

  constructor(
    private readonly byNode: MapFrame<readonly PodView[]>,
    private readonly byOwner: MapFrame<readonly PodView[]>,
    private readonly unsettledPods: readonly PodView[],
  ) {}

  /** The pods bound to a node, in namespace/name order. */
  podsOn(node: string): readonly PodView[] {
    return node === UNBOUND ? NONE : (this.byNode.get(node) ?? NONE);
  }

  /** The pods of a controller, in namespace/name order. */
  podsOf(ownerUid: string): readonly PodView[] {
    return this.byOwner.get(ownerUid) ?? NONE;
  }

  /** The pods neither finished nor Running, Ready and not terminating, in namespace/name order. */
  unsettled(): readonly PodView[] {
    return this.unsettledPods;
  }

  /** Every pod, in namespace/name order (made on first call from the nodes' lists). */
  all(): readonly PodView[] {
    if (this.everyPod === null) {
      const keyed = this.byNode.values().flatMap((list) => list.map((v) => ({ v, k: key(v.namespace, v.name) })));
      this.everyPod = keyed.sort((a, b) => cmp(a.k, b.k)).map(({ v }) => v);
    }
    return this.everyPod;
  }
}

/** Where `k` goes in `pods` (sorted by `keyOf`): the first position whose key is not below it. */
function lowerBound(pods: readonly SimPod[], k: string, keyOf: (p: SimPod) => string): number {
  let lo = 0;
  let hi = pods.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(pods[mid] as SimPod) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts a pod in a list sorted by key (no-op when there). */
function insertSorted(pods: SimPod[], pod: SimPod, k: string, keyOf: (p: SimPod) => string): void {
  // Past the last key (or the list empty): the world adopts the input's pods in key order, so each lands at the end of its
  // groups, found with one comparison instead of a search.
  const last = pods[pods.length - 1];
  if (last === undefined || keyOf(last) < k) {
    pods.push(pod);
    return;
  }
  let at = lowerBound(pods, k, keyOf);
  for (let i = at; i < pods.length && keyOf(pods[i] as SimPod) === k; i++) if (pods[i] === pod) return;
  while (at < pods.length && keyOf(pods[at] as SimPod) === k) at += 1;
  pods.splice(at, 0, pod);
}

/** Takes a pod out of a list sorted by key. */
function removeSorted(pods: SimPod[], pod: SimPod, k: string, keyOf: (p: SimPod) => string): void {
  for (let i = lowerBound(pods, k, keyOf); i < pods.length && keyOf(pods[i] as SimPod) === k; i++) {
    if (pods[i] === pod) {
      pods.splice(i, 1);
      return;
    }
  }
}

/** The SimPod field where a pod's group of the pod views is kept (types.ts): undefined while in none. */
type GroupField = 'viewNodeGroup' | 'viewOwnerGroup';

/**
 * Live groups of pods by a key, each kept in namespace/name order, with the keys whose group (or a member's view) changed
 * since the last frame. A pod's group is kept on the pod itself (`field`), not in a map of every live pod.
 */
class Groups {
  private readonly members = new Map<string, SimPod[]>();
  readonly changed = new Set<string>();

  constructor(
    private readonly keyOf: (p: SimPod) => string,
    private readonly field: GroupField,
  ) {}

  has(pod: SimPod): boolean {
    return pod[this.field] !== undefined;
  }

  /** Puts the pod in group `g` (null: in none), or marks its group changed when it is there already. */
  place(pod: SimPod, g: string | null): void {
    const was = pod[this.field];
    if (was !== undefined && was !== g) {
      const list = this.members.get(was);
      if (list !== undefined) {
        removeSorted(list, pod, this.keyOf(pod), this.keyOf);
        if (list.length === 0) this.members.delete(was);
      }
      pod[this.field] = undefined;
      this.changed.add(was);
    }
    if (g === null) return;
    if (was !== g) {
      let list = this.members.get(g);
      if (list === undefined) {
        list = [];
        this.members.set(g, list);
      }
      insertSorted(list, pod, this.keyOf(pod), this.keyOf);
      pod[this.field] = g;
    }
    this.changed.add(g);
  }

  /** Marks the pod's group changed (a member's view changed). */
  touch(pod: SimPod): void {
    const g = pod[this.field];
    if (g !== undefined) this.changed.add(g);
  }

  /** A group's views in namespace/name order (undefined when it is empty). */
  views(g: string, viewOf: (p: SimPod) => PodView): readonly PodView[] | undefined {
    const list = this.members.get(g);
    return list === undefined || list.length === 0 ? undefined : list.map(viewOf);
  }
}

export class PodViewIndex implements PodTableListener {
  /** A pod's namespace/name key (what the lists are sorted by). */
  private readonly keyOf = (p: SimPod): string => p.key;
  private readonly nodes = new Groups(this.keyOf, 'viewNodeGroup');
  private readonly owners = new Groups(this.keyOf, 'viewOwnerGroup');
  /** Live pods neither finished nor Running, Ready and not terminating, as of the last frame, in key order. */
  private readonly unsettledPods: SimPod[] = [];
  private readonly isUnsettled = new Set<SimPod>();
  /** Pods added, removed or changed since the last frame. */
  private readonly changedPods = new Set<SimPod>();
  private readonly byNode = new FramedMap<readonly PodView[]>();
  private readonly byOwner = new FramedMap<readonly PodView[]>();
  private unsettledList: readonly PodView[] = NONE;
  private last: PodViewsFrame | null = null;

  added(pod: SimPod): void {
    this.nodes.place(pod, pod.nodeName ?? UNBOUND);
    this.owners.place(pod, pod.owner?.uid ?? null);
    this.changedPods.add(pod);
  }

  removed(pod: SimPod): void {
    this.nodes.place(pod, null);
    this.owners.place(pod, null);
    this.changedPods.add(pod);
  }

  bound(pod: SimPod): void {
    this.nodes.place(pod, pod.nodeName ?? UNBOUND);
    this.owners.touch(pod);
    this.changedPods.add(pod);
  }

  /** A pod's phase, readiness or termination changed. */
  touched(pod: SimPod): void {
    if (!this.nodes.has(pod)) return;
    this.nodes.touch(pod);
    this.owners.touch(pod);
    this.changedPods.add(pod);
  }

  /** The views now (the last frame again when nothing changed since). */
  frame(viewOf: (p: SimPod) => PodView): PodViewsFrame {
    if (this.last !== null && this.changedPods.size === 0) return this.last;
    let unsettledChanged = false;
    for (const p of this.changedPods) {
      const was = this.isUnsettled.has(p);
      const is = this.nodes.has(p) && !isSettled(p);
      if (was || is) unsettledChanged = true;
      if (is && !was) {
        this.isUnsettled.add(p);
        insertSorted(this.unsettledPods, p, this.keyOf(p), this.keyOf);
      } else if (was && !is) {
        this.isUnsettled.delete(p);
        removeSorted(this.unsettledPods, p, this.keyOf(p), this.keyOf);
      }
    }
    this.changedPods.clear();
    for (const g of this.nodes.changed) this.byNode.set(g, this.nodes.views(g, viewOf));
    this.nodes.changed.clear();
    for (const g of this.owners.changed) this.byOwner.set(g, this.owners.views(g, viewOf));
    this.owners.changed.clear();
    if (unsettledChanged) this.unsettledList = this.unsettledPods.length === 0 ? NONE : this.unsettledPods.map(viewOf);
    this.last = new PodViewsFrame(this.byNode.frame(), this.byOwner.frame(), this.unsettledList);
    return this.last;
  }
}
