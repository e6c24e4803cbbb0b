/**
 * The pure scheduling solve: place every moving pod on a node that stays or on a new node of some VNG so that every predicate
 * holds, at the lowest hourly cost the heuristics find. First-fit decreasing over pod classes; a new node's instance type is
 * chosen by price per pod for the demand still waiting; a final pass moves each new node to the cheapest type that still holds
 * its pods. No I/O, no clock: the same input gives the same result.
 */
import type { PodScheduling, ResourceList } from '../model/types.js';
import { MONOTONE_PLUGINS, runFilters, type PluginName } from './predicates/index.js';
import type { PodClass } from './pod-classes.js';
import type { PlanNode } from './plan-node.js';
import { addInto, fits, subtractInto, sum } from './resources.js';
import { packClasses } from './pack/classes.js';
import { OpenNodes } from './pack/open-nodes.js';
import { contextWithStayingNodes } from './pack/staying.js';
import { buildTemplates, type Template } from './pack/templates.js';
import { staticFailure } from './pack/static-failure.js';
import { SchedulingContext } from './scheduling-context.js';

export type {
  DaemonSetMisfit,
  NewNode,
  Placement,
  Reason,
  SolveInput,
  SolveResult,
  Unschedulable,
} from './pack/types.js';
import type { Placement, SolveInput, SolveResult, Unschedulable } from './pack/types.js';

interface Demand {
  readonly requests: ResourceList;
  count: number;
}

const MONO = MONOTONE_PLUGINS;

/**
 * Zone spread is judged against the zones that will have nodes when the migration ends, and which nodes the plan launches
 * depends on the packing. So packing runs again with the nodes the previous round ended with as extra spread domains
 * ("ghosts"), until no round adds a node kind (labels and taints) not seen before. The set only grows, so this stops, and the
 * final round counted every domain its own nodes create: every skew it accepted holds in the final cluster.
 */
export function solve(input: SolveInput): SolveResult {
  const spreads = input.movingPods.some((p) =>
    p.topologySpread.some((c) => c.whenUnsatisfiable === 'DoNotSchedule' && c.topologyKey !== 'kubernetes.io/hostname'),
  );
  let ghosts: PlanNode[] = [];
  const seen = new Set<string>();
  for (let round = 0; ; round++) {
    const { result, finalNodes, domainsGrew } = solveOnce(input, ghosts);
    // Done when no spread domain appeared after a class had been checked: every check saw every domain.
    if (!spreads || !domainsGrew || round >= 5) return result;
    let added = false;
    for (const node of finalNodes) {
      const labels: Record<string, string> = { ...node.labels };
      delete labels['kubernetes.io/hostname'];
      const key = JSON.stringify([Object.entries(labels).sort(), node.taints]);
      if (seen.has(key)) continue;
      seen.add(key);
      added = true;
      ghosts = [...ghosts, { ...node, idx: -1, origin: 'ghost', labels, requested: {}, hostPorts: [], movedPods: [] }];
    }
    if (!added) return result;
  }
}

