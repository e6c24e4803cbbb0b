/**
 * Packing phase 4, first-fit demand bookkeeping: moving classes grouped by the kind of node they want, and per group the
 * requests and pod count still waiting for a node (new-node choice prices a node type for that demand).
 */
import { sameValue } from '../../model/kube/same-value.js';
import type { ResourceList } from '../../model/types.js';
import { sameArchs, type PodClass } from '../pod-classes.js';
import { ByClass, idSpan } from './by-class.js';

export interface Demand {
  readonly requests: ResourceList;
  count: number;
}

export interface DemandBook {
  /** Each moving class's group: its constraint key (undefined for a class not in the book). */
  groupOf(cls: PodClass): string | undefined;
  /** Demand still waiting, per group. */
  readonly demand: ReadonlyMap<string, Demand>;
  /** The waiting demand of the class's group (what `demand` holds for its `groupOf`). */
  demandOf(cls: PodClass): Demand | undefined;
}

/**
 * Constraint keys by class key (then architectures), kept from one solve to the next: the autoscaler's solves meet the same
 * classes again and again. Only for classes without claims, whose volume placement is always empty: the rest of the
 * constraint key is made of fields the class key spells out entry by entry, so an equal class key gives an equal string.
 */
const byClassKey = new Map<string, { readonly archs: readonly string[] | null; readonly key: string }[]>();

/** The most class keys kept (the map starts again beyond). */
const MAX_KEPT = 200_000;

/**
 * Each constraint key's text as one string: the classes of a group (of every solve) then carry the same string, and the maps
 * keyed by group (the demand, first fit's groups, the node-type choices kept across solves) find it by identity instead of
 * comparing the texts character by character. The groups are few; the map starts again beyond MAX_KEPT all the same.
 */
const texts = new Map<string, string>();

function interned(key: string): string {
  const same = texts.get(key);
  if (same !== undefined) return same;
  if (texts.size >= MAX_KEPT) texts.clear();
  texts.set(key, key);
  return key;
}

function hasClaim(volumes: PodClass['spec']['volumes']): boolean {
  for (const v of volumes) if (v.kind === 'pvc') return true;
  return false;
}

/**
 * Classes whose constraint keys were made from their fields lately, each with its key, the latest first: a class usually
 * wants what one of them wants (the keys are few), and comparing its fields costs less than writing them out.
 */
const recent: { readonly cls: PodClass; readonly key: string }[] = [];

/** The most classes kept in `recent`. */
const RECENT = 8;

/** The constraint key from the class's fields: a recent class's key when their fields are equal data, else their JSON. */
function textOf(cls: PodClass): string {
  for (let i = 0; i < recent.length; i++) {
    const r = recent[i] as (typeof recent)[number];
    if (sameConstraints(r.cls, cls)) {
      if (i > 0) {
        recent.splice(i, 1);
        recent.unshift(r);
      }
      return r.key;
    }
  }
  const spec = cls.spec;
  const key = interned(JSON.stringify([spec.nodeSelector, spec.requiredNodeAffinity, spec.tolerations, cls.archs, cls.volumes]));
  recent.unshift({ cls, key });
  if (recent.length > RECENT) recent.pop();
  return key;
}

/** Would the two classes' constraint keys be equal? Only when sure: the fields whose JSON it is are equal data. */
function sameConstraints(a: PodClass, cls: PodClass): boolean {
  return (
    sameValue(a.spec.nodeSelector, cls.spec.nodeSelector) &&
    sameValue(a.spec.requiredNodeAffinity, cls.spec.requiredNodeAffinity) &&
    sameValue(a.spec.tolerations, cls.spec.tolerations) &&
    sameValue(a.archs, cls.archs) &&
    sameValue(a.volumes, cls.volumes)
  );
}

/** Pods that want the same kind of node: same selectors, affinity, tolerations, architectures and volume placement. */
export function constraintKey(cls: PodClass): string {
  const spec = cls.spec;
  const kept = cls.key !== undefined && !hasClaim(spec.volumes) ? cls.key : undefined;
  const list = kept === undefined ? undefined : byClassKey.get(kept);
  if (list !== undefined) for (const x of list) if (sameArchs(x.archs, cls.archs)) return x.key;
  const key = textOf(cls);
  if (kept === undefined) return key;
  if (list !== undefined) list.push({ archs: cls.archs, key });
  else {
    if (byClassKey.size >= MAX_KEPT) byClassKey.clear();
    byClassKey.set(kept, [{ archs: cls.archs, key }]);
  }
  return key;
}

/** Every member of every moving class waiting, per group of pods that want the same kind of node. */
export function demandBook(movingClasses: readonly PodClass[]): DemandBook {
  // Demand still waiting, per group of pods that want the same kind of node.
  const groups = new ByClass<string>(idSpan(movingClasses));
  const demand = new Map<string, Demand>();
  const ofClass = new ByClass<Demand>(idSpan(movingClasses));
  for (const cls of movingClasses) {
    const g = constraintKey(cls);
    groups.set(cls, g);
    let d = demand.get(g);
    if (!d) demand.set(g, (d = { requests: {}, count: 0 }));
    ofClass.set(cls, d);
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
  return { groupOf: (cls) => groups.get(cls), demand, demandOf: (cls) => ofClass.get(cls) };
}
