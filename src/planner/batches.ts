/**
 * Batch planning: which old nodes drain together. Nodes whose pods go to the same VNGs are grouped (the advice Ocean gives for
 * timeouts); within a group, a batch takes nodes in order while every PDB still allows the evictions the batch needs at once;
 * each batch's duration is estimated with the timing model and compared with the batch time budget.
 */
import type { MigrationParams } from '../model/params.js';
import type { Node } from '../model/types.js';
import type { PdbState } from './pdb.js';
import { apiCallsSeconds, cordonAllRequests, drainOverheadRequests, launchSeconds, replacementReadyRange, unawaitedRequests, type TimingModel } from './timing.js';

export interface BatchNodeInfo {
  readonly node: Node;
  /** VNGs the node's pods go to (sorted); 'staying' for pods that land on nodes that stay. */
  readonly destinations: readonly string[];
  /** Per PDB index: how many of the node's moving pods it covers. */
  readonly pdbPods: ReadonlyMap<number, number>;
  /** New nodes (by name) that host pods from this node, with their instance type. */
  readonly newNodes: ReadonlyMap<string, string>;
  /** Largest terminationGracePeriodSeconds among StatefulSet pods (their replacement waits for the old pod to end). */
  readonly statefulGraceSeconds: number;
  readonly movingPods: number;
}

export interface PdbSerialisation {
  readonly pdb: string;
  readonly evictions: number;
  readonly allowed: number;
  /** Rounds of evictions the batch needs for this PDB (Infinity when the PDB allows none). */
  readonly rounds: number;
}

export interface Batch {
  readonly index: number;
  readonly nodes: readonly string[];
  readonly destinations: readonly string[];
  readonly pods: number;
  readonly newNodes: number;
  readonly estimatedSeconds: number;
  /** The estimate as a range: its launch, pod start and PDB rounds each `timing.spread` shorter or longer. */
  readonly estimatedSecondsLow: number;
  readonly estimatedSecondsHigh: number;
  readonly serialisedBy: readonly PdbSerialisation[];
  readonly overBudget: boolean;
  /** Seconds from an eviction to its replacement being Ready, as a range (compared with the drain threshold). */
  readonly replacementReady: { readonly lo: number; readonly hi: number };
}

export interface BatchPlan {
  readonly batchSizePercentage: number;
  readonly chosen: 'user' | 'auto';
  readonly nodesPerBatch: number;
  readonly batches: readonly Batch[];
  /** cordonAllAtStart: the cordons before the first batch (0 without it); in estimatedSeconds, in no batch's time. */
  readonly cordonAllSeconds: number;
  readonly estimatedSeconds: number;
  readonly estimatedSecondsLow: number;
  readonly estimatedSecondsHigh: number;
  /** An upper bound on the run: every batch at its budget, plus one drain threshold for the stop path. */
  readonly boundSeconds: number;
}

/** The batch sizes (percent of the old nodes) that batchSizePercentage auto tries, largest first. */
export const AUTO_CANDIDATES: readonly number[] = [50, 34, 25, 20, 15, 10, 5, 2, 1];

export function planBatches(
  infos: readonly BatchNodeInfo[],
  pdbs: readonly PdbState[],
  params: MigrationParams,
  timing: TimingModel,
): BatchPlan {
  if (params.batchSizePercentage !== 'auto') return planBatchesAt(infos, pdbs, params, timing, params.batchSizePercentage, 'user');
  const plans = AUTO_CANDIDATES.map((pct) => planBatchesAt(infos, pdbs, params, timing, pct, 'auto'));
  const clean = plans.find((p) => p.batches.every((b) => !b.overBudget && b.serialisedBy.length === 0));
  if (clean) return clean;
  const inBudget = plans.find((p) => p.batches.every((b) => !b.overBudget));
  return inBudget ?? (plans[plans.length - 1] as BatchPlan);
}

