/**
 * PostFilter preemption (kube-scheduler plugins/defaultpreemption/default_preemption.go and framework/preemption).
 *
 * Only a pod with preemptionPolicy other than Never preempts, and only on nodes whose filter failure was Unschedulable (not
 * UnschedulableAndUnresolvable). On each such node: remove every pod of strictly lower priority; if the pod still does not
 * pass the filters, the node is no candidate. Otherwise reprieve the removed pods one by one, most important first (higher
 * priority, then earlier start), the ones whose eviction would violate a PodDisruptionBudget first: a pod that can come back
 * with the preemptor still fitting stays; the rest are the victims.
 * PDB violation: walking the victims, each matching PDB (same namespace, non-empty selector) has its disruptionsAllowed
 * (status; absent = 0) decremented; a pod that drives any of them below 0 violates.
 * Among candidates: fewest PDB violations, then the lowest highest-victim priority, then the smallest sum of victim
 * priorities, then fewest victims, then the latest start among the highest-priority victims, then the first node.
 * Unlike kube-scheduler, every candidate node is evaluated (no sampled subset from a random offset) and nothing is
 * nominated or evicted here: the caller gets the node and the victims.
 * As kube-scheduler's PodEligibleToPreemptOthers and candidate search, nothing is tried when no placed pod anywhere has a
 * lower priority (kept per snapshot by the placed-pod index), and a node is tried against an overlay of the snapshot
 * (overlay.ts) rather than a copy of it.
 */
import { runFilters } from './framework.js';
import { selectorMatches } from './match.js';
import { withNode } from './overlay.js';
import { placedIndex } from './placed-index.js';
import type { FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

export interface PreemptionCandidate {
  readonly node: string;
  readonly victims: readonly SchedPod[];
  readonly pdbViolations: number;
}

function moreImportant(a: SchedPod, b: SchedPod): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return (a.startTime ?? 0) - (b.startTime ?? 0);
}

function splitByPdb(pods: readonly SchedPod[], snapshot: Snapshot): { violating: SchedPod[]; nonViolating: SchedPod[] } {
  const allowed = snapshot.pdbs.map((p) => p.disruptionsAllowed ?? 0);
  const violating: SchedPod[] = [];
  const nonViolating: SchedPod[] = [];
  for (const pod of pods) {
    let violates = false;
    snapshot.pdbs.forEach((pdb, i) => {
      const sel = pdb.selector;
      if (pdb.namespace !== pod.namespace || sel === null) return;
      if (Object.keys(sel.matchLabels).length === 0 && sel.matchExpressions.length === 0) return;
      if (!selectorMatches(sel, pod.labels)) return;
      const left = (allowed[i] ?? 0) - 1;
      allowed[i] = left;
      if (left < 0) violates = true;
    });
    (violates ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

/** The victims on one node (null when evicting every lower-priority pod still would not make the pod fit). */
export function selectVictimsOnNode(pod: SchedPod, node: NodeState, snapshot: Snapshot): PreemptionCandidate | null {
  const lower = node.pods.filter((p) => p.priority < pod.priority).sort(moreImportant);
  // Nothing to remove: the node already failed the filters with every pod on it, so it is no candidate.
  if (lower.length === 0) return null;
  let kept = node.pods.filter((p) => p.priority >= pod.priority);
  const fits = (): boolean => {
    const state = { node: node.node, pods: kept };
    return runFilters(pod, state, withNode(snapshot, node, state)).code === 'Success';
  };
  if (!fits()) return null;
  const { violating, nonViolating } = splitByPdb(lower, snapshot);
  const victims: SchedPod[] = [];
  let pdbViolations = 0;
  const reprieve = (p: SchedPod, violates: boolean): void => {
    kept = [...kept, p];
    if (fits()) return;
    kept = kept.slice(0, -1);
    victims.push(p);
    if (violates) pdbViolations++;
  };
  for (const p of violating) reprieve(p, true);
  for (const p of nonViolating) reprieve(p, false);
  victims.sort(moreImportant);
  return { node: node.node.name, victims, pdbViolations };
}

const PRIORITY_OFFSET = 2 ** 31;

function better(a: PreemptionCandidate, b: PreemptionCandidate): boolean {
  if (a.pdbViolations !== b.pdbViolations) return a.pdbViolations < b.pdbViolations;
  const topA = a.victims[0]?.priority ?? -Infinity;
  const topB = b.victims[0]?.priority ?? -Infinity;
  if (topA !== topB) return topA < topB;
  const sum = (c: PreemptionCandidate): number => c.victims.reduce((s, v) => s + v.priority + PRIORITY_OFFSET, 0);
  if (sum(a) !== sum(b)) return sum(a) < sum(b);
  if (a.victims.length !== b.victims.length) return a.victims.length < b.victims.length;
  const earliestTop = (c: PreemptionCandidate): number => {
    const top = c.victims[0]?.priority;
    return Math.min(...c.victims.filter((v) => v.priority === top).map((v) => v.startTime ?? 0));
  };
  return earliestTop(a) > earliestTop(b);
}

/**
 * The node and victims that let `pod` schedule, or null. `diagnosis` is the failed cycle's per-node filter result; nodes
 * missing from it (they passed) or failing unresolvably are not candidates.
 */
export function preempt(pod: SchedPod, snapshot: Snapshot, diagnosis: ReadonlyMap<string, FilterResult>): PreemptionCandidate | null {
  if (pod.preemptionPolicy === 'Never') return null;
  if (!placedIndex(snapshot).hasPriorityBelow(pod.priority)) return null;
  let best: PreemptionCandidate | null = null;
  for (const n of snapshot.nodes) {
    if (diagnosis.get(n.node.name)?.code !== 'Unschedulable') continue;
    const c = selectVictimsOnNode(pod, n, snapshot);
    if (c === null) continue;
    if (best === null || better(c, best)) best = c;
  }
  return best;
}
