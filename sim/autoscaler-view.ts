/**
 * The cluster as the autoscaler packs it (sim/autoscaler.ts). Two views:
 *
 * - The packing view, used every pass: the nodes still booting (with the DaemonSet pods they will run and the pending pods
 *   already waiting for them), the launched nodes registered but not Ready yet (as Ready: they are seconds away, with the
 *   pending pods waiting for them too), the launched Ready nodes that still have
 *   room for the smallest pending pod (the autoscaler launched them for pods kube-scheduler may have put elsewhere), and,
 *   as bystanders that take no pod, the
 *   nodes holding the pods the pending pods' zone-wide terms count (topology spread, pod affinity and anti-affinity over a
 *   domain wider than a node), the pods whose own anti-affinity reaches past their node, and one node of each zone (so the
 *   zones and region the planner derives from the cluster are the same as in the full view). The other Ready nodes are not
 *   packed onto: the pending pods are the ones kube-scheduler just found no room for there, and it tries them again within
 *   a tenth of a second of any change, long before the next autoscaler pass. So a pass costs what the pending pods and the
 *   booting nodes cost, not what the cluster costs (on 150,000 pods, re-reading the whole cluster every 10 s made the
 *   rehearsal quadratic).
 * - The full view: every node and pod (the Ready nodes too), read only to check the pods the packing view found no VNG for:
 *   one that an existing node would hold is not reported unplaceable (kube-scheduler will place it once room frees).
 */
import type { Node, Pod, Vng } from '../src/model/types.js';
import { bootingNodeModel } from '../src/planner/scale-up.js';
import { addInto, subtractInto } from '../src/planner/resources.js';
import { selectorMatches } from '../src/planner/selectors.js';
import type { LabelSelector, ResourceList } from '../src/model/types.js';
import type { SimNode, SimPod, World } from './cluster.js';
import type { SimInstance } from './ec2.js';

const HOSTNAME = 'kubernetes.io/hostname';

