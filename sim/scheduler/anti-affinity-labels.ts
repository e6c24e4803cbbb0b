/**
 * The placed pods' groups with required anti-affinity (placed-index.ts withRequiredAntiAffinity, a list that only grows),
 * filed by the namespaces and the labels their terms can select, so that the groups which may repel a pod are found
 * without testing every group against it.
 *
 * A term is filed under the namespaces it reaches (namespaceSlots: its namespaces, its own pod's when it names
 * none, any namespace with a namespaceSelector) and under one label its selector requires of every pod it selects: the first
 * of its matchLabels (key=value), else the values of its first In expression (key=value for each), else its first Exists
 * expression (key present), else none (any labels). A term with a null selector, or an In expression without values,
 * selects nothing and is not filed. A pod can thus only be selected by a term filed under its namespace or any, and under
 * one of its own labels, one of its label keys, or any labels: candidatesOf(pod) names those lists (a superset of the
 * groups repelling it; a group may appear in several).
 */
import type { PodAffinityTerm } from '../../src/model/types.js';
import type { PodGroup } from './placed-index.js';
import type { SchedPod } from './types.js';

/** The namespace slot of terms reaching any namespace (a namespace name never holds NUL). */
const ANY_NAMESPACE = '\u0000';
/** The label slot of terms whose selector requires no label. */
const ANY_LABELS = 'a';
const pairSlot = (key: string, value: string): string => `p${key}\u0000${value}`;
const keySlot = (key: string): string => `k${key}`;

/** The label slots a term is filed under (empty: it selects nothing). */
function labelSlots(term: PodAffinityTerm): string[] {
  const s = term.labelSelector;
  if (s === null) return [];
  if (s.matchExpressions.some((r) => r.operator === 'In' && r.values.length === 0)) return [];
  for (const [k, v] of Object.entries(s.matchLabels)) return [pairSlot(k, v)];
  for (const r of s.matchExpressions) if (r.operator === 'In') return r.values.map((v) => pairSlot(r.key, v));
  for (const r of s.matchExpressions) if (r.operator === 'Exists') return [keySlot(r.key)];
  return [ANY_LABELS];
}

function namespaceSlots(term: PodAffinityTerm, ownNamespace: string): readonly string[] {
  if (term.namespaceSelector !== null) return [ANY_NAMESPACE];
  return term.namespaces.length === 0 ? [ownNamespace] : term.namespaces;
}

export class AntiAffinityLabels {
  /** How many groups of the source list are filed. */
  private taken = 0;
  private readonly slots = new Map<string, Map<string, PodGroup[]>>();

  /** `all()`: the source list (append-only). */
  constructor(private readonly all: () => readonly PodGroup[]) {}

  /**
   * The lists holding every group that may repel `pod` (live: they grow as groups appear; call catchUp() before reading
   * them again). Together they hold no group twice only when each group's terms file it once.
   */
  candidatesOf(pod: SchedPod): readonly (readonly PodGroup[])[] {
    this.catchUp();
    const labelKeys = [ANY_LABELS];
    for (const [k, v] of Object.entries(pod.labels)) labelKeys.push(pairSlot(k, v), keySlot(k));
    const out: PodGroup[][] = [];
    for (const ns of [pod.namespace, ANY_NAMESPACE]) for (const l of labelKeys) out.push(this.list(ns, l));
    return out;
  }

  /** Files the groups that appeared in the source list since the last call. */
  catchUp(): void {
    const all = this.all();
    for (; this.taken < all.length; this.taken++) {
      const g = all[this.taken] as PodGroup;
      const filed = new Set<PodGroup[]>();
      for (const t of g.rep.podAntiAffinity) {
        const labels = labelSlots(t);
        for (const ns of namespaceSlots(t, g.rep.namespace)) {
          for (const l of labels) {
            const list = this.list(ns, l);
            if (filed.has(list)) continue;
            filed.add(list);
            list.push(g);
          }
        }
      }
    }
  }

  private list(namespace: string, label: string): PodGroup[] {
    let byLabel = this.slots.get(namespace);
    if (byLabel === undefined) this.slots.set(namespace, (byLabel = new Map()));
    let list = byLabel.get(label);
    if (list === undefined) byLabel.set(label, (list = []));
    return list;
  }
}
