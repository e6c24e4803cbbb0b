/**
 * Which new node a class opens when no open node takes its next pod: the (VNG, instance type) pair with the lowest price per
 * waiting pod, in the zone its VNG uses least, on a template that passes every filter.
 */
import type { ResourceList } from '../../model/types.js';
import { runFilters } from '../predicates/index.js';
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import { fits } from '../resources.js';
import { constraintKey, type Demand, type DemandBook } from './demand.js';
import { materialize } from './place.js';
import type { PackState } from './state.js';
import { staticFailure } from './static-failure.js';
import type { Template } from './templates.js';

/** A (VNG, instance type) pair: its first template (zones of a pair share allocatable) and its templates by position. */
interface Pair {
  readonly name: string;
  readonly first: Template;
  readonly templates: number[];
}

/**
 * The pairs passing the static predicates, per constraint key, kept per template list from one solve to the next
 * (buildTemplates hands an equal solve the same list): the static predicates read only what the constraint key holds and
 * the template nodes, which no solve changes.
 */
const keptPairs = new WeakMap<readonly Template[], Map<string, Pair[]>>();

/** The most constraint keys kept per template list (the map starts again beyond). */
const MAX_KEPT_PAIRS = 10_000;

/**
 * Of the pairs kept for a constraint key, those whose first template has room for a request, by the request list: classes
 * of one workload (and the pods the model shares one list between) hold the same list, and the templates never change.
 */
const keptFitting = new WeakMap<readonly Pair[], WeakMap<ResourceList, Pair[]>>();

function fittingPairs(all: readonly Pair[], request: ResourceList): Pair[] {
  let byRequest = keptFitting.get(all);
  if (byRequest === undefined) keptFitting.set(all, (byRequest = new WeakMap()));
  let pairs = byRequest.get(request);
  if (pairs === undefined) {
    pairs = all.filter((p) => fits(p.first.node.allocatable, p.first.node.requested, request));
    byRequest.set(request, pairs);
  }
  return pairs;
}

function pairsKeptFor(templates: readonly Template[]): Map<string, Pair[]> {
  let m = keptPairs.get(templates);
  if (m === undefined) keptPairs.set(templates, (m = new Map()));
  return m;
}

/** A function that opens the best new node for a class (and returns it), or returns null when no VNG node type takes it. */
export type NewNodeOpener = (cls: PodClass) => PlanNode | null;

