/**
 * An independent checker of a plan's final state. It rebuilds, from the Cluster, the VNGs, the catalog and the Plan JSON
 * alone, the cluster as it would be after the migration (nodes that stay with their pods, the new nodes with their
 * DaemonSet pods, every placed pod on its node) and checks each placed pod against kube-scheduler's rules, written here
 * again, naively (quadratic loops, no indexes), without the planner's predicates, term index or scheduling context.
 *
 * Spread is checked as kube-scheduler would see the final cluster: domains are the zones / hostnames of the final nodes
 * that pass the pod's node policies; a violation is a skew above maxSkew in that view.
 */
import { nodeResources, type AllocatableOptions } from '../../src/catalog/allocatable.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { observedResources } from '../../src/catalog/observed.js';
import { nodeTemplateLabels } from '../../src/catalog/template.js';
import type {
  Cluster,
  HostPort,
  InstanceType,
  LabelSelector,
  Labels,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinityTerm,
  PodScheduling,
  ResourceList,
  Taint,
  Toleration,
  Vng,
} from '../../src/model/types.js';
import type { Plan } from '../../src/planner/plan.js';

/**
 * A new node's allocatable, written again from the README's rules: max pods from the flag, the VNG, old nodes of the type,
 * old nodes of the family that do not report their own ENI value (most common value, ties to the larger), else the
 * catalog; cpu and memory as old nodes of the type report (memory moved by 11 MiB a pod), else computed; ephemeral storage
 * from the root volume less 1Gi and 10%.
 */
function newNodeAllocatable(
  vng: Vng,
  type: InstanceType,
  catalog: Catalog,
  observed: ReadonlyMap<string, { allocatable: ResourceList }>,
  opts: AllocatableOptions,
): ResourceList {
  const seen = observed.get(type.name)?.allocatable;
  const votes: number[] = [];
  for (const [name, res] of observed) {
    const other = catalog.byName.get(name);
    const pods = res.allocatable['pods'];
    if (other && other.family === type.family && pods !== undefined && pods !== other.maxPods) votes.push(pods);
  }
  const count = (v: number): number => votes.filter((x) => x === v).length;
  const family = votes.length === 0 ? undefined : [...votes].sort((a, b) => count(b) - count(a) || b - a)[0];
  const pods = opts.maxPods ?? vng.maxPods ?? seen?.['pods'] ?? family ?? type.maxPods;
  const root = (vng.rootVolumeSizeGiB ?? 20) * 1024 ** 3;
  const base: ResourceList = seen !== undefined ? { ...seen } : nodeResources(type, { ...opts, maxPods: pods }).allocatable;
  if (seen !== undefined && seen['memory'] !== undefined) base['memory'] = seen['memory'] - (pods - (seen['pods'] ?? pods)) * 11 * 1024 ** 2;
  return { ...base, pods, 'ephemeral-storage': root - 1024 ** 3 - Math.floor(root / 10) };
}

export type Rule =
  | 'Placement'
  | 'Resources'
  | 'NodeAffinity'
  | 'Taints'
  | 'HostPorts'
  | 'Volumes'
  | 'AntiAffinity'
  | 'ExistingAntiAffinity'
  | 'Affinity'
  | 'TopologySpread'
  | 'Report';

export interface Violation {
  /** namespace/name of the placed pod (or the node, for node-wide problems with no pod). */
  readonly pod: string;
  readonly rule: Rule;
  readonly detail: string;
}

export interface CheckInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly plan: Plan;
  readonly allocatable?: AllocatableOptions;
}

interface FinalNode {
  readonly name: string;
  readonly labels: Labels;
  readonly taints: readonly Taint[];
  readonly allocatable: ResourceList;
  readonly kind: 'staying' | 'new';
  readonly usable: boolean;
}

interface FinalPod {
  readonly id: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: PodScheduling;
  readonly node: FinalNode;
  /** A pod the plan moves (these are the ones checked). */
  readonly placed: boolean;
}

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

// ---- matching, written out plainly -------------------------------------------------------------------------------------

