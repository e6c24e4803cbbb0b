/**
 * Packing phase 4, first-fit demand bookkeeping: moving classes grouped by the kind of node they want, and per group the
 * requests and pod count still waiting for a node (new-node choice prices a node type for that demand).
 */
import { sameValue } from '../../model/kube/same-value.js';
import type { ResourceList } from '../../model/types.js';
import type { PodClass } from '../pod-classes.js';
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

/** The most constraint texts kept (the map starts again beyond). */
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

/**
 * Pods that want the same kind of node: same selectors, affinity, tolerations, architectures and volume placement. Made from
 * the class's fields each time (a recent class's key when they are equal data): a table of keys by class key, kept across
 * solves, was tried before `recent` existed, and a look-up there (tens of thousands of long class keys, each handed over as
 * its own string, so compared character by character) costs more than comparing the fields with a few recent classes.
 */
export function constraintKey(cls: PodClass): string {
  return textOf(cls);
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
    const members = cls.members.length;
    for (const key in req) d.requests[key] = timesAdded(d.requests[key] ?? 0, req[key] ?? 0, members);
    d.count += members;
  }
  return { groupOf: (cls) => groups.get(cls), demand, demandOf: (cls) => ofClass.get(cls) };
}

/**
 * `from` with `add` added `times` times, one addition after another. Requests are integers (resources.ts): when `from`,
 * `add` and the product's sum are safe integers, every partial sum lies between `from` and that sum, so each addition was
 * exact and one multiplication gives the very same number; otherwise (a fraction, a figure past 2^53) the additions are
 * made one by one, as rounding then depends on them. A class of a thousand replicas costs one step instead of a thousand.
 */
function timesAdded(from: number, add: number, times: number): number {
  const total = from + add * times;
  if (Number.isSafeInteger(from) && Number.isSafeInteger(add) && Number.isSafeInteger(add * times) && Number.isSafeInteger(total)) return total;
  let v = from;
  for (let i = 0; i < times; i++) v += add;
  return v;
}
