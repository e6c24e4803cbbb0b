/**
 * The feasibility plan: which old nodes move, where every moving pod lands, which new nodes that takes and at what cost, in
 * which batches, which failure is likely, and what else is risky. Pure: the same inputs give the same plan.
 */
import type { AllocatableOptions } from '../catalog/allocatable.js';
import type { Catalog, CatalogInfo } from '../catalog/catalog.js';
import type { MaxPodsSource } from '../catalog/new-node.js';
import { observedResources } from '../catalog/observed.js';
import { FAILURE_MESSAGES, FAILURE_REMEDIES, type FailureCode } from '../model/failures.js';
import { disruptionOptOut, type DisruptionOptOut } from '../model/kube/disruption-opt-out.js';
import type { MigrationParams, NodeSelection } from '../model/params.js';
import type { Cluster, Node, Pod, Vng } from '../model/types.js';
import { podArchitectures } from './architecture-policy.js';
import { AUTO_CANDIDATES, planBatches, planBatchesAt, type BatchNodeInfo, type BatchPlan } from './batches.js';
import { costOf, StayingNodes, type Cost } from './cost.js';
import { keptOf, type KeptNode, type KeptPod } from './disruption-opt-out.js';
import { expectedFleet, type ExpectedFleet, type ExpectedFleetInput, type ExpectedNode } from './expected-fleet.js';
import { classKeysOf, packClasses, solveClasses, type NewNode, type Reason, type SolveInput } from './pack.js';
import { pdbStates } from './pdb.js';
import { predictSecondMoves } from './second-moves.js';
import { collectRisks, type Risk } from './risks.js';
import { spotCostOf } from './spot-cost.js';
import { selectorMatches } from './selectors.js';
import { DEFAULT_TIMING, type TimingModel } from './timing.js';
import type { ProgressSink } from '../model/progress.js';

export const PLAN_API_VERSION = 'vngshift.io/v1alpha1';

export interface PlanInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly params: MigrationParams;
  readonly timing?: TimingModel;
  /**
   * Who launches the new nodes in the run planned: an autoscaler on its own loop (default: Ocean, cluster-autoscaler), which
   * looks once per autoscalerIntervalSeconds while a batch's evictions go out, or vngshift's executor (`run`/`simulate
   * --capacity kwok|ec2`), which launches at its reconcile, after the step that evicted the batch's first wave.
   */
  readonly launcher?: 'autoscaler' | 'engine';
  readonly allocatable?: AllocatableOptions;
  /** Let pods with no architecture constraint move to another CPU architecture (their images must be multi-arch). */
  readonly allowArchitectureChange?: boolean;
  /** Where the inputs came from (recorded in the plan). */
  readonly sources?: { readonly cluster: string; readonly vngs: string };
  /** Told when each phase starts and ends (packing the pods, then the expected fleet batch by batch); no effect on the plan. */
  readonly onProgress?: ProgressSink;
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

/**
 * A Pending pod that a partial migration does not move (no controller of it has a pod on the selected nodes): context, not
 * part of the verdict. The autoscaler still sees it, so the plan packs it with the moving pods to say whether it would fit.
 */
export interface PendingElsewherePod {
  readonly namespace: string;
  readonly name: string;
  readonly owner: string | null;
  /** A new node of some VNG could host it. */
  readonly fitsVng: boolean;
  /** Where the packing put it (a new VNG node, or room on a node that stays); null when it fits nowhere. */
  readonly placement: { vng: string | null; instanceType: string | null; zone: string | null; node: string } | null;
  /** kube-scheduler style summary when it fits nowhere. */
  readonly summary?: string;
}

export interface PredictedFailure {
  readonly code: FailureCode;
  /** The batch (1-based) where it is expected, or null when it does not belong to one batch (pods already Pending). */
  readonly batch: number | null;
  readonly message: string;
  readonly why: string;
  readonly remedy: string;
  readonly objects: readonly string[];
}

export type { Cost, StayingNode } from './cost.js';

