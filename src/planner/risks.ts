/** Risks the plan names before anything moves: each with a stable code, a message and the objects involved. */
import type { MigrationParams } from '../model/params.js';
import type { Cluster, Pod } from '../model/types.js';
import type { BatchPlan } from './batches.js';
import type { DaemonSetMisfit } from './pack.js';
import type { PdbState } from './pdb.js';

export type RiskCode =
  | 'PdbAllowsNoDisruption'
  | 'PdbSerialisesBatch'
  | 'PodInSeveralPdbs'
  | 'StandAlonePods'
  | 'LocalStorage'
  | 'SafeToEvictFalse'
  | 'DoNotDisrupt'
  | 'DaemonSetDoesNotFit'
  | 'PodsWithNoVng'
  | 'PodsNotReady'
  | 'UnknownPrice'
  | 'BurstableTypes'
  | 'NearDrainThreshold';

export interface Risk {
  readonly code: RiskCode;
  readonly message: string;
  readonly objects: readonly string[];
}

export interface RiskInput {
  readonly cluster: Cluster;
  readonly params: MigrationParams;
  readonly moving: readonly Pod[];
  readonly standAlone: readonly Pod[];
  readonly pdbs: readonly PdbState[];
  readonly pdbOfPod: ReadonlyMap<Pod, number[]>;
  readonly unschedulable: readonly { namespace: string; name: string; summary?: string }[];
  readonly misfits: readonly DaemonSetMisfit[];
  readonly batches: BatchPlan;
  readonly unpriced: readonly string[];
  /** Burstable (T-family) instance types among the new nodes, with their counts. */
  readonly burstable: readonly { type: string; count: number }[];
}

const podRef = (p: { namespace: string; name: string }): string => `Pod ${p.namespace}/${p.name}`;

export function collectRisks(input: RiskInput): Risk[] {
  const risks: Risk[] = [];
  const movingSet = new Set(input.moving);
  const { params } = input;

  const zero = input.pdbs.filter((s) => s.disruptionsAllowed === 0 && s.pods.some((i) => movingSet.has(input.cluster.pods[i] as Pod)));
  if (zero.length > 0) {
    const consequence = !params.respectPdb
      ? 'respectPdb is false, so the migration evicts anyway and the budget is broken'
      : params.forcePodEvictionOnPdbFailure
        ? `forcePodEvictionOnPdbFailure deletes the pods after the ${params.drainTimeThresholdSeconds}s drain threshold, breaking the budget`
        : 'eviction of their pods is refused (429) until the budget allows it, so the batch waits and can time out';
    risks.push({
      code: 'PdbAllowsNoDisruption',
      message: `${zero.length} PodDisruptionBudget(s) allow no disruption now: ${consequence}.`,
      objects: zero.map((s) => `PodDisruptionBudget ${s.pdb.namespace}/${s.pdb.name}`),
    });
  }
  const serial = input.batches.batches.flatMap((b) => b.serialisedBy.filter((s) => s.allowed > 0).map((s) => ({ b, s })));
  if (serial.length > 0) {
    risks.push({
      code: 'PdbSerialisesBatch',
      message: `${serial.length} batch/PDB pair(s) need more evictions than the budget allows at once; those evictions go in rounds (e.g. batch ${(serial[0]?.b.index ?? 0) + 1}: ${serial[0]?.s.evictions} evictions from ${serial[0]?.s.pdb}, ${serial[0]?.s.allowed} at a time).`,
      objects: [...new Set(serial.map(({ s }) => `PodDisruptionBudget ${s.pdb}`))].sort(),
    });
  }
  const several = input.moving.filter((p) => (input.pdbOfPod.get(p)?.length ?? 0) > 1);
  if (several.length > 0) {
    risks.push({
      code: 'PodInSeveralPdbs',
      message: `${several.length} pod(s) are selected by more than one PodDisruptionBudget; the API server refuses to evict them (500).`,
      objects: several.map(podRef),
    });
  }
  if (input.standAlone.length > 0) {
    risks.push({
      code: 'StandAlonePods',
      message: params.shouldEvictStandAlonePods
        ? `${input.standAlone.length} pod(s) have no controller: they are evicted and nothing recreates them.`
        : `${input.standAlone.length} pod(s) have no controller: shouldEvictStandAlonePods is false, so they stay and their nodes are not terminated.`,
      objects: input.standAlone.map(podRef),
    });
  }
  const local = input.moving.filter((p) => p.volumes.some((v) => v.kind === 'hostPath' || (v.kind === 'emptyDir' && v.medium !== 'Memory')));
  if (local.length > 0) {
    risks.push({
      code: 'LocalStorage',
      message: `${local.length} pod(s) use emptyDir or hostPath volumes; their data stays behind on the old node.`,
      objects: local.map(podRef),
    });
  }
  const all = [...input.moving, ...input.standAlone];
  const noEvict = all.filter((p) => p.annotations['cluster-autoscaler.kubernetes.io/safe-to-evict'] === 'false');
  if (noEvict.length > 0) {
    risks.push({
      code: 'SafeToEvictFalse',
      message: `${noEvict.length} pod(s) are annotated cluster-autoscaler.kubernetes.io/safe-to-evict: "false"; their owners asked that they not be evicted.`,
      objects: noEvict.map(podRef),
    });
  }
  const doNotDisrupt = all.filter((p) => p.annotations['karpenter.sh/do-not-disrupt'] === 'true');
  if (doNotDisrupt.length > 0) {
    risks.push({
      code: 'DoNotDisrupt',
      message: `${doNotDisrupt.length} pod(s) are annotated karpenter.sh/do-not-disrupt: "true".`,
      objects: doNotDisrupt.map(podRef),
    });
  }
  if (input.misfits.length > 0) {
    risks.push({
      code: 'DaemonSetDoesNotFit',
      message: `${input.misfits.length} DaemonSet/node type pair(s): the DaemonSet pods alone exceed the node's allocatable (e.g. ${input.misfits[0]?.daemonSet} on ${input.misfits[0]?.vng}/${input.misfits[0]?.instanceType}).`,
      objects: [...new Set(input.misfits.map((m) => `DaemonSet ${m.daemonSet}`))].sort(),
    });
  }
  if (input.unschedulable.length > 0) {
    risks.push({
      code: 'PodsWithNoVng',
      message: `${input.unschedulable.length} pod(s) fit no VNG node type; e.g. ${input.unschedulable[0]?.summary ?? ''}`,
      objects: input.unschedulable.map(podRef),
    });
  }
  const unready = input.moving.filter((p) => p.phase === 'Running' && !p.ready);
  if (unready.length > 0) {
    risks.push({
      code: 'PodsNotReady',
      message: `${unready.length} pod(s) run but are not Ready today; they count against batchMinHealthyPercentage (${params.batchMinHealthyPercentage}%).`,
      objects: unready.map(podRef),
    });
  }
  if (input.unpriced.length > 0) {
    risks.push({
      code: 'UnknownPrice',
      message: `${input.unpriced.length} instance type(s) have no known on-demand price; they count as 0 in the cost.`,
      objects: input.unpriced.map((t) => `InstanceType ${t}`),
    });
  }
  if (input.burstable.length > 0) {
    const n = input.burstable.reduce((a, b) => a + b.count, 0);
    risks.push({
      code: 'BurstableTypes',
      message: `${n} new node(s) are burstable types (CPU credits): sustained load is throttled or billed as unlimited; exclude the t families from the VNG if that matters.`,
      objects: input.burstable.map((b) => `InstanceType ${b.type} (${b.count})`),
    });
  }
  return risks;
}