/** The batch plan at one batch size. */
export function planBatchesAt(
  infos: readonly BatchNodeInfo[],
  pdbs: readonly PdbState[],
  params: MigrationParams,
  timing: TimingModel,
  pct: number,
  chosen: 'user' | 'auto',
): BatchPlan {
  const perBatch = Math.max(1, Math.ceil((infos.length * pct) / 100));
  const groups = new Map<string, BatchNodeInfo[]>();
  for (const info of infos) {
    const key = info.destinations.join(',');
    const g = groups.get(key);
    if (g) g.push(info);
    else groups.set(key, [info]);
  }
  const keys = [...groups.keys()].sort();
  // cordonAllAtStart: every old node not cordoned already is cordoned (and its Event recorded) before the first batch, in
  // the reconcile that starts it: in no batch's time, and the first batch finds the client's burst spent.
  const toCordon = infos.filter((i) => !i.node.unschedulable).length;
  const cordonAll = params.cordonAllAtStart && infos.length > 0 ? cordonAllRequests(toCordon) : 0;
  const cordonAllSeconds = cordonAll > 0 ? apiCallsSeconds(timing, cordonAll, 0, toCordon) : 0;
  const batches: Batch[] = [];
  const launched = new Set<string>();
  for (const key of keys) {
    const remaining = [...(groups.get(key) ?? [])].sort(
      (a, b) => cmp(a.node.zone ?? '', b.node.zone ?? '') || cmp(a.node.name, b.node.name),
    );
    while (remaining.length > 0) {
      const members: BatchNodeInfo[] = [];
      const used = new Map<number, number>();
      for (let i = 0; i < remaining.length && members.length < perBatch; ) {
        const info = remaining[i] as BatchNodeInfo;
        const ok =
          members.length === 0 ||
          !params.respectPdb ||
          [...info.pdbPods].every(([p, n]) => (used.get(p) ?? 0) + n <= (pdbs[p]?.disruptionsAllowed ?? 0));
        if (ok) {
          members.push(info);
          for (const [p, n] of info.pdbPods) used.set(p, (used.get(p) ?? 0) + n);
          remaining.splice(i, 1);
        } else i++;
      }
      const paced = batches.length === 0 && cordonAll > 0 ? { ...timing, clientBurst: Math.max(0, timing.clientBurst - cordonAll) } : timing;
      batches.push(estimate(batches.length, key, members, used, pdbs, params, paced, launched));
    }
  }
  const estimatedSeconds = cordonAllSeconds + batches.reduce((s, b) => s + b.estimatedSeconds, 0);
  const finite = batches.every((b) => Number.isFinite(b.estimatedSeconds));
  return {
    batchSizePercentage: pct,
    chosen,
    nodesPerBatch: perBatch,
    batches,
    cordonAllSeconds,
    estimatedSeconds: finite ? estimatedSeconds : Number.POSITIVE_INFINITY,
    estimatedSecondsLow: finite ? cordonAllSeconds + batches.reduce((s, b) => s + b.estimatedSecondsLow, 0) : Number.POSITIVE_INFINITY,
    estimatedSecondsHigh: finite ? cordonAllSeconds + batches.reduce((s, b) => s + b.estimatedSecondsHigh, 0) : Number.POSITIVE_INFINITY,
    // The cordons before the first batch are in no batch's budget: their estimate with the spread's margin.
    boundSeconds: batches.length * params.batchTimeBudgetSeconds + params.drainTimeThresholdSeconds + cordonAllSeconds * (1 + timing.spread),
  };
}

function estimate(
  index: number,
  key: string,
  members: readonly BatchNodeInfo[],
  used: ReadonlyMap<number, number>,
  pdbs: readonly PdbState[],
  params: MigrationParams,
  timing: TimingModel,
  launched: Set<string>,
): Batch {
  let launch = 0;
  let fresh = 0;
  let grace = 0;
  let pods = 0;
  for (const m of members) {
    pods += m.movingPods;
    grace = Math.max(grace, m.statefulGraceSeconds);
    for (const [name, type] of m.newNodes) {
      if (launched.has(name)) continue;
      launched.add(name);
      fresh += 1;
      launch = Math.max(launch, launchSeconds(timing, type));
    }
  }
  const serialisedBy: PdbSerialisation[] = [];
  let extra = 0;
  if (params.respectPdb) {
    for (const [p, n] of [...used].sort((a, b) => a[0] - b[0])) {
      const state = pdbs[p];
      if (!state || n <= state.disruptionsAllowed) continue;
      const allowed = state.disruptionsAllowed;
      const rounds = allowed === 0 ? Number.POSITIVE_INFINITY : Math.ceil(n / allowed);
      serialisedBy.push({ pdb: `${state.pdb.namespace}/${state.pdb.name}`, evictions: n, allowed, rounds });
      // Each further round waits for the previous replacements to run and be Ready.
      const roundSeconds = timing.podStartSeconds + timing.cordonAndEvictSeconds;
      const wait = allowed === 0 ? (params.forcePodEvictionOnPdbFailure ? params.drainTimeThresholdSeconds : Number.POSITIVE_INFINITY) : (rounds - 1) * roundSeconds;
      extra = Math.max(extra, wait);
    }
  }
  // The drain's API requests one after the other (a cordon and its Event per node unless cordonAllAtStart cordoned them
  // already, an eviction per pod, the state saved around them) under the client-side rate limit; never less than the fixed
  // cordon-and-evict allowance. Without respectPdb the executor deletes the pods: plain requests, not evictions.
  const evictSeconds = Math.max(
    timing.cordonAndEvictSeconds,
    apiCallsSeconds(timing, pods + drainOverheadRequests(members.length, params.cordonAllAtStart), params.respectPdb ? pods : 0, unawaitedRequests(members.length, params.cordonAllAtStart)),
  );
  const estimatedSeconds = evictSeconds + launch + grace + timing.podStartSeconds + extra + timing.terminateSeconds;
  const varying = (launch + timing.podStartSeconds + (Number.isFinite(extra) ? extra : 0)) * timing.spread;
  const replacementReady = replacementReadyRange(timing, launch, grace);
  return {
    index,
    replacementReady,
    nodes: members.map((m) => m.node.name),
    destinations: key === '' ? [] : key.split(','),
    pods,
    newNodes: fresh,
    estimatedSeconds,
    estimatedSecondsLow: estimatedSeconds - varying,
    estimatedSecondsHigh: estimatedSeconds + varying,
    serialisedBy,
    overBudget: estimatedSeconds > params.batchTimeBudgetSeconds,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
