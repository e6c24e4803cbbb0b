/**
 * The feasibility plan: which old nodes move, where every moving pod lands, which new nodes that takes and at what cost, in
 * which batches, which failure is likely, and what else is risky. Pure: the same inputs give the same plan.
 */
import type { AllocatableOptions } from '../catalog/allocatable.js';
import type { Catalog } from '../catalog/catalog.js';
import { observedResources } from '../catalog/observed.js';
import { FAILURE_MESSAGES, FAILURE_REMEDIES, type FailureCode } from '../model/failures.js';
import type { MigrationParams, NodeSelection } from '../model/params.js';
import type { Cluster, Node, Pod, Vng } from '../model/types.js';
import { podArchitectures } from './architecture-policy.js';
import { planBatches, type BatchNodeInfo, type BatchPlan } from './batches.js';
import { solve, type NewNode, type Reason } from './pack.js';
import { pdbStates } from './pdb.js';
import { predictSecondMoves } from './second-moves.js';
import { collectRisks, type Risk } from './risks.js';
import { selectorMatches } from './selectors.js';
import { DEFAULT_TIMING, type TimingModel } from './timing.js';

export const PLAN_API_VERSION = 'vngshift.io/v1alpha1';

export interface PlanInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly params: MigrationParams;
  readonly timing?: TimingModel;
  readonly allocatable?: AllocatableOptions;
  /** Let pods with no architecture constraint move to another CPU architecture (their images must be multi-arch). */
  readonly allowArchitectureChange?: boolean;
  /** Where the inputs came from (recorded in the plan). */
  readonly sources?: { readonly cluster: string; readonly vngs: string };
}

export interface PlannedPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** The old node it runs on now (null for a Pending pod). */
  readonly from: string | null;
  readonly owner: string | null;
  readonly requests: Readonly<Record<string, number>>;
  readonly placement: { vng: string | null; instanceType: string | null; zone: string | null; node: string } | null;
  readonly reasons: readonly Reason[];
  /** kube-scheduler style summary when the pod fits nowhere. */
  readonly summary?: string;
}

export interface PredictedFailure {
  readonly code: FailureCode;
  readonly message: string;
  readonly why: string;
  readonly remedy: string;
  readonly objects: readonly string[];
}

export interface Cost {
  /** USD per hour of every node in the cluster today. */
  readonly before: number;
  /** USD per hour after the migration: the nodes that stay plus the new nodes. */
  readonly after: number;
  readonly migratedNodes: number;
  readonly newNodes: number;
  /** Instance types without a known price (counted as 0). */
  readonly unpriced: readonly string[];
}

export interface Plan {
  readonly apiVersion: string;
  readonly kind: 'MigrationPlan';
  readonly feasible: boolean;
  /** Pods may move to another CPU architecture (else they stay on the one they run on). */
  readonly allowArchitectureChange: boolean;
  readonly sources: { readonly cluster: string; readonly vngs: string };
  readonly params: MigrationParams;
  readonly timing: TimingModel;
  readonly summary: {
    readonly oldNodes: number;
    readonly stayingNodes: number;
    readonly movingPods: number;
    readonly placedPods: number;
    readonly unschedulablePods: number;
    readonly podsToStayingNodes: number;
    readonly standAlonePods: number;
    readonly vngNodeTypes: number;
    /**
     * Estimated evictions of pods already moved once (they landed on an old node of a later batch): 0 with cordonAllAtStart,
     * else the estimate of second-moves.ts.
     */
    readonly predictedSecondMoves: number;
  };
  readonly oldNodes: readonly { name: string; instanceType: string | null; zone: string | null; instanceId: string | null }[];
  readonly pods: readonly PlannedPod[];
  /** New nodes per (VNG, instance type). */
  readonly nodes: readonly { vng: string; instanceType: string; count: number; priceUsdPerHour: number }[];
  /** Every new node with what it hosts. */
  readonly newNodes: readonly {
    name: string;
    vng: string;
    instanceType: string;
    zone: string | null;
    pods: number;
    cpuRequestedMilli: number;
    cpuAllocatableMilli: number;
    memoryRequestedBytes: number;
    memoryAllocatableBytes: number;
    daemonSets: readonly string[];
  }[];
  readonly batchSizePercentage: number;
  readonly batchSizeChosen: 'user' | 'auto';
  readonly batches: readonly {
    nodes: readonly string[];
    destinations: readonly string[];
    pods: number;
    newNodes: number;
    estimatedSeconds: number | null;
    serialisedBy: readonly { pdb: string; evictions: number; allowed: number; rounds: number | null }[];
    overBudget: boolean;
    /** Estimated pods evicted from this batch that an earlier batch had already moved here (see predictedSecondMoves). */
    repeatMoves: number;
  }[];
  readonly estimatedSeconds: number | null;
  readonly boundSeconds: number;
  readonly predictedFailure: PredictedFailure | null;
  readonly risks: readonly Risk[];
  readonly cost: Cost;
}

