/**
 * The autoscaler's input in the planner's model of a run (expected-fleet.ts): what sim/autoscaler.ts hands scaleUp() - the
 * cluster as it is, the pods kube-scheduler could not place, the VNGs with what is already launched taken off their limits,
 * the cluster's architectures - built from the model's state, and made small without changing the answer.
 *
 * The view scaleUp() packs against is cut down without changing its answer. A node that takes no pod (cordoned, NotReady,
 * or without room for the smallest pending pod: most new nodes once they filled up) only holds domains and pods that rules
 * count: one node of each kind (labels but the hostname, taints, state) stands for all, with no room, carrying the pods
 * that count for the pending pods' rules beyond one node (run-scheduler.ts termsRelevantTo). A node that can take pods keeps its room: the pods that count for the pending pods' rules, or hold
 * host ports, as they are; what the others request is taken off its allocatable. So do the nodes still booting, with their
 * DaemonSet pods and the pods meant for them. On a big cluster that is its schedulable nodes and few pods instead of every
 * pod. The pods handed over are the same objects from one scale-up to the next (copied once per node they are on).
 */
import type { AllocatableOptions, NodeResources } from '../catalog/allocatable.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Cluster, Node, Pod, ResourceList, Vng } from '../model/types.js';
import type { NodesByKind } from './nodes-by-kind.js';
import { addInto, subtractInto } from './resources.js';
import type { RunPod, RunScheduler } from './run-scheduler.js';
import { vngsWithHeadroom, vngUse, type LaunchedNode, type ScaleUpInput, type VngUse } from './scale-up.js';

/**
 * `P`: the scheduler's pods (run-scheduler.ts RunScheduler<P>); `podOf` gives the Pod each stands for. The model keeps the
 * Pod on its per-pod entry, so it needs no map from key to pod (an evicted pod terminating on its old node and its
 * replacement are two records of one entry, and give the same Pod).
 */
export interface RunViewInput<P extends RunPod = RunPod> {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly observed: ReadonlyMap<string, NodeResources>;
  readonly allocatable?: AllocatableOptions;
  readonly architectures: readonly string[] | null;
  readonly scheduler: RunScheduler<P>;
  /** The nodes that exist now, by name and kind (cordoned ones marked unschedulable). */
  readonly nodes: NodesByKind;
  /**
   * The pod a pod of the scheduler stands for (its RunPod's spec and class key describe its scheduling fields), or
   * undefined for one the caller does not hold.
   */
  readonly podOf: (pod: P) => Pod | undefined;
  /**
   * The pod as it waits Pending, one object per pod that the caller keeps from one scale-up to the next (expected-fleet.ts
   * keeps it on its entry): podOf's pod with its nodeName null (the same scheduling fields: it is classed by the pod's
   * class key), and never one of the pods the view places on a node. Undefined, or without this function: the view makes
   * the Pending copy itself (kept for the pod's last node only) and registers it for its class key; on a big cluster
   * nearly every pod is handed over Pending once, and those copies and registrations were a good part of the view's time.
   */
  readonly pendingPodOf?: (pod: P) => Pod | undefined;
  /** The VNG nodes launched so far (they count against the VNGs' limits). */
  readonly launched: readonly LaunchedNode[];
  /** Nodes launched and not Ready yet, with their DaemonSet pods and the pods an earlier scale-up meant for them. */
  readonly booting: readonly BootingView[];
  /**
   * The pods kube-scheduler could not place, as the scheduler knows them, in the order scaleUp() is to see them (the
   * world's autoscaler hands them over by namespace/name): its answers come back in this order.
   */
  readonly pending: readonly P[];
  /** The whole cluster, every node and pod as they are (as sim/autoscaler.ts builds it): slower, the same answer. */
  readonly whole?: boolean;
}

/** A node launched and not Ready yet, with the pods that will run there (the view sets their nodeName to it). */
export interface BootingView {
  readonly node: Node;
  readonly pods: readonly BootingPod[];
}

/** A pod that will run on a booting node, with its class key (run-scheduler.ts). */
export interface BootingPod {
  readonly pod: Pod;
  readonly classKey: string;
}

