/** PodDisruptionBudgets as the disruption controller computes them: which pods each covers, and how many may go at once. */
import type { IntOrPercent, Pod, PodDisruptionBudget } from '../model/types.js';
import { selectorMatches } from './selectors.js';

export interface PdbState {
  readonly pdb: PodDisruptionBudget;
  /** Indexes (into the cluster's pod list) of the pods it selects. */
  readonly pods: readonly number[];
  readonly expected: number;
  readonly healthy: number;
  readonly disruptionsAllowed: number;
}

function scaled(v: IntOrPercent, total: number): number {
  return v.kind === 'int' ? v.value : Math.ceil((v.value * total) / 100);
}

/** A PDB with a null selector selects nothing (policy/v1); an empty selector selects every pod of its namespace. */
export function pdbStates(pdbs: readonly PodDisruptionBudget[], pods: readonly Pod[]): PdbState[] {
  const byNs = new Map<string, number[]>();
  pods.forEach((p, i) => {
    if (p.phase === 'Succeeded' || p.phase === 'Failed') return;
    const list = byNs.get(p.namespace);
    if (list) list.push(i);
    else byNs.set(p.namespace, [i]);
  });
  return pdbs.map((pdb) => {
    const selected =
      pdb.selector === null
        ? []
        : (byNs.get(pdb.namespace) ?? []).filter((i) => selectorMatches(pdb.selector!, (pods[i] as Pod).labels));
    const expected = selected.length;
    const healthy = selected.filter((i) => {
      const p = pods[i] as Pod;
      return p.phase === 'Running' && p.ready;
    }).length;
    let allowed: number;
    if (pdb.disruptionsAllowed !== null) allowed = pdb.disruptionsAllowed;
    else if (pdb.maxUnavailable !== null) allowed = scaled(pdb.maxUnavailable, expected) - (expected - healthy);
    else if (pdb.minAvailable !== null) allowed = healthy - scaled(pdb.minAvailable, expected);
    else allowed = healthy; // neither set: the API server rejects this, treat as unbounded by the budget
    return { pdb, pods: selected, expected, healthy, disruptionsAllowed: Math.max(0, allowed) };
  });
}
