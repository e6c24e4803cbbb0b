/**
 * kube-scheduler over a cluster as a migration changes it, for the planner's model of the run (expected-fleet.ts): new VNG
 * nodes come, old nodes are cordoned and go, pods are evicted and placed again. A pending pod goes to the feasible node with
 * the highest default score (LeastAllocated + BalancedAllocation, default-score.ts); ties go to the node that has existed
 * longest (nodes of the input by name, then new nodes in launch order). Feasibility is the planner's own filters (runFilters
 * over its pod classes, term index and scheduling context), as in IncrementalScheduler, so the model never decides what fits
 * differently from the packing.
 *
 * Fast paths, for clusters of thousands of nodes: a free-room tree (free-tree.ts) over the schedulable nodes finds those
 * with room for a pod's cpu, memory and a pod slot without visiting the full ones; the static filters (taints, node affinity,
 * architecture, volumes) are cached per class constraints and node; a pod with no inter-pod rule and no host port only needs
 * the best-scored node that fits (checked once with every filter), others run every filter on the fitting nodes, best score
 * first. Removing a node rebuilds the index only when a topology domain of a spread rule goes with it.
 *
 * The pods it records are handles (PlacedPod), not keys: addPod gives one, removePod takes it back. The model of a run
 * records some 150,000 pods, evicts most of them and places their replacements, each step once per pod; with the pods kept
 * by key (namespace/name, and a second key for the evicted pod still terminating where it was) every step hashed long
 * strings into three maps. A handle is linked into its node's list, its class's list and the list of every pod, in the
 * order it was recorded, so adding and removing a pod are a few pointer updates, and one pod may be recorded twice at once
 * (its old copy terminating on a drained node, its replacement elsewhere) without a second key.
 */
import type { Cluster, Labels, PodScheduling, ResourceList, Taint } from '../model/types.js';
import { defaultResourceScore, nonZeroCpu, nonZeroMemory } from './default-score.js';
import { FreeTree } from './free-tree.js';
import { stayingPlanNode, type PlanNode } from './plan-node.js';
import { buildClasses, classKey, resolveMatches, VolumeResolver, type ClassablePod, type PodClass } from './pod-classes.js';
import { runFilters, STATIC_PREDICATES } from './predicates/index.js';
import { fits } from './resources.js';
import { SchedulingContext } from './scheduling-context.js';
import { TermIndex } from './terms.js';

export interface RunNode {
  readonly name: string;
  readonly labels: Labels;
  readonly taints: readonly Taint[];
  readonly allocatable: ResourceList;
  readonly instanceType: string | null;
  readonly zone: string | null;
}

export interface RunPod {
  /** The pod's name for messages, e.g. namespace/name (the scheduler tells pods apart by their PlacedPod). */
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: PodScheduling;
  /** classKey(namespace, labels, spec), computed once per pod by the caller. */
  readonly classKey: string;
}

/** The parts of a cluster the scheduler reads besides nodes and pods: namespaces (for selectors) and volumes. */
export type RunCatalog = Pick<Cluster, 'namespaces' | 'pvcs' | 'pvs' | 'storageClasses'>;

const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const CORDON_TAINT: Taint = { key: UNSCHEDULABLE_TAINT, value: '', effect: 'NoSchedule' };

/**
 * A pod recorded on a node: what addPod answers, removePod takes, podsOn and podsOfClasses list. The same pod may be
 * recorded more than once (each record its own handle): an evicted pod terminating on its old node while its replacement
 * runs elsewhere.
 */
export interface PlacedPod<P extends RunPod = RunPod> {
  readonly pod: P;
  /** The name of the node it is recorded on. */
  readonly node: string;
  /** Whether the record is gone: removed by removePod, or with its node by removeNode. */
  readonly removed: boolean;
}

/**
 * The scheduler's side of a PlacedPod: its links in three lists, each in the order the pods were recorded - the pods on its
 * node (podsOn), the pods of its class (podsOfClasses) and every pod (ensure). Unlinking one is O(1) and leaves the
 * others' order as it is, which is what a Set keeps (insertion order, a deleted member gone), without hashing a key.
 */
