/**
 * Small builders for predicate tests: pod specs with defaults, plan nodes, VNGs, and a "world" that wires a TermIndex,
 * pod classes and a SchedulingContext the way the packer does (incoming pods register every term; pods already on nodes
 * register only their anti-affinity, as pods on staying nodes do in pack.ts).
 */
import type {
  Cluster,
  LabelSelector,
  Labels,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinityTerm,
  ResourceList,
  Taint,
  Toleration,
  TopologySpreadConstraint,
  Vng,
} from '../../src/model/types.js';
import { podSpec, type PodInput } from './pod-spec.js';

export { podSpec, type PodInput };
import { buildClasses, resolveMatches, VolumeResolver, type PodClass } from '../../src/planner/pod-classes.js';
import type { PlanNode, PlanNodeOrigin } from '../../src/planner/plan-node.js';
import type { FilterFailure, Predicate } from '../../src/planner/predicates/index.js';
import { SchedulingContext } from '../../src/planner/scheduling-context.js';
import { TermIndex } from '../../src/planner/terms.js';

export const GI = 1024 ** 3;
export const MI = 1024 ** 2;
export const HOSTNAME = 'kubernetes.io/hostname';
export const ZONE = 'topology.kubernetes.io/zone';


export function sel(matchLabels: Labels = {}, matchExpressions: LabelSelector['matchExpressions'] = []): LabelSelector {
  return { matchLabels, matchExpressions };
}

export function req(key: string, operator: NodeSelectorRequirement['operator'], ...values: string[]): NodeSelectorRequirement {
  return { key, operator, values };
}

export function term(matchExpressions: NodeSelectorRequirement[] = [], matchFields: NodeSelectorRequirement[] = []): NodeSelectorTerm {
  return { matchExpressions, matchFields };
}

export function affinityTerm(
  labelSelector: LabelSelector | null,
  topologyKey: string,
  extra: { namespaces?: string[]; namespaceSelector?: LabelSelector | null } = {},
): PodAffinityTerm {
  return { labelSelector, topologyKey, namespaces: extra.namespaces ?? [], namespaceSelector: extra.namespaceSelector ?? null };
}

export function spread(
  topologyKey: string,
  labelSelector: LabelSelector | null,
  extra: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector,
    minDomains: null,
    nodeAffinityPolicy: 'Honor',
    nodeTaintsPolicy: 'Ignore',
    matchLabelKeys: [],
    ...extra,
  };
}

export function taint(key: string, value: string, effect: Taint['effect'] = 'NoSchedule'): Taint {
  return { key, value, effect };
}

export function toleration(key: string, operator: Toleration['operator'], value = '', effect: Toleration['effect'] = ''): Toleration {
  return { key, operator, value, effect };
}

export function vng(p: Partial<Vng> & { name: string }): Vng {
  return {
    id: null,
    labels: {},
    taints: [],
    instanceTypes: ['m5.large'],
    zones: [],
    subnetIds: [],
    minInstanceCount: 0,
    maxInstanceCount: null,
    maxVCpu: null,
    maxMemoryGiB: null,
    rootVolumeSizeGiB: null,
    preferredSpotTypes: [],
    ...p,
  };
}

export interface NodeInput {
  readonly name: string;
  readonly labels?: Labels;
  readonly taints?: readonly Taint[];
  readonly allocatable?: ResourceList;
  readonly origin?: PlanNodeOrigin;
  readonly vng?: string;
  readonly instanceType?: string;
  readonly zone?: string;
}

export const BIG: ResourceList = { cpu: 64_000, memory: 256 * GI, 'ephemeral-storage': 100 * GI, pods: 110 };

/** A PlanNode; staying and new nodes get a hostname label, a zone gives the zone label. */
export function planNode(n: NodeInput, idx: number): PlanNode {
  const origin = n.origin ?? 'staying';
  const labels: Record<string, string> = {};
  if (origin !== 'template') labels[HOSTNAME] = n.name;
  if (n.zone !== undefined) labels[ZONE] = n.zone;
  Object.assign(labels, n.labels ?? {});
  return {
    idx: origin === 'template' ? -1 : idx,
    name: n.name,
    origin,
    labels,
    taints: n.taints ?? [],
    allocatable: { ...(n.allocatable ?? BIG) },
    requested: {},
    hostPorts: [],
    vng: n.vng ?? null,
    instanceType: n.instanceType ?? null,
    zone: n.zone ?? null,
    movedPods: [],
    price: 0,
  };
}

