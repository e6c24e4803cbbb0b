/**
 * The pure scheduling solve: place every moving pod on a node that stays or on a new node of some VNG so that every predicate
 * holds, at the lowest hourly cost the heuristics find. First-fit decreasing over pod classes; a new node's instance type is
 * chosen by price per pod for the demand still waiting; a final pass moves each new node to the cheapest type that still holds
 * its pods. No I/O, no clock: the same input gives the same result.
 */
import { runFilters, type PluginName } from './predicates/index.js';
import type { PodClass } from './pod-classes.js';
import type { PlanNode } from './plan-node.js';
import { addInto, fits, subtractInto, sum } from './resources.js';
import { packClasses } from './pack/classes.js';
import { demandBook } from './pack/demand.js';
import { firstFit } from './pack/first-fit.js';
import { materialize as materializeNode } from './pack/place.js';
import { packState } from './pack/state.js';
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

  const state = packState(ctx);
  const book = demandBook(movingClasses);
  const pending = firstFit(state, movingClasses, templates, book);
  const { newNodes } = state;
  const placements: (Placement | null)[] = input.movingPods.map(() => null);
  const materialize = (t: Template): PlanNode => materializeNode(state, t);

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