interface Placement<P extends RunPod> extends PlacedPod<P> {
  readonly where: NodeEntry<P>;
  readonly members: ClassMembers<P>;
  removed: boolean;
  prevOnNode: Placement<P> | null;
  nextOnNode: Placement<P> | null;
  prevInClass: Placement<P> | null;
  nextInClass: Placement<P> | null;
  prevRecorded: Placement<P> | null;
  nextRecorded: Placement<P> | null;
}

/** The pods recorded of one class, first to last recorded (linked through prevInClass / nextInClass). */
interface ClassMembers<P extends RunPod> {
  first: Placement<P> | null;
  last: Placement<P> | null;
}

interface NodeEntry<P extends RunPod = RunPod> {
  readonly info: RunNode;
  /** Creation order: the tie-break, the position in the free-room tree, and the index into the static verdict caches. */
  readonly order: number;
  schedulable: boolean;
  plan: PlanNode | null;
  /** Requests of the pods recorded here, with kube-scheduler's non-zero defaults (LeastAllocated counts these). */
  nonZeroCpu: number;
  nonZeroMemory: number;
  /** The pods recorded here, first to last recorded (linked through prevOnNode / nextOnNode). */
  firstPod: Placement<P> | null;
  lastPod: Placement<P> | null;
}

/** Per term: the class keys it selects, the class keys that own it as an anti-affinity term; and the classes with host ports. */
interface TermClasses {
  readonly selected: ReadonlyMap<number, readonly string[]>;
  readonly owners: ReadonlyMap<number, readonly string[]>;
  readonly withPorts: readonly string[];
}

/** Static filter verdicts per node order: 0 not computed yet, 1 pass, 2 fail. */
interface Verdicts {
  bits: Int8Array;
}

/**
 * `P`: the caller's pods, handed back as they were given (podsOn, podsOfClasses), so that a caller keeping more per pod
 * (expected-fleet.ts's Entry) reads it without a map from key to pod.
 */
export class RunScheduler<P extends RunPod = RunPod> {
  private readonly nodes = new Map<string, NodeEntry<P>>();
  private readonly byOrder: (NodeEntry<P> | undefined)[] = [];
  /**
   * The pods recorded, per class key, in the order the class's first pod was recorded (a class stays once met, even with
   * no pod left: podsOfClasses(null) lists the classes in that order).
   */
  private readonly byClass = new Map<string, ClassMembers<P>>();
  /**
   * Every pod recorded, first to last (linked through prevRecorded / nextRecorded): ensure() places them in that order,
   * which is mostly the order they were made in memory. Walking them node by node instead jumps about in memory: on the
   * 150,000-pod plan, ensure's own time went from about 0.2 s to 0.56 s (both profiled on a loaded machine).
   */
  private firstRecorded: Placement<P> | null = null;
  private lastRecorded: Placement<P> | null = null;
  private readonly shapes = new Map<string, ClassablePod>();
  private classes = new Map<string, PodClass>();
  private ctx: SchedulingContext | null = null;
  private stale = true;
  private nextOrder = 0;
  private readonly room = new FreeTree();
  private readonly nsLabels: Map<string, Labels>;
  private honorsTaints = false;
  private readonly verdicts = new Map<string, Verdicts>();
  /** Each class's verdicts (shared by the classes with the same node constraints) by class id, found once per build. */
  private verdictsById: (Verdicts | undefined)[] = [];
  /** Nodes per label (key \0 value), to tell whether a removed node takes a topology domain with it. */
  private readonly labelCounts = new Map<string, number>();
  private spreadKeysOf: { readonly ctx: SchedulingContext; readonly keys: ReadonlySet<string> } | null = null;
  private termIndexOf: (TermClasses & { readonly ctx: SchedulingContext }) | null = null;
  /** How many times the index was built (ensure): a class's id and its failure group (failureGroup) hold for one build. */
  private builds = 0;
  /** Failure groups by node constraints (their shared verdicts) and requests, kept across builds. */
  private readonly groups = new Map<Verdicts, Map<string, number>>();
  private groupCount = 0;
  /** Per class id of this build: its failure group + 1, -1 for a class without one, 0 not looked up yet. */
  private groupById = new Int32Array(0);
  /** Scratch for firstPassing: one query's candidate nodes and their scores (reused; entries past the count are stale). */
  private readonly candidates: NodeEntry<P>[] = [];
  private candidateScores = new Float64Array(0);

  constructor(private readonly catalog: RunCatalog) {
    this.nsLabels = new Map(catalog.namespaces.map((n) => [n.name, n.labels]));
  }

