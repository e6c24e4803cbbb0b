/**
 * A scheduler that keeps a live cluster in memory (nodes and the pods bound to them) and answers, for one pod at a time, the
 * node kube-scheduler would bind it to. It runs the planner's own filter plugins (runFilters) over the planner's pod classes,
 * term index and scheduling context, so the simulator and the planner can never disagree on what fits where.
 *
 * Adding a node or a pod is incremental. Removing a node, or meeting a pod whose class (labels + constraints) was never seen,
 * marks the index stale; it is rebuilt from the nodes and pods on the next query (node removals are rare: a few per batch).
 */
import type { Cluster, Labels, PodScheduling, ResourceList, Taint } from '../model/types.js';
import { stayingPlanNode, type PlanNode } from './plan-node.js';
import { buildClasses, classKey, resolveMatches, VolumeResolver, type ClassablePod, type PodClass } from './pod-classes.js';
import { runFilters } from './predicates/index.js';
import { SchedulingContext } from './scheduling-context.js';
import { TermIndex } from './terms.js';

export interface SchedulerNode {
  readonly name: string;
  readonly labels: Labels;
  readonly taints: readonly Taint[];
  readonly allocatable: ResourceList;
  readonly instanceType: string | null;
  readonly zone: string | null;
}

export interface SchedulerPod {
  /** A unique key, e.g. namespace/name. */
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: PodScheduling;
  /** classKey(namespace, labels, spec) when the caller has it already (it is costly to compute per query). */
  readonly classKey?: string;
}

export type ScheduleAnswer =
  | { readonly node: string }
  | { readonly node: null; readonly summary: string; readonly reasons: readonly string[] };

/** The parts of a cluster the scheduler reads besides nodes and pods: namespaces (for selectors) and volumes. */
export type SchedulerCatalog = Pick<Cluster, 'namespaces' | 'pvcs' | 'pvs' | 'storageClasses'>;

/**
 * kube-scheduler's taint for cordoned nodes. Filters model cordoning by the `schedulable` flag (an unschedulable node is
 * never a candidate), but a node that takes no pod carries the taint in the index, so that topology spread under
 * nodeTaintsPolicy Honor leaves its pods and its domain out, as kube-scheduler does.
 */
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
const CORDON_TAINT: Taint = { key: UNSCHEDULABLE_TAINT, value: '', effect: 'NoSchedule' };

interface NodeEntry {
  info: SchedulerNode;
  schedulable: boolean;
  plan: PlanNode | null;
}

interface PodEntry {
  readonly pod: SchedulerPod;
  readonly node: string;
  readonly classKey: string;
}

export class IncrementalScheduler {
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly pods = new Map<string, PodEntry>();
  /** One representative pod per class key, ever seen (the class list only grows). */
  private readonly shapes = new Map<string, ClassablePod>();
  private classes = new Map<string, PodClass>();
  private ctx: SchedulingContext | null = null;
  private stale = true;
  private sortedNames: string[] | null = null;
  private readonly nsLabels: Map<string, Labels>;
  /** Some pod class has a spread constraint under nodeTaintsPolicy Honor: cordoning changes which nodes it counts. */
  private honorsTaints = false;