export function selectOldNodes(cluster: Cluster, selection: NodeSelection): Node[] {
  switch (selection.kind) {
    case 'all':
      return [...cluster.nodes];
    case 'labelSelector':
      return cluster.nodes.filter((n) => selectorMatches(selection.selector, n.labels));
    case 'nodeNames': {
      const set = new Set(selection.names);
      return cluster.nodes.filter((n) => set.has(n.name));
    }
    case 'instanceIds': {
      const set = new Set(selection.ids);
      return cluster.nodes.filter((n) => n.instanceId !== null && set.has(n.instanceId));
    }
  }
}

export function isDaemonSetPod(p: Pod): boolean {
  return p.owner?.kind === 'DaemonSet';
}

/** Pods that need a new place: on a migrating node, not DaemonSet, not mirror, not finished, with a controller; plus Pending pods. */
export function movingPodsOf(cluster: Cluster, migrating: ReadonlySet<string>): { moving: Pod[]; standAlone: Pod[] } {
  const moving: Pod[] = [];
  const standAlone: Pod[] = [];
  for (const p of cluster.pods) {
    if (p.phase === 'Succeeded' || p.phase === 'Failed' || p.isMirror || isDaemonSetPod(p)) continue;
    if (p.nodeName === null) {
      if (p.phase === 'Pending') moving.push(p);
      continue;
    }
    if (!migrating.has(p.nodeName)) continue;
    if (p.owner === null) standAlone.push(p);
    else moving.push(p);
  }
  return { moving, standAlone };
}