function solveOnce(
  input: SolveInput,
  ghosts: readonly PlanNode[],
): { result: SolveResult; finalNodes: readonly PlanNode[]; domainsGrew: boolean } {
  const { terms, movingClasses, stayingNodes, stayingPods, stayingClasses, daemonClasses, daemonNameOf } = packClasses(input);
  const { templates, misfits } = buildTemplates(input, daemonClasses, daemonNameOf);
  const ctx = contextWithStayingNodes({
    terms,
    templates,
    vngs: input.vngs,
    catalog: input.catalog,
    ghosts,
    stayingNodes,
    stayingPods,
    stayingClasses,
  });
  const templateNodes = ctx.templates;

  // Nodes that can still take the smallest moving pod, in first-fit order; full nodes drop out of every scan.
  const open = new OpenNodes(ctx.nodes);
  for (const node of ctx.nodes) open.add(node);

  // Demand still waiting, per group of pods that want the same kind of node.
  const groupOf = new Map<PodClass, string>();
  const demand = new Map<string, Demand>();
  for (const cls of movingClasses) {
    const g = constraintKey(cls);
    groupOf.set(cls, g);
    let d = demand.get(g);
    if (!d) demand.set(g, (d = { requests: {}, count: 0 }));
    for (let i = 0; i < cls.members.length; i++) addInto(d.requests, cls.spec.requests);
    d.count += cls.members.length;
  }

  const newNodes: { node: PlanNode; template: Template }[] = [];
  const placements: (Placement | null)[] = input.movingPods.map(() => null);
  const zoneCounts = new Map<string, number>();

  const placeMoving = (cls: PodClass, node: PlanNode, podIndex: number): void => {
    ctx.place(cls, node, podIndex);
    const d = demand.get(groupOf.get(cls) ?? '');
    if (d) {
      subtractInto(d.requests, cls.spec.requests);
      d.count -= 1;
    }
  };

  /**
   * Templates that pass the label/taint/volume predicates, grouped by (VNG, instance type): cached per constraint key, since
   * most classes share one. Resource fit is then checked per pair on its first template (zones of a pair share allocatable);
   * the full filter still runs on the exact template before a node is opened.
   */
  type Pair = { name: string; first: Template; templates: number[] };
  const pairsByConstraint = new Map<string, Pair[]>();
  const pairCache = new Map<PodClass, Pair[]>();
  const pairsOf = (cls: PodClass): Pair[] => {
    let pairs = pairCache.get(cls);
    if (pairs) return pairs;
    const key = constraintKey(cls);
    let all = pairsByConstraint.get(key);
    if (!all) {
      const byName = new Map<string, Pair>();
      for (let i = 0; i < templates.length; i++) {
        const t = templates[i] as Template;
        if (staticFailure(ctx, cls, t.node) !== null) continue;
        const name = `${t.vng.name}\u0000${t.type.name}`;
        const e = byName.get(name);
        if (e) e.templates.push(i);
        else byName.set(name, { name, first: t, templates: [i] });
      }
      all = [...byName.values()];
      pairsByConstraint.set(key, all);
    }
    pairs = all.filter((p) => fits(p.first.node.allocatable, p.first.node.requested, cls.spec.requests));
    pairCache.set(cls, pairs);
    return pairs;
  };

  const openNode = (cls: PodClass): PlanNode | null => {
    const pairs = pairsOf(cls);
    if (pairs.length === 0) return null;
    const d = demand.get(groupOf.get(cls) ?? '');
    // Rank (VNG, type) pairs by price per waiting pod (then more pods per node, lower price, name); take the best, and only
    // when none of its zones passes every filter, the next best. Zones least used by the VNG first.
    const scored = pairs.map((p) => {
      const fit = podsPerNode(p.first, cls.spec.requests, d);
      return { pair: p, fit, score: p.first.price / fit, price: p.first.price };
    });
    const better = (a: (typeof scored)[number], b: (typeof scored)[number]): boolean =>
      a.score < b.score ||
      (a.score === b.score && (a.fit > b.fit || (a.fit === b.fit && (a.price < b.price || (a.price === b.price && a.pair.name < b.pair.name)))));
    const tried = new Set<number>();
    while (tried.size < scored.length) {
      let best = -1;
      for (let k = 0; k < scored.length; k++) {
        if (tried.has(k)) continue;
        if (best === -1 || better(scored[k] as (typeof scored)[number], scored[best] as (typeof scored)[number])) best = k;
      }
      tried.add(best);
      const pair = (scored[best] as (typeof scored)[number]).pair;
      const order = [...pair.templates].sort((a, b) => {
        const ta = templates[a] as Template;
        const tb = templates[b] as Template;
        const ca = zoneCounts.get(`${ta.vng.name}/${ta.node.zone}`) ?? 0;
        const cb = zoneCounts.get(`${tb.vng.name}/${tb.node.zone}`) ?? 0;
        return ca - cb || a - b;
      });
      for (const i of order) {
        const t = templates[i] as Template;
        if (runFilters(ctx, cls, t.node) !== null) continue;
        return materialize(t);
      }
    }
    return null;
  };

  const vngOrdinal = new Map<string, number>();
  const materialize = (t: Template): PlanNode => {
    const ordinal = (vngOrdinal.get(t.vng.name) ?? 0) + 1;
    vngOrdinal.set(t.vng.name, ordinal);
    const name = `${t.vng.name}-${String(ordinal).padStart(3, '0')}`;
    const node: PlanNode = {
      idx: ctx.nodes.length,
      name,
      origin: 'new',
      labels: { ...t.node.labels, 'kubernetes.io/hostname': name },
      taints: t.node.taints,
      allocatable: t.node.allocatable,
      requested: {},
      hostPorts: [],
      vng: t.vng.name,
      instanceType: t.type.name,
      zone: t.node.zone,
      movedPods: [],
      price: t.price,
    };
    for (const dc of t.daemonClasses) ctx.place(dc, node, null);
    ctx.addNode(node);
    open.add(node);
    newNodes.push({ node, template: t });
    const zk = `${t.vng.name}/${t.node.zone}`;
    zoneCounts.set(zk, (zoneCounts.get(zk) ?? 0) + 1);
    return node;
  };

  // First-fit decreasing, class by class; pods that fit nowhere are retried after the others (affinity targets may follow).
  const order = [...movingClasses].sort((a, b) => b.spec.priority - a.spec.priority || size(b.spec) - size(a.spec) || a.id - b.id);
  // Each class's members not placed yet, consumed from `head`; a new node may also take members of later classes (below).
  const queues = new Map<PodClass, { items: number[]; head: number; turnPassed: boolean }>();
  const byGroup = new Map<string, PodClass[]>();
  for (const cls of order) {
    const g = groupOf.get(cls) ?? '';
    const list = byGroup.get(g);
    if (list) list.push(cls);
    else byGroup.set(g, [cls]);
  }

  /**
   * A node just opened for one class also takes pods of other classes that want the same kind of node and complement it:
   * while its cpu share lags its memory share, pods heavier in cpu than in memory (and the reverse), largest first. Without
   * this a cpu-heavy class fills nodes whose memory sits idle and a memory-heavy one the opposite; with it both share
   * balanced nodes, as the cost bound assumes. Every addition passes every predicate.
   */
  const COMPLEMENT_WINDOW = 64;
  const groupStart = new Map<PodClass[], number>();
  const complement = (node: PlanNode, opener: PodClass): void => {
    const group = byGroup.get(groupOf.get(opener) ?? '');
    if (!group || group.length < 2) return;
    const skip = new Set<PodClass>();
    for (let guard = 0; guard < 10_000; guard++) {
      const a = node.allocatable;
      const r = node.requested;
      const ac = a['cpu'] ?? 0;
      const am = a['memory'] ?? 0;
      if (ac <= 0 || am <= 0) return;
      const cpuLags = (r['cpu'] ?? 0) / ac < (r['memory'] ?? 0) / am;
      let pick: PodClass | null = null;
      // Classes with members left, largest first. The exhausted prefix is skipped for good; past it at most a window of
      // classes is looked at per addition, so a group of thousands of classes stays cheap.
      const live = (c: PodClass): boolean => {
        const q = queues.get(c);
        return q !== undefined && !q.turnPassed && q.head < q.items.length;
      };
      let lo = groupStart.get(group) ?? 0;
      while (lo < group.length && !live(group[lo] as PodClass)) lo++;
      groupStart.set(group, lo);
      for (let j = lo, looked = 0; j < group.length && looked < COMPLEMENT_WINDOW * 4; j++, looked++) {
        const c = group[j] as PodClass;
        if (!live(c) || skip.has(c) || c.volumes.errors.length > 0) continue;
        const sc = (c.spec.requests['cpu'] ?? 0) / ac;
        const sm = (c.spec.requests['memory'] ?? 0) / am;
        if (cpuLags ? sc <= sm : sm <= sc) continue;
        if (!fits(a, r, c.spec.requests)) continue;
        pick = c;
        break;
      }
      if (pick === null) return;
      if (runFilters(ctx, pick, node) !== null) {
        skip.add(pick);
        continue;
      }
      const q = queues.get(pick) as { items: number[]; head: number };
      placeMoving(pick, node, q.items[q.head++] as number);
      open.update(node);
    }
  };

  let pending: { cls: PodClass; members: number[] }[] = order.map((cls) => ({ cls, members: [...cls.members] }));
  for (let pass = 0; pass < 4 && pending.length > 0; pass++) {
    const next: { cls: PodClass; members: number[] }[] = [];
    let progress = false;
    queues.clear();
    for (const { cls, members } of pending) queues.set(cls, { items: members, head: 0, turnPassed: false });
    for (const { cls } of pending) {
      const q = queues.get(cls) as { items: number[]; head: number; turnPassed: boolean };
      const left: number[] = [];
      if (cls.volumes.errors.length > 0) {
        next.push({ cls, members: q.items.slice(q.head) });
        q.turnPassed = true;
        continue;
      }
      // Nodes that failed a monotone predicate for this class stay failed while its members are placed.
      const dead = new Set<number>();
      const req = cls.spec.requests;
      const rc = req['cpu'] ?? 0;
      const rm = req['memory'] ?? 0;
      // Every node before `start` is dead for this class (or has no room): later members begin there.
      let start = 0;
      while (q.head < q.items.length) {
        const podIndex = q.items[q.head++] as number;
        let chosen: PlanNode | null = null;
        let prefix = true;
        for (let i = open.first(cls, start, rc, rm); i !== -1; i = open.first(cls, i + 1, rc, rm)) {
          let isDead = dead.has(i);
          const node = ctx.nodes[i] as PlanNode;
          if (!isDead && fits(node.allocatable, node.requested, req)) {
            const failure = runFilters(ctx, cls, node);
            if (failure === null) {
              chosen = node;
              break;
            }
            if (failure.monotone ?? MONO.has(failure.plugin)) {
              dead.add(i);
              isDead = true;
            }
          } else if (!isDead) {
            dead.add(i); // an extended resource short: monotone too
            isDead = true;
          }
          if (prefix && isDead) start = i + 1;
          else prefix = false;
        }
        let opened = false;
        if (chosen === null) {
          chosen = openNode(cls);
          opened = chosen !== null;
        }
        if (chosen === null) {
          left.push(podIndex);
          continue;
        }
        placeMoving(cls, chosen, podIndex);
        open.update(chosen);
        if (opened) complement(chosen, cls);
        progress = true;
      }
      q.turnPassed = true;
      if (left.length > 0) next.push({ cls, members: left });
    }
    pending = next;
    if (!progress) break;
  }

  // Downsize: each new node to the cheapest type of its VNG and zone that still holds its pods.
  const classOfMoving = new Map<number, PodClass>();
  for (const cls of movingClasses) for (const i of cls.members) classOfMoving.set(i, cls);
  const byVngZone = new Map<string, Template[]>();
  for (const t of templates) {
    const k = `${t.vng.name}/${t.node.zone}`;
    const list = byVngZone.get(k);
    if (list) list.push(t);
    else byVngZone.set(k, [t]);
  }
  for (const list of byVngZone.values()) list.sort((a, b) => a.price - b.price || (a.type.name < b.type.name ? -1 : 1));
  for (const entry of newNodes) {
    const { node, template } = entry;
    const podRequests = { ...node.requested };
    subtractInto(podRequests, template.daemonRequests);
    const classes = [...new Set(node.movedPods.map((i) => classOfMoving.get(i) as PodClass))];
    const ports = node.movedPods.flatMap((i) => classOfMoving.get(i)?.spec.hostPorts ?? []);
    for (const cand of byVngZone.get(`${template.vng.name}/${node.zone}`) ?? []) {
      if (cand.price >= template.price) break;
      if (!fits(cand.node.allocatable, cand.daemonRequests, podRequests)) continue;
      if (ports.some((p) => cand.node.hostPorts.some((q) => q.port === p.port && q.protocol === p.protocol))) continue;
      const labels = { ...cand.node.labels, 'kubernetes.io/hostname': node.name };
      const probe: PlanNode = { ...cand.node, name: node.name, labels };
      if (classes.some((c) => staticFailure(ctx, c, probe) !== null)) continue;
      // Re-record term counts under the new labels (topology keys such as instance-type or arch change).
      for (const c of [...template.daemonClasses, ...node.movedPods.map((i) => classOfMoving.get(i) as PodClass)]) {
        ctx.countPod(c, node, -1);
      }
      node.labels = labels;
      node.allocatable = cand.node.allocatable;
      node.price = cand.price;
      ctx.retypeNode(node, cand.type.name);
      const requested = sum([cand.daemonRequests, podRequests]);
      for (const k of Object.keys(node.requested)) delete node.requested[k];
      addInto(node.requested, requested);
      node.hostPorts.length = 0;
      for (const p of [...cand.node.hostPorts, ...ports]) node.hostPorts.push(p);
      for (const c of cand.daemonClasses) ctx.countPod(c, node, 1);
      for (const i of node.movedPods) ctx.countPod(classOfMoving.get(i) as PodClass, node, 1);
      entry.template = cand;
      break;
    }
  }

  // VNG minimums: Ocean keeps minInstanceCount nodes up; the cheapest type pays for the ones the pods did not need.
  for (const vng of input.vngs) {
    let have = ctx.usage.get(vng.name)?.count ?? 0;
    const cheapest = templates
      .filter((t) => t.vng.name === vng.name && Number.isFinite(t.price))
      .sort((a, b) => a.price - b.price || (a.type.name < b.type.name ? -1 : 1) || 0);
    let z = 0;
    while (have < vng.minInstanceCount && cheapest.length > 0) {
      const zones = [...new Set(cheapest.map((t) => t.node.zone))];
      const zone = zones[z++ % zones.length];
      const t = cheapest.find((c) => c.node.zone === zone) ?? (cheapest[0] as Template);
      materialize(t);
      have += 1;
    }
  }

  // Results.
  for (const { node } of newNodes) {
    for (const i of node.movedPods) {
      placements[i] = { node: node.name, vng: node.vng, instanceType: node.instanceType, zone: node.zone };
    }
  }
  for (const node of ctx.nodes) {
    if (node.origin !== 'staying') continue;
    for (const i of node.movedPods) {
      placements[i] = { node: node.name, vng: null, instanceType: node.instanceType, zone: node.zone };
    }
  }
  const unschedulable = new Map<number, Unschedulable>();
  const explained = new Map<PodClass, Unschedulable>();
  for (const { cls, members } of pending) {
    let why = explained.get(cls);
    if (!why) explained.set(cls, (why = explain(ctx, cls, templateNodes)));
    for (const i of members) unschedulable.set(i, why);
  }
  const seenMisfit = new Set<string>();
  const result: SolveResult = {
    placements,
    unschedulable,
    newNodes: newNodes.map(({ node, template }) => ({
      name: node.name,
      vng: template.vng.name,
      instanceType: template.type.name,
      zone: node.zone,
      priceUsdPerHour: Number.isFinite(template.price) ? template.price : 0,
      allocatable: node.allocatable,
      requested: { ...node.requested },
      daemonSets: template.daemonClasses.map((c) => daemonNameOf.get(c) ?? ''),
      pods: [...node.movedPods],
      maxPods: template.maxPods,
      maxPodsSource: template.maxPodsSource,
      rootVolumeSizeGiB: template.rootVolumeSizeGiB,
    })),
    daemonSetMisfits: misfits.filter((m) => {
      const k = `${m.daemonSet}|${m.vng}|${m.instanceType}`;
      if (seenMisfit.has(k)) return false;
      seenMisfit.add(k);
      return true;
    }),
    templateCount: templates.length,
  };
  return { result, finalNodes: newNodes.map((n) => n.node), domainsGrew: ctx.spreadDomainsMissed() };
}

