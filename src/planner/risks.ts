/** Risks the plan names before anything moves: each with a stable code, a message and the objects involved. */
import {
  DO_NOT_DISRUPT_ANNOTATION,
  RESTRICT_SCALE_DOWN_LABEL,
  SAFE_TO_EVICT_ANNOTATION,
  disruptionOptOutsOf,
  type DisruptionOptOut,
} from '../model/kube/disruption-opt-out.js';
import type { MigrationParams } from '../model/params.js';
import type { Cluster, Pod } from '../model/types.js';
import type { BatchPlan } from './batches.js';
import type { KeptNode } from './disruption-opt-out.js';
import type { DaemonSetMisfit } from './pack.js';
import type { PdbState } from './pdb.js';

export type RiskCode =
  | 'PdbAllowsNoDisruption'
  | 'PdbSerialisesBatch'
  | 'PodInSeveralPdbs'
  | 'StandAlonePods'
  | 'LocalStorage'
  | 'DoNotDisrupt'
  | 'DoNotDisruptOverridden'
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
  /** Pods on old nodes that stay because they ask not to be disrupted and the parameters honour it. */
  readonly optedOut: readonly { readonly pod: Pod; readonly key: DisruptionOptOut }[];
  readonly keptNodes: readonly KeptNode[];
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
  if (input.optedOut.length > 0) {
    const nodes = new Set(input.optedOut.map((o) => o.pod.nodeName));
    const keptNodes = input.keptNodes.filter((n) => nodes.has(n.name));
    risks.push({
      code: 'DoNotDisrupt',
      message: `${input.optedOut.length} pod(s) ask not to be disrupted (${optOutCounts(input.optedOut.map((o) => o.key))}): they are not evicted and stay where they are, so ${keptNodes.length} old node(s) stay too, cordoned and not terminated (see keptNodes). To evict them anyway: ${[
        ...(input.optedOut.some((o) => o.key !== RESTRICT_SCALE_DOWN_LABEL) ? ['respectDoNotDisrupt false (--no-respect-do-not-disrupt) for the annotations'] : []),
        ...(input.optedOut.some((o) => o.key === RESTRICT_SCALE_DOWN_LABEL) ? ['respectRestrictScaleDown false (--no-respect-restrict-scale-down) for the label'] : []),
      ].join('; ')}.`,
      objects: [...input.optedOut.map((o) => podRef(o.pod)), ...keptNodes.map((n) => `Node ${n.name}`)],
    });
  }
  // Pods on old nodes with an opt-out that the parameters do not honour: they are moved (or evicted) like the others.
  const evicted = [...input.moving, ...(params.shouldEvictStandAlonePods ? input.standAlone : [])];
  const overridden = evicted.filter((p) => p.nodeName !== null && disruptionOptOutsOf(p).length > 0);
  if (overridden.length > 0) {
    const off = [...(params.respectDoNotDisrupt ? [] : ['respectDoNotDisrupt']), ...(params.respectRestrictScaleDown ? [] : ['respectRestrictScaleDown'])];
    risks.push({
      code: 'DoNotDisruptOverridden',
      message: `${overridden.length} pod(s) ask not to be disrupted (${optOutCounts(overridden.flatMap((p) => disruptionOptOutsOf(p)))}) but ${off.join(' and ')} ${off.length > 1 ? 'are' : 'is'} false: they are evicted anyway.`,
      objects: overridden.map(podRef),
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

/** "2 annotated karpenter.sh/do-not-disrupt, 1 labelled spotinst.io/restrict-scale-down", counting each pod's keys. */
function optOutCounts(keys: readonly DisruptionOptOut[]): string {
  const words: [DisruptionOptOut, string][] = [
    [DO_NOT_DISRUPT_ANNOTATION, 'annotated karpenter.sh/do-not-disrupt: "true"'],
    [SAFE_TO_EVICT_ANNOTATION, 'annotated cluster-autoscaler.kubernetes.io/safe-to-evict: "false"'],
    [RESTRICT_SCALE_DOWN_LABEL, 'labelled spotinst.io/restrict-scale-down: "true"'],
  ];
  return words
    .map(([k, w]) => [keys.filter((x) => x === k).length, w] as const)
    .filter(([n]) => n > 0)
    .map(([n, w]) => `${n} ${w}`)
    .join(', ');
}