export function buildPlan(input: PlanInput): Plan {
  const { cluster, params } = input;
  const timing = input.timing ?? DEFAULT_TIMING;
  const old = selectOldNodes(cluster, params.nodes);
  const migrating = new Set(old.map((n) => n.name));
  const { moving, standAlone } = movingPodsOf(cluster, migrating);

  const result = solve({
    ...(input.allowArchitectureChange ? {} : { podArchitectures: podArchitectures(cluster, moving) }),
    cluster,
    vngs: input.vngs,
    catalog: input.catalog,
    migratingNodes: migrating,
    movingPods: moving,
    observed: observedResources(cluster.nodes),
    ...(input.allocatable ? { allocatable: input.allocatable } : {}),
  });

  const pods: PlannedPod[] = moving.map((p, i) => {
    const placement = result.placements[i] ?? null;
    const why = result.unschedulable.get(i);
    return {
      namespace: p.namespace,
      name: p.name,
      uid: p.uid,
      from: p.nodeName,
      owner: p.workload ? `${p.workload.kind}/${p.workload.name}` : null,
      requests: p.requests,
      placement: placement === null ? null : { ...placement },
      reasons: why?.reasons ?? [],
      ...(why ? { summary: why.summary } : {}),
    };
  });

  // PDBs and the per-node facts batches need.
  const pdbs = pdbStates(cluster.pdbs, cluster.pods);
  const pdbOfPod = new Map<Pod, number[]>();
  pdbs.forEach((s, k) => {
    for (const i of s.pods) {
      const p = cluster.pods[i] as Pod;
      const list = pdbOfPod.get(p);
      if (list) list.push(k);
      else pdbOfPod.set(p, [k]);
    }
  });
  const newNodeType = new Map(result.newNodes.map((n) => [n.name, n.instanceType]));
  const infoByNode = new Map<string, { dest: Set<string>; pdb: Map<number, number>; fresh: Map<string, string>; grace: number; n: number }>();
  for (const n of old) infoByNode.set(n.name, { dest: new Set(), pdb: new Map(), fresh: new Map(), grace: 0, n: 0 });
  moving.forEach((p, i) => {
    if (p.nodeName === null) return;
    const info = infoByNode.get(p.nodeName);
    if (!info) return;
    info.n += 1;
    const placement = result.placements[i];
    if (placement) {
      info.dest.add(placement.vng ?? 'staying');
      if (placement.vng !== null) info.fresh.set(placement.node, newNodeType.get(placement.node) ?? '');
    } else info.dest.add('unschedulable');
    if (p.owner?.kind === 'StatefulSet') info.grace = Math.max(info.grace, p.terminationGracePeriodSeconds);
    if (params.respectPdb) for (const k of pdbOfPod.get(p) ?? []) info.pdb.set(k, (info.pdb.get(k) ?? 0) + 1);
  });
  const infos: BatchNodeInfo[] = old.map((node) => {
    const info = infoByNode.get(node.name);
    return {
      node,
      destinations: [...(info?.dest ?? [])].sort(),
      pdbPods: info?.pdb ?? new Map(),
      newNodes: info?.fresh ?? new Map(),
      statefulGraceSeconds: info?.grace ?? 0,
      movingPods: info?.n ?? 0,
    };
  });
  const batchPlan = planBatches(infos, pdbs, params, timing);
  const secondMoves = params.cordonAllAtStart ? null : predictSecondMoves(cluster, batchPlan.batches.map((b) => b.nodes), moving);

  const cost = costOf(cluster, old, result.newNodes, input.catalog);
  const risks: Risk[] = collectRisks({
    cluster,
    params,
    moving,
    standAlone,
    pdbs,
    pdbOfPod,
    unschedulable: pods.filter((p) => p.placement === null),
    misfits: result.daemonSetMisfits,
    batches: batchPlan,
    unpriced: cost.unpriced,
    burstable: burstableCounts(result.newNodes, input.catalog),
  });
  const near = batchPlan.batches.filter(
    (b) => b.pods > 0 && b.replacementReady.lo <= params.drainTimeThresholdSeconds && b.replacementReady.hi > params.drainTimeThresholdSeconds,
  );
  if (near.length > 0) {
    risks.push({
      code: 'NearDrainThreshold',
      message: `${near.length} batch(es) need ${Math.round(near[0]?.replacementReady.lo ?? 0)}-${Math.round(near[0]?.replacementReady.hi ?? 0)}s for replacements to be Ready, around the ${params.drainTimeThresholdSeconds}s drain threshold: a slow launch fails the migration (PodsUnschedulable); raise the threshold.`,
      objects: near.flatMap((b) => b.nodes.map((n) => `Node ${n}`)),
    });
  }
  const predictedFailure = predict(pods, moving, batchPlan, params);

  const counts = new Map<string, { vng: string; instanceType: string; count: number; priceUsdPerHour: number }>();
  for (const n of result.newNodes) {
    const k = `${n.vng}\u0000${n.instanceType}`;
    const e = counts.get(k);
    if (e) e.count += 1;
    else counts.set(k, { vng: n.vng, instanceType: n.instanceType, count: 1, priceUsdPerHour: n.priceUsdPerHour });
  }
  const placed = pods.filter((p) => p.placement !== null).length;
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return {
    apiVersion: PLAN_API_VERSION,
    kind: 'MigrationPlan',
    feasible: placed === pods.length,
    allowArchitectureChange: input.allowArchitectureChange === true,
    sources: input.sources ?? { cluster: '', vngs: '' },
    params,
    timing,
    summary: {
      oldNodes: old.length,
      stayingNodes: cluster.nodes.length - old.length,
      movingPods: pods.length,
      placedPods: placed,
      unschedulablePods: pods.length - placed,
      podsToStayingNodes: pods.filter((p) => p.placement !== null && p.placement.vng === null).length,
      standAlonePods: standAlone.length,
      vngNodeTypes: result.templateCount,
      predictedSecondMoves: secondMoves?.total ?? 0,
    },
    oldNodes: old.map((n) => ({ name: n.name, instanceType: n.instanceType, zone: n.zone, instanceId: n.instanceId })),
    pods,
    nodes: [...counts.values()].sort((a, b) => cmp(a.vng, b.vng) || cmp(a.instanceType, b.instanceType)),
    newNodes: result.newNodes.map((n) => ({
      name: n.name,
      vng: n.vng,
      instanceType: n.instanceType,
      zone: n.zone,
      pods: n.pods.length,
      cpuRequestedMilli: n.requested['cpu'] ?? 0,
      cpuAllocatableMilli: n.allocatable['cpu'] ?? 0,
      memoryRequestedBytes: n.requested['memory'] ?? 0,
      memoryAllocatableBytes: n.allocatable['memory'] ?? 0,
      daemonSets: n.daemonSets,
    })),
    batchSizePercentage: batchPlan.batchSizePercentage,
    batchSizeChosen: batchPlan.chosen,
    batches: batchPlan.batches.map((b, i) => ({
      nodes: b.nodes,
      destinations: b.destinations,
      pods: b.pods,
      newNodes: b.newNodes,
      estimatedSeconds: finite(b.estimatedSeconds),
      serialisedBy: b.serialisedBy.map((s) => ({ ...s, rounds: finite(s.rounds) })),
      overBudget: b.overBudget,
      repeatMoves: secondMoves?.perBatch[i] ?? 0,
    })),
    estimatedSeconds: finite(batchPlan.estimatedSeconds),
    boundSeconds: batchPlan.boundSeconds,
    predictedFailure,
    risks,
    cost,
  };
}