/** New nodes of one (VNG, instance type). */
export interface NodeCount {
  vng: string;
  instanceType: string;
  count: number;
  priceUsdPerHour: number;
  /** Max pods of such a node and where it came from (flag, VNG, old nodes of the type or family, EKS ENI formula). */
  maxPods: number;
  maxPodsSource: MaxPodsSource;
}

/** One new node with what it hosts. */
export interface NewNodeDetail {
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
  maxPods: number;
  maxPodsSource: MaxPodsSource;
  /** Root volume (GiB) its ephemeral storage was worked out from, and that storage's allocatable bytes. */
  rootVolumeSizeGiB: number;
  ephemeralStorageAllocatableBytes: number;
}

/**
 * The plan's answer, in three values: every moving pod fits and no failure is predicted (FEASIBLE); every pod fits but the
 * run is expected to stop with one of Ocean's failure codes (FAILURE_PREDICTED); some pods fit no VNG (NOT_FEASIBLE).
 */
export type Verdict = 'FEASIBLE' | 'FAILURE_PREDICTED' | 'NOT_FEASIBLE';

export interface Plan {
  readonly apiVersion: string;
  readonly kind: 'MigrationPlan';
  readonly verdict: Verdict;
  /** Every moving pod fits a VNG (or a staying node). A feasible plan may still predict a failure: see `verdict`. */
  readonly feasible: boolean;
  /** Pods may move to another CPU architecture (else they stay on the one they run on). */
  readonly allowArchitectureChange: boolean;
  /** Node options the plan was made with (--max-pods, --vm-memory-overhead-percent); a rehearsal of it uses the same. */
  readonly allocatable?: AllocatableOptions;
  readonly sources: { readonly cluster: string; readonly vngs: string };
  /** The catalog file the plan was made with (--catalog) and where its prices came from; absent for the bundled catalog. */
  readonly catalog?: CatalogInfo;
  readonly params: MigrationParams;
  readonly timing: TimingModel;
  /**
   * Who launches the new nodes in the run this plan is for (PlanInput.launcher): an autoscaler on its own loop (Ocean,
   * cluster-autoscaler; `plan --capacity external`, the default) or vngshift's executor at each reconcile (`--capacity kwok`
   * or `ec2`). The expected fleet (`newNodes`) depends on it; `run --plan` warns when its --capacity says otherwise.
   */
  readonly launchedBy: 'autoscaler' | 'vngshift';
  readonly summary: {
    readonly oldNodes: number;
    readonly stayingNodes: number;
    readonly movingPods: number;
    readonly placedPods: number;
    readonly unschedulablePods: number;
    readonly podsToStayingNodes: number;
    readonly standAlonePods: number;
    /** Pods that stay on old nodes (they ask not to be disrupted, or are stand-alone and not evicted). */
    readonly keptPods: number;
    readonly vngNodeTypes: number;
    /** Pending pods a partial migration is not concerned with (see pendingElsewhere). */
    readonly pendingElsewhere: number;
    /**
     * Estimated evictions of pods already moved once (they landed on an old node of a later batch): 0 with cordonAllAtStart,
     * else the estimate of second-moves.ts.
     */
    readonly predictedSecondMoves: number;
    /** New nodes of the expected fleet (`newNodes`); the packing's count is in `packingLowerBound`. */
    readonly newNodes: number;
  };
  readonly oldNodes: readonly { name: string; instanceType: string | null; zone: string | null; instanceId: string | null }[];
  readonly pods: readonly PlannedPod[];
  /**
   * Pending pods elsewhere in the cluster, when the selection is not every node: context that does not count in the verdict
   * or the predicted failure. Empty when every node migrates (the VNGs are then the cluster's only capacity, so a Pending
   * pod is one of the pods the migration must place, in `pods`).
   */
  readonly pendingElsewhere: readonly PendingElsewherePod[];
  /**
   * Pods on the old nodes that do not move: pods that ask not to be disrupted (karpenter.sh/do-not-disrupt,
   * cluster-autoscaler.kubernetes.io/safe-to-evict "false", spotinst.io/restrict-scale-down, as the parameters honour them)
   * and stand-alone pods when shouldEvictStandAlonePods is false.
   */
  readonly keptPods: readonly KeptPod[];
  /** Old nodes that stay (cordoned, not terminated) because kept pods run there, with one reason per such pod. */
  readonly keptNodes: readonly KeptNode[];
  /**
   * The expected fleet per (VNG, instance type): the new nodes the run launches, batch by batch, as the autoscaler scales up
   * for each batch's pending pods and kube-scheduler spreads them (expected-fleet.ts).
   */
  readonly nodes: readonly NodeCount[];
  /** Every new node of the expected fleet, with the batch and scale-up round it is launched in and what it hosts at the end. */
  readonly newNodes: readonly (NewNodeDetail & {
    /** The batch (1-based) whose pending pods the autoscaler launches it for. */
    batch: number;
    /** The scale-up round within that batch (1-based): round 2 and later launch for pods the first nodes left Pending. */
    round: number;
  })[];
  /**
   * The planner's packing of every moving pod at once (first-fit decreasing): the fewest new nodes the heuristics find, a
   * lower bound on what a run launches. `pods[].placement` refers to its nodes (the feasibility proof).
   */
  readonly packingLowerBound: {
    readonly newNodeCount: number;
    readonly usdPerHour: number;
    readonly nodes: readonly NodeCount[];
    readonly newNodes: readonly NewNodeDetail[];
  };
  readonly batchSizePercentage: number;
  readonly batchSizeChosen: 'user' | 'auto';
  /** With batchSizePercentage auto: why the chosen size could not avoid the predicted failure (null when it did, or not auto). */
  readonly batchSizeNote: string | null;
  readonly batches: readonly {
    nodes: readonly string[];
    destinations: readonly string[];
    pods: number;
    newNodes: number;
    estimatedSeconds: number | null;
    /** The batch's estimate as a range (the timing model's spread); null when unbounded. */
    estimatedRange: { lowSeconds: number; highSeconds: number } | null;
    serialisedBy: readonly { pdb: string; evictions: number; allowed: number; rounds: number | null }[];
    overBudget: boolean;
    /** Estimated pods evicted from this batch that an earlier batch had already moved here (see predictedSecondMoves). */
    repeatMoves: number;
  }[];
  /** The run's time: cordonAllSeconds (with cordonAllAtStart), then the batches' times one after the other. */
  readonly estimatedSeconds: number | null;
  /**
   * With cordonAllAtStart: the seconds the executor's cordon of every old node (and its Event) takes before the first batch
   * starts, at the client's rate (timing.ts cordonAllRequests); part of estimatedSeconds, in no batch's time. Absent without it.
   */
  readonly cordonAllSeconds?: number;
  /**
   * The run's time as a range: every batch's launch, pod start and PDB rounds `timing.spread` shorter (lowSeconds) or longer
   * (highSeconds) than estimatedSeconds, which stays the point estimate. Null when unbounded (a PDB that allows nothing).
   */
  readonly estimatedRange: { readonly lowSeconds: number; readonly expectedSeconds: number; readonly highSeconds: number; readonly spread: number } | null;
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

/**
 * Pods that need a new place: on a migrating node, not DaemonSet, not mirror, not finished, with a controller, not asking
 * (with the parameters' consent) not to be disrupted; plus Pending pods. `optedOut` are the pods on migrating nodes that stay
 * because of an honoured opt-out (with or without a controller); `standAlone` the other pods without a controller.
 */
export function movingPodsOf(
  cluster: Cluster,
  migrating: ReadonlySet<string>,
  params: Pick<MigrationParams, 'respectDoNotDisrupt' | 'respectRestrictScaleDown'>,
): { moving: Pod[]; standAlone: Pod[]; optedOut: { pod: Pod; key: DisruptionOptOut }[] } {
  const moving: Pod[] = [];
  const standAlone: Pod[] = [];
  const optedOut: { pod: Pod; key: DisruptionOptOut }[] = [];
  for (const p of cluster.pods) {
    if (p.phase === 'Succeeded' || p.phase === 'Failed' || p.isMirror || isDaemonSetPod(p)) continue;
    if (p.nodeName === null) {
      if (p.phase === 'Pending') moving.push(p);
      continue;
    }
    if (!migrating.has(p.nodeName)) continue;
    const key = disruptionOptOut(p, params);
    if (key !== null) optedOut.push({ pod: p, key });
    else if (p.owner === null) standAlone.push(p);
    else moving.push(p);
  }
  return { moving, standAlone, optedOut };
}

/**
 * The Pending pods a partial migration is not concerned with: with a selection other than every node, a Pending pod whose
 * controller has no pod among the moving ones (a stand-alone one included). Those of a moving pod's controller stay its
 * concern: once the migration evicts from that controller, the engine waits for all of its pods. With every node selected
 * there are none: after the migration the VNGs are the cluster's only capacity, so every Pending pod is one to place.
 */
export function pendingElsewhereOf(moving: readonly Pod[], selection: NodeSelection): ReadonlySet<Pod> {
  if (selection.kind === 'all') return new Set();
  const movingOwners = new Set<string>();
  for (const p of moving) if (p.nodeName !== null && p.owner !== null) movingOwners.add(p.owner.uid);
  return new Set(moving.filter((p) => p.nodeName === null && (p.owner === null || !movingOwners.has(p.owner.uid))));
}

export function buildPlan(input: PlanInput): Plan {
  const draft = draftPlan(input);
  return draft.finish(expectedFleet(draft.fleetInput));
}

/**
 * The fields of a plan a rehearsal reads (sim/simulate.ts): the old nodes, the batches' nodes, the parameters, the time
 * bound. None of them depends on the expected fleet.
 */
export type RehearsalPlan = Pick<Plan, 'oldNodes' | 'params' | 'boundSeconds' | 'allowArchitectureChange' | 'allocatable'> & {
  readonly batches: readonly { readonly nodes: readonly string[] }[];
};

/**
 * A plan but its expected fleet (expected-fleet.ts, most of a large plan's time): what a rehearsal needs to start, the
 * fleet's input, and the plan made once the fleet of that input is known. buildPlan is finish(expectedFleet(fleetInput));
 * a caller may compute the fleet elsewhere and hand it in (sim/plan-thread.ts makes the whole plan on a thread, from the same input).
 */
export interface PlanDraft {
  readonly rehearsal: RehearsalPlan;
  readonly fleetInput: ExpectedFleetInput;
  finish(fleet: ExpectedFleet): Plan;
}

export function draftPlan(input: PlanInput): PlanDraft {
  const { cluster, params } = input;
  const timing = input.timing ?? DEFAULT_TIMING;
  const old = selectOldNodes(cluster, params.nodes);
  const migrating = new Set(old.map((n) => n.name));
  const { moving, standAlone, optedOut } = movingPodsOf(cluster, migrating, params);
  const { keptPods, keptNodes } = keptOf(optedOut, standAlone, params);

  const observed = observedResources(cluster.nodes);
  input.onProgress?.({ phase: 'pack', done: 0, total: moving.length, unit: 'pods' });
  const solveInput: SolveInput = {
    ...(input.allowArchitectureChange ? {} : { podArchitectures: podArchitectures(cluster, moving) }),
    cluster,
    vngs: input.vngs,
    catalog: input.catalog,
    migratingNodes: migrating,
    movingPods: moving,
    observed,
    ...(input.allocatable ? { allocatable: input.allocatable } : {}),
  };
  // solve(), with its classes kept: the expected fleet below classes the same pods again and takes their keys.
  const packed = packClasses(solveInput);
  const result = solveClasses(solveInput, packed);
  const classKeys = classKeysOf(packed, moving);

  input.onProgress?.({ phase: 'pack', done: moving.length, total: moving.length, unit: 'pods' });
  const planned: PlannedPod[] = moving.map((p, i) => {
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
  // A partial migration's Pending pods elsewhere were packed (they compete for the same VNGs) but are only context.
  const elsewhere = pendingElsewhereOf(moving, params.nodes);
  const pods = planned.filter((_, i) => !elsewhere.has(moving[i] as Pod));
  const pendingElsewhere: PendingElsewherePod[] = planned
    .filter((_, i) => elsewhere.has(moving[i] as Pod))
    .map((p) => ({
      namespace: p.namespace,
      name: p.name,
      owner: p.owner,
      fitsVng: p.placement !== null && p.placement.vng !== null,
      placement: p.placement,
      ...(p.summary !== undefined ? { summary: p.summary } : {}),
    }));
  const concerned = moving.filter((p) => !elsewhere.has(p));

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
  // batchSizePercentage auto: the largest batch size whose plan predicts no failure (and, if one exists, serialises no
  // eviction behind a PDB); when none avoids the failure, the choice planBatches makes, and the plan says so.
  let batchPlan: BatchPlan;
  let predictedFailure: PredictedFailure | null;
  let batchSizeNote: string | null = null;
  if (params.batchSizePercentage === 'auto') {
    const tries = AUTO_CANDIDATES.map((pct) => {
      const bp = planBatchesAt(infos, pdbs, params, timing, pct, 'auto');
      return { bp, failure: predict(pods, concerned, bp, params) };
    });
    const ok = tries.filter((t) => t.failure === null);
    const pick = ok.find((t) => t.bp.batches.every((b) => b.serialisedBy.length === 0)) ?? ok[0];
    if (pick !== undefined) {
      batchPlan = pick.bp;
      predictedFailure = null;
    } else {
      batchPlan = planBatches(infos, pdbs, params, timing);
      predictedFailure = predict(pods, concerned, batchPlan, params);
      batchSizeNote = `no batch size from ${AUTO_CANDIDATES[0] ?? 50}% down to ${AUTO_CANDIDATES[AUTO_CANDIDATES.length - 1] ?? 1}% avoids the predicted ${predictedFailure?.code ?? 'failure'}`;
    }
  } else {
    batchPlan = planBatches(infos, pdbs, params, timing);
    predictedFailure = predict(pods, concerned, batchPlan, params);
  }
  const secondMoves = params.cordonAllAtStart ? null : predictSecondMoves(cluster, batchPlan.batches.map((b) => b.nodes), moving);

  // Old nodes the migration leaves in place, and why: they stay in the cost after.
  const staying = new StayingNodes();
  for (const n of keptNodes) for (const r of n.reasons) staying.add(n.name, r);
  if (params.respectPdb && !params.forcePodEvictionOnPdbFailure) {
    for (const p of concerned) {
      if (p.nodeName === null) continue;
      for (const k of pdbOfPod.get(p) ?? []) {
        const st = pdbs[k];
        if (st !== undefined && st.disruptionsAllowed === 0) staying.add(p.nodeName, `PDB ${st.pdb.namespace}/${st.pdb.name}: allows no disruption, so its pods here are never evicted`);
      }
    }
  }
  for (const p of pods) if (p.placement === null && p.from !== null) staying.add(p.from, `Pod ${p.namespace}/${p.name}: fits no VNG`);
  const feasible = pods.every((p) => p.placement !== null);
  // The fleet the run launches, batch by batch; the packing above is its lower bound.
  const stays = new Set<Pod>(optedOut.map((o) => o.pod));
  if (!params.shouldEvictStandAlonePods) for (const p of standAlone) stays.add(p);
  if (params.respectPdb && !params.forcePodEvictionOnPdbFailure) {
    for (const p of concerned) if ((pdbOfPod.get(p) ?? []).some((k) => pdbs[k]?.disruptionsAllowed === 0)) stays.add(p);
  }
  const fleetInput: ExpectedFleetInput = {
    cluster,
    vngs: input.vngs,
    catalog: input.catalog,
    params,
    ...(input.allocatable ? { allocatable: input.allocatable } : {}),
    allowArchitectureChange: input.allowArchitectureChange === true,
    batches: batchPlan.batches.map((b) => b.nodes),
    moving,
    unplaceable: new Set(moving.filter((_, i) => (result.placements[i] ?? null) === null)),
    stays,
    pdbs: { allowed: pdbs.map((st) => st.disruptionsAllowed), of: pdbOfPod },
    observed,
    classKeys,
    timing,
    ...(input.launcher === 'engine' ? { launcher: 'engine' as const } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  };
  const rehearsal: RehearsalPlan = {
    oldNodes: old.map((n) => ({ name: n.name, instanceType: n.instanceType, zone: n.zone, instanceId: n.instanceId })),
    params,
    boundSeconds: batchPlan.boundSeconds,
    allowArchitectureChange: input.allowArchitectureChange === true,
    ...(input.allocatable ? { allocatable: input.allocatable } : {}),
    batches: batchPlan.batches.map((b) => ({ nodes: b.nodes })),
  };
  const finish = (fleet: ExpectedFleet): Plan => {
    const onDemandCost = costOf({ cluster, old, fresh: fleet.newNodes, catalog: input.catalog, staying: staying.list(), partial: !feasible });
    const spot = spotCostOf({ cluster, vngs: input.vngs, fresh: fleet.newNodes, catalog: input.catalog });
    const cost = spot === null ? onDemandCost : { ...onDemandCost, spot };
    const packingCost = costOf({ cluster, old, fresh: result.newNodes, catalog: input.catalog, staying: [], partial: !feasible });
    const risks: Risk[] = collectRisks({
      cluster,
      params,
      moving: concerned,
      standAlone,
      optedOut,
      keptNodes,
      pdbs,
      pdbOfPod,
      unschedulable: pods.filter((p) => p.placement === null),
      misfits: result.daemonSetMisfits,
      batches: batchPlan,
      unpriced: cost.unpriced,
      burstable: burstableCounts(fleet.newNodes, input.catalog),
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
    const placed = pods.filter((p) => p.placement !== null).length;
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return {
      apiVersion: PLAN_API_VERSION,
      kind: 'MigrationPlan',
      verdict: !feasible ? 'NOT_FEASIBLE' : predictedFailure !== null ? 'FAILURE_PREDICTED' : 'FEASIBLE',
      feasible,
      allowArchitectureChange: input.allowArchitectureChange === true,
      ...(input.allocatable ? { allocatable: input.allocatable } : {}),
      sources: input.sources ?? { cluster: '', vngs: '' },
      ...(input.catalog.info !== undefined ? { catalog: input.catalog.info } : {}),
      params,
      timing,
      launchedBy: input.launcher === 'engine' ? 'vngshift' : 'autoscaler',
      summary: {
        oldNodes: old.length,
        stayingNodes: cluster.nodes.length - old.length,
        movingPods: pods.length,
        placedPods: placed,
        unschedulablePods: pods.length - placed,
        podsToStayingNodes: pods.filter((p) => p.placement !== null && p.placement.vng === null).length,
        standAlonePods: standAlone.length,
        keptPods: keptPods.length,
        vngNodeTypes: result.templateCount,
        pendingElsewhere: pendingElsewhere.length,
        predictedSecondMoves: secondMoves?.total ?? 0,
        newNodes: fleet.newNodes.length,
      },
      oldNodes: rehearsal.oldNodes,
      pods,
      pendingElsewhere,
      keptPods,
      keptNodes,
      nodes: nodeCounts(fleet.newNodes),
      newNodes: fleet.newNodes.map((n) => ({ ...nodeDetail(n), batch: n.batch, round: n.round })),
      packingLowerBound: {
        newNodeCount: result.newNodes.length,
        usdPerHour: packingCost.newNodesUsdPerHour,
        nodes: nodeCounts(result.newNodes),
        newNodes: result.newNodes.map(nodeDetail),
      },
      batchSizePercentage: batchPlan.batchSizePercentage,
      batchSizeChosen: batchPlan.chosen,
      batchSizeNote,
      batches: batchPlan.batches.map((b, i) => ({
        nodes: b.nodes,
        destinations: b.destinations,
        pods: b.pods,
        newNodes: fleet.perBatch[i] ?? 0,
        estimatedSeconds: finite(b.estimatedSeconds),
        estimatedRange: Number.isFinite(b.estimatedSeconds) ? { lowSeconds: round1(b.estimatedSecondsLow), highSeconds: round1(b.estimatedSecondsHigh) } : null,
        serialisedBy: b.serialisedBy.map((s) => ({ ...s, rounds: finite(s.rounds) })),
        overBudget: b.overBudget,
        repeatMoves: secondMoves?.perBatch[i] ?? 0,
      })),
      estimatedSeconds: finite(batchPlan.estimatedSeconds),
      ...(params.cordonAllAtStart ? { cordonAllSeconds: round1(batchPlan.cordonAllSeconds) } : {}),
      estimatedRange: Number.isFinite(batchPlan.estimatedSeconds)
        ? { lowSeconds: round1(batchPlan.estimatedSecondsLow), expectedSeconds: round1(batchPlan.estimatedSeconds), highSeconds: round1(batchPlan.estimatedSecondsHigh), spread: timing.spread }
        : null,
      boundSeconds: batchPlan.boundSeconds,
      predictedFailure,
      risks,
      cost,
    };
  };
  return { rehearsal, fleetInput, finish };
}

/** Tenths of a second: enough for a duration estimate, and free of floating-point tails in the JSON. */
function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** New nodes counted per (VNG, instance type), sorted. */
function nodeCounts(fresh: readonly (NewNode | ExpectedNode)[]): NodeCount[] {
  const counts = new Map<string, NodeCount>();
  for (const n of fresh) {
    const k = `${n.vng}\u0000${n.instanceType}`;
    const e = counts.get(k);
    if (e) e.count += 1;
    else counts.set(k, { vng: n.vng, instanceType: n.instanceType, count: 1, priceUsdPerHour: n.priceUsdPerHour, maxPods: n.maxPods, maxPodsSource: n.maxPodsSource });
  }
  return [...counts.values()].sort((a, b) => cmp(a.vng, b.vng) || cmp(a.instanceType, b.instanceType));
}

/** The report's row of one new node, of the packing (its pods listed) or of the expected fleet (its pods counted). */
function nodeDetail(n: NewNode | ExpectedNode): NewNodeDetail {
  return {
    name: n.name,
    vng: n.vng,
    instanceType: n.instanceType,
    zone: n.zone,
    pods: typeof n.pods === 'number' ? n.pods : n.pods.length,
    cpuRequestedMilli: n.requested['cpu'] ?? 0,
    cpuAllocatableMilli: n.allocatable['cpu'] ?? 0,
    memoryRequestedBytes: n.requested['memory'] ?? 0,
    memoryAllocatableBytes: n.allocatable['memory'] ?? 0,
    daemonSets: n.daemonSets,
    maxPods: n.maxPods,
    maxPodsSource: n.maxPodsSource,
    rootVolumeSizeGiB: n.rootVolumeSizeGiB,
    ephemeralStorageAllocatableBytes: n.allocatable['ephemeral-storage'] ?? 0,
  };
}

function burstableCounts(fresh: readonly { readonly instanceType: string }[], catalog: Catalog): { type: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const n of fresh) if (catalog.byName.get(n.instanceType)?.burstable) counts.set(n.instanceType, (counts.get(n.instanceType) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => cmp(a[0], b[0])).map(([type, count]) => ({ type, count }));
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
  const make = (code: FailureCode, why: string, objects: readonly string[], batch: number | null): PredictedFailure => ({
    code,
    batch,
    message: FAILURE_MESSAGES[code],
    why,
    remedy: FAILURE_REMEDIES[code],
    objects: [...objects],
  });
  const ref = (p: { namespace: string; name: string }): string => `Pod ${p.namespace}/${p.name}`;
  const unplaced = pods.filter((p) => p.placement === null);
  const capacity = (list: readonly PlannedPod[], where: string, batch: number | null): PredictedFailure => {
    const limits = list.some((p) => p.reasons.some((r) => r.plugin === 'VngLimits'));
    const offerings = list.some((p) => p.reasons.some((r) => r.plugin === 'InstanceTypeOffering'));
    return make(
      'InsufficientCapacity',
      `${list.length} pod(s) ${where}fit no VNG node type${limits ? ' (some only because a VNG limit is reached)' : ''}${offerings ? " (some only because EC2 does not offer their instance types in the VNGs' zones)" : ''}; the autoscaler cannot launch nodes for them.`,
      list.map(ref),
      batch,
    );
  };
  const pendingUnplaced = unplaced.filter((p) => p.from === null);
  if (pendingUnplaced.length > 0) return capacity(pendingUnplaced, 'already Pending ', null);
  const unready = moving.filter((p) => p.phase === 'Running' && !p.ready);
  for (const [i, b] of batches.batches.entries()) {
    const nodes = new Set(b.nodes);
    const stuck = unplaced.filter((p) => p.from !== null && nodes.has(p.from));
    if (stuck.length > 0) return capacity(stuck, `of batch ${i + 1} `, i + 1);
    // Pods under a PDB that allows no disruption are never evicted (unless forced), so they get no replacement to wait for.
    const blocked = params.respectPdb && !params.forcePodEvictionOnPdbFailure ? b.serialisedBy.filter((s) => s.allowed === 0).reduce((a, s) => a + s.evictions, 0) : 0;
    const slow = b.replacementReady.lo > params.drainTimeThresholdSeconds && b.pods - blocked > 0;
    if (slow && (!b.overBudget || params.drainTimeThresholdSeconds < params.batchTimeBudgetSeconds)) {
      return make(
        'PodsUnschedulable',
        `the replacements of batch ${i + 1} need ${Math.round(b.replacementReady.lo)}-${Math.round(b.replacementReady.hi)}s to be Ready (node launch and pod start), more than the ${params.drainTimeThresholdSeconds}s drain threshold.`,
        b.nodes.map((n) => `Node ${n}`),
        i + 1,
      );
    }
    const notReady = unready.filter((p) => p.nodeName !== null && nodes.has(p.nodeName));
    const unreadyFirst = notReady.length > 0 && (!b.overBudget || params.drainTimeThresholdSeconds < params.batchTimeBudgetSeconds);
    if (unreadyFirst) {
      return make(
        'PodsUnschedulable',
        `${notReady.length} pod(s) of batch ${i + 1} are Running but not Ready today; their replacements are likely to stay unready past the ${params.drainTimeThresholdSeconds}s drain threshold.`,
        notReady.map(ref),
        i + 1,
      );
    }
    if (b.overBudget) {
      const pdbBlocked = b.serialisedBy.filter((s) => s.allowed === 0).map((s) => s.pdb);
      const why =
        pdbBlocked.length > 0 && !params.forcePodEvictionOnPdbFailure
          ? `PDB(s) ${pdbBlocked.join(', ')} allow no disruption, so eviction in batch ${i + 1} never succeeds and the batch runs past its ${params.batchTimeBudgetSeconds}s budget.`
          : `batch ${i + 1} is estimated at ${b.estimatedSeconds}s, past the ${params.batchTimeBudgetSeconds}s batch budget.`;
      return make('TechnicalTimeout', why, [...b.nodes.map((n) => `Node ${n}`), ...pdbBlocked.map((p) => `PodDisruptionBudget ${p}`)], i + 1);
    }
  }
  return null;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
