/**
 * The API server's store of the simulated world: the Node and Pod objects, the ConfigMaps holding the engine's state and
 * stop requests, generated names and uids, and the trace (every change a watch would show, in virtual time). It decides
 * nothing: the scheduler, the controllers, the kubelet and the cloud change the objects and record what they did here.
 */
import type { ClusterSnapshot, NodeView, PodView, SnapshotIndex } from '../../src/engine/ports.js';
import type { StopRequest } from '../../src/engine/state.js';
import type { DisruptionOptOut } from '../../src/model/kube/disruption-opt-out.js';
import type { Node, Pod, PodPhase } from '../../src/model/types.js';
import { indexOfSorted } from '../../src/planner/sorted-names.js';
import { roundMs, type EventQueue } from '../event-queue.js';
import { PodTable } from './pod-table.js';
import { PodViewIndex, type PodViewsFrame } from './pod-views.js';
import { BEFORE_RUN, cmp, key, UNSET_POD_CACHES, type DetailValue, type SimNode, type SimPod, type TraceEvent } from './types.js';

/** Alphabet of generated name suffixes, as Kubernetes uses. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A trace entry's own fields: a detail key among them, or inherited by every object (`toString`), is renamed. */
const ENTRY_FIELDS: Readonly<Record<string, unknown>> = { t: 0, kind: '', object: '' };
/** The most detail entries written in one literal (traceEntry), and its scratch lists of the detail's keys and values. */
const LITERAL_DETAILS = 6;
const detailKeys: string[] = [];
const detailValues: DetailValue[] = [];

/**
 * A trace entry: t, kind and object, then the detail's entries in their order (numbers rounded to the millisecond), a
 * detail key the entry has already (or that every object inherits) written as `detail.<key>`. The run keeps every entry
 * (1.3 million on a 5,000-node rehearsal): up to LITERAL_DETAILS entries are written in one object literal, which holds
 * them in the object itself, where entries added one by one would need a property store of their own.
 */
export function traceEntry(t: number, kind: string, object: string, detail: Readonly<Record<string, DetailValue>>): TraceEvent {
  const k = detailKeys;
  const v = detailValues;
  let n = 0;
  // for-in over the detail's own keys (a plain object): the order of Object.entries, without an array per entry.
  for (const key in detail) {
    if (!Object.hasOwn(detail, key)) continue;
    if (n === LITERAL_DETAILS || key in ENTRY_FIELDS) return traceEntryByKey(t, kind, object, detail);
    const value = detail[key] as DetailValue;
    k[n] = key;
    v[n] = typeof value === 'number' ? roundMs(value) : value;
    n += 1;
  }
  switch (n) {
    case 0:
      return { t, kind, object };
    case 1:
      return { t, kind, object, [k[0] as string]: v[0] as DetailValue };
    case 2:
      return { t, kind, object, [k[0] as string]: v[0] as DetailValue, [k[1] as string]: v[1] as DetailValue };
    case 3:
      return { t, kind, object, [k[0] as string]: v[0] as DetailValue, [k[1] as string]: v[1] as DetailValue, [k[2] as string]: v[2] as DetailValue };
    case 4:
      return {
        t,
        kind,
        object,
        [k[0] as string]: v[0] as DetailValue,
        [k[1] as string]: v[1] as DetailValue,
        [k[2] as string]: v[2] as DetailValue,
        [k[3] as string]: v[3] as DetailValue,
      };
    case 5:
      return {
        t,
        kind,
        object,
        [k[0] as string]: v[0] as DetailValue,
        [k[1] as string]: v[1] as DetailValue,
        [k[2] as string]: v[2] as DetailValue,
        [k[3] as string]: v[3] as DetailValue,
        [k[4] as string]: v[4] as DetailValue,
      };
    default:
      return {
        t,
        kind,
        object,
        [k[0] as string]: v[0] as DetailValue,
        [k[1] as string]: v[1] as DetailValue,
        [k[2] as string]: v[2] as DetailValue,
        [k[3] as string]: v[3] as DetailValue,
        [k[4] as string]: v[4] as DetailValue,
        [k[5] as string]: v[5] as DetailValue,
      };
  }
}

