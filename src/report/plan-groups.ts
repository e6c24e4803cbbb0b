/** Views of a plan that every renderer shows the same way. */
import { plural } from './plural.js';
import type { Plan } from '../planner/plan.js';
import { usd } from './format.js';
import { priceBasis } from './node-notes.js';

export interface ReasonGroup {
  readonly summary: string;
  readonly pods: readonly string[];
}

/** Pods grouped by a key (as `namespace/name`), largest group first, then by key. */
export function groupPods<T extends { readonly namespace: string; readonly name: string }>(items: readonly T[], keyOf: (p: T) => string): { readonly key: string; readonly pods: readonly string[] }[] {
  const groups = new Map<string, string[]>();
  for (const p of items) {
    const key = keyOf(p);
    const list = groups.get(key);
    const ref = `${p.namespace}/${p.name}`;
    if (list) list.push(ref);
    else groups.set(key, [ref]);
  }
  return [...groups.entries()]
    .map(([key, pods]) => ({ key, pods }))
    .sort((a, b) => b.pods.length - a.pods.length || (a.key < b.key ? -1 : 1));
}

/** Unschedulable pods grouped by their kube-scheduler style summary, largest group first. */
export function unschedulableGroups(plan: Plan): ReasonGroup[] {
  return groupPods(
    plan.pods.filter((p) => p.placement === null),
    (p) => p.summary ?? 'no reason recorded',
  ).map((g) => ({ summary: g.key, pods: g.pods }));
}

/** The plan's first line: its verdict, with no contradiction between what fits and what is predicted. */
export type VerdictInput = Pick<Plan, 'verdict' | 'predictedFailure'> & { readonly summary: Pick<Plan['summary'], 'movingPods' | 'unschedulablePods'> };

export function verdict(plan: VerdictInput): string {
  const s = plan.summary;
  const f = plan.predictedFailure;
  switch (plan.verdict) {
    case 'FEASIBLE':
      return `FEASIBLE: all ${plural(s.movingPods, 'moving pod')} fit the VNGs and no failure is predicted`;
    case 'FAILURE_PREDICTED':
      return `FAILURE PREDICTED: all ${plural(s.movingPods, 'moving pod')} fit the VNGs, but the migration is expected to stop with ${f?.code ?? 'a failure'}${f?.batch != null ? ` in batch ${f.batch}` : ''}`;
    case 'NOT_FEASIBLE':
      return `NOT FEASIBLE: ${s.unschedulablePods} of ${plural(s.movingPods, 'moving pod')} fit no VNG${f !== null ? `; the migration is expected to stop with ${f.code}${f.batch !== null ? ` in batch ${f.batch}` : ''}` : ''}`;
  }
}

const signedUsd = (x: number): string => `${x >= 0 ? '+' : ''}${usd(x).replace('$-', '-$')}`;

/**
 * The cost in lines: before and after with the change, the old nodes that stay (they are in the "after") and why, then the
 * packing lower bound. The new nodes and the cost after are the expected fleet (what the run launches batch by batch); the
 * planner's packing of every pod at once is the lower bound beside it. A partial cost (some pods fit no VNG) is never shown
 * as a saving.
 */
export function costLines(plan: Pick<Plan, 'cost' | 'summary' | 'packingLowerBound' | 'launchedBy'>): string[] {
  const c = plan.cost;
  const stay = c.stayingOldNodes;
  const out: string[] = [];
  if (c.basis === 'partial') {
    out.push(
      `Cost (partial: ${plural(plan.summary.unschedulablePods, 'pod')} ${plan.summary.unschedulablePods === 1 ? 'fits' : 'fit'} no VNG, so no saving is shown): ${usd(c.before)}/h today; the ${plural(c.newNodes, 'new node')} for the pods that fit cost ${usd(c.newNodesUsdPerHour)}/h; ${plural(stay.length, 'selected old node')} must stay; ${priceBasis(c)}`,
    );
  } else {
    out.push(
      `Cost: ${usd(c.before)}/h before -> ${usd(c.after)}/h after (${signedUsd(c.after - c.before)}/h; ${plural(c.migratedNodes, 'old node')} out, ${c.newNodes} new in${stay.length > 0 ? `, ${plural(stay.length, 'selected old node')} stay${stay.length === 1 ? 's' : ''}, listed above` : ''}; ${priceBasis(c)})`,
    );
  }
  const low = plan.packingLowerBound;
  if (c.newNodes > 0 || low.newNodeCount > 0) {
    out.push(
      `New nodes and cost after are the expected fleet: ${plan.launchedBy === 'vngshift' ? "what vngshift's executor (--capacity kwok or ec2) launches" : 'what the run launches as the autoscaler scales up'} for each batch's pending pods and kube-scheduler spreads them. Packing lower bound (every pod placed at once): ${plural(low.newNodeCount, 'new node')}, ${usd(low.usdPerHour)}/h.`,
    );
  }
  return out;
}
