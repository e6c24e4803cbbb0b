/**
 * Packing phase 8, the result: each moving pod's placement, kube-scheduler-style reasons for the pods left without a node
 * (every filter run on every VNG node type in the final state), the new nodes as the plan reports them, and the DaemonSet
 * misfits without repeats.
 */
import type { Pod } from '../../model/types.js';
import { NOT_OFFERED_REASON } from '../offerings.js';
import { runFilters, type PluginName } from '../predicates/index.js';
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import type { SchedulingContext } from '../scheduling-context.js';
import type { PackState, PendingClass } from './state.js';
import type { Template } from './templates.js';
import type { DaemonSetMisfit, Placement, SolveResult, Unschedulable } from './types.js';

export interface ResultsInput {
  readonly state: PackState;
  readonly movingPods: readonly Pod[];
  readonly pending: readonly PendingClass[];
  readonly templates: readonly Template[];
  readonly misfits: readonly DaemonSetMisfit[];
  readonly daemonNameOf: ReadonlyMap<PodClass, string>;
  /** Node types left out because their instance type is not offered in their zone (offerings.ts). */
  readonly unoffered?: readonly Template[];
}

export function packResult(input: ResultsInput): SolveResult {
  const { ctx, newNodes, daemonClasses } = input.state;
  const { daemonNameOf } = input;
  const placements: (Placement | null)[] = input.movingPods.map(() => null);
  // Results.
  // Every pod on a node gets the same placement: one (read-only) object per node.
  for (const { node } of newNodes) {
    if (node.movedPods.length === 0) continue;
    const placement: Placement = { node: node.name, vng: node.vng, instanceType: node.instanceType, zone: node.zone };
    for (const i of node.movedPods) placements[i] = placement;
  }
  for (const node of ctx.nodes) {
    if (node.origin !== 'staying' || node.movedPods.length === 0) continue;
    const placement: Placement = { node: node.name, vng: null, instanceType: node.instanceType, zone: node.zone };
    for (const i of node.movedPods) placements[i] = placement;
  }
  const unschedulable = new Map<number, Unschedulable>();
  const explained = new Map<PodClass, Unschedulable>();
  for (const { cls, members } of input.pending) {
    let why = explained.get(cls);
    if (!why) explained.set(cls, (why = explain(ctx, cls, ctx.templates, input.unoffered ?? [])));
    for (const i of members) unschedulable.set(i, why);
  }
  const seenMisfit = new Set<string>();
  return {
    placements,
    unschedulable,
    newNodes: newNodes.map(({ node, template }) => ({
      name: node.name,
      vng: template.vngName,
      instanceType: template.type.name,
      zone: node.zone,
      priceUsdPerHour: Number.isFinite(template.price) ? template.price : 0,
      allocatable: node.allocatable,
      requested: { ...node.requested },
      daemonSets: template.daemonIndexes.map((i) => daemonNameOf.get(daemonClasses[i] as PodClass) ?? ''),
      pods: [...node.movedPods],
      maxPods: template.maxPods,
      maxPodsSource: template.maxPodsSource,
      rootVolumeSizeGiB: template.rootVolumeSizeGiB,
    })),
    daemonSetMisfits: input.misfits.filter((m) => {
      const k = `${m.daemonSet}|${m.vng}|${m.instanceType}`;
      if (seenMisfit.has(k)) return false;
      seenMisfit.add(k);
      return true;
    }),
    templateCount: input.templates.length,
  };
}

/**
 * Runs every filter on every VNG node type in the final state and words the result as kube-scheduler does. When the pod
 * would pass every filter on a node type left out because EC2 does not offer its instance type in its zone, that is said
 * too, with its own reason (plugin InstanceTypeOffering).
 */
function explain(ctx: SchedulingContext, cls: PodClass, templates: readonly PlanNode[], unoffered: readonly Template[]): Unschedulable {
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
  const notOffered = unoffered.filter((t) => runFilters(ctx, cls, t.node) === null).length;
  let summary: string;
  if (templates.length === 0 && notOffered === 0) summary = '0/0 VNG node types are available: no VNG offers any instance type.';
  else if (reasons.length === 0 && notOffered === 0) {
    summary = `0/${templates.length} VNG node types are available: the pod fits an empty node but not beside the pods already planned.`;
  } else {
    const all = notOffered > 0 ? [...reasons, { plugin: 'InstanceTypeOffering' as const, message: NOT_OFFERED_REASON, count: notOffered }] : reasons;
    summary = `0/${templates.length} VNG node types are available: ${all.map((r) => `${r.count} ${r.message}`).join(', ')}.`;
    return { summary, reasons: all };
  }
  return { summary, reasons };
}