/** traceEntry's rule, one entry at a time (any number of entries, renamed keys). */
export function traceEntryByKey(t: number, kind: string, object: string, detail: Readonly<Record<string, DetailValue>>): TraceEvent {
  const ev: Record<string, DetailValue> = { t, kind, object };
  for (const k in detail) {
    if (!Object.hasOwn(detail, k)) continue;
    const v = detail[k] as DetailValue;
    ev[k in ev ? `detail.${k}` : k] = typeof v === 'number' ? roundMs(v) : v;
  }
  return ev as TraceEvent;
}

/**
 * The store's nodes by name, counting the changes of its entries (a node added, replaced or deleted), and telling its
 * watchers the name of each node added, replaced or deleted, or changed in place (its readiness or cordon: `touched`).
 */
export class NodeMap extends Map<string, SimNode> {
  changes = 0;
  private readonly watchers: ((name: string) => void)[] = [];

  /** Calls `watcher` with the name of every node added, replaced, deleted or touched from now on. */
  watch(watcher: (name: string) => void): void {
    this.watchers.push(watcher);
  }

  /** A node's readiness or cordon changed in place: its watchers are told (the entry itself is the same). */
  touched(name: string): void {
    for (const w of this.watchers) w(name);
  }

  override set(name: string, node: SimNode): this {
    if (super.get(name) !== node) {
      this.changes += 1;
      this.touched(name);
    }
    return super.set(name, node);
  }

  override delete(name: string): boolean {
    const had = super.delete(name);
    if (had) {
      this.changes += 1;
      this.touched(name);
    }
    return had;
  }

  override clear(): void {
    this.changes += 1;
    const names = [...this.keys()];
    super.clear();
    for (const name of names) this.touched(name);
  }
}

export class ApiStore {
  readonly events: TraceEvent[] = [];
  readonly nodes = new NodeMap();
  /** By namespace/name, with the pods of each node indexed. */
  readonly pods = new PodTable();
  /**
   * "ConfigMaps" holding the engine's state, by migration id: the text as the pieces stateParts() made (joined when read),
   * so a save costs no copy of the finished batches' text.
   */
  readonly stateStore = new Map<string, readonly string[]>();
  readonly stopRequests = new Map<string, StopRequest>();
  /** Pods created during the run. */
  podsCreated = 0;
  private nameCounter = 0;
  /**
   * The pod views by node, by controller and unsettled, kept up to date from the pod table's changes and touched(). The
   * engine's view and the model object of each pod and node sit on it (engineView, model), reused by the next snapshot or
   * caller while what they show is unchanged (never changed by readers).
   */
  private readonly views = new PodViewIndex();
  /** The node names in order, for the node map's `changes`. */
  private nodeOrder: { readonly changes: number; readonly names: readonly string[] } | null = null;
  /**
   * The nodes in name order and the last views handed out for them, for the node map's `changes`: a snapshot checks the
   * views of the nodes changed in place since (`touchedNodes`) and copies the list only when one changed (a list handed out
   * is never changed).
   */
  private nodeList: { readonly changes: number; readonly nodes: readonly SimNode[]; views: readonly NodeView[] } | null = null;
  /** The names of the nodes the node map told of since the last snapshot (readiness and cordon change only so). */
  private readonly touchedNodes = new Set<string>();
  /** The pod each model Pod made by modelPod() shows. */
  private readonly modelled = new WeakMap<Pod, SimPod>();

  constructor(private readonly queue: EventQueue) {
    this.nodes.watch((name) => this.touchedNodes.add(name));
    this.pods.listen({
      added: () => undefined,
      removed: () => undefined,
      bound: (p) => {
        p.viewFresh = false;
      },
    });
    this.pods.listen(this.views);
  }

  /** A pod's phase, readiness or termination changed (what the engine's views show): every such change is told here. */
  touch(p: SimPod): void {
    p.viewFresh = false;
    this.views.touched(p);
  }

  // ---- trace ----

  emit(kind: string, object: string, detail: Record<string, DetailValue> = {}): void {
    this.events.push(traceEntry(roundMs(this.queue.now), kind, object, detail));
  }

  // ---- names ----

  /** A generated name suffix (five characters of Kubernetes' alphabet, from a counter). */
  suffix(): string {
    let n = this.nameCounter++;
    let s = '';
    for (let i = 0; i < 5; i++) {
      s += SUFFIX_ALPHABET[n % SUFFIX_ALPHABET.length];
      n = Math.floor(n / SUFFIX_ALPHABET.length);
    }
    return s;
  }

