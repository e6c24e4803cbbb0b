/**
 * Packing phase 4, first-fit demand bookkeeping: moving classes grouped by the kind of node they want, and per group the
 * requests and pod count still waiting for a node (new-node choice prices a node type for that demand).
 */
import type { ResourceList } from '../../model/types.js';
import type { PodClass } from '../pod-classes.js';

export interface Demand {
  readonly requests: ResourceList;
  count: number;
}

export interface DemandBook {
  /** Each moving class's group: its constraint key. */
  readonly groupOf: ReadonlyMap<PodClass, string>;
  /** Demand still waiting, per group. */
  readonly demand: ReadonlyMap<string, Demand>;
}

/** Pods that want the same kind of node: same selectors, affinity, tolerations, architectures and volume placement. */
export function constraintKey(cls: PodClass): string {
  const spec = cls.spec;
  return JSON.stringify([spec.nodeSelector, spec.requiredNodeAffinity, spec.tolerations, cls.archs, cls.volumes]);
}

/** Every member of every moving class waiting, per group of pods that want the same kind of node. */
export function demandBook(movingClasses: readonly PodClass[]): DemandBook {
  // Demand still waiting, per group of pods that want the same kind of node.
  const groupOf = new Map<PodClass, string>();
  const demand = new Map<string, Demand>();
  for (const cls of movingClasses) {
    const g = constraintKey(cls);
    groupOf.set(cls, g);
    let d = demand.get(g);
    if (!d) demand.set(g, (d = { requests: {}, count: 0 }));
    // As adding the class's requests once per member, resource by resource (the same sums, without a pass per pod).
    const req = cls.spec.requests;
    for (const key in req) {
      const add = req[key] ?? 0;
      let v = d.requests[key] ?? 0;
      for (let i = 0; i < cls.members.length; i++) v += add;
      d.requests[key] = v;
    }
    d.count += cls.members.length;
  }
  return { groupOf, demand };
}