/** Pods that want the same kind of node: same selectors, affinity, tolerations, architectures and volume placement. */
function constraintKey(cls: PodClass): string {
  const spec = cls.spec;
  return JSON.stringify([spec.nodeSelector, spec.requiredNodeAffinity, spec.tolerations, cls.archs, cls.volumes]);
}

/** FFD ordering key: the larger of cpu in cores and memory in 4 GiB units (the 1:4 ratio of general-purpose types). */
function size(spec: PodScheduling): number {
  return Math.max((spec.requests['cpu'] ?? 0) / 1000, (spec.requests['memory'] ?? 0) / (4 * 1024 ** 3));
}

/**
 * How many pods of the waiting demand's average shape a fresh node of this template holds (at least 1: the pod that opens
 * it fits), capped by the number still waiting, so the last node of a group is priced for what is left.
 */
function podsPerNode(t: Template, request: ResourceList, d: Demand | undefined): number {
  const n = d && d.count > 0 ? d.count : 1;
  const shape = d && d.count > 0 ? d.requests : request;
  let k = Number.POSITIVE_INFINITY;
  for (const key in shape) {
    const total = shape[key] ?? 0;
    if (total <= 0) continue;
    const avg = total / n;
    const free = (t.node.allocatable[key] ?? 0) - (t.node.requested[key] ?? 0);
    k = Math.min(k, free / avg);
  }
  if (!Number.isFinite(k)) k = n;
  return Math.max(1, Math.min(n, Math.floor(k)));
}


/** Runs every filter on every VNG node type in the final state and words the result as kube-scheduler does. */
function explain(ctx: SchedulingContext, cls: PodClass, templates: readonly PlanNode[]): Unschedulable {
  const counts = new Map<string, { plugin: PluginName; message: string; count: number }>();
  for (const t of templates) {
    const f = runFilters(ctx, cls, t);
    if (f === null) continue;
    for (const message of f.reasons) {
      const k = `${f.plugin}\u0000${message}`;
      const e = counts.get(k);
      if (e) e.count += 1;
      else counts.set(k, { plugin: f.plugin, message, count: 1 });
    }
  }
  const reasons = [...counts.values()].sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  let summary: string;
  if (templates.length === 0) summary = '0/0 VNG node types are available: no VNG offers any instance type.';
  else if (reasons.length === 0) {
    summary = `0/${templates.length} VNG node types are available: the pod fits an empty node but not beside the pods already planned.`;
  } else {
    summary = `0/${templates.length} VNG node types are available: ${reasons.map((r) => `${r.count} ${r.message}`).join(', ')}.`;
  }
  return { summary, reasons };
}
