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
  // Index live pods by namespace, and by namespace plus each label, so a PDB only looks at pods that can match.
  const byNs = new Map<string, number[]>();
  const byLabel = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, i: number): void => {
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  };
  pods.forEach((p, i) => {
    if (p.phase === 'Succeeded' || p.phase === 'Failed') return;
    push(byNs, p.namespace, i);
    for (const k in p.labels) push(byLabel, `${p.namespace}\u0000${k}=${p.labels[k]}`, i);
  });
  return pdbs.map((pdb) => {
    const selector = pdb.selector;
    let selected: number[] = [];
    if (selector !== null) {
      const first = Object.keys(selector.matchLabels).sort()[0];
      const pool = first === undefined ? (byNs.get(pdb.namespace) ?? []) : (byLabel.get(`${pdb.namespace}\u0000${first}=${selector.matchLabels[first]}`) ?? []);
      selected = pool.filter((i) => selectorMatches(selector, (pods[i] as Pod).labels));
    }
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