function labelSelectorMatches(s: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(s.matchLabels)) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions) {
    const v = Object.prototype.hasOwnProperty.call(labels, e.key) ? labels[e.key] : undefined;
    if (e.operator === 'In' && (v === undefined || !e.values.includes(v))) return false;
    if (e.operator === 'NotIn' && v !== undefined && e.values.includes(v)) return false;
    if (e.operator === 'Exists' && v === undefined) return false;
    if (e.operator === 'DoesNotExist' && v !== undefined) return false;
  }
  return true;
}

function requirementHolds(r: NodeSelectorRequirement, v: string | undefined): boolean {
  if (r.operator === 'In') return v !== undefined && r.values.includes(v);
  if (r.operator === 'NotIn') return v === undefined || !r.values.includes(v);
  if (r.operator === 'Exists') return v !== undefined;
  if (r.operator === 'DoesNotExist') return v === undefined;
  if (v === undefined || !/^-?\d+$/.test(v) || r.values.length !== 1 || !/^-?\d+$/.test(r.values[0] ?? '')) return false;
  return r.operator === 'Gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
}

function termsMatch(terms: readonly NodeSelectorTerm[], name: string, labels: Labels): boolean {
  return terms.some(
    (t) =>
      t.matchExpressions.length + t.matchFields.length > 0 &&
      t.matchExpressions.every((r) => requirementHolds(r, labels[r.key])) &&
      t.matchFields.every((r) => requirementHolds(r, r.key === 'metadata.name' ? name : undefined)),
  );
}

function nodeAffinityHolds(spec: PodScheduling, node: FinalNode): boolean {
  for (const [k, v] of Object.entries(spec.nodeSelector)) if (node.labels[k] !== v) return false;
  return spec.requiredNodeAffinity === null || termsMatch(spec.requiredNodeAffinity, node.name, node.labels);
}

function tolerated(t: Taint, tolerations: readonly Toleration[]): boolean {
  return tolerations.some((tol) => {
    if (tol.effect !== '' && tol.effect !== t.effect) return false;
    if (tol.key === '') return tol.operator === 'Exists';
    if (tol.key !== t.key) return false;
    return tol.operator === 'Exists' || tol.value === t.value;
  });
}

function untoleratedTaint(node: FinalNode, tolerations: readonly Toleration[]): Taint | null {
  return node.taints.find((t) => t.effect !== 'PreferNoSchedule' && !tolerated(t, tolerations)) ?? null;
}

function portsCollide(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  const any = (ip: string): boolean => ip === '' || ip === '0.0.0.0';
  return any(a.hostIP) || any(b.hostIP) || a.hostIP === b.hostIP;
}

// ---- the checker ---------------------------------------------------------------------------------------------------------

