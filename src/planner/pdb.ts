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
  // A PDB only looks at pods that can match: those of its namespace with its selector's first required label (by key), or
  // every pod of its namespace when the selector requires none. So live pods are indexed by namespace and by those labels
  // only (the keys some PDB of the namespace looks up), not by every label they carry.
  const firstKeys = pdbs.map((pdb) => (pdb.selector === null ? null : (Object.keys(pdb.selector.matchLabels).sort()[0] ?? null)));
  const wholeNamespaces = new Set<string>();
  const keysOf = new Map<string, string[]>();
  pdbs.forEach((pdb, k) => {
    if (pdb.selector === null) return;
    const first = firstKeys[k] ?? null;
    if (first === null) {
      wholeNamespaces.add(pdb.namespace);
      return;
    }
    const keys = keysOf.get(pdb.namespace);
    if (keys === undefined) keysOf.set(pdb.namespace, [first]);
    else if (!keys.includes(first)) keys.push(first);
  });
  const byNs = new Map<string, number[]>();
  /** namespace -> label key -> value -> pods. */
  const byLabel = new Map<string, Map<string, Map<string, number[]>>>();
  const push = <K>(m: Map<K, number[]>, k: K, i: number): void => {
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  };
  const level = <V>(m: Map<string, Map<string, V>>, k: string): Map<string, V> => {
    let next = m.get(k);
    if (next === undefined) m.set(k, (next = new Map()));
    return next;
  };
  pods.forEach((p, i) => {
    if (p.phase === 'Succeeded' || p.phase === 'Failed') return;
    if (wholeNamespaces.has(p.namespace)) push(byNs, p.namespace, i);
    const keys = keysOf.get(p.namespace);
    if (keys === undefined) return;
    for (const k of keys) {
      const v = p.labels[k];
      if (v !== undefined) push(level(level(byLabel, p.namespace), k), v, i);
    }
  });
  return pdbs.map((pdb, k) => {
    const selector = pdb.selector;
    let selected: number[] = [];
    const first = firstKeys[k] ?? null;
    if (selector !== null) {
      const pool =
        first === null ? (byNs.get(pdb.namespace) ?? []) : (byLabel.get(pdb.namespace)?.get(first)?.get(selector.matchLabels[first] as string) ?? []);
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