  hasNode(name: string): boolean {
    return this.nodes.has(name);
  }

  /** Requests of the pods recorded on a node (DaemonSet pods included), or null when the node is unknown. */
  requested(name: string): ResourceList | null {
    this.ensure();
    const e = this.nodes.get(name);
    return e?.plan ? { ...e.plan.requested } : null;
  }

  /** The pods recorded on a node, in the order they were recorded (none when the node is unknown). */
  podsOn(name: string): PlacedPod<P>[] {
    const out: PlacedPod<P>[] = [];
    for (let p = this.nodes.get(name)?.firstPod ?? null; p !== null; p = p.nextOnNode) out.push(p);
    return out;
  }

  /**
   * The pods recorded whose class key is one of `keys` (null: every pod, by class in the order the classes were first
   * recorded), each class's in the order they were recorded, with their nodes.
   */
  podsOfClasses(keys: Iterable<string> | null): PlacedPod<P>[] {
    const out: PlacedPod<P>[] = [];
    for (const key of keys ?? this.byClass.keys()) {
      for (let p = this.byClass.get(key)?.first ?? null; p !== null; p = p.nextInClass) out.push(p);
    }
    return out;
  }

  addNode(node: RunNode, schedulable: boolean): void {
    if (this.nodes.has(node.name)) throw new Error(`run scheduler: node ${node.name} already known`);
    const entry: NodeEntry<P> = {
      info: { ...node, taints: node.taints.filter((t) => t.key !== UNSCHEDULABLE_TAINT) },
      order: this.nextOrder++,
      schedulable,
      plan: null,
      nonZeroCpu: 0,
      nonZeroMemory: 0,
      firstPod: null,
      lastPod: null,
    };
    this.nodes.set(node.name, entry);
    this.byOrder[entry.order] = entry;
    for (const k in node.labels) this.labelCounts.set(`${k}\u0000${node.labels[k]}`, (this.labelCounts.get(`${k}\u0000${node.labels[k]}`) ?? 0) + 1);
    if (!this.stale && this.ctx) {
      entry.plan = planNodeOf(entry, this.ctx.nodes.length);
      this.ctx.addNode(entry.plan);
    }
    this.updateRoom(entry);
  }

  /** A cordoned node stays in the index (its pods count for affinity and spread) but takes no pod. */
  setSchedulable(name: string, schedulable: boolean): void {
    const e = this.nodes.get(name);
    if (!e || e.schedulable === schedulable) return;
    e.schedulable = schedulable;
    if (e.plan) e.plan.taints = taintsOf(e);
    if (this.honorsTaints) this.stale = true;
    this.updateRoom(e);
  }

  /** Removes a node and the pods recorded on it. */
  removeNode(name: string): void {
    const e = this.nodes.get(name);
    if (!e) return;
    for (let p = e.firstPod; p !== null; ) {
      const next = p.nextOnNode;
      this.removePod(p);
      p = next;
    }
    this.nodes.delete(name);
    this.byOrder[e.order] = undefined;
    this.room.set(e.order, -1, -1, -1);
    let domainGone = false;
    const spreadKeys = this.spreadKeys();
    for (const k in e.info.labels) {
      const label = `${k}\u0000${e.info.labels[k]}`;
      const n = (this.labelCounts.get(label) ?? 1) - 1;
      if (n === 0) {
        this.labelCounts.delete(label);
        if (spreadKeys.has(k)) domainGone = true;
      } else this.labelCounts.set(label, n);
    }
    // The node's place in the context stays (it holds no pod any more) unless a spread domain went with it.
    if (domainGone) this.stale = true;
    else if (e.plan) e.plan.taints = [...e.info.taints, CORDON_TAINT];
  }