export function checkPlacements(input: CheckInput): Violation[] {
  const { cluster, plan, catalog } = input;
  const out: Violation[] = [];
  const nsLabels = (ns: string): Labels =>
    cluster.namespaces.find((n) => n.name === ns)?.labels ?? { 'kubernetes.io/metadata.name': ns };

  const termSelects = (term: PodAffinityTerm, ownerNs: string, pod: FinalPod): boolean => {
    if (term.labelSelector === null) return false;
    let nsOk: boolean;
    if (term.namespaces.length === 0 && term.namespaceSelector === null) nsOk = pod.namespace === ownerNs;
    else {
      nsOk = term.namespaces.includes(pod.namespace);
      if (!nsOk && term.namespaceSelector !== null) nsOk = labelSelectorMatches(term.namespaceSelector, nsLabels(pod.namespace));
    }
    return nsOk && labelSelectorMatches(term.labelSelector, pod.labels);
  };

  // Nodes of the final state.
  const oldNames = new Set(plan.oldNodes.map((n) => n.name));
  const nodes: FinalNode[] = [];
  for (const n of cluster.nodes) {
    if (oldNames.has(n.name)) continue;
    nodes.push({
      name: n.name,
      labels: n.labels,
      taints: n.taints,
      allocatable: n.allocatable,
      kind: 'staying',
      usable: n.ready && !n.unschedulable,
    });
  }
  const observed = observedResources(cluster.nodes);
  const region = cluster.nodes.map((n) => n.labels['topology.kubernetes.io/region']).find((r) => r !== undefined) ?? catalog.region;
  for (const nn of plan.packingLowerBound.newNodes) {
    const vng = input.vngs.find((v) => v.name === nn.vng);
    const type = catalog.byName.get(nn.instanceType);
    if (!vng || !type) {
      out.push({ pod: nn.name, rule: 'Placement', detail: `new node of unknown VNG ${nn.vng} or type ${nn.instanceType}` });
      continue;
    }
    if (!vng.instanceTypes.includes(nn.instanceType)) {
      out.push({ pod: nn.name, rule: 'Placement', detail: `VNG ${vng.name} does not offer ${nn.instanceType}` });
    }
    if (vng.zones.length > 0 && (nn.zone === null || !vng.zones.includes(nn.zone))) {
      out.push({ pod: nn.name, rule: 'Placement', detail: `VNG ${vng.name} has no subnet in zone ${nn.zone}` });
    }
    nodes.push({
      name: nn.name,
      labels: { ...nodeTemplateLabels(vng, type, nn.zone, region), [HOSTNAME]: nn.name },
      taints: vng.taints,
      allocatable: newNodeAllocatable(vng, type, catalog, observed, input.allocatable ?? {}),
      kind: 'new',
      usable: true,
    });
  }
  const nodeNamed = (name: string): FinalNode | undefined => nodes.find((n) => n.name === name);

  // Pods of the final state.
  const pods: FinalPod[] = [];
  for (const p of cluster.pods) {
    if (p.nodeName === null || p.phase === 'Succeeded' || p.phase === 'Failed') continue;
    const node = nodeNamed(p.nodeName);
    if (node && node.kind === 'staying') {
      pods.push({ id: `${p.namespace}/${p.name}`, namespace: p.namespace, labels: p.labels, spec: p, node, placed: false });
    }
  }
  for (const node of nodes) {
    if (node.kind !== 'new') continue;
    const runs: string[] = [];
    for (const ds of cluster.daemonSets) {
      if (untoleratedTaint(node, ds.template.tolerations) !== null || !nodeAffinityHolds(ds.template, node)) continue;
      runs.push(`${ds.namespace}/${ds.name}`);
      pods.push({
        id: `${ds.namespace}/${ds.name}@${node.name}`,
        namespace: ds.namespace,
        labels: ds.template.labels,
        spec: ds.template,
        node,
        placed: false,
      });
    }
    const reported = plan.packingLowerBound.newNodes.find((n) => n.name === node.name);
    if (reported && JSON.stringify([...reported.daemonSets].sort()) !== JSON.stringify(runs.sort())) {
      out.push({ pod: node.name, rule: 'Report', detail: `DaemonSets ${JSON.stringify(reported.daemonSets)}, expected ${JSON.stringify(runs)}` });
    }
  }
  // A partial migration's Pending pods elsewhere are packed with the moving pods: their placements are checked alike.
  for (const pp of [...plan.pods, ...plan.pendingElsewhere]) {
    if (pp.placement === null) continue;
    const id = `${pp.namespace}/${pp.name}`;
    const p = cluster.pods.find((c) => c.namespace === pp.namespace && c.name === pp.name);
    const node = nodeNamed(pp.placement.node);
    if (!p || !node) {
      out.push({ pod: id, rule: 'Placement', detail: `placed on ${pp.placement.node}, which is not a node of the final state` });
      continue;
    }
    const nn = plan.packingLowerBound.newNodes.find((n) => n.name === node.name);
    const expectVng = nn ? nn.vng : null;
    if (pp.placement.vng !== expectVng || (nn !== undefined && (pp.placement.instanceType !== nn.instanceType || pp.placement.zone !== nn.zone))) {
      out.push({ pod: id, rule: 'Report', detail: `placement ${JSON.stringify(pp.placement)} disagrees with node ${node.name}` });
    }
    if (!node.usable) out.push({ pod: id, rule: 'Placement', detail: `node ${node.name} is cordoned or not Ready` });
    pods.push({ id, namespace: p.namespace, labels: p.labels, spec: p, node, placed: true });
  }

  // Per node: resources and the report's numbers.
  for (const node of nodes) {
    const here = pods.filter((q) => q.node === node);
    const firstPlaced = here.find((q) => q.placed);
    if (firstPlaced === undefined && node.kind === 'staying') continue;
    const used: ResourceList = {};
    for (const q of here) for (const [k, v] of Object.entries(q.spec.requests)) used[k] = (used[k] ?? 0) + v;
    for (const [k, v] of Object.entries(used)) {
      if (v > 0 && v > (node.allocatable[k] ?? 0)) {
        out.push({
          pod: firstPlaced?.id ?? node.name,
          rule: 'Resources',
          detail: `node ${node.name}: ${k} requested ${v} > allocatable ${node.allocatable[k] ?? 0}`,
        });
      }
    }
    const reported = plan.packingLowerBound.newNodes.find((n) => n.name === node.name);
    if (reported) {
      const placedHere = here.filter((q) => q.placed).length;
      const want = [placedHere, used['cpu'] ?? 0, used['memory'] ?? 0, node.allocatable['cpu'] ?? 0, node.allocatable['memory'] ?? 0];
      const got = [reported.pods, reported.cpuRequestedMilli, reported.memoryRequestedBytes, reported.cpuAllocatableMilli, reported.memoryAllocatableBytes];
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        out.push({ pod: node.name, rule: 'Report', detail: `node ${node.name} reports ${JSON.stringify(got)}, expected ${JSON.stringify(want)}` });
      }
    }
  }

  // Per placed pod: every rule.
  for (const p of pods) {
    if (!p.placed) continue;
    const { node, spec } = p;
    const v = (rule: Rule, detail: string): void => {
      out.push({ pod: p.id, rule, detail });
    };
    if (!nodeAffinityHolds(spec, node)) v('NodeAffinity', `node ${node.name} does not match the nodeSelector / required node affinity`);
    const taint = untoleratedTaint(node, spec.tolerations);
    if (taint !== null) v('Taints', `node ${node.name} has untolerated taint ${taint.key}=${taint.value}:${taint.effect}`);

    const others = pods.filter((q) => q !== p);
    for (const want of spec.hostPorts) {
      const clash = others.find((q) => q.node === node && q.spec.hostPorts.some((h) => portsCollide(h, want)));
      if (clash) v('HostPorts', `hostPort ${want.protocol}/${want.port} also used by ${clash.id} on ${node.name}`);
    }

    checkVolumes(cluster, p, v);

    const sameDomain = (key: string, q: FinalPod): boolean => node.labels[key] !== undefined && node.labels[key] === q.node.labels[key];
    for (const t of spec.podAntiAffinity) {
      const hit = others.find((q) => sameDomain(t.topologyKey, q) && termSelects(t, p.namespace, q));
      if (hit) v('AntiAffinity', `${hit.id} shares ${t.topologyKey}=${node.labels[t.topologyKey]} and matches its anti-affinity`);
    }
    for (const q of others) {
      for (const t of q.spec.podAntiAffinity) {
        if (sameDomain(t.topologyKey, q) && termSelects(t, q.namespace, p)) {
          v('ExistingAntiAffinity', `${q.id}'s anti-affinity selects it within ${t.topologyKey}=${node.labels[t.topologyKey]}`);
        }
      }
    }

    if (spec.podAffinity.length > 0) {
      const matchesAll = (q: FinalPod): boolean => spec.podAffinity.every((t) => termSelects(t, p.namespace, q));
      let ok = true;
      for (const t of spec.podAffinity) {
        if (node.labels[t.topologyKey] === undefined) {
          ok = false;
          v('Affinity', `node ${node.name} has no ${t.topologyKey} label`);
          break;
        }
        if (!others.some((q) => sameDomain(t.topologyKey, q) && matchesAll(q))) ok = false;
      }
      const firstOfGroup =
        matchesAll(p) && !others.some((q) => matchesAll(q) && spec.podAffinity.some((t) => q.node.labels[t.topologyKey] !== undefined));
      if (!ok && !firstOfGroup) v('Affinity', `no pod matching its affinity terms in its topology domain(s) on ${node.name}`);
    }

    checkSpread(p, pods, nodes, v);
  }
  return out;
}