  /** The uid of the next pod created during the run (counted in podsCreated). */
  newPodUid(): string {
    const uid = `sim-${String(this.podsCreated + 1).padStart(8, '0')}-${this.suffix()}`;
    this.podsCreated += 1;
    return uid;
  }

  // ---- objects ----

  /** True while this very pod object is in the store (not a later one of the same name). */
  alive(p: SimPod): boolean {
    return this.pods.holds(p);
  }

  /** The pods now, in namespace/name order. */
  podsInKeyOrder(): SimPod[] {
    return this.pods.keysInOrder().map((k) => this.pods.get(k) as SimPod);
  }

  /** Stores a Node of the input cluster. */
  adoptNode(n: Node): SimNode {
    const node: SimNode = {
      name: n.name,
      uid: n.uid,
      labels: n.labels,
      taints: [...n.taints],
      capacity: n.capacity,
      allocatable: n.allocatable,
      unschedulable: n.unschedulable,
      ready: n.ready,
      instanceId: n.instanceId,
      providerID: n.providerID,
      instanceType: n.instanceType,
      zone: n.zone,
      createdAt: BEFORE_RUN,
      old: true,
      vng: null,
      faultNotReady: false,
      engineView: undefined,
      model: undefined,
    };
    this.nodes.set(n.name, node);
    return node;
  }

  /**
   * Stores a Pod of the input cluster (after its nodes). A pod bound to a node the input lacks, or Running nowhere, is
   * Pending again; `workloadUnready` says its workload's pods never get Ready.
   */
  adoptPod(p: Pod, workloadUnready: boolean): SimPod {
    const nodeName = p.nodeName !== null && this.nodes.has(p.nodeName) ? p.nodeName : null;
    const phase: PodPhase = nodeName === null && (p.phase === 'Running' || p.phase === 'Unknown') ? 'Pending' : p.phase;
    const pod: SimPod = {
      base: p,
      uid: p.uid !== '' ? p.uid : `uid-${key(p.namespace, p.name)}`,
      namespace: p.namespace,
      name: p.name,
      key: key(p.namespace, p.name),
      nodeName,
      assumed: null,
      phase,
      ready: phase === 'Running' && p.ready,
      terminating: false,
      createdAt: BEFORE_RUN,
      owner: p.owner,
      workload: p.workload,
      isDaemonSet: p.owner?.kind === 'DaemonSet',
      isMirror: p.isMirror,
      neverReady: (p.phase === 'Running' && !p.ready) || workloadUnready,
      unschedulable: null,
      ...UNSET_POD_CACHES,
    };
    this.pods.set(pod.key, pod);
    return pod;
  }

  // ---- reads ----

  /**
   * What the engine's informers show: nodes and pods in name order, with each pod's disruption opt-outs, and the lookups
   * by node, by controller and of the unsettled pods, kept from one snapshot to the next (pod-views.ts): the list of every
   * pod is made only when read. Views of objects that did not change since the last snapshot are the same objects (views
   * are never changed once handed out).
   */
  snapshot(optOutsOf: (p: SimPod) => readonly DisruptionOptOut[]): ClusterSnapshot {
    return new FramedSnapshot(this.nodeViews(), this.views.frame((p) => (p.viewFresh === true ? (p.engineView as PodView) : this.podView(p, optOutsOf))));
  }

  /** The snapshot's pods built from every pod (what snapshot() keeps incrementally; the tests compare the two). */
  podViewsFromScratch(optOutsOf: (p: SimPod) => readonly DisruptionOptOut[]): PodView[] {
    return this.pods.keysInOrder().map((k) => this.podView(this.pods.get(k) as SimPod, optOutsOf));
  }

  /** Node names in code-unit order (kept while the set of nodes is unchanged). */
  nodeNames(): readonly string[] {
    const cached = this.nodeOrder;
    if (cached !== null && cached.changes === this.nodes.changes) return cached.names;
    const names = [...this.nodes.keys()].sort(cmp);
    this.nodeOrder = { changes: this.nodes.changes, names };
    return names;
  }