  constructor(private readonly catalog: SchedulerCatalog) {
    this.nsLabels = new Map(catalog.namespaces.map((n) => [n.name, n.labels]));
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  hasNode(name: string): boolean {
    return this.nodes.has(name);
  }

  hasPod(key: string): boolean {
    return this.pods.has(key);
  }

  /** The node a pod is recorded on, or null. */
  nodeOf(key: string): string | null {
    return this.pods.get(key)?.node ?? null;
  }

  /** Requested resources on a node (pods recorded there), or null when the node is unknown. */
  requested(name: string): ResourceList | null {
    this.ensure();
    const e = this.nodes.get(name);
    return e?.plan ? { ...e.plan.requested } : null;
  }

  addNode(node: SchedulerNode, schedulable: boolean): void {
    if (this.nodes.has(node.name)) throw new Error(`scheduler: node ${node.name} already known`);
    const entry: NodeEntry = { info: { ...node, taints: node.taints.filter((t) => t.key !== UNSCHEDULABLE_TAINT) }, schedulable, plan: null };
    this.nodes.set(node.name, entry);
    this.sortedNames = null;
    if (!this.stale && this.ctx) {
      entry.plan = planNodeOf(entry, this.ctx.nodes.length);
      this.ctx.addNode(entry.plan);
    }
  }

  /** Cordoned or NotReady nodes stay in the index (their pods still count for affinity and spread) but take no pods. */
  setSchedulable(name: string, schedulable: boolean): void {
    const e = this.nodes.get(name);
    if (!e || e.schedulable === schedulable) return;
    e.schedulable = schedulable;
    if (e.plan) e.plan.taints = taintsOf(e);
    // Spread's node inclusion (domains and counts) was computed with the old taints.
    if (this.honorsTaints) this.stale = true;
  }

  /** Removes a node; the pods recorded on it are removed too. */
  removeNode(name: string): void {
    if (!this.nodes.delete(name)) return;
    this.sortedNames = null;
    for (const [key, p] of this.pods) if (p.node === name) this.pods.delete(key);
    this.stale = true;
  }

  /** Records a pod on a node (bound, or assumed while its binding is in flight). */
  addPod(pod: SchedulerPod, nodeName: string): void {
    if (this.pods.has(pod.key)) throw new Error(`scheduler: pod ${pod.key} already placed`);
    const node = this.nodes.get(nodeName);
    if (!node) throw new Error(`scheduler: pod ${pod.key} placed on unknown node ${nodeName}`);
    const key = this.register(pod);
    this.pods.set(pod.key, { pod, node: nodeName, classKey: key });
    if (this.stale || !this.ctx) return;
    const cls = this.classes.get(key);
    if (cls && node.plan) this.ctx.place(cls, node.plan, null);
  }

  removePod(key: string): void {
    const entry = this.pods.get(key);
    if (!entry) return;
    this.pods.delete(key);
    if (this.stale || !this.ctx) return;
    const cls = this.classes.get(entry.classKey);
    const node = this.nodes.get(entry.node)?.plan;
    if (!cls || !node) {
      this.stale = true;
      return;
    }
    this.ctx.releaseResources(node, cls.spec.requests, cls.spec.hostPorts);
    this.ctx.countPod(cls, node, -1);
  }

  /**
   * The node kube-scheduler would choose: among schedulable nodes where every filter passes, the one with the smallest share
   * of its cpu requested (LeastAllocated), then by name. When none passes, a kube-scheduler style summary of why.
   */
  findNode(pod: SchedulerPod): ScheduleAnswer {
    const key = this.register(pod);
    this.ensure();
    const ctx = this.ctx as SchedulingContext;
    const cls = this.classes.get(key) as PodClass;
    let best: { name: string; share: number } | null = null;
    const reasons = new Map<string, number>();
    let considered = 0;
    this.sortedNames ??= [...this.nodes.keys()].sort();
    for (const name of this.sortedNames) {
      const e = this.nodes.get(name) as NodeEntry;
      considered += 1;
      if (!e.schedulable || !e.plan) {
        bump(reasons, "node(s) were unschedulable");
        continue;
      }
      const failure = runFilters(ctx, cls, e.plan);
      if (failure !== null) {
        for (const r of failure.reasons) bump(reasons, r);
        continue;
      }
      const alloc = e.plan.allocatable['cpu'] ?? 0;
      const share = alloc > 0 ? (e.plan.requested['cpu'] ?? 0) / alloc : 1;
      if (best === null || share < best.share) best = { name, share };
    }
    if (best !== null) return { node: best.name };
    const list = [...reasons.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const summary =
      considered === 0
        ? '0/0 nodes are available: no nodes.'
        : `0/${considered} nodes are available: ${list.map(([r, n]) => `${n} ${r}`).join(', ')}.`;
    return { node: null, summary, reasons: list.map(([r]) => r) };
  }

  private register(pod: SchedulerPod): string {
    const key = pod.classKey ?? classKey(pod.namespace, pod.labels, pod.spec);
    if (!this.shapes.has(key)) {
      this.shapes.set(key, { namespace: pod.namespace, labels: pod.labels, spec: pod.spec });
      this.stale = true;
      if (pod.spec.topologySpread.some((c) => c.whenUnsatisfiable === 'DoNotSchedule' && c.nodeTaintsPolicy === 'Honor')) this.honorsTaints = true;
    }
    return key;
  }

  /** Rebuilds terms, classes and the context from the nodes and pods when stale. */
  private ensure(): void {
    if (!this.stale && this.ctx) return;
    const nsLabels = this.nsLabels;
    const terms = new TermIndex((ns) => nsLabels.get(ns) ?? { 'kubernetes.io/metadata.name': ns });
    const volumes = new VolumeResolver({ ...emptyCluster(), ...this.catalog });
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
    // Every shape has its own key, so class i is shape i.
    this.classes = new Map(keys.map((k, i) => [k, built[i] as PodClass]));
    const ctx = new SchedulingContext(terms, [], [], () => ({ vcpu: 0, memoryGiB: 0 }));
    for (const name of [...this.nodes.keys()].sort()) {
      const e = this.nodes.get(name) as NodeEntry;
      e.plan = planNodeOf(e, ctx.nodes.length);
      ctx.addNode(e.plan);
    }
    for (const key of [...this.pods.keys()].sort()) {
      const p = this.pods.get(key) as PodEntry;
      const cls = this.classes.get(p.classKey);
      const node = this.nodes.get(p.node)?.plan;
      if (cls && node) ctx.place(cls, node, null);
    }
    this.ctx = ctx;
    this.stale = false;
  }
}

function taintsOf(e: NodeEntry): readonly Taint[] {
  return e.schedulable ? e.info.taints : [...e.info.taints, CORDON_TAINT];
}

function planNodeOf(e: NodeEntry, idx: number): PlanNode {
  return { ...stayingPlanNode(e.info, idx), taints: taintsOf(e) };
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}


function emptyCluster(): Cluster {
  return { nodes: [], pods: [], pdbs: [], daemonSets: [], workloads: [], pvcs: [], pvs: [], namespaces: [], storageClasses: [] };
}