function checkVolumes(cluster: Cluster, p: FinalPod, v: (rule: Rule, detail: string) => void): void {
  const ZONE_KEYS = ['topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region'];
  const GA: Record<string, string> = {
    'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
    'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
  };
  for (const vol of p.spec.volumes) {
    if (vol.kind !== 'pvc') continue;
    const pvc = cluster.pvcs.find((c) => c.namespace === p.namespace && c.name === vol.claimName);
    if (!pvc) {
      v('Volumes', `claim ${vol.claimName} does not exist`);
      continue;
    }
    if (pvc.volumeName === null) {
      const sc = cluster.storageClasses.find((s) => s.name === pvc.storageClassName);
      if (sc?.volumeBindingMode === 'Immediate') v('Volumes', `claim ${vol.claimName} is unbound with an Immediate class`);
      continue;
    }
    const pv = cluster.pvs.find((x) => x.name === pvc.volumeName);
    if (!pv) continue;
    if (pv.nodeAffinity !== null && !termsMatch(pv.nodeAffinity, p.node.name, p.node.labels)) {
      v('Volumes', `PV ${pv.name} node affinity does not match ${p.node.name}`);
    }
    if (!ZONE_KEYS.some((k) => p.node.labels[k] !== undefined)) continue;
    for (const key of ZONE_KEYS) {
      const want = pv.labels[key];
      if (want === undefined) continue;
      const ga = GA[key];
      const have = p.node.labels[key] ?? (ga !== undefined ? p.node.labels[ga] : undefined);
      if (have === undefined || !want.split('__').includes(have)) v('Volumes', `PV ${pv.name} is in ${key}=${want}, node ${p.node.name} is not`);
    }
  }
}

