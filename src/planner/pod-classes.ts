/**
 * Pods that kube-scheduler would treat alike (same namespace, labels, requests and constraints) form one class. The planner
 * evaluates predicates per class, not per pod: a Deployment of 300 replicas costs one evaluation per candidate node.
 */
import type {
  Cluster,
  LabelSelector,
  Labels,
  NodeSelectorTerm,
  Pod,
  PodScheduling,
  TopologySpreadConstraint,
} from '../model/types.js';
import type { TermIndex } from './terms.js';

export interface SpreadRule {
  readonly termId: number;
  readonly constraint: TopologySpreadConstraint;
  /** Does the pod itself match the constraint's selector (so it adds one to its domain)? */
  readonly selfMatch: boolean;
}

/** What the pod's volumes require of a node. */
export interface VolumeNeeds {
  /** Bound PVs' required node affinity: every entry (a list of ORed terms) must match. */
  readonly nodeAffinity: readonly (readonly NodeSelectorTerm[])[];
  /** Bound PVs' zone/region labels: label key -> allowed values. */
  readonly zoneLabels: readonly { readonly key: string; readonly values: readonly string[] }[];
  /** Problems that make the pod unschedulable everywhere (missing or unbound immediate claims). */
  readonly errors: readonly string[];
}

export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: PodScheduling;
  /** Indexes of the member pods in the list the classes were built from. */
  readonly members: number[];
  readonly affinityTermIds: readonly number[];
  /** The required affinity terms as one group (kube-scheduler wants one pod matching all of them); null without terms. */
  readonly affinityGroupId: number | null;
  readonly antiTermIds: readonly number[];
  readonly spread: readonly SpreadRule[];
  readonly volumes: VolumeNeeds;
  /** True when every predicate for this class can only go from pass to fail as pods are added (no affinity, no spread). */
  readonly monotone: boolean;
  /** Filled by `resolveMatches` once every term is registered. */
  matchedTermIds: number[];
  /** Anti-affinity terms owned by other pods that select this class. */
  matchedAntiTermIds: number[];
  /** Affinity groups every term of which selects this class. */
  matchedGroupIds: number[];
  /** Does the class match all of its own affinity terms (the "first pod of a group" rule)? */
  selfAffine: boolean;
  /** CPU architectures the pod's images are known to run on (the arch of the node it runs on now); null: any. */
  readonly archs: readonly string[] | null;
  /** Its class key without architectures (classKey(namespace, labels, spec)), when buildClasses made it. */
  readonly key?: string;
}

/** The volume needs of a pod without claims (shared: classes only read it). */
const NO_VOLUME_NEEDS: VolumeNeeds = { nodeAffinity: [], zoneLabels: [], errors: [] };

/** No term ids, no spread rules (shared by the classes without any). */
const NO_IDS: readonly number[] = [];
const NO_SPREAD: readonly SpreadRule[] = [];

const ZONE_LABEL_KEYS = [
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
];

export class VolumeResolver {
  private readonly pvcs = new Map<string, Cluster['pvcs'][number]>();
  private readonly pvs = new Map<string, Cluster['pvs'][number]>();
  private readonly classes = new Map<string, Cluster['storageClasses'][number]>();

  constructor(cluster: Cluster) {
    for (const c of cluster.pvcs) this.pvcs.set(`${c.namespace}/${c.name}`, c);
    for (const v of cluster.pvs) this.pvs.set(v.name, v);
    for (const s of cluster.storageClasses) this.classes.set(s.name, s);
  }