export interface AutoscalerView {
  readonly nodes: Node[];
  readonly pods: Pod[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type BootingModel = ReturnType<typeof bootingNodeModel>;

/**
 * Each booting instance's node and DaemonSet pods as the planner models them, made once per instance and VNG object (an
 * instance's type, zone and node name never change, nor the world's catalog and DaemonSets): the same objects every pass.
 */
const bootingModels = new WeakMap<SimInstance, { readonly vng: Vng; readonly model: BootingModel }>();

function bootingModelOf(inst: SimInstance, vng: Vng, make: () => BootingModel): BootingModel {
  const hit = bootingModels.get(inst);
  if (hit !== undefined && hit.vng === vng) return hit.model;
  const model = make();
  bootingModels.set(inst, { vng, model });
  return model;
}

/**
 * The nodes still booting (unregistered) as the scheduler will see them, with their DaemonSet pods, and the pending pods
 * waiting for any launched node not Ready yet (registered or not: the caller adds the registered ones).
 */
function bootingPart(
  w: World,
  inFlight: readonly SimInstance[],
  covered: ReadonlyMap<string, string>,
  nodes: Node[],
  pods: Pod[],
  counts: (p: SimPod) => boolean = () => true,
): void {
  const vngByName = new Map(w.vngs.map((v) => [v.name, v]));
  const flyingNodes = new Map<string, string>();
  /**
   * Booting nodes: where each is in `nodes`, what the waiting pods no rule counts take of it, and whether every amount
   * summed into it was a safe integer of at least 0 (else their order of summing may count).
   */
  const bootingAt = new Map<string, { readonly at: number; readonly taken: ResourceList; exact: boolean }>();
  const launchCtx = { catalog: w.catalog, observed: w.observed, allocatable: w.allocatable, region: w.region, daemonSets: w.daemonSets };
  for (const inst of inFlight) {
    if (w.nodes.has(inst.nodeName)) {
      flyingNodes.set(inst.id, inst.nodeName);
      continue;
    }
    const vng = inst.vng === null ? undefined : vngByName.get(inst.vng);
    if (!vng || inst.instanceType === null || inst.zone === null) continue;
    const instanceType = inst.instanceType;
    const zone = inst.zone;
    const booting = bootingModelOf(inst, vng, () => bootingNodeModel({ name: inst.nodeName, instanceId: inst.id, vng, instanceType, zone }, launchCtx));
    if (!booting) continue;
    flyingNodes.set(inst.id, inst.nodeName);
    bootingAt.set(inst.nodeName, { at: nodes.length, taken: {}, exact: true });
    nodes.push(booting.node);
    pods.push(...booting.daemonPods);
  }
  // The waiting pods handed over (a rule counts them, or their node is registered), in namespace/name order; those of a
  // booting node no rule counts only take room: summed in the order met, which gives the sums of key order while they are
  // exact integers and the node offers every resource summed (then the allocatable's keys keep their order): else that
  // node's are summed again in key order. Most waiting pods are of the second kind: only the first are sorted.
  const shown: { readonly p: SimPod; readonly node: string }[] = [];
  const summed: { readonly p: SimPod; readonly b: { readonly taken: ResourceList; exact: boolean } }[] = [];
  for (const [uid, id] of covered) {
    const node = flyingNodes.get(id);
    if (node === undefined) continue;
    const p = w.podByUid(uid);
    if (p === undefined || p.nodeName !== null || p.assumed !== null) continue;
    const b = bootingAt.get(node);
    if (b !== undefined && !counts(p)) {
      if (!addExact(b.taken, p.base.requests)) b.exact = false;
      summed.push({ p, b });
    } else shown.push({ p, node });
  }
  shown.sort((x, y) => cmp(x.p.key, y.p.key));
  for (const { p, node } of shown) pods.push(w.modelPod(p, node));
  let redo = false;
  for (const b of bootingAt.values()) {
    if (b.exact && exactWithin(b.taken, (nodes[b.at] as Node).allocatable)) continue;
    b.exact = false;
    redo = true;
    for (const k of Object.keys(b.taken)) delete b.taken[k];
  }
  if (redo) {
    const again = summed.filter(({ b }) => !b.exact).sort((x, y) => cmp(x.p.key, y.p.key));
    for (const { p, b } of again) addInto(b.taken, p.base.requests);
  }
  for (const { at, taken } of bootingAt.values()) nodes[at] = withRoomTaken(nodes[at] as Node, taken);
}

/** addInto, telling whether every amount added was a safe integer of at least 0. */
function addExact(target: ResourceList, add: Readonly<ResourceList>): boolean {
  let exact = true;
  for (const key in add) {
    const v = add[key] ?? 0;
    if (!(v >= 0 && Number.isSafeInteger(v))) exact = false;
    target[key] = (target[key] ?? 0) + v;
  }
  return exact;
}

/**
 * Are the sums (of safe integers of at least 0) safe integers over resources the node offers? Then every partial sum was
 * exact, so their order of summing changes nothing: neither the sums nor, taken off the allocatable (withRoomTaken), the
 * order of its keys.
 */
function exactWithin(taken: Readonly<ResourceList>, allocatable: Readonly<ResourceList>): boolean {
  for (const k in taken) if (!(k in allocatable) || !Number.isSafeInteger(taken[k])) return false;
  return true;
}

/**
 * The node with `taken` off its allocatable: what it offers beside pods no rule of the pending pods counts (they are left
 * out of the view). A pod fits beside them exactly when it fits this node: the sums are integers.
 */
function withRoomTaken(n: Node, taken: Readonly<ResourceList>): Node {
  let any = false;
  for (const k in taken) if ((taken[k] ?? 0) > 0) any = true;
  if (!any) return n;
  const allocatable: ResourceList = { ...n.allocatable };
  subtractInto(allocatable, taken);
  return { ...n, allocatable };
}

/** Every node and pod, plus the booting nodes: the cluster as a planner run now would read it. */
export function fullView(w: World, inFlight: readonly SimInstance[], covered: ReadonlyMap<string, string>): AutoscalerView {
  const nodes: Node[] = w.nodeNames().map((n) => w.modelNode(w.nodes.get(n) as SimNode));
  const pods: Pod[] = [];
  for (const k of w.podKeys()) {
    const p = w.pods.get(k) as SimPod;
    if (p.phase === 'Succeeded' || p.phase === 'Failed') continue;
    const at = p.nodeName ?? p.assumed;
    if (at !== null) pods.push(w.modelPod(p, at));
  }
  bootingPart(w, inFlight, covered, nodes, pods);
  nodes.sort((a, b) => cmp(a.name, b.name));
  return { nodes, pods };
}

/** A selector's pods among `namespaces` (null: every namespace), found through the label index when it names a label. */
function selected(w: World, namespaces: readonly string[] | null, selector: LabelSelector | null, out: Set<SimPod>): void {
  if (selector === null) return;
  const first = Object.entries(selector.matchLabels)[0];
  const pools: Iterable<SimPod>[] =
    namespaces === null ? [w.pods.values()] : namespaces.map((ns) => (first === undefined ? w.pods.inNamespace(ns) : w.pods.withLabel(ns, first[0], first[1])));
  for (const pool of pools) for (const p of pool) if (!out.has(p) && selectorMatches(selector, p.base.labels)) out.add(p);
}

/**
 * The placed pods the candidates' zone-wide terms count, and those whose own anti-affinity reaches past their node. With
 * `hostname`, the pods their per-node terms select too (and not the wide anti-affinity owners).
 */
function contextPods(w: World, candidates: readonly SimPod[], hostname = false): Set<SimPod> {
  const out = new Set<SimPod>();
  const seen = new Set<string>();
  const once = (k: string): boolean => {
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
  for (const c of candidates) {
    const b = c.base;
    for (const s of b.topologySpread) {
      if ((hostname || s.topologyKey !== HOSTNAME) && once(JSON.stringify([c.namespace, s.labelSelector]))) selected(w, [c.namespace], s.labelSelector, out);
    }
    for (const t of [...b.podAffinity, ...b.podAntiAffinity]) {
      if (!hostname && t.topologyKey === HOSTNAME) continue;
      const namespaces = t.namespaceSelector !== null ? null : t.namespaces.length > 0 ? t.namespaces : [c.namespace];
      if (once(JSON.stringify([namespaces, t.labelSelector]))) selected(w, namespaces, t.labelSelector, out);
    }
  }
  if (!hostname) for (const p of w.pods.withWideAntiAffinity()) out.add(p);
  return out;
}

/**
 * Per node, kept while the node's pods are unchanged (the pod table's node version: a pod bound there or one bound there
 * removed; a pod's phase only ever moves from Pending to Running, its spec never): the requests of its pods and their count,
 * and its pods as the packing view splits them. And the launched Ready nodes with room for a pending pod (withRoom), kept
 * from pass to pass with the nodes changed since (told by the node map and the pod table).
 */
export class NodeRequests {
  private readonly cache = new Map<string, { readonly version: number; readonly sums: ResourceList; readonly count: number }>();
  private readonly splits = new Map<string, NodeSplit>();
  /** The last withRoom answer (null before the first) and the smallest requests it was for. */
  private last: { readonly min: ResourceList; readonly names: readonly string[] } | null = null;
  /** Nodes added, replaced, deleted, made Ready or NotReady, cordoned or uncordoned, or whose pods changed since then. */
  private readonly changed = new Set<string>();
  /** The first node (by name) of each zone, and the zone of each node they were worked out from. */
  private readonly anchors = new Map<string, string>();
  private readonly zones = new Map<string, string | null>();
  /** Nodes added, replaced or deleted (or touched) since the anchors were last brought up to date. */
  private readonly anchorsChanged = new Set<string>();

  constructor(private readonly w: World) {
    for (const name of w.nodeNames()) this.anchorsChanged.add(name);
    w.nodes.watch((name) => {
      this.changed.add(name);
      this.anchorsChanged.add(name);
    });
    const podChanged = (p: SimPod): void => {
      if (p.nodeName !== null) this.changed.add(p.nodeName);
    };
    w.pods.listen({ added: podChanged, removed: podChanged, bound: podChanged });
  }

  /**
   * The launched Ready schedulable nodes with a pod slot and room for `min` (each resource of it), in name order. A node
   * without room for the last answer's smallest requests has none for requests at least as large on each of its
   * resources while it is unchanged: then only the last answer's nodes and the nodes changed since are checked, else all.
   */
  withRoom(min: ResourceList): readonly string[] {
    const last = this.last;
    let names: readonly string[];
    if (last !== null && atLeast(min, last.min)) {
      const maybe = new Set(last.names);
      for (const name of this.changed) maybe.add(name);
      names = [...maybe].filter((name) => this.hasRoom(name, min)).sort(cmp);
    } else names = this.w.nodeNames().filter((name) => this.hasRoom(name, min));
    this.changed.clear();
    this.last = { min, names };
    return names;
  }

  /**
   * The first node (by name) of each zone, in name order. Brought up to date from the nodes changed since the last call: a
   * node added goes first in its zone if its name comes first; when a zone's first node goes, the zone's nodes are looked
   * through again (a walk over the node names, for those zones only).
   */
  zoneAnchors(): readonly string[] {
    const lost = new Set<string>();
    for (const name of this.anchorsChanged) {
      const was = this.zones.get(name);
      if (was !== undefined && was !== null && this.anchors.get(was) === name) lost.add(was);
      const zone = this.w.nodes.get(name)?.zone;
      if (zone === undefined) this.zones.delete(name);
      else this.zones.set(name, zone);
    }
    for (const zone of lost) this.anchors.delete(zone);
    if (lost.size > 0) {
      for (const name of this.w.nodeNames()) {
        const zone = this.zones.get(name) ?? null;
        if (zone !== null && lost.has(zone) && !this.anchors.has(zone)) this.anchors.set(zone, name);
      }
    }
    for (const name of this.anchorsChanged) {
      const zone = this.zones.get(name) ?? null;
      if (zone === null || lost.has(zone)) continue;
      const first = this.anchors.get(zone);
      if (first === undefined || name < first) this.anchors.set(zone, name);
    }
    this.anchorsChanged.clear();
    return [...this.anchors.values()].sort(cmp);
  }

  /** The node is a launched Ready schedulable one with a pod slot and room for `min`. */
  private hasRoom(name: string, min: ResourceList): boolean {
    const n = this.w.nodes.get(name);
    if (n === undefined || n.old || !n.ready || n.unschedulable) return false;
    const used = this.of(name);
    if (used.count >= (n.allocatable['pods'] ?? Infinity)) return false;
    for (const r in min) if ((n.allocatable[r] ?? 0) - (used.sums[r] ?? 0) < (min[r] ?? 0)) return false;
    return true;
  }

  of(node: string): { readonly sums: ResourceList; readonly count: number } {
    const version = this.w.pods.nodeVersion(node);
    const hit = this.cache.get(node);
    if (hit !== undefined && hit.version === version) return hit;
    const sums: Record<string, number> = {};
    let count = 0;
    for (const p of this.w.pods.podsOnUnordered(node)) {
      if (p.phase === 'Succeeded' || p.phase === 'Failed') continue;
      count += 1;
      for (const r in p.base.requests) sums[r] = (sums[r] ?? 0) + (p.base.requests[r] ?? 0);
    }
    const fresh = { version, sums, count };
    this.cache.set(node, fresh);
    return fresh;
  }

  /**
   * The node's pods (not Succeeded or Failed) that count whatever the pending pods' terms select (anti-affinity or host
   * ports of their own), in key order, and the requests of the others summed in key order: when no term selects one of
   * the others, the packing view's walk over the node's pods gives these pods and this sum (the same additions in the
   * same order). The sum is shared: read it, never change it.
   */
  split(node: string): NodeSplit {
    const version = this.w.pods.nodeVersion(node);
    const hit = this.splits.get(node);
    if (hit !== undefined && hit.version === version) return hit;
    const fresh = { version, ...splitPods(this.w.pods.podsOn(node), countsAlways) };
    this.splits.set(node, fresh);
    return fresh;
  }
}

/** A node's pods split for the packing view (NodeRequests.split). */
export interface NodeSplit {
  readonly version: number;
  readonly counted: readonly SimPod[];
  readonly taken: Readonly<ResourceList>;
}

/**
 * A node's pods (not Succeeded or Failed) that `counts` keeps, in the pods' order, and the requests of the others summed in
 * that order.
 */
function splitPods(onNode: readonly SimPod[], counts: (p: SimPod) => boolean): { counted: SimPod[]; taken: ResourceList } {
  const counted: SimPod[] = [];
  const taken: ResourceList = {};
  for (const p of onNode) {
    if (p.phase === 'Succeeded' || p.phase === 'Failed') continue;
    if (counts(p)) counted.push(p);
    else addInto(taken, p.base.requests);
  }
  return { counted, taken };
}

/** A pod the packing view keeps whatever the pending pods select: it has anti-affinity or host ports of its own. */
function countsAlways(p: SimPod): boolean {
  return p.base.podAntiAffinity.length > 0 || p.base.hostPorts.length > 0;
}

/** Every resource of `last` is in `min`, with as much or more. */
function atLeast(min: ResourceList, last: ResourceList): boolean {
  for (const r in last) if (!(r in min) || (min[r] ?? 0) < (last[r] ?? 0)) return false;
  return true;
}

/** The smallest request of each resource among the pods (a node short of any of them has room for none). */
function smallest(candidates: readonly SimPod[]): ResourceList {
  const min: Record<string, number> = {};
  const names = new Set(candidates.flatMap((c) => Object.keys(c.base.requests)));
  for (const r of names) min[r] = Math.min(...candidates.map((c) => c.base.requests[r] ?? 0));
  return min;
}

/** The packing view (see the module comment). */
export function packingView(
  w: World,
  inFlight: readonly SimInstance[],
  covered: ReadonlyMap<string, string>,
  candidates: readonly SimPod[],
  requests: NodeRequests,
): AutoscalerView {
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  const included = new Set<string>();
  // A pod no term of the pending pods selects, without anti-affinity or host ports of its own, only takes room: it is left
  // out, and what it requests is taken off its node's allocatable (as scale-up-view.ts does for the expected fleet).
  const selectedByTerms = contextPods(w, candidates, true);
  const counts = (p: SimPod): boolean => selectedByTerms.has(p) || countsAlways(p);
  // The nodes holding a pod the terms select: only there does the walk over a node's pods differ from its kept split.
  const selectedOn = new Set<string>();
  for (const p of selectedByTerms) if (p.nodeName !== null) selectedOn.add(p.nodeName);
  const add = (n: SimNode, asReady = false): void => {
    included.add(n.name);
    const model = w.modelNode(n);
    const shown = asReady ? { ...model, ready: true } : model;
    const split = selectedOn.has(n.name) ? splitPods(w.pods.podsOn(n.name), counts) : requests.split(n.name);
    for (const p of split.counted) pods.push(w.modelPod(p, n.name));
    nodes.push(withRoomTaken(shown, split.taken));
  };
  // Launched Ready nodes with room left for the smallest pending pod.
  for (const name of requests.withRoom(smallest(candidates))) add(w.nodes.get(name) as SimNode);
  // Launched nodes registered and not Ready yet: kube-scheduler puts nothing there until they are Ready, seconds away, but
  // they are the capacity the autoscaler launched: packed onto as Ready (as a booting node is), with the pods bound there
  // and those still waiting for them (bootingPart). Seen as NotReady, the pods waiting for one of them that kube-scheduler
  // had put elsewhere meanwhile looked unplaced and got nodes of their own, which stayed empty.
  for (const inst of inFlight) {
    const n = w.nodes.get(inst.nodeName);
    if (n === undefined || included.has(n.name)) continue;
    add(n, true);
  }
  // Nodes whose pods are all in already.
  const fullyIn = new Set(included);
  const context = [...contextPods(w, candidates)].sort((a, b) => cmp(a.key, b.key));
  for (const p of context) {
    if (p.phase === 'Succeeded' || p.phase === 'Failed') continue;
    const at = p.nodeName ?? p.assumed;
    const n = at === null ? undefined : w.nodes.get(at);
    if (at === null || n === undefined) continue;
    if (!included.has(at)) {
      included.add(at);
      fullyIn.delete(at);
      // A bystander: its pods and its domain count, it takes no pod.
      nodes.push({ ...w.modelNode(n), unschedulable: true });
    }
    if (!fullyIn.has(at)) pods.push(w.modelPod(p, at));
  }
  // One node of each zone of the cluster, as a bystander without its pods: the zones (and region) the planner sees for
  // VNGs without subnets of their own are the cluster's, as in the full view.
  for (const name of requests.zoneAnchors()) {
    if (included.has(name)) continue;
    included.add(name);
    nodes.push({ ...w.modelNode(w.nodes.get(name) as SimNode), unschedulable: true });
  }
  bootingPart(w, inFlight, covered, nodes, pods, counts);
  nodes.sort((a, b) => cmp(a.name, b.name));
  return { nodes, pods };
}