export function newNodeOpener(state: PackState, templates: readonly Template[], book: DemandBook): NewNodeOpener {
  const { ctx, zoneCounts } = state;
  /**
   * Templates that pass the label/taint/volume predicates, grouped by (VNG, instance type): cached per constraint key, since
   * most classes share one. Resource fit is then checked per pair on its first template (zones of a pair share allocatable);
   * the full filter still runs on the exact template before a node is opened.
   */
  const pairsByConstraint = pairsKeptFor(templates);
  const pairCache = new Map<PodClass, Pair[]>();
  const pairsOf = (cls: PodClass): Pair[] => {
    let pairs = pairCache.get(cls);
    if (pairs) return pairs;
    const key = book.groupOf(cls) ?? constraintKey(cls);
    let all = pairsByConstraint.get(key);
    if (!all) {
      const byName = new Map<string, Pair>();
      for (let i = 0; i < templates.length; i++) {
        const t = templates[i] as Template;
        if (staticFailure(ctx, cls, t.node) !== null) continue;
        const name = `${t.vngName}\u0000${t.type.name}`;
        const e = byName.get(name);
        if (e) e.templates.push(i);
        else byName.set(name, { name, first: t, templates: [i] });
      }
      all = [...byName.values()];
      if (pairsByConstraint.size >= MAX_KEPT_PAIRS) pairsByConstraint.clear();
      pairsByConstraint.set(key, all);
    }
    pairs = fittingPairs(all, cls.spec.requests);
    pairCache.set(cls, pairs);
    return pairs;
  };

  return (cls: PodClass): PlanNode | null => {
    const pairs = pairsOf(cls);
    if (pairs.length === 0) return null;
    const d = book.demandOf(cls);
    // Rank (VNG, type) pairs by price per waiting pod (then more pods per node, lower price, name); take the best, and only
    // when none of its zones passes every filter, the next best. Zones least used by the VNG first. The figures sit in
    // arrays by pair position rather than one object per pair, and the demand's average shape is worked out once for every
    // pair: a node opens hundreds of times per solve, each time over every pair that fits, and the ranking is the same
    // comparisons on the same numbers.
    const count = pairs.length;
    const want = averageShape(cls.spec.requests, d);
    const fit = new Float64Array(count);
    const score = new Float64Array(count);
    const price = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      const first = (pairs[k] as Pair).first;
      const f = podsPerNode(first, want);
      fit[k] = f;
      score[k] = first.price / f;
      price[k] = first.price;
    }
    const better = (a: number, b: number): boolean => {
      const sa = score[a] as number;
      const sb = score[b] as number;
      if (sa < sb) return true;
      if (sa !== sb) return false;
      const fa = fit[a] as number;
      const fb = fit[b] as number;
      if (fa > fb) return true;
      if (fa !== fb) return false;
      const pa = price[a] as number;
      const pb = price[b] as number;
      return pa < pb || (pa === pb && (pairs[a] as Pair).name < (pairs[b] as Pair).name);
    };
    /** Pairs whose zones were all tried (1), by position. */
    const tried = new Uint8Array(count);
    for (let triedCount = 0; triedCount < count; triedCount++) {
      let best = -1;
      for (let k = 0; k < count; k++) {
        if (tried[k] === 1) continue;
        if (best === -1 || better(k, best)) best = k;
      }
      tried[best] = 1;
      const pair = pairs[best] as Pair;
      const order = [...pair.templates].sort((a, b) => {
        const ta = templates[a] as Template;
        const tb = templates[b] as Template;
        const ca = zoneCounts.get(`${ta.vngName}/${ta.node.zone}`) ?? 0;
        const cb = zoneCounts.get(`${tb.vngName}/${tb.node.zone}`) ?? 0;
        return ca - cb || a - b;
      });
      for (const i of order) {
        const t = templates[i] as Template;
        if (runFilters(ctx, cls, t.node) !== null) continue;
        return materialize(state, t);
      }
    }
    return null;
  };
}

/**
 * The shape podsPerNode prices a node for: the waiting demand's average pod (its requests over the pods still waiting), or
 * the class's own requests when nothing waits; the resources it requests none of left out. `n`: the pods waiting (1 when
 * none). Made once per node opened, for every pair it ranks.
 */
interface AverageShape {
  readonly n: number;
  readonly keys: readonly string[];
  readonly averages: readonly number[];
}

function averageShape(request: ResourceList, d: Demand | undefined): AverageShape {
  const n = d && d.count > 0 ? d.count : 1;
  const shape = d && d.count > 0 ? d.requests : request;
  const keys: string[] = [];
  const averages: number[] = [];
  for (const key in shape) {
    const total = shape[key] ?? 0;
    if (total <= 0) continue;
    keys.push(key);
    averages.push(total / n);
  }
  return { n, keys, averages };
}

/**
 * How many pods of the waiting demand's average shape a fresh node of this template holds (at least 1: the pod that opens
 * it fits), capped by the number still waiting, so the last node of a group is priced for what is left.
 */
function podsPerNode(t: Template, want: AverageShape): number {
  const { n, keys, averages } = want;
  const allocatable = t.node.allocatable;
  const requested = t.node.requested;
  let k = Number.POSITIVE_INFINITY;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const free = (allocatable[key] ?? 0) - (requested[key] ?? 0);
    k = Math.min(k, free / (averages[i] as number));
  }
  if (!Number.isFinite(k)) k = n;
  return Math.max(1, Math.min(n, Math.floor(k)));
}