  /**
   * Records the pod on the node, last of the node's pods and of its class's. The answer is the record, for removePod: a pod
   * recorded twice (see PlacedPod) has two.
   */
  addPod(pod: P, nodeName: string): PlacedPod<P> {
    const node = this.nodes.get(nodeName);
    if (!node) throw new Error(`run scheduler: pod ${pod.key} placed on unknown node ${nodeName}`);
    const known = this.stale ? undefined : this.classes.get(pod.classKey);
    if (known === undefined) this.register(pod);
    let members = this.byClass.get(pod.classKey);
    if (!members) this.byClass.set(pod.classKey, (members = { first: null, last: null }));
    const placed: Placement<P> = {
      pod,
      node: node.info.name,
      where: node,
      members,
      removed: false,
      prevOnNode: node.lastPod,
      nextOnNode: null,
      prevInClass: members.last,
      nextInClass: null,
      prevRecorded: this.lastRecorded,
      nextRecorded: null,
    };
    if (node.lastPod) node.lastPod.nextOnNode = placed;
    else node.firstPod = placed;
    node.lastPod = placed;
    if (members.last) members.last.nextInClass = placed;
    else members.first = placed;
    members.last = placed;
    if (this.lastRecorded) this.lastRecorded.nextRecorded = placed;
    else this.firstRecorded = placed;
    this.lastRecorded = placed;
    node.nonZeroCpu += nonZeroCpu(pod.spec.requests);
    node.nonZeroMemory += nonZeroMemory(pod.spec.requests);
    if (this.stale || !this.ctx) return placed;
    const cls = known ?? this.classes.get(pod.classKey);
    if (cls && node.plan) {
      this.ctx.place(cls, node.plan, null);
      this.updateRoom(node);
    }
    return placed;
  }

  /** Takes back a record addPod made (nothing when it is gone already). */
  removePod(record: PlacedPod<P>): void {
    // Records are made by addPod only: the handle is the Placement it returned.
    const placed = record as Placement<P>;
    if (placed.removed) return;
    placed.removed = true;
    const node = placed.where;
    const members = placed.members;
    if (placed.prevOnNode) placed.prevOnNode.nextOnNode = placed.nextOnNode;
    else node.firstPod = placed.nextOnNode;
    if (placed.nextOnNode) placed.nextOnNode.prevOnNode = placed.prevOnNode;
    else node.lastPod = placed.prevOnNode;
    if (placed.prevInClass) placed.prevInClass.nextInClass = placed.nextInClass;
    else members.first = placed.nextInClass;
    if (placed.nextInClass) placed.nextInClass.prevInClass = placed.prevInClass;
    else members.last = placed.prevInClass;
    if (placed.prevRecorded) placed.prevRecorded.nextRecorded = placed.nextRecorded;
    else this.firstRecorded = placed.nextRecorded;
    if (placed.nextRecorded) placed.nextRecorded.prevRecorded = placed.prevRecorded;
    else this.lastRecorded = placed.prevRecorded;
    // A removed record links to nothing: a caller may keep it (expected-fleet.ts keeps a pod's last record on its entry),
    // and it must not keep the pods around it alive. Nothing walks the lists while removing (removeNode takes the next
    // record first).
    placed.prevOnNode = placed.nextOnNode = placed.prevInClass = placed.nextInClass = placed.prevRecorded = placed.nextRecorded = null;
    const pod = placed.pod;
    node.nonZeroCpu -= nonZeroCpu(pod.spec.requests);
    node.nonZeroMemory -= nonZeroMemory(pod.spec.requests);
    if (this.stale || !this.ctx) return;
    const cls = this.classes.get(pod.classKey);
    if (!cls || !node.plan) {
      this.stale = true;
      return;
    }
    this.ctx.releaseResources(node.plan, cls.spec.requests, cls.spec.hostPorts);
    this.ctx.countPod(cls, node.plan, -1);
    this.updateRoom(node);
  }

  /** The topology keys of the spread rules registered (cached per context). */
  private spreadKeys(): ReadonlySet<string> {
    if (!this.ctx) return new Set();
    if (this.spreadKeysOf?.ctx !== this.ctx) {
      const terms = this.ctx.terms;
      this.spreadKeysOf = { ctx: this.ctx, keys: new Set([...terms.spreadTermIds].map((id) => terms.terms[id]?.topologyKey ?? '')) };
    }
    return this.spreadKeysOf.keys;
  }

  /** Does a schedulable node have a pod slot and at least this much free cpu and memory? */
  hasRoom(name: string, cpu: number, memory: number): boolean {
    this.ensure();
    const e = this.nodes.get(name);
    if (!e?.schedulable || !e.plan) return false;
    const a = e.plan.allocatable;
    const r = e.plan.requested;
    return (a['pods'] ?? 0) - (r['pods'] ?? 0) >= 1 && (a['cpu'] ?? 0) - (r['cpu'] ?? 0) >= cpu && (a['memory'] ?? 0) - (r['memory'] ?? 0) >= memory;
  }

