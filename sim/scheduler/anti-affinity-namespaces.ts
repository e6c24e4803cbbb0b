/**
 * The placed pods' groups with required anti-affinity (placed-index.ts withRequiredAntiAffinity, a list that only grows),
 * by the namespaces their terms can select: a term without a namespaceSelector selects pods of its namespaces only (its
 * own pod's namespace when it names none), so a group whose terms all lack one can repel only pods of those namespaces; a
 * group with a namespaceSelector term may repel a pod of any namespace. The class cache asks, for a class of pods, only
 * the groups of its namespace and those of any (instead of every group, for every class).
 */
import type { PodGroup } from './placed-index.js';

const NONE: readonly PodGroup[] = [];

export class AntiAffinityNamespaces {
  /** How many groups of the source list are sorted in. */
  private taken = 0;
  private readonly byNamespace = new Map<string, PodGroup[]>();
  private readonly anywhere: PodGroup[] = [];

  /** `all()`: the source list (append-only). */
  constructor(private readonly all: () => readonly PodGroup[]) {}

  /** The groups that may repel a pod of `namespace`: those of its namespace, and those of any (both lists only grow). */
  candidates(namespace: string): { readonly own: readonly PodGroup[]; readonly any: readonly PodGroup[] } {
    this.catchUp();
    return { own: this.byNamespace.get(namespace) ?? NONE, any: this.anywhere };
  }

  private catchUp(): void {
    const all = this.all();
    for (; this.taken < all.length; this.taken++) {
      const g = all[this.taken] as PodGroup;
      const terms = g.rep.podAntiAffinity;
      if (terms.some((t) => t.namespaceSelector !== null)) {
        this.anywhere.push(g);
        continue;
      }
      const namespaces = new Set<string>();
      for (const t of terms) {
        if (t.namespaces.length === 0) namespaces.add(g.rep.namespace);
        else for (const n of t.namespaces) namespaces.add(n);
      }
      for (const n of namespaces) {
        let list = this.byNamespace.get(n);
        if (list === undefined) this.byNamespace.set(n, (list = []));
        list.push(g);
      }
    }
  }
}