  needs(namespace: string, spec: PodScheduling): VolumeNeeds {
    if (!spec.volumes.some((v) => v.kind === 'pvc')) return NO_VOLUME_NEEDS;
    const nodeAffinity: (readonly NodeSelectorTerm[])[] = [];
    const zoneLabels: { key: string; values: string[] }[] = [];
    const errors: string[] = [];
    for (const vol of spec.volumes) {
      if (vol.kind !== 'pvc') continue;
      const pvc = this.pvcs.get(`${namespace}/${vol.claimName}`);
      if (!pvc) {
        errors.push(`persistentvolumeclaim "${vol.claimName}" not found`);
        continue;
      }
      if (pvc.volumeName === null) {
        const sc = pvc.storageClassName === null ? undefined : this.classes.get(pvc.storageClassName);
        // Unknown classes are assumed WaitForFirstConsumer (the EKS gp2/gp3 classes are); only an explicit Immediate class blocks.
        if (sc && sc.volumeBindingMode === 'Immediate') errors.push('pod has unbound immediate PersistentVolumeClaims');
        continue;
      }
      const pv = this.pvs.get(pvc.volumeName);
      if (!pv) continue; // the PV is not in the input: nothing to check against
      if (pv.nodeAffinity !== null) nodeAffinity.push(pv.nodeAffinity);
      for (const key of ZONE_LABEL_KEYS) {
        const value = pv.labels[key];
        if (value !== undefined) zoneLabels.push({ key, values: value.split('__') });
      }
    }
    return { nodeAffinity, zoneLabels, errors };
  }
}

function withMatchLabelKeys(selector: LabelSelector | null, keys: readonly string[], labels: Labels): LabelSelector | null {
  if (selector === null || keys.length === 0) return selector;
  const extra = keys
    .filter((k) => labels[k] !== undefined)
    .map((k) => ({ key: k, operator: 'In' as const, values: [labels[k] as string] }));
  return { matchLabels: selector.matchLabels, matchExpressions: [...selector.matchExpressions, ...extra] };
}

/**
 * classKey(namespace, labels, pod) for pods met one after another (no architectures): a pod like the previous one gets the
 * previous one's key - the same string - without building it (checked field by field, as classes are grouped).
 */
export function classKeyer(): (pod: Pod) => string {
  let last: { shape: ClassShape; probe: ClassProbe; key: string } | null = null;
  return (pod) => {
    if (last !== null && sameClass(last.shape, last.probe, pod.namespace, pod.labels, pod, null)) return last.key;
    const shape: ClassShape = { namespace: pod.namespace, labels: pod.labels, spec: pod, archs: null };
    last = { shape, probe: classProbe(shape), key: classKey(pod.namespace, pod.labels, pod) };
    return last.key;
  };
}

/** The class key: everything kube-scheduler reads, nothing that only names the pod. */
export function classKey(namespace: string, labels: Labels, spec: PodScheduling, archs: readonly string[] | null = null): string {
  // Built by hand for the common fields (it runs once per pod: 150,000 times on a big cluster); JSON only for the rarer
  // structured ones, and only when present. Separators cannot occur in label keys, values or resource names.
  let key = `${namespace}\u0001${archs === null ? '' : archs.join(',')}\u0001`;
  for (const k in labels) key += `${k}=${labels[k]}\u0002`;
  key += '\u0001';
  for (const k in spec.requests) key += `${k}=${spec.requests[k]}\u0002`;
  key += '\u0001';
  for (const k in spec.nodeSelector) key += `${k}=${spec.nodeSelector[k]}\u0002`;
  const structured = (x: unknown): string => JSON.stringify(x);
  key += `\u0001${spec.requiredNodeAffinity === null ? '' : structured(spec.requiredNodeAffinity)}`;
  key += '\u0001';
  for (const t of spec.tolerations) key += `${t.key}|${t.operator}|${t.value}|${t.effect}\u0002`;
  key += `\u0001${spec.hostPorts.length === 0 ? '' : structured(spec.hostPorts)}`;
  key += `\u0001${spec.podAffinity.length === 0 ? '' : structured(spec.podAffinity)}`;
  key += `\u0001${spec.podAntiAffinity.length === 0 ? '' : structured(spec.podAntiAffinity)}`;
  key += `\u0001${spec.topologySpread.length === 0 ? '' : structured(spec.topologySpread)}`;
  for (const v of spec.volumes) if (v.kind === 'pvc') key += `\u0001pvc:${v.claimName}`;
  return key;
}