  /**
   * The schedulable nodes with a pod slot and at least this much free cpu and memory (those hasRoom says yes for), in
   * creation order, found in the free-room tree without visiting the others.
   */
  nodesWithRoom(cpu: number, memory: number): string[] {
    this.ensure();
    const out: string[] = [];
    this.room.forEachAtLeast(0, cpu, memory, 1, (i) => {
      const e = this.byOrder[i];
      if (e?.schedulable && e.plan) out.push(e.info.name);
    });
    return out;
  }

  /**
   * The node kube-scheduler binds the pod to (highest score among the nodes that pass every filter), or null. `onlyNew`
   * says that since the pod last found no node, only that node was added and the others only filled up: for a pod whose
   * feasibility depends on nothing but the node itself and its room, that node is then the only candidate.
   */
  best(pod: RunPod, onlyNew?: string, roomless = false): string | null {
    const cls = this.classOf(pod);
    const ctx = this.ctx as SchedulingContext;
    this.lastRoomless = false;
    if (onlyNew !== undefined && readsOnlyItsNode(cls)) {
      const e = this.nodes.get(onlyNew);
      if (!e?.schedulable || !e.plan || !fits(e.plan.allocatable, e.plan.requested, cls.spec.requests) || !this.staticPass(cls, e)) return null;
      return runFilters(ctx, cls, e.plan) === null ? onlyNew : null;
    }
    if (onlyNew !== undefined && roomless) {
      // No node had room for it when it last found none, and only `onlyNew` came since: the candidates firstPassing would
      // collect are that node or none.
      const e = this.nodes.get(onlyNew);
      if (e === undefined || !this.collectable(cls, e)) {
        this.lastRoomless = true;
        return null;
      }
      return runFilters(ctx, cls, e.plan as PlanNode) === null ? onlyNew : null;
    }
    return this.firstPassing(cls, ctx);
  }

  /**
   * Whether the last best() call saw that no schedulable node had room for the pod (cpu, memory, a pod slot, the static
   * filters): then, as long as the nodes only fill up and one node is added, that node is its only candidate - the caller
   * passes `roomless` with that node as `onlyNew` and best() looks at it alone, as firstPassing would.
   */
  lastRoomless = false;

  /** Would collect() list the node for the class (room in the free-room tree, static filters, fit)? */
  private collectable(cls: PodClass, e: NodeEntry<P>): boolean {
    if (!e.schedulable || !e.plan || this.byOrder[e.order] !== e) return false;
    const req = cls.spec.requests;
    if (this.room.firstAtLeast(e.order, req['cpu'] ?? 0, req['memory'] ?? 0, 1) !== e.order) return false;
    return this.staticPass(cls, e) && fits(e.plan.allocatable, e.plan.requested, req);
  }

  /** The index's build count (a failure group holds for one), or -1 while it must be built again before the next query. */
  get build(): number {
    return this.stale || !this.ctx ? -1 : this.builds;
  }

  /**
   * A number shared by the classes for which best() gives the same answer (given the same `onlyNew`) while the nodes stay
   * the same and only take pods, or -1. Such classes have no inter-pod rule, are selected by no anti-affinity term and hold
   * no host port, so every filter reads only the node and its room: they share one when they have the same node
   * constraints (taints tolerated, node affinity, architectures, volumes: the static verdicts) and the same requests. Once
   * one of them finds no node, the others find none either until a node is added or a pod removed; the group holds for
   * the current build (see `build`).
   */
  failureGroup(pod: RunPod): number {
    const cls = this.classOf(pod);
    if (this.groupById.length <= cls.id) {
      const grown = new Int32Array(Math.max(1024, 2 * (cls.id + 1)));
      grown.set(this.groupById);
      this.groupById = grown;
    }
    const known = this.groupById[cls.id] as number;
    if (known !== 0) return known - 1;
    let group = -1;
    if (readsOnlyItsNode(cls)) {
      const verdicts = this.verdictsOf(cls);
      let byRequests = this.groups.get(verdicts);
      if (!byRequests) this.groups.set(verdicts, (byRequests = new Map()));
      const key = JSON.stringify(cls.spec.requests);
      const found = byRequests.get(key);
      if (found !== undefined) group = found;
      else byRequests.set(key, (group = this.groupCount++));
    }
    this.groupById[cls.id] = group + 1;
    return group;
  }

