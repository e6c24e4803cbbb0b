/**
 * Invariant 2: while respectPdb is set, no eviction the engine causes leaves a PodDisruptionBudget below what it needs.
 *
 * The healthy count of every PDB is rebuilt from the input cluster and the world's pod events; at each pod the world starts
 * to delete (pod.terminating with reason evicted or deleted) it is computed just before, as the disruption controller does:
 * selected = pods of the PDB's namespace its selector matches, not Succeeded/Failed; healthy = Running, Ready, not
 * terminating; desiredHealthy = minAvailable when it is a number, else from the expected count (the scale of each selected
 * pod's controller, as the input cluster states it, or its live pods when unknown; one per stand-alone pod):
 * maxUnavailable -> expected - maxUnavailable (percentages rounded up), minAvailable percentage -> ceil(p * expected).
 *
 * A Running, Ready pod may go only if healthy - 1 >= desiredHealthy; a Running pod that is not Ready only if healthy >=
 * desiredHealthy (the API server's default unhealthyPodEvictionPolicy, IfHealthyBudget). Pods that are not Running are
 * deleted without a budget check, as the API server does. Exempt: forced deletions (reason deleted, no pod.evicted trace by
 * the engine for that pod at that instant) when forcePodEvictionOnPdbFailure is set.
 */
import type { IntOrPercent, PodDisruptionBudget } from '../../src/model/types.js';
import type { TraceEvent } from '../cluster.js';
import { podKeyOf, type PodRec, type Replay } from './replay.js';
import { labelsMatch } from './selector.js';
import type { Violation } from './types.js';
import { alone, NOTHING_TO_CHECK, type WalkingChecker } from './walking.js';

export interface PdbCount {
  readonly healthy: number;
  readonly desired: number;
  readonly expected: number;
}

const scaled = (v: IntOrPercent, total: number): number => (v.kind === 'int' ? v.value : Math.ceil((v.value * total) / 100));

/** The disruption controller's counts of one PDB over the live pods. */
export function pdbCount(pdb: PodDisruptionBudget, pods: Iterable<PodRec>, replicas: ReadonlyMap<string, number>): PdbCount {
  const selected: PodRec[] = [];
  if (pdb.selector !== null) {
    for (const p of pods) {
      if (p.namespace !== pdb.namespace || p.phase === 'Succeeded' || p.phase === 'Failed') continue;
      if (labelsMatch(pdb.selector, p.labels)) selected.push(p);
    }
  }
  const healthy = selected.filter((p) => p.phase === 'Running' && p.ready && !p.terminating).length;
  if (pdb.minAvailable !== null && pdb.minAvailable.kind === 'int') return { healthy, desired: pdb.minAvailable.value, expected: selected.length };
  let expected = 0;
  const live = new Map<string, number>();
  for (const p of selected) {
    if (p.ownerUid === null) expected += 1;
    else live.set(p.ownerUid, (live.get(p.ownerUid) ?? 0) + (p.terminating ? 0 : 1));
  }
  for (const [uid, n] of live) expected += replicas.get(uid) ?? n;
  let desired = 0;
  if (pdb.maxUnavailable !== null) desired = Math.max(0, expected - scaled(pdb.maxUnavailable, expected));
  else if (pdb.minAvailable !== null) desired = scaled(pdb.minAvailable, expected);
  return { healthy, desired, expected };
}

export const pdbRespectedWalk: WalkingChecker = ({ plan, cluster, result }) => {
  const params = plan.params;
  if (!params.respectPdb) return NOTHING_TO_CHECK;
  const out: Violation[] = [];
  const replicas = new Map<string, number>();
  for (const w of cluster.workloads) if (w.replicas !== null) replicas.set(w.uid, w.replicas);
  const engineEvicted = new Set<string>();
  for (const ev of result.events) if (ev.kind === 'pod.evicted') engineEvicted.add(`${ev.t}|${podKeyOf(ev)}`);
  const pdbs = [...cluster.pdbs].filter((b) => b.selector !== null);

  const check = (ev: TraceEvent, r: Replay, reason: string): void => {
    const key = podKeyOf(ev);
    const pod = r.pods.get(key);
    if (!pod || pod.phase !== 'Running' || pod.terminating) return;
    if (reason === 'deleted' && params.forcePodEvictionOnPdbFailure && !engineEvicted.has(`${ev.t}|${key}`)) return;
    const wasHealthy = pod.ready;
    for (const pdb of pdbs) {
      if (pdb.selector === null || pdb.namespace !== pod.namespace || !labelsMatch(pdb.selector, pod.labels)) continue;
      const c = pdbCount(pdb, r.pods.values(), replicas);
      const after = wasHealthy ? c.healthy - 1 : c.healthy;
      if (after >= c.desired) continue;
      out.push({
        invariant: 2,
        message: `${reason === 'deleted' ? 'deleting' : 'evicting'} ${wasHealthy ? 'Ready' : 'unready'} Pod ${key} left PodDisruptionBudget ${pdb.namespace}/${pdb.name} with ${after} healthy pod(s); it needs ${c.desired} (expected ${c.expected})`,
        t: ev.t,
        objects: [`Pod ${key}`, `PodDisruptionBudget ${pdb.namespace}/${pdb.name}`],
      });
    }
  };

  return {
    hooks: {
      before(ev, r) {
        if (ev.kind !== 'pod.terminating') return;
        const reason = ev['reason'];
        if (reason === 'evicted' || reason === 'deleted') check(ev, r, reason);
      },
    },
    finish: () => out,
  };
};

export const checkPdbRespected = alone(pdbRespectedWalk);