function checkSpread(p: FinalPod, pods: readonly FinalPod[], nodes: readonly FinalNode[], v: (rule: Rule, detail: string) => void): void {
  const hard = p.spec.topologySpread.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  for (const c of hard) {
    if (c.topologyKey !== HOSTNAME && c.topologyKey !== ZONE) continue;
    const here = p.node.labels[c.topologyKey];
    if (here === undefined) {
      v('TopologySpread', `node ${p.node.name} has no ${c.topologyKey} label`);
      continue;
    }
    if (c.labelSelector === null) continue;
    let selector = c.labelSelector;
    const extra = c.matchLabelKeys.filter((k) => p.labels[k] !== undefined).map((k) => ({ key: k, operator: 'In' as const, values: [p.labels[k] as string] }));
    if (extra.length > 0) selector = { matchLabels: selector.matchLabels, matchExpressions: [...selector.matchExpressions, ...extra] };
    const eligible = nodes.filter(
      (n) =>
        hard.every((o) => n.labels[o.topologyKey] !== undefined) &&
        (c.nodeAffinityPolicy === 'Ignore' || nodeAffinityHolds(p.spec, n)) &&
        (c.nodeTaintsPolicy === 'Ignore' || untoleratedTaint(n, p.spec.tolerations) === null),
    );
    const counts = new Map<string, number>();
    for (const n of eligible) {
      const d = n.labels[c.topologyKey] as string;
      const k = pods.filter((q) => q.node === n && q.namespace === p.namespace && labelSelectorMatches(selector, q.labels)).length;
      counts.set(d, (counts.get(d) ?? 0) + k);
    }
    let min = Math.min(...counts.values());
    if (!Number.isFinite(min) || (c.minDomains !== null && counts.size < c.minDomains)) min = 0;
    const mine = counts.get(here) ?? pods.filter((q) => q.node.labels[c.topologyKey] === here && q.namespace === p.namespace && labelSelectorMatches(selector, q.labels)).length;
    if (mine - min > c.maxSkew) {
      v('TopologySpread', `${c.topologyKey}=${here} holds ${mine} matching pods, the emptiest eligible domain ${min} (maxSkew ${c.maxSkew})`);
    }
  }
}
