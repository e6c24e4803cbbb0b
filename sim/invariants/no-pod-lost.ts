/**
 * Invariant 1: no pod is lost. Every pod whose controller recreates it (ReplicaSet, hence Deployment; StatefulSet; Job;
 * ReplicationController) has, at the end of the run, a live pod in its chain of replacements (itself, or the pod made to
 * replace it, or the one made to replace that, ...) that is Running, or bound to a node that exists and is Ready (the kubelet
 * is starting it: a run that fails stops the clock while replacements are still starting), or the failure report
 * (failure.objects or unscheduledPods) names one of them. Stand-alone pods (no controller) are never removed unless shouldEvictStandAlonePods is set, and when they are, the
 * engine's trace names each of them (pod.evicted / pod.deleted / pod.gone). A pod of the input that asks not to be
 * disrupted (karpenter.sh/do-not-disrupt, safe-to-evict "false", spotinst.io/restrict-scale-down), where the plan's
 * parameters honour it, is never removed.
 *
 * Chains are followed through the `replaces` field the world writes on pod.created (a StatefulSet pod replaces the pod of
 * the same name). Pods created during the run by someone else (a new workload) are chains of their own. DaemonSet and
 * mirror pods, pods already Succeeded or Failed, and pods of other controller kinds (which the world does not recreate) are
 * not checked. A chain whose last pod Kubernetes evicted off a NotReady node (taint-based eviction) is the node's failure,
 * not the migration's: it is not checked either; nor is one whose last pod a Spot interruption or rebalance removed (the
 * handler's drain, or the instance reclaimed with the pod on it), nor a stand-alone pod or one that asks not to be disrupted
 * removed that way: EC2 takes a Spot node whatever runs there, and that is no loss of the migration's. A Pending pod that a partial migration does not answer for (the plan's
 * pendingElsewhere) is checked like any other: the migration never touches it, so it is either placed by the end or still
 * Pending and unbound, and then unscheduledPods names it, even when the run completes.
 */
import { disruptionOptOut } from '../../src/model/kube/disruption-opt-out.js';
import { NOT_THE_MIGRATION, runsWorkload, type PodRec, type Replay } from './replay.js';
import type { CheckInput, Violation } from './types.js';
import { alone, type WalkingChecker } from './walking.js';

const RECREATED = new Set(['ReplicaSet', 'StatefulSet', 'Job', 'ReplicationController']);
const ENGINE_REMOVALS = new Set(['pod.evicted', 'pod.deleted', 'pod.gone']);

/** The pod was removed by Kubernetes itself or by the cloud (see NOT_THE_MIGRATION), not by the migration. */
function notTheMigration(p: PodRec): boolean {
  const reason = p.terminatingReason ?? p.goneReason;
  return reason !== null && NOT_THE_MIGRATION.has(reason);
}

function chain(root: PodRec): PodRec[] {
  const out: PodRec[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.shift() as PodRec;
    out.push(p);
    todo.push(...p.successors);
  }
  return out;
}

/** Invariant 1 as a part of a walk: it only reads the final state. */
export const noPodLostWalk: WalkingChecker = ({ cluster, result, plan }) => ({ hooks: {}, finish: (r) => podsLost(r, cluster, result, plan) });

export const checkNoPodLost = alone(noPodLostWalk);

function podsLost(r: Replay, cluster: CheckInput['cluster'], result: CheckInput['result'], plan: CheckInput['plan']): Violation[] {
  const out: Violation[] = [];
  const named = new Set<string>(result.unscheduledPods);
  for (const o of result.failure?.objects ?? []) if (o.startsWith('Pod ')) named.add(o.slice(4));
  const reported = new Set<string>();
  for (const ev of result.events) if (ENGINE_REMOVALS.has(ev.kind) && ev.object.startsWith('Pod ')) reported.add(ev.object.slice(4));
  const evictStandAlone = plan.params.shouldEvictStandAlonePods;
  const optedOut = new Map<string, string>();
  for (const p of cluster.pods) {
    const k = disruptionOptOut(p, plan.params);
    if (k !== null) optedOut.set(`${p.namespace}/${p.name}`, k);
  }

  for (const root of r.all) {
    if (root.replaces !== null || root.isDaemonSet || root.isMirror) continue;
    if (root.phase === 'Succeeded' || root.phase === 'Failed') continue;
    const optOut = root.fromInput ? optedOut.get(root.key) : undefined;
    if (optOut !== undefined && (root.gone || root.terminating) && !notTheMigration(root)) {
      const at = root.terminatingAt ?? root.goneAt ?? undefined;
      out.push({
        invariant: 1,
        message: `Pod ${root.key} asks not to be disrupted (${optOut}) and the parameters honour it, but it was removed (${root.terminatingReason ?? root.goneReason ?? 'unknown'})`,
        ...(at !== undefined ? { t: at } : {}),
        objects: [`Pod ${root.key}`],
      });
      continue;
    }
    if (root.ownerKind === null) {
      if (!root.gone && !root.terminating) continue;
      // Kubernetes' own taint-based eviction (a node NotReady past the pods' toleration) is not the migration's doing, nor
      // is a Spot interruption or rebalance.
      if (notTheMigration(root)) continue;
      const at = root.terminatingAt ?? root.goneAt ?? undefined;
      if (!evictStandAlone) {
        out.push({
          invariant: 1,
          message: `stand-alone Pod ${root.key} was removed (${root.terminatingReason ?? root.goneReason ?? 'unknown'}) although shouldEvictStandAlonePods is not set`,
          ...(at !== undefined ? { t: at } : {}),
          objects: [`Pod ${root.key}`],
        });
      } else if (!reported.has(root.key)) {
        out.push({
          invariant: 1,
          message: `stand-alone Pod ${root.key} was removed (${root.terminatingReason ?? root.goneReason ?? 'unknown'}) but the engine's trace does not list it`,
          ...(at !== undefined ? { t: at } : {}),
          objects: [`Pod ${root.key}`],
        });
      }
      continue;
    }
    if (!RECREATED.has(root.ownerKind)) continue;
    const members = chain(root);
    const placed = (p: PodRec): boolean => {
      if (!runsWorkload(p) || p.terminating || p.node === null) return false;
      if (p.phase === 'Running') return true;
      const node = r.nodes.get(p.node);
      return p.phase === 'Pending' && node !== undefined && node.exists && node.ready;
    };
    if (members.some(placed)) continue;
    if (members.some((p) => named.has(p.key))) continue;
    const last = members[members.length - 1] as PodRec;
    // The chain ends in a pod Kubernetes itself evicted off a NotReady node (taint-based eviction): a StatefulSet makes no
    // replacement until that pod is gone, which needs its kubelet back. The node's failure, not the migration, holds it.
    // Likewise a pod a Spot interruption or rebalance took last: its replacement is the cloud's story, not the migration's.
    if (notTheMigration(last)) continue;
    const state = last.gone
      ? `gone (${last.goneReason ?? 'unknown'}) at ${last.goneAt ?? '?'}s`
      : `${last.terminating ? 'terminating' : last.phase}${last.node === null ? ', unbound' : ` on ${last.node}`}`;
    out.push({
      invariant: 1,
      message: `Pod ${root.key} (${root.ownerKind}/${root.ownerName ?? '?'}) has no Running or starting pod in its chain of ${members.length} at the end and the failure report names none of them; the last is ${last.key}, ${state}`,
      objects: members.map((p) => `Pod ${p.key}`),
    });
  }
  return out;
}