export function scaleUpInputOf<P extends RunPod>(input: RunViewInput<P>): ScaleUpInput {
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  if (input.whole === true) {
    nodes.push(...input.nodes.values());
    for (const { pod, node } of input.scheduler.podsOfClasses(null)) {
      const p = input.podOf(pod);
      if (p) pods.push(placedOn(p, node, pod.classKey));
    }
    for (const b of input.booting) {
      nodes.push(b.node);
      for (const { pod, classKey } of b.pods) pods.push(placedOn(pod, b.node.name, classKey));
    }
    return inputOf(input, nodes, pods);
  }
  const { onCandidates, onOthers } = input.scheduler.termsRelevantTo(input.pending);
  // A node without room for the smallest pending pod (cpu, memory, a pod slot) takes none of them either.
  let minCpu = Number.POSITIVE_INFINITY;
  let minMemory = Number.POSITIVE_INFINITY;
  for (const r of input.pending) {
    minCpu = Math.min(minCpu, r.spec.requests['cpu'] ?? 0);
    minMemory = Math.min(minMemory, r.spec.requests['memory'] ?? 0);
  }
  /** Nodes that take pods (the schedulable nodes with room for the smallest pending pod): where each is in `nodes`. */
  const candidates = new Map<string, number>();
  for (const name of input.scheduler.nodesWithRoom(minCpu, minMemory)) {
    const n = input.nodes.get(name);
    if (n === undefined || n.unschedulable || !n.ready) continue;
    candidates.set(name, nodes.length);
    nodes.push(n);
  }
  // A node that takes no pod: the first of its kind by name stands for all (zones and domains are the same), with no room.
  const standIn = new Map<string, Node>();
  for (const [kind, names] of input.nodes.kinds()) {
    for (const name of names) {
      if (candidates.has(name)) continue;
      const rep: Node = { ...(input.nodes.get(name) as Node), allocatable: {} };
      standIn.set(kind, rep);
      nodes.push(rep);
      break;
    }
  }
  /** The node that stands for a node that takes no pod. */
  const standInFor = (name: string): string => {
    const kind = input.nodes.kindOf(name);
    return kind === undefined ? name : (standIn.get(kind)?.name ?? name);
  };
  // A node that can take pods keeps its room: the pods that count for the rules (or hold host ports) as they are, what the
  // others request taken off its allocatable (a pod that fits there fits the node as it is).
  const counted = new Map<string, ResourceList>();
  for (const { pod, node } of input.scheduler.podsOfClasses(onCandidates)) {
    const p = input.podOf(pod);
    if (!p) continue;
    if (candidates.has(node)) {
      pods.push(placedOn(p, node, pod.classKey));
      let sum = counted.get(node);
      if (!sum) counted.set(node, (sum = {}));
      addInto(sum, p.requests);
    } else if (onOthers.has(pod.classKey)) pods.push(placedOn(p, standInFor(node), pod.classKey));
  }
  for (const [name, at] of candidates) {
    const rest = input.scheduler.requested(name) ?? {};
    subtractInto(rest, counted.get(name) ?? {});
    nodes[at] = withRoomTaken(nodes[at] as Node, rest);
  }
  for (const b of input.booting) {
    const split = bootingSplit(b.node, b.pods, onCandidates);
    for (const { pod, classKey } of split.counts) pods.push(placedOn(pod, b.node.name, classKey));
    nodes.push(withRoomTaken(b.node, split.rest));
  }
  return inputOf(input, nodes, pods);
}

/**
 * A booting node's pods as the view takes them: those whose class is relevant (handed over as they are, in order) and what
 * the others request.
 */
interface BootingSplit {
  readonly counts: readonly BootingPod[];
  readonly rest: ResourceList;
}

/**
 * Per booting node, what the pods of its list last handed over request (`all`) and how many of them each class has. Most
 * booting nodes hold no pod of a relevant class: their split is then none handed over and `all`, the sums the pod by pod
 * split makes. From one scale-up to the next the list mostly keeps its pods (the model pushes pods on its end and leaves
 * out those no longer meant for the node): the pods gone are taken off the sums and the new ones added. The requests are
 * integers (resources.ts), so the sums do not depend on the order they are made in, as long as they stay exact (`exact`:
 * safe integers only). `seen`: the pods the sums are over, in the list's order.
 */