  /** The nodes' views in name order: the last list handed out while no node was added, replaced, deleted or changed. */
  private nodeViews(): readonly NodeView[] {
    const kept = this.nodeList;
    const touched = this.touchedNodes;
    if (kept === null || kept.changes !== this.nodes.changes) {
      touched.clear();
      const nodes = this.nodeNames().map((name) => this.nodes.get(name) as SimNode);
      const views = nodes.map((n) => this.nodeView(n));
      this.nodeList = { changes: this.nodes.changes, nodes, views };
      return views;
    }
    if (touched.size === 0) return kept.views;
    // The same set of nodes (no change counted): the touched ones are where their names are in the kept order.
    const names = this.nodeNames();
    let views = kept.views;
    let copied: NodeView[] | null = null;
    for (const name of touched) {
      const i = indexOfSorted(names, name);
      if (i === -1) continue;
      const v = this.nodeView(kept.nodes[i] as SimNode);
      if (v === views[i]) continue;
      copied ??= views.slice();
      copied[i] = v;
    }
    touched.clear();
    if (copied !== null) views = kept.views = copied;
    return views;
  }

  private nodeView(n: SimNode): NodeView {
    const v = n.engineView;
    if (v !== undefined && v.unschedulable === n.unschedulable && v.ready === n.ready) return v;
    const fresh: NodeView = { name: n.name, instanceId: n.instanceId, unschedulable: n.unschedulable, ready: n.ready, labels: { ...n.labels }, createdAt: n.createdAt };
    n.engineView = fresh;
    return fresh;
  }

  /** The pod's view, checked field by field (and so known fresh until the pod's next change). */
  private podView(p: SimPod, optOutsOf: (p: SimPod) => readonly DisruptionOptOut[]): PodView {
    const v = p.engineView;
    p.viewFresh = true;
    if (v !== undefined && v.nodeName === p.nodeName && v.phase === p.phase && v.ready === p.ready && v.terminating === p.terminating) return v;
    const fresh: PodView = {
      uid: p.uid,
      namespace: p.namespace,
      name: p.name,
      nodeName: p.nodeName,
      phase: p.phase,
      ready: p.ready,
      terminating: p.terminating,
      ownerKind: p.owner?.kind ?? null,
      ownerUid: p.owner?.uid ?? null,
      isDaemonSet: p.isDaemonSet,
      isMirror: p.isMirror,
      disruptionOptOuts: optOutsOf(p),
      createdAt: p.createdAt,
    };
    p.engineView = fresh;
    return fresh;
  }

  /** A Node as a model Node (what a planner run on the live cluster would read now). */
  modelNode(n: SimNode): Node {
    const m = n.model;
    if (m !== undefined && m.taints === n.taints && m.unschedulable === n.unschedulable && m.ready === n.ready) return m;
    const fresh: Node = {
      name: n.name,
      uid: n.uid,
      labels: n.labels,
      annotations: {},
      taints: n.taints,
      capacity: n.capacity,
      allocatable: n.allocatable,
      unschedulable: n.unschedulable,
      providerID: n.providerID,
      instanceType: n.instanceType,
      zone: n.zone,
      instanceId: n.instanceId,
      ready: n.ready,
    };
    n.model = fresh;
    return fresh;
  }

  /** A Pod as a model Pod, placed on `nodeName`. */
  modelPod(p: SimPod, nodeName: string | null): Pod {
    const m = p.model;
    if (m !== undefined && m.nodeName === nodeName && m.phase === p.phase && m.ready === p.ready) return m;
    const fresh: Pod = { ...p.base, uid: p.uid, name: p.name, nodeName, phase: p.phase, ready: p.ready };
    p.model = fresh;
    this.modelled.set(fresh, p);
    return fresh;
  }

  /** The pod a model Pod of modelPod() shows (undefined for any other object). */
  podOfModel(m: Pod): SimPod | undefined {
    return this.modelled.get(m);
  }
}

/** A snapshot of the store: its nodes, and its pods' views as one frame of the kept lookups. */
class FramedSnapshot implements ClusterSnapshot, SnapshotIndex {
  private byName: Map<string, NodeView> | null = null;

  constructor(
    readonly nodes: readonly NodeView[],
    private readonly frame: PodViewsFrame,
  ) {}

  get pods(): readonly PodView[] {
    return this.frame.all();
  }

  get index(): SnapshotIndex {
    return this;
  }

  node(name: string): NodeView | undefined {
    if (this.byName === null) this.byName = new Map(this.nodes.map((n) => [n.name, n]));
    return this.byName.get(name);
  }

  podsOn(node: string): readonly PodView[] {
    return this.frame.podsOn(node);
  }

  podsOf(ownerUid: string): readonly PodView[] {
    return this.frame.podsOf(ownerUid);
  }

  unsettled(): readonly PodView[] {
    return this.frame.unsettled();
  }
}