export interface WorldInput {
  /** Candidate nodes (staying or new), in first-fit order. */
  readonly nodes?: readonly NodeInput[];
  /** Empty VNG node types (origin 'template'). */
  readonly templates?: readonly NodeInput[];
  /** Pods already running on `node`. */
  readonly existing?: readonly { readonly node: string; readonly pod: PodInput }[];
  /** The pods to schedule; one class each (unless identical). */
  readonly incoming: readonly PodInput[];
  readonly vngs?: readonly Vng[];
  readonly cluster?: Partial<Pick<Cluster, 'pvcs' | 'pvs' | 'storageClasses' | 'namespaces'>>;
  readonly typeSizes?: Readonly<Record<string, { vcpu: number; memoryGiB: number }>>;
}

export interface World {
  readonly ctx: SchedulingContext;
  /** One class per incoming pod, in input order (identical pods share a class). */
  readonly classes: readonly PodClass[];
  node(name: string): PlanNode;
  template(name: string): PlanNode;
  /** Runs one predicate for incoming pod `i` on the named node or template. */
  check(predicate: Predicate, i: number, nodeName: string): FilterFailure | null;
  /** Records incoming pod `i` as placed on the named node (counts, resources, ports). */
  place(i: number, nodeName: string): void;
}

function emptyCluster(partial: WorldInput['cluster']): Cluster {
  return {
    nodes: [],
    pods: [],
    pdbs: [],
    daemonSets: [],
    workloads: [],
    pvcs: partial?.pvcs ?? [],
    pvs: partial?.pvs ?? [],
    namespaces: partial?.namespaces ?? [],
    storageClasses: partial?.storageClasses ?? [],
  };
}

export function world(input: WorldInput): World {
  const cluster = emptyCluster(input.cluster);
  const nsLabels = new Map<string, Labels>(cluster.namespaces.map((n) => [n.name, n.labels]));
  const terms = new TermIndex((ns) => nsLabels.get(ns) ?? { 'kubernetes.io/metadata.name': ns });
  const volumes = new VolumeResolver(cluster);
  const incoming = input.incoming.map((p) => ({ namespace: p.namespace ?? 'default', labels: p.labels ?? {}, spec: podSpec(p) }));
  const incomingClasses = buildClasses(incoming, terms, volumes, 0, true);
  const existing = (input.existing ?? []).map((e) => ({
    namespace: e.pod.namespace ?? 'default',
    labels: e.pod.labels ?? {},
    spec: podSpec(e.pod),
  }));
  const existingClasses = buildClasses(existing, terms, volumes, incomingClasses.length, false);
  resolveMatches([...incomingClasses, ...existingClasses], terms);

  const templates = (input.templates ?? []).map((t) => planNode({ ...t, origin: 'template' }, -1));
  const sizes = input.typeSizes ?? {};
  const ctx = new SchedulingContext(terms, templates, input.vngs ?? [], (t) => sizes[t] ?? { vcpu: 2, memoryGiB: 8 });
  for (const n of input.nodes ?? []) ctx.addNode(planNode(n, ctx.nodes.length));

  const byName = (name: string): PlanNode => {
    const found = ctx.nodes.find((n) => n.name === name) ?? templates.find((t) => t.name === name);
    if (!found) throw new Error(`no node ${name} in the test world`);
    return found;
  };
  const classOfExisting = (i: number): PodClass => {
    const cls = existingClasses.find((c) => c.members.includes(i));
    if (!cls) throw new Error(`no class for existing pod ${i}`);
    return cls;
  };
  (input.existing ?? []).forEach((e, i) => ctx.place(classOfExisting(i), byName(e.node), null));

  const classes = incoming.map((_, i) => {
    const cls = incomingClasses.find((c) => c.members.includes(i));
    if (!cls) throw new Error(`no class for incoming pod ${i}`);
    return cls;
  });
  const classAt = (i: number): PodClass => {
    const cls = classes[i];
    if (!cls) throw new Error(`no incoming pod ${i}`);
    return cls;
  };
  return {
    ctx,
    classes,
    node: byName,
    template: byName,
    check: (predicate, i, nodeName) => predicate.filter(ctx, classAt(i), byName(nodeName)),
    place: (i, nodeName) => ctx.place(classAt(i), byName(nodeName), i),
  };
}

/** The reasons of a failure, or 'pass'. */
export function verdict(f: FilterFailure | null): 'pass' | readonly string[] {
  return f === null ? 'pass' : f.reasons;
}