interface BootingSums {
  seen: readonly BootingPod[];
  readonly all: ResourceList;
  /** How many of the pods each class has (classes with none left out). */
  readonly classes: Map<string, number>;
  exact: boolean;
}

const bootingSums = new WeakMap<Node, BootingSums>();

function bootingSplit(node: Node, list: readonly BootingPod[], relevant: ReadonlySet<string>): BootingSplit {
  let sums = bootingSums.get(node);
  if (sums === undefined) bootingSums.set(node, (sums = { seen: [], all: {}, classes: new Map(), exact: true }));
  if (sums.exact) updateSums(sums, list);
  if (sums.exact && !anyRelevant(sums, relevant) && keysIn(sums.all, node.allocatable)) return { counts: [], rest: sums.all };
  const counts: BootingPod[] = [];
  const rest: ResourceList = {};
  for (const p of list) {
    if (relevant.has(p.classKey)) counts.push(p);
    else addInto(rest, p.pod.requests);
  }
  return { counts, rest };
}

/**
 * Brings the sums from `seen` to `list`: walking both in order, a pod of `seen` that is not the next of `list` is taken off,
 * and the pods of `list` past the end of `seen` are added (whatever the change, every pod of `seen` is matched or taken
 * off and every pod of `list` matched or added).
 */
function updateSums(sums: BootingSums, list: readonly BootingPod[]): void {
  const seen = sums.seen;
  let i = 0;
  let changed = false;
  for (const p of list) {
    while (i < seen.length && seen[i] !== p) {
      count(sums, seen[i] as BootingPod, -1);
      changed = true;
      i += 1;
    }
    if (i < seen.length) i += 1;
    else {
      count(sums, p, 1);
      changed = true;
    }
  }
  for (; i < seen.length; i++) {
    count(sums, seen[i] as BootingPod, -1);
    changed = true;
  }
  if (changed) sums.seen = [...list];
}

/** Adds (sign 1) or takes off (-1) a pod's requests and class; the sums stop being exact past the safe integers. */
function count(sums: BootingSums, p: BootingPod, sign: 1 | -1): void {
  const req = p.pod.requests;
  for (const key in req) {
    const v = req[key] ?? 0;
    const total = (sums.all[key] ?? 0) + sign * v;
    if (!Number.isSafeInteger(v) || !Number.isSafeInteger(total)) sums.exact = false;
    sums.all[key] = total;
  }
  const n = (sums.classes.get(p.classKey) ?? 0) + sign;
  if (n === 0) sums.classes.delete(p.classKey);
  else sums.classes.set(p.classKey, n);
}

/** Does one of the pods the sums are over have a relevant class? */
function anyRelevant(sums: BootingSums, relevant: ReadonlySet<string>): boolean {
  for (const k of sums.classes.keys()) if (relevant.has(k)) return true;
  return false;
}

/**
 * Is every resource of the sums one the node offers? Then taking them off its allocatable (withRoomTaken) gives what the
 * pod by pod sums give: a resource no pod requests any more is 0 there, and none is added to the allocatable.
 */
function keysIn(sums: ResourceList, allocatable: ResourceList): boolean {
  for (const key in sums) if (!(key in allocatable)) return false;
  return true;
}

/**
 * The node with `taken` off its allocatable: what it offers once the pods no rule of the pending pods counts are on it. A
 * pod fits beside them exactly when it fits this node (the integer sums are the same), and nothing else of theirs counts.
 */
function withRoomTaken(n: Node, taken: ResourceList): Node {
  if (!Object.values(taken).some((v) => v > 0)) return n;
  const allocatable: ResourceList = { ...n.allocatable };
  subtractInto(allocatable, taken);
  return { ...n, allocatable };
}