export interface ClassablePod {
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: PodScheduling;
  /** Architectures the pod may run on when the planner keeps pods on the architecture they run on today. */
  readonly archs?: readonly string[] | null;
}

export function podAsClassable(pod: Pod): ClassablePod {
  return { namespace: pod.namespace, labels: pod.labels, spec: pod };
}

/**
 * Groups pods into classes and registers their terms. `registerAll` false registers only anti-affinity (pods that stay put).
 * `knownKeys`: per pod, its class key without architectures, when the caller has them (see KnownClassKey).
 */
export function buildClasses(
  pods: readonly ClassablePod[],
  terms: TermIndex,
  volumes: VolumeResolver,
  firstId: number,
  registerAll: boolean,
  knownKeys?: readonly string[],
): PodClass[] {
  return classesOf(
    {
      count: pods.length,
      namespace: (i) => (pods[i] as ClassablePod).namespace,
      labels: (i) => (pods[i] as ClassablePod).labels,
      spec: (i) => (pods[i] as ClassablePod).spec,
      archs: (i) => (pods[i] as ClassablePod).archs ?? null,
      ...(knownKeys ? { knownKey: (i: number) => knownKeys[i] } : {}),
    },
    terms,
    volumes,
    firstId,
    registerAll,
  );
}

/**
 * A pod's classKey(namespace, labels, pod) without architectures, when the caller has it already (undefined: not known).
 * It must be the string classKey gives: classes are then grouped by it instead of deriving it again.
 */
export type KnownClassKey = (pod: Pod) => string | undefined;

/**
 * buildClasses over pods as the model holds them (each pod its own spec), with the architectures each may run on; `known`
 * gives the class keys the caller has already.
 */
export function buildPodClasses(
  pods: readonly Pod[],
  archs: readonly (readonly string[] | null)[] | undefined,
  terms: TermIndex,
  volumes: VolumeResolver,
  firstId: number,
  registerAll: boolean,
  known?: KnownClassKey,
): PodClass[] {
  return classesOf(
    {
      count: pods.length,
      namespace: (i) => (pods[i] as Pod).namespace,
      labels: (i) => (pods[i] as Pod).labels,
      spec: (i) => pods[i] as Pod,
      archs: (i) => archs?.[i] ?? null,
      ...(known ? { knownKey: (i: number) => known(pods[i] as Pod) } : {}),
    },
    terms,
    volumes,
    firstId,
    registerAll,
  );
}

/** Pods read by position, so that a caller need not wrap every pod in an object to class it. */
interface PodsView {
  readonly count: number;
  namespace(i: number): string;
  labels(i: number): Labels;
  spec(i: number): PodScheduling;
  archs(i: number): readonly string[] | null;
  /** The pod's class key without architectures, when known (see KnownClassKey). */
  knownKey?(i: number): string | undefined;
}

function classesOf(pods: PodsView, terms: TermIndex, volumes: VolumeResolver, firstId: number, registerAll: boolean): PodClass[] {
  const byKey = new ClassTable();
  const out: PodClass[] = [];
  const probes = new Map<PodClass, ClassProbe>();
  // Pods of one workload usually come one after another: a pod like the previous one joins its class without a key.
  let last: { cls: PodClass; probe: ClassProbe } | null = null;
  // With known keys: the previous pod's known key and architectures, and the class they gave.
  let lastKnown: { key: string; archs: readonly string[] | null; cls: PodClass } | null = null;
  for (let index = 0; index < pods.count; index++) {
    const namespace = pods.namespace(index);
    const labels = pods.labels(index);
    const spec = pods.spec(index);
    const archs = pods.archs(index);
    const known = pods.knownKey?.(index);
    if (known !== undefined && lastKnown !== null && known === lastKnown.key && archs === lastKnown.archs) {
      lastKnown.cls.members.push(index);
      continue;
    }
    if (known === undefined && last !== null && sameClass(last.cls, last.probe, namespace, labels, spec, archs)) {
      last.cls.members.push(index);
      continue;
    }
    const key = known ?? classKey(namespace, labels, spec);
    let cls = byKey.get(key, archs);
    if (cls) cls.members.push(index);
    else {
      cls = newClass(key, namespace, labels, spec, archs, index, firstId + out.length, terms, volumes, registerAll);
      byKey.set(key, archs, cls);
      out.push(cls);
    }
    if (known !== undefined) {
      lastKnown = { key: known, archs, cls };
      last = null;
      continue;
    }
    lastKnown = null;
    let probe = probes.get(cls);
    if (!probe) probes.set(cls, (probe = classProbe(cls)));
    last = { cls, probe };
  }
  return out;
}