  /**
   * The first node, best score first (ties: older node first), of the schedulable nodes with room for the class that pass
   * the static filters, that passes every filter. The best few are picked one at a time (most pods take the first); only
   * when they all fail are the rest sorted.
   */
  private firstPassing(cls: PodClass, ctx: SchedulingContext): string | null {
    let n = this.collect(cls);
    this.lastRoomless = n === 0;
    const nodes = this.candidates;
    const scores = this.candidateScores;
    for (let tries = 0; tries < 4 && n > 0; tries++) {
      let b = 0;
      for (let i = 1; i < n; i++) {
        const d = (scores[i] as number) - (scores[b] as number);
        if (d > 0 || (d === 0 && (nodes[i] as NodeEntry<P>).order < (nodes[b] as NodeEntry<P>).order)) b = i;
      }
      const e = nodes[b] as NodeEntry<P>;
      if (runFilters(ctx, cls, e.plan as PlanNode) === null) return e.info.name;
      n -= 1;
      nodes[b] = nodes[n] as NodeEntry<P>;
      scores[b] = scores[n] as number;
    }
    const rest = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || (nodes[a] as NodeEntry<P>).order - (nodes[b] as NodeEntry<P>).order);
    for (const i of rest) {
      const e = nodes[i] as NodeEntry<P>;
      if (runFilters(ctx, cls, e.plan as PlanNode) === null) return e.info.name;
    }
    return null;
  }

  /**
   * The classes whose pods count for the inter-pod rules of any of `pending`: selected by one of their affinity,
   * anti-affinity or spread terms, or owning an anti-affinity term that selects one of them (`onCandidates`, with the classes
   * that hold host ports); `onOthers` the same with only the terms over a topology wider than one node (and every affinity
   * term). Per-node (hostname) anti-affinity and spread concern only the node a pod may land on: on a node that takes no
   * pod they change nothing (a hostname spread's minimum is 0 while a node can be launched).
   */
  termsRelevantTo(pending: readonly RunPod[]): { readonly onCandidates: ReadonlySet<string>; readonly onOthers: ReadonlySet<string> } {
    for (const p of pending) this.register(p);
    this.ensure();
    const terms = (this.ctx as SchedulingContext).terms;
    const wide = (id: number): boolean => terms.terms[id]?.topologyKey !== HOSTNAME_LABEL;
    // Both answers at once: `all` with every term (and host ports), `wideOnly` with the terms wider than one node.
    const own = { all: new Set<number>(), wideOnly: new Set<number>() };
    const repelling = { all: new Set<number>(), wideOnly: new Set<number>() };
    const seen = new Set<string>();
    for (const p of pending) {
      if (seen.has(p.classKey)) continue;
      seen.add(p.classKey);
      const cls = this.classes.get(p.classKey);
      if (!cls) continue;
      for (const id of cls.affinityTermIds) {
        own.all.add(id);
        own.wideOnly.add(id);
      }
      for (const id of cls.antiTermIds) {
        own.all.add(id);
        if (wide(id)) own.wideOnly.add(id);
      }
      for (const r of cls.spread) {
        own.all.add(r.termId);
        if (wide(r.termId)) own.wideOnly.add(r.termId);
      }
      for (const id of cls.matchedAntiTermIds) {
        repelling.all.add(id);
        if (wide(id)) repelling.wideOnly.add(id);
      }
    }
    const index = this.termIndex();
    const keysOf = (ownIds: ReadonlySet<number>, repellingIds: ReadonlySet<number>, ports: boolean): Set<string> => {
      const keys = new Set<string>();
      for (const id of ownIds) for (const k of index.selected.get(id) ?? []) keys.add(k);
      for (const id of repellingIds) for (const k of index.owners.get(id) ?? []) keys.add(k);
      if (ports) for (const k of index.withPorts) keys.add(k);
      return keys;
    };
    return { onCandidates: keysOf(own.all, repelling.all, true), onOthers: keysOf(own.wideOnly, repelling.wideOnly, false) };
  }

  /** Which classes each term selects and which own it, and the classes with host ports (cached per context). */
  private termIndex(): TermClasses {
    if (this.termIndexOf?.ctx !== this.ctx) {
      const selected = new Map<number, string[]>();
      const owners = new Map<number, string[]>();
      const withPorts: string[] = [];
      const push = (m: Map<number, string[]>, id: number, key: string): void => {
        const list = m.get(id);
        if (list) list.push(key);
        else m.set(id, [key]);
      };
      for (const [key, cls] of this.classes) {
        for (const id of cls.matchedTermIds) push(selected, id, key);
        for (const id of cls.antiTermIds) push(owners, id, key);
        if (cls.spec.hostPorts.length > 0) withPorts.push(key);
      }
      this.termIndexOf = { ctx: this.ctx as SchedulingContext, selected, owners, withPorts };
    }
    return this.termIndexOf;
  }

  /**
   * Into the first places of `candidates` and `candidateScores`, in creation order: the schedulable nodes with room for the
   * class that pass the static filters, and the default score of each for the class. Returns how many.
   */
  private collect(cls: PodClass): number {
    let n = 0;
    const verdicts = this.verdictsOf(cls);
    const req = cls.spec.requests;
    const podCpu = req['cpu'] ?? 0;
    const podMemory = req['memory'] ?? 0;
    const podNzCpu = nonZeroCpu(req);
    const podNzMemory = nonZeroMemory(req);
    this.room.forEachAtLeast(0, podCpu, podMemory, 1, (i) => {
      const e = this.byOrder[i];
      if (!e?.schedulable || !e.plan) return;
      const plan = e.plan;
      if (!this.staticPass(cls, e, verdicts) || !fits(plan.allocatable, plan.requested, req)) return;
      const s = defaultResourceScore(
        plan.allocatable['cpu'] ?? 0,
        plan.allocatable['memory'] ?? 0,
        e.nonZeroCpu + podNzCpu,
        e.nonZeroMemory + podNzMemory,
        (plan.requested['cpu'] ?? 0) + podCpu,
        (plan.requested['memory'] ?? 0) + podMemory,
        podCpu > 0 || podMemory > 0,
      );
      if (n === this.candidateScores.length) {
        const grown = new Float64Array(Math.max(64, 2 * n));
        grown.set(this.candidateScores);
        this.candidateScores = grown;
      }
      this.candidates[n] = e;
      this.candidateScores[n] = s;
      n += 1;
    });
    return n;
  }

  /** Do the static filters (taints, node affinity, architecture, volumes) pass the class on the node? Cached. */
  private staticPass(cls: PodClass, e: NodeEntry<P>, verdicts: Verdicts = this.verdictsOf(cls)): boolean {
    if (e.order >= verdicts.bits.length) {
      const grown = new Int8Array(Math.max(64, 2 * (e.order + 1)));
      grown.set(verdicts.bits);
      verdicts.bits = grown;
    }
    let v = verdicts.bits[e.order] as number;
    if (v === 0) {
      const ctx = this.ctx as SchedulingContext;
      const plan = e.plan as PlanNode;
      v = STATIC_PREDICATES.every((p) => p.filter(ctx, cls, plan) === null) ? 1 : 2;
      verdicts.bits[e.order] = v;
    }
    return v === 1;
  }

  /** Keeps the node's free room in the tree (none when it takes no pod). */
  private updateRoom(e: NodeEntry<P>): void {
    if (!e.schedulable || !e.plan || !this.nodes.has(e.info.name)) {
      this.room.set(e.order, -1, -1, -1);
      return;
    }
    const a = e.plan.allocatable;
    const r = e.plan.requested;
    this.room.set(e.order, (a['cpu'] ?? 0) - (r['cpu'] ?? 0), (a['memory'] ?? 0) - (r['memory'] ?? 0), (a['pods'] ?? 0) - (r['pods'] ?? 0));
  }

  /** The static verdicts shared by every class with the same node constraints. */
  private verdictsOf(cls: PodClass): Verdicts {
    let v = this.verdictsById[cls.id];
    if (v) return v;
    const s = cls.spec;
    const key = JSON.stringify([s.nodeSelector, s.requiredNodeAffinity, s.tolerations, cls.archs, cls.volumes]);
    v = this.verdicts.get(key);
    if (!v) this.verdicts.set(key, (v = { bits: new Int8Array(Math.max(64, this.nextOrder * 2)) }));
    this.verdictsById[cls.id] = v;
    return v;
  }

  /**
   * Makes the pod's class known before any of its pods is placed or looked for: a class first met after the index is built
   * rebuilds it, so a caller that knows the classes to come (pods already Pending, DaemonSet pods of nodes to launch) names
   * them first.
   */
  know(pod: RunPod): void {
    this.register(pod);
  }

  /** The pod's class, its shape registered and the index built first if need be (one map lookup when they are). */
  private classOf(pod: RunPod): PodClass {
    if (this.stale || !this.ctx) {
      this.register(pod);
      this.ensure();
    } else if (pod.classKey === this.lastClass.key && this.lastClass.build === this.builds) return this.lastClass.cls as PodClass;
    let cls = this.classes.get(pod.classKey);
    if (cls === undefined) {
      this.register(pod);
      this.ensure();
      cls = this.classes.get(pod.classKey) as PodClass;
    }
    // Pods of one class mostly come one after another (the queue is in arrival order, arrivals by name).
    this.lastClass = { key: pod.classKey, build: this.builds, cls };
    return cls;
  }

  /** The class classOf found last, and the build it holds for. */
  private lastClass: { readonly key: string; readonly build: number; readonly cls: PodClass | null } = { key: '', build: -1, cls: null };

  private register(pod: RunPod): void {
    if (this.shapes.has(pod.classKey)) return;
    this.shapes.set(pod.classKey, { namespace: pod.namespace, labels: pod.labels, spec: pod.spec });
    this.stale = true;
    if (pod.spec.topologySpread.some((c) => c.whenUnsatisfiable === 'DoNotSchedule' && c.nodeTaintsPolicy === 'Honor')) this.honorsTaints = true;
  }

  /** Rebuilds terms, classes and the context from the nodes and pods when stale. */
  private ensure(): void {
    if (!this.stale && this.ctx) return;
    const nsLabels = this.nsLabels;
    const terms = new TermIndex((ns) => nsLabels.get(ns) ?? { 'kubernetes.io/metadata.name': ns });
    const volumes = new VolumeResolver({ nodes: [], pods: [], pdbs: [], daemonSets: [], workloads: [], ...this.catalog });
    const keys = [...this.shapes.keys()];
    const built = buildClasses(
      keys.map((k) => this.shapes.get(k) as ClassablePod),
      terms,
      volumes,
      0,
      true,
      keys,
    );
    resolveMatches(built, terms);
    this.classes = new Map(keys.map((k, i) => [k, built[i] as PodClass]));
    this.verdictsById = new Array<Verdicts | undefined>(built.length).fill(undefined);
    this.groupById = new Int32Array(Math.max(1024, built.length));
    this.builds += 1;
    const ctx = new SchedulingContext(terms, [], [], () => ({ vcpu: 0, memoryGiB: 0 }));
    for (const e of [...this.nodes.values()].sort((a, b) => a.order - b.order)) {
      e.plan = planNodeOf(e, ctx.nodes.length);
      ctx.addNode(e.plan);
    }
    for (let p = this.firstRecorded; p !== null; p = p.nextRecorded) {
      const cls = this.classes.get(p.pod.classKey);
      const node = p.where.plan;
      if (cls && node) ctx.place(cls, node, null);
    }
    this.ctx = ctx;
    this.stale = false;
    for (const e of this.nodes.values()) this.updateRoom(e);
  }
}

/**
 * Whether every filter reads only the node and its room for the class: no inter-pod rule of its own, selected by no
 * anti-affinity term, no host port.
 */
function readsOnlyItsNode(cls: PodClass): boolean {
  return cls.spread.length === 0 && cls.affinityTermIds.length === 0 && cls.antiTermIds.length === 0 && cls.matchedAntiTermIds.length === 0 && cls.spec.hostPorts.length === 0;
}

/** A pod as the run scheduler takes it, its class key computed once. */
export function runPodOf(key: string, namespace: string, labels: Labels, spec: PodScheduling): RunPod {
  return { key, namespace, labels, spec, classKey: classKey(namespace, labels, spec) };
}

function taintsOf(e: Pick<NodeEntry, 'info' | 'schedulable'>): readonly Taint[] {
  return e.schedulable ? e.info.taints : [...e.info.taints, CORDON_TAINT];
}

function planNodeOf(e: Pick<NodeEntry, 'info' | 'schedulable'>, idx: number): PlanNode {
  return { ...stayingPlanNode(e.info, idx), taints: taintsOf(e) };
}