/** The scale-up input: the view of `nodes` and `pods`, the pending pods, the VNGs' headroom. */
function inputOf<P extends RunPod>(input: RunViewInput<P>, nodes: Node[], pods: Pod[]): ScaleUpInput {
  sortedByName(nodes);
  // In the caller's order (scaleUp() answers pod by pod in it): one pod of the view for each pending pod. The class keys
  // of the pods the caller keeps are known for this scale-up alone (a Map, not the registry of copies: cheaper to fill).
  const pendingKeys = new Map<Pod, string>();
  const pending: Pod[] = input.pending.map((r) => {
    const kept = input.pendingPodOf?.(r);
    if (kept !== undefined) {
      pendingKeys.set(kept, r.classKey);
      return kept;
    }
    const p = input.podOf(r);
    if (p === undefined) throw new Error(`scale-up view: pending pod ${r.key} is not one the scheduler holds`);
    return placedOn(p, null, r.classKey);
  });
  return {
    view: { ...input.cluster, nodes, pods: byName(pods), pdbs: [], workloads: [] },
    pending,
    vngs: vngsWithHeadroom(input.vngs, input.catalog, input.launched, [], launchedUse(input)),
    catalog: input.catalog,
    observed: input.observed,
    ...(input.allocatable ? { allocatable: input.allocatable } : {}),
    architectures: input.architectures,
    knownClassKey: (p) => pendingKeys.get(p) ?? classKeys.get(p),
  };
}

/**
 * What the launched nodes take of each VNG's limits, per list of launched nodes (the model's only grows: the nodes added
 * since the last scale-up are counted onto the last sums).
 */
const uses = new WeakMap<readonly LaunchedNode[], { readonly catalog: RunViewInput['catalog']; counted: number; readonly used: Map<string, VngUse> }>();

function launchedUse(input: Pick<RunViewInput, 'catalog' | 'launched'>): ReadonlyMap<string, VngUse> {
  const known = uses.get(input.launched);
  if (known !== undefined && known.catalog === input.catalog && known.counted <= input.launched.length) {
    vngUse(input.catalog, input.launched, known.counted, known.used);
    known.counted = input.launched.length;
    return known.used;
  }
  const used = vngUse(input.catalog, input.launched);
  uses.set(input.launched, { catalog: input.catalog, counted: input.launched.length, used });
  return used;
}

/**
 * The pod as the view holds it, on `node` (null: pending). A scale-up after another hands over mostly the same pods on the
 * same nodes: the copy made for one is kept (per pod, for its last node) and handed over again, not made anew each time.
 */
const copies = new WeakMap<Pod, Pod>();

/**
 * The class key (run-scheduler.ts) of each pod placedOn hands over (the view's pods, and pending pods the caller keeps
 * none of: see pendingPodOf), so that solve() need not derive it again.
 */
const classKeys = new WeakMap<Pod, string>();

function placedOn(p: Pod, node: string | null, classKey: string): Pod {
  let out = p;
  if (p.nodeName !== node) {
    const c = copies.get(p);
    if (c !== undefined && c.nodeName === node) out = c;
    else copies.set(p, (out = { ...p, nodeName: node }));
  }
  if (classKeys.get(out) !== classKey) classKeys.set(out, classKey);
  return out;
}

/** Sorts nodes by name in place; most calls find them sorted already (the nodes of the input, then launches by name). */
function sortedByName<T extends { readonly name: string }>(list: T[]): T[] {
  for (let i = 1; i < list.length; i++) {
    if (cmp((list[i - 1] as T).name, (list[i] as T).name) > 0) return list.sort((a, b) => cmp(a.name, b.name));
  }
  return list;
}

/** namespace/name of each pod handed over, made once per pod object (the same objects come back scale-up after scale-up). */
const nameKeys = new WeakMap<Pod, string>();

function byName(pods: readonly Pod[]): Pod[] {
  return pods
    .map((p) => {
      let k = nameKeys.get(p);
      if (k === undefined) nameKeys.set(p, (k = `${p.namespace}/${p.name}`));
      return { p, k };
    })
    .sort((a, b) => cmp(a.k, b.k))
    .map((x) => x.p);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