/**
 * Classes by classKey(namespace, labels, spec, archs), found without building that string: by the key without
 * architectures, then by the architectures' text (the key puts archs.join(',') after the namespace; null reads as []).
 */
class ClassTable {
  private readonly byKey = new Map<string, { readonly archs: string; readonly cls: PodClass }[]>();
  private lastArchs: readonly string[] | null = null;
  private lastText = '';

  get(key: string, archs: readonly string[] | null): PodClass | undefined {
    const list = this.byKey.get(key);
    if (list === undefined) return undefined;
    const text = this.text(archs);
    for (const x of list) if (x.archs === text) return x.cls;
    return undefined;
  }

  set(key: string, archs: readonly string[] | null, cls: PodClass): void {
    const entry = { archs: this.text(archs), cls };
    const list = this.byKey.get(key);
    if (list) list.push(entry);
    else this.byKey.set(key, [entry]);
  }

  /** archs.join(','), made once per list of architectures met in a row (pods mostly share one list). */
  private text(archs: readonly string[] | null): string {
    if (archs === null) return '';
    if (archs !== this.lastArchs) {
      this.lastArchs = archs;
      this.lastText = archs.join(',');
    }
    return this.lastText;
  }
}

function newClass(
  key: string,
  namespace: string,
  labels: Labels,
  spec: PodScheduling,
  archs: readonly string[] | null,
  index: number,
  id: number,
  terms: TermIndex,
  volumes: VolumeResolver,
  registerAll: boolean,
): PodClass {
  const antiTermIds = spec.podAntiAffinity.length === 0 ? NO_IDS : spec.podAntiAffinity.map((t) => terms.registerAffinity(t, namespace).id);
  for (const id of antiTermIds) terms.antiOwnedTermIds.add(id);
  const affinityTermIds = registerAll && spec.podAffinity.length > 0 ? spec.podAffinity.map((t) => terms.registerAffinity(t, namespace).id) : NO_IDS;
  const affinityGroupId = affinityTermIds.length > 0 ? terms.registerAffinityGroup(affinityTermIds).id : null;
  let spread = NO_SPREAD;
  if (registerAll && spec.topologySpread.length > 0) {
    const rules: SpreadRule[] = [];
    for (const c of spec.topologySpread) {
      if (c.whenUnsatisfiable !== 'DoNotSchedule') continue;
      const selector = withMatchLabelKeys(c.labelSelector, c.matchLabelKeys, labels);
      const term = terms.registerSpread(selector, namespace, c.topologyKey);
      rules.push({ termId: term.id, constraint: c, selfMatch: terms.selects(term, namespace, labels) });
    }
    spread = rules;
  }
  return {
    key,
    id,
    namespace,
    labels,
    spec,
    members: [index],
    affinityTermIds,
    affinityGroupId,
    antiTermIds,
    spread,
    volumes: registerAll ? volumes.needs(namespace, spec) : NO_VOLUME_NEEDS,
    monotone: affinityTermIds.length === 0 && spread.length === 0,
    matchedTermIds: [],
    matchedAntiTermIds: [],
    matchedGroupIds: [],
    selfAffine: false,
    archs,
  };
}

