/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * One scheduling cycle (kube-scheduler pkg/scheduler/schedule_one.go): run the filters on every node in order (a node stops
 * at its first failing filter), score the feasible nodes with each score plugin, normalise each to 0..100, weight and sum,
 * and pick among the nodes with the highest total by reservoir sampling with the seeded PRNG (each later node tying the
 * maximum replaces the pick with probability 1/count). A single feasible node is taken without scoring. Unlike
 * kube-scheduler, every node is evaluated (no percentageOfNodesToScore sampling, which only matters above 100 nodes).
 */
import type { Prng } from '../../../../../src/gen/prng.js';
import { DEFAULT_FILTERS, DEFAULT_SCORES } from './profile.js';
import type { WeightedScorePlugin } from './profile.js';
import type { FilterPlugin, FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

export function runFilters(pod: SchedPod, node: NodeState, snapshot: Snapshot, filters: readonly FilterPlugin[] = DEFAULT_FILTERS): FilterResult {
  for (const f of filters) {
    const r = f.filter(pod, node, snapshot);
    if (r.code !== 'Success') return r;
  }
  return { code: 'Success' };
}

export interface NodeScore {
  readonly node: string;
  /** Normalised score per plugin name (before weighting). */
  readonly byPlugin: Readonly<Record<string, number>>;
  readonly total: number;
}

/** Normalised, weighted scores of the feasible nodes, in their order. */
export function scoreNodes(pod: SchedPod, feasible: readonly NodeState[], snapshot: Snapshot, scores: readonly WeightedScorePlugin[] = DEFAULT_SCORES): NodeScore[] {
  const byPlugin = feasible.map((): Record<string, number> => ({}));
  const totals = feasible.map(() => 0);
  for (const { plugin, weight } of scores) {
    const raw = plugin.score(pod, feasible, snapshot);
    const normalised = plugin.normalize ? plugin.normalize(raw) : raw;
    normalised.forEach((s, i) => {
      const entry = byPlugin[i];
      if (entry !== undefined) entry[plugin.name] = s;
      totals[i] = (totals[i] ?? 0) + s * weight;
    });
  }
  return feasible.map((n, i) => ({ node: n.node.name, byPlugin: byPlugin[i] ?? {}, total: totals[i] ?? 0 }));
}

/** The highest-scoring node; ties broken by reservoir sampling with `prng` (kube-scheduler's selectHost). */
export function selectHost(scores: readonly NodeScore[], prng: Prng): string | null {
  const first = scores[0];
  if (first === undefined) return null;
  let best = first.total;
  let selected = first.node;
  let count = 1;
  for (const s of scores.slice(1)) {
    if (s.total > best) {
      best = s.total;
      selected = s.node;
      count = 1;
    } else if (s.total === best) {
      count++;
      if (prng.int(0, count - 1) === 0) selected = s.node;
    }
  }
  return selected;
}

export type ScheduleResult =
  | { readonly kind: 'scheduled'; readonly node: string; readonly scores: readonly NodeScore[] }
  | { readonly kind: 'unschedulable'; readonly message: string; readonly diagnosis: ReadonlyMap<string, FilterResult> };

/**
 * kube-scheduler's FitError text: "0/N nodes are available: <count> <reason>, ..." with the entries sorted as strings; after
 * a PreFilter rejection, "0/N nodes are available: <reason>." (the reason once, no count). Preemption's own sentence, which
 * kube-scheduler appends, is not.
 */
export function fitErrorMessage(nodeCount: number, diagnosis: ReadonlyMap<string, FilterResult>, preFilterMsg: string | null = null): string {
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  if (preFilterMsg !== null) return `0/${nodeCount} nodes are available: ${preFilterMsg}.`;
  const counts = new Map<string, number>();
  for (const r of diagnosis.values()) {
    if (r.code === 'Success') continue;
    for (const reason of r.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${nodeCount} nodes are available: ${parts.join(', ')}.`;
}

/** The first PreFilter rejection of the profile's filters, or null. */
export function runPreFilters(pod: SchedPod, snapshot: Snapshot, filters: readonly FilterPlugin[] = DEFAULT_FILTERS): FilterResult | null {
  for (const f of filters) {
    const r = f.preFilter?.(pod, snapshot);
    if (r !== undefined && r.code !== 'Success') return r;
  }
  return null;
}

export function schedule(pod: SchedPod, snapshot: Snapshot, prng: Prng): ScheduleResult {
  const diagnosis = new Map<string, FilterResult>();
  const rejected = snapshot.nodes.length === 0 ? null : runPreFilters(pod, snapshot);
  if (rejected !== null && rejected.code !== 'Success') {
    for (const n of snapshot.nodes) diagnosis.set(n.node.name, rejected);
    return { kind: 'unschedulable', message: fitErrorMessage(snapshot.nodes.length, diagnosis, rejected.reasons.join(', ')), diagnosis };
  }
  const feasible: NodeState[] = [];
  for (const n of snapshot.nodes) {
    const r = runFilters(pod, n, snapshot);
    if (r.code === 'Success') feasible.push(n);
    else diagnosis.set(n.node.name, r);
  }
  const only = feasible.length === 1 ? feasible[0] : undefined;
  if (only !== undefined) return { kind: 'scheduled', node: only.node.name, scores: [] };
  const scores = scoreNodes(pod, feasible, snapshot);
  const node = selectHost(scores, prng);
  if (node === null) return { kind: 'unschedulable', message: fitErrorMessage(snapshot.nodes.length, diagnosis), diagnosis };
  return { kind: 'scheduled', node, scores };
}