function burstableCounts(fresh: readonly NewNode[], catalog: Catalog): { type: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const n of fresh) if (catalog.byName.get(n.instanceType)?.burstable) counts.set(n.instanceType, (counts.get(n.instanceType) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => cmp(a[0], b[0])).map(([type, count]) => ({ type, count }));
}

function costOf(cluster: Cluster, old: readonly Node[], fresh: readonly NewNode[], catalog: Catalog): Cost {
  const unpriced = new Set<string>();
  const price = (type: string | null): number => {
    const p = type === null ? null : (catalog.byName.get(type)?.priceUsdPerHour ?? null);
    if (p === null) unpriced.add(type ?? '(no instance-type label)');
    return p ?? 0;
  };
  const before = cluster.nodes.reduce((s, n) => s + price(n.instanceType), 0);
  const migrated = old.reduce((s, n) => s + price(n.instanceType), 0);
  const added = fresh.reduce((s, n) => s + (catalog.byName.get(n.instanceType)?.priceUsdPerHour ?? (unpriced.add(n.instanceType), 0)), 0);
  const round = (x: number): number => Math.round(x * 10000) / 10000;
  return {
    before: round(before),
    after: round(before - migrated + added),
    migratedNodes: old.length,
    newNodes: fresh.length,
    unpriced: [...unpriced].sort(),
  };
}

/**
 * The failure the migration is expected to hit first. Batches run in order, so the first batch with a problem decides; within
 * it, the earliest trigger wins: pods no VNG can host fail it within the autoscaler's grace (minutes), unready replacements at
 * the drain threshold, an over-budget batch at the batch budget. Pending pods that fit nowhere fail it from the start.
 */