/** What comparing a pod with a class's first member needs, worked out once per class. */
interface ClassProbe {
  readonly labelKeys: readonly string[];
  readonly requestKeys: readonly string[];
  readonly selectorKeys: readonly string[];
  /** JSON of the structured fields, filled when first compared. */
  readonly json: Map<string, string>;
}

/** What sameClass reads of a class: the fields of its first pod. */
type ClassShape = Pick<PodClass, 'namespace' | 'labels' | 'spec' | 'archs'>;

function classProbe(cls: ClassShape): ClassProbe {
  return {
    labelKeys: Object.keys(cls.labels),
    requestKeys: Object.keys(cls.spec.requests),
    selectorKeys: Object.keys(cls.spec.nodeSelector),
    json: new Map(),
  };
}

/**
 * Would the pod get the class's key? Checked field by field, in the key's order of entries, without building the key: true
 * only when every field classKey reads is equal, so a pod joins the class it would have joined through the key.
 */
function sameClass(
  cls: ClassShape,
  probe: ClassProbe,
  namespace: string,
  labels: Labels,
  spec: PodScheduling,
  archs: readonly string[] | null,
): boolean {
  const c = cls.spec;
  if (namespace !== cls.namespace || !sameArchs(cls.archs, archs)) return false;
  if (!sameEntries(cls.labels, probe.labelKeys, labels)) return false;
  if (!sameEntries(c.requests, probe.requestKeys, spec.requests)) return false;
  if (!sameEntries(c.nodeSelector, probe.selectorKeys, spec.nodeSelector)) return false;
  if (c.tolerations !== spec.tolerations) {
    if (c.tolerations.length !== spec.tolerations.length) return false;
    for (let i = 0; i < c.tolerations.length; i++) {
      const a = c.tolerations[i];
      const b = spec.tolerations[i];
      if (!a || !b || a.key !== b.key || a.operator !== b.operator || a.value !== b.value || a.effect !== b.effect) return false;
    }
  }
  if (!sameStructure(probe, 'nodeAffinity', c.requiredNodeAffinity, spec.requiredNodeAffinity)) return false;
  if (!sameStructure(probe, 'hostPorts', c.hostPorts, spec.hostPorts)) return false;
  if (!sameStructure(probe, 'affinity', c.podAffinity, spec.podAffinity)) return false;
  if (!sameStructure(probe, 'antiAffinity', c.podAntiAffinity, spec.podAntiAffinity)) return false;
  if (!sameStructure(probe, 'spread', c.topologySpread, spec.topologySpread)) return false;
  return sameClaims(c.volumes, spec.volumes);
}

/** The same architectures (the same JSON): both null, or the same names in the same order. */
export function sameArchs(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Same entries in the same order as `a` (whose keys are `aKeys`). */
function sameEntries(a: Readonly<Record<string, string | number>>, aKeys: readonly string[], b: Readonly<Record<string, string | number>>): boolean {
  if (a === b) return true;
  let i = 0;
  for (const k in b) {
    if (k !== aKeys[i] || b[k] !== a[k]) return false;
    i++;
  }
  return i === aKeys.length;
}

/**
 * Same as classKey sees a structured field: the same object or the same JSON; an empty list counts as absent (no JSON in
 * the key), while the node affinity is absent only when null.
 */
function sameStructure(probe: ClassProbe, field: string, a: readonly unknown[] | null, b: readonly unknown[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (field !== 'nodeAffinity' && (a.length === 0 || b.length === 0)) return a.length === b.length;
  let json = probe.json.get(field);
  if (json === undefined) probe.json.set(field, (json = JSON.stringify(a)));
  return json === JSON.stringify(b);
}

function sameClaims(a: PodScheduling['volumes'], b: PodScheduling['volumes']): boolean {
  if (a === b) return true;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && a[i]?.kind !== 'pvc') i++;
    while (j < b.length && b[j]?.kind !== 'pvc') j++;
    if (i >= a.length || j >= b.length) return i >= a.length && j >= b.length;
    const x = a[i];
    const y = b[j];
    if (x?.kind !== 'pvc' || y?.kind !== 'pvc' || x.claimName !== y.claimName) return false;
    i++;
    j++;
  }
}

