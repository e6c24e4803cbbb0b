/**
 * The disruption controller and the Eviction subresource: each PodDisruptionBudget's status computed live from the pods
 * (expected, healthy, desired, allowed, with controllers' scale for percentages and maxUnavailable), the 429 refusal when a
 * budget allows nothing, and each pod's disruption opt-outs (annotations and labels that ask drains to leave it alone).
 */
import { disruptionOptOutsOf, type DisruptionOptOut } from '../../src/model/kube/disruption-opt-out.js';
import type { IntOrPercent, Labels, PodDisruptionBudget } from '../../src/model/types.js';
import { selectorMatches } from '../../src/planner/selectors.js';
import type { ApiStore } from './api-store.js';
import { cmp, key, type EvictionAnswer, type SimPod } from './types.js';

export interface PdbStatus {
  readonly expected: number;
  readonly healthy: number;
  readonly desired: number;
  readonly allowed: number;
}

export type { EvictionAnswer } from './types.js';

export class DisruptionController {
  readonly pdbs: PodDisruptionBudget[];
  /** The budgets of each namespace, in namespace/name order. */
  private readonly byNamespace = new Map<string, PodDisruptionBudget[]>();
  /** The pods in the store each budget's selector matches. */
  private readonly selected = new Map<PodDisruptionBudget, Set<SimPod>>();
  /**
   * pdbsOf's answer per labels object (never changed; the pods a controller creates share their template's), with the
   * namespace it was made for: the answer reads nothing else of the pod.
   */
  private readonly budgetsOf = new WeakMap<Labels, { readonly namespace: string; readonly pdbs: readonly PodDisruptionBudget[] }>();

  /**
   * `replicas`: the controllers' scale by controller uid (read live); `deletePod`: the graceful deletion an allowed
   * eviction makes.
   */
  constructor(
    pdbs: readonly PodDisruptionBudget[],
    private readonly store: ApiStore,
    private readonly replicas: ReadonlyMap<string, number>,
    private readonly deletePod: (pod: SimPod, reason: string) => void,
  ) {
    this.pdbs = [...pdbs].sort((a, b) => cmp(key(a.namespace, a.name), key(b.namespace, b.name)));
    for (const pdb of this.pdbs) {
      const list = this.byNamespace.get(pdb.namespace);
      if (list === undefined) this.byNamespace.set(pdb.namespace, [pdb]);
      else list.push(pdb);
      this.selected.set(pdb, new Set());
    }
    // Each budget's pods, kept as pods come and go (labels never change), so a status is computed from its own pods.
    const listener = {
      added: (pod: SimPod): void => {
        for (const pdb of this.pdbsOf(pod)) this.selected.get(pdb)?.add(pod);
      },
      removed: (pod: SimPod): void => {
        for (const pdb of this.pdbsOf(pod)) this.selected.get(pdb)?.delete(pod);
      },
    };
    for (const pod of store.pods.values()) listener.added(pod);
    store.pods.listen(listener);
  }

  /** The disruption controller's view of a PDB now. */
  pdbStatus(pdb: PodDisruptionBudget): PdbStatus {
    const selected = [...(this.selected.get(pdb) ?? [])].filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed');
    const healthy = selected.filter((p) => p.phase === 'Running' && p.ready && !p.terminating).length;
    const scaled = (v: IntOrPercent, total: number): number => (v.kind === 'int' ? v.value : Math.ceil((v.value * total) / 100));
    let expected: number;
    let desired: number;
    if (pdb.minAvailable !== null && pdb.minAvailable.kind === 'int') {
      expected = selected.length;
      desired = pdb.minAvailable.value;
    } else {
      // Percentages and maxUnavailable need the controllers' scale.
      const owners = new Map<string, number>();
      let loose = 0;
      for (const p of selected) {
        if (p.owner === null) loose += 1;
        else owners.set(p.owner.uid, (owners.get(p.owner.uid) ?? 0) + (p.terminating ? 0 : 1));
      }
      expected = loose;
      for (const [uid, count] of owners) expected += this.replicas.get(uid) ?? count;
      if (pdb.maxUnavailable !== null) desired = Math.max(0, expected - scaled(pdb.maxUnavailable, expected));
      else if (pdb.minAvailable !== null) desired = scaled(pdb.minAvailable, expected);
      else desired = 0;
    }
    return { expected, healthy, desired, allowed: Math.max(0, healthy - desired) };
  }

  /**
   * The PDBs selecting a pod (worked out once per labels object and namespace, kept for its later removal: labels and
   * namespace never change).
   */
  pdbsOf(pod: SimPod): readonly PodDisruptionBudget[] {
    const labels = pod.base.labels;
    const kept = this.budgetsOf.get(labels);
    if (kept !== undefined && kept.namespace === pod.namespace) return kept.pdbs;
    const pdbs = (this.byNamespace.get(pod.namespace) ?? []).filter((b) => b.selector !== null && selectorMatches(b.selector, labels));
    this.budgetsOf.set(labels, { namespace: pod.namespace, pdbs });
    return pdbs;
  }

  /** The Eviction subresource; `reason` is what the pod's termination is traced with (who asked for the eviction). */
  evict(namespace: string, name: string, reason = 'evicted'): EvictionAnswer {
    const pod = this.store.pods.get(key(namespace, name));
    if (!pod) return { kind: 'gone' };
    if (pod.terminating) return { kind: 'evicted' };
    // Pods that are not running are deleted without a budget check, as the API server does.
    if (pod.phase === 'Running') {
      for (const pdb of this.pdbsOf(pod)) {
        const s = this.pdbStatus(pdb);
        if (s.allowed <= 0) {
          this.store.emit('pdb.blocked', `PodDisruptionBudget ${key(pdb.namespace, pdb.name)}`, {
            pod: key(namespace, name),
            expected: s.expected,
            healthy: s.healthy,
            desired: s.desired,
          });
          return {
            kind: 'blocked-by-pdb',
            message: `Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ${pdb.name} needs ${s.desired} healthy pods and has ${s.healthy} currently`,
          };
        }
      }
    }
    this.deletePod(pod, reason);
    return { kind: 'evicted' };
  }

  /** The pod's disruption opt-outs, from the annotations and labels of its spec (the input's, or its controller's template). */
  optOutsOf(p: SimPod): readonly DisruptionOptOut[] {
    return (p.optOuts ??= disruptionOptOutsOf(p.base));
  }
}