function predict(
  pods: readonly PlannedPod[],
  moving: readonly Pod[],
  batches: BatchPlan,
  params: MigrationParams,
): PredictedFailure | null {
  const make = (code: FailureCode, why: string, objects: readonly string[]): PredictedFailure => ({
    code,
    message: FAILURE_MESSAGES[code],
    why,
    remedy: FAILURE_REMEDIES[code],
    objects: [...objects],
  });
  const ref = (p: { namespace: string; name: string }): string => `Pod ${p.namespace}/${p.name}`;
  const unplaced = pods.filter((p) => p.placement === null);
  const capacity = (list: readonly PlannedPod[], where: string): PredictedFailure => {
    const limits = list.some((p) => p.reasons.some((r) => r.plugin === 'VngLimits'));
    return make(
      'InsufficientCapacity',
      `${list.length} pod(s) ${where}fit no VNG node type${limits ? ' (some only because a VNG limit is reached)' : ''}; the autoscaler cannot launch nodes for them.`,
      list.map(ref),
    );
  };
  const pendingUnplaced = unplaced.filter((p) => p.from === null);
  if (pendingUnplaced.length > 0) return capacity(pendingUnplaced, 'already Pending ');
  const unready = moving.filter((p) => p.phase === 'Running' && !p.ready);
  for (const [i, b] of batches.batches.entries()) {
    const nodes = new Set(b.nodes);
    const stuck = unplaced.filter((p) => p.from !== null && nodes.has(p.from));
    if (stuck.length > 0) return capacity(stuck, `of batch ${i + 1} `);
    // Pods under a PDB that allows no disruption are never evicted (unless forced), so they get no replacement to wait for.
    const blocked = params.respectPdb && !params.forcePodEvictionOnPdbFailure ? b.serialisedBy.filter((s) => s.allowed === 0).reduce((a, s) => a + s.evictions, 0) : 0;
    const slow = b.replacementReady.lo > params.drainTimeThresholdSeconds && b.pods - blocked > 0;
    if (slow && (!b.overBudget || params.drainTimeThresholdSeconds < params.batchTimeBudgetSeconds)) {
      return make(
        'PodsUnschedulable',
        `the replacements of batch ${i + 1} need ${Math.round(b.replacementReady.lo)}-${Math.round(b.replacementReady.hi)}s to be Ready (node launch and pod start), more than the ${params.drainTimeThresholdSeconds}s drain threshold.`,
        b.nodes.map((n) => `Node ${n}`),
      );
    }
    const notReady = unready.filter((p) => p.nodeName !== null && nodes.has(p.nodeName));
    const unreadyFirst = notReady.length > 0 && (!b.overBudget || params.drainTimeThresholdSeconds < params.batchTimeBudgetSeconds);
    if (unreadyFirst) {
      return make(
        'PodsUnschedulable',
        `${notReady.length} pod(s) of batch ${i + 1} are Running but not Ready today; their replacements are likely to stay unready past the ${params.drainTimeThresholdSeconds}s drain threshold.`,
        notReady.map(ref),
      );
    }
    if (b.overBudget) {
      const pdbBlocked = b.serialisedBy.filter((s) => s.allowed === 0).map((s) => s.pdb);
      const why =
        pdbBlocked.length > 0 && !params.forcePodEvictionOnPdbFailure
          ? `PDB(s) ${pdbBlocked.join(', ')} allow no disruption, so eviction in batch ${i + 1} never succeeds and the batch runs past its ${params.batchTimeBudgetSeconds}s budget.`
          : `batch ${i + 1} is estimated at ${b.estimatedSeconds}s, past the ${params.batchTimeBudgetSeconds}s batch budget.`;
      return make('TechnicalTimeout', why, [...b.nodes.map((n) => `Node ${n}`), ...pdbBlocked.map((p) => `PodDisruptionBudget ${p}`)]);
    }
  }
  return null;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