/** After every term is registered: which terms select each class. Terms are indexed by namespace and one required label. */
export function resolveMatches(classes: readonly PodClass[], terms: TermIndex): void {
  const keyed = new Map<string, Map<string, Map<string, number[]>>>(); // namespace -> key -> value -> term ids
  const byNamespace = new Map<string, number[]>(); // namespace -> term ids without a required label
  const global: number[] = []; // terms with a namespace selector: checked against every class
  const push = <K>(m: Map<K, number[]>, k: K, id: number): void => {
    const list = m.get(k);
    if (list) list.push(id);
    else m.set(k, [id]);
  };
  const level = <V>(m: Map<string, Map<string, V>>, k: string): Map<string, V> => {
    let next = m.get(k);
    if (!next) m.set(k, (next = new Map()));
    return next;
  };
  for (const term of terms.terms) {
    if (term.selector === null) continue;
    if (term.namespaces.kind === 'selector') {
      global.push(term.id);
      continue;
    }
    const first = Object.keys(term.selector.matchLabels).sort()[0];
    for (const ns of term.namespaces.names) {
      if (first === undefined) push(byNamespace, ns, term.id);
      else push(level(level(keyed, ns), first), term.selector.matchLabels[first] as string, term.id);
    }
  }
  const groupsByFirstTerm = new Map<number, number[]>();
  for (const g of terms.groups) {
    const first = g.termIds[0];
    if (first === undefined) continue;
    const list = groupsByFirstTerm.get(first);
    if (list) list.push(g.id);
    else groupsByFirstTerm.set(first, [g.id]);
  }
  const candidates: number[] = [];
  for (const cls of classes) {
    candidateTerms(cls, global, byNamespace, keyed, candidates);
    const matched: number[] = [];
    const anti: number[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const id = candidates[i] as number;
      if (i > 0 && id === candidates[i - 1]) continue;
      const term = terms.terms[id];
      if (!term || !terms.selects(term, cls.namespace, cls.labels)) continue;
      matched.push(id);
      if (terms.antiOwnedTermIds.has(id)) anti.push(id);
    }
    cls.matchedTermIds = matched;
    cls.matchedAntiTermIds = anti;
    if (matched.length === 0) {
      // No term selects the class: no group either, and its own affinity terms (if any) are not all matched.
      cls.matchedGroupIds = [];
      cls.selfAffine = false;
      continue;
    }
    const matchedSet = new Set(matched);
    const groups: number[] = [];
    for (const id of matched) {
      for (const g of groupsByFirstTerm.get(id) ?? []) {
        if ((terms.groups[g]?.termIds ?? []).every((t) => matchedSet.has(t))) groups.push(g);
      }
    }
    cls.matchedGroupIds = groups;
    cls.selfAffine = cls.affinityTermIds.length > 0 && cls.affinityTermIds.every((id) => matchedSet.has(id));
  }
}

/**
 * Into `out` (emptied first), sorted: the ids of the terms that may select the class - the terms with a namespace
 * selector, its namespace's terms without a required label, and those whose first required label (by key) it has. May
 * repeat an id (next to itself, once sorted).
 */
function candidateTerms(
  cls: PodClass,
  global: readonly number[],
  byNamespace: ReadonlyMap<string, readonly number[]>,
  keyed: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>>,
  out: number[],
): void {
  out.length = 0;
  for (const id of global) out.push(id);
  for (const id of byNamespace.get(cls.namespace) ?? []) out.push(id);
  const byKey = keyed.get(cls.namespace);
  if (byKey !== undefined) {
    for (const k in cls.labels) {
      const ids = byKey.get(k)?.get(cls.labels[k] as string);
      if (ids !== undefined) for (const id of ids) out.push(id);
    }
  }
  if (out.length > 1) out.sort((a, b) => a - b);
}
