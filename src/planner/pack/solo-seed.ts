/**
 * Seeding new nodes with pods that need a node each: a class whose own hostname anti-affinity term selects it runs at most
 * one pod per node, so its waiting members will open nodes of their own unless nodes opened for other pods take one each.
 * While such pods outnumber the nodes their group's waiting pods need by resources, they decide the node count, and a node
 * that ends up holding none of them is a node too many. So then, when first fit opens a node, it first gives it one such
 * pod that no node open so far could take. Without this, nodes that pods of larger classes fill before those classes'
 * turn hold none of them, and the plan needs one node more per such node than the anti-affinity pods alone require.
 */
import { MONOTONE_PLUGINS, runFilters } from '../predicates/index.js';
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import { fits } from '../resources.js';
import type { Demand, DemandBook } from './demand.js';
import { placeMoving } from './place.js';
import type { ClassQueue, ClassQueues, PackState } from './state.js';

const HOSTNAME = 'kubernetes.io/hostname';
/** Classes with waiting pods looked at per node opened, so a group of thousands of such classes stays cheap. */
const SEED_WINDOW = 16;

export interface SoloSeeder {
  /** Gives a node just opened for `opener` one pod of a one-per-node class of its group that has nowhere else to go. */
  seed(node: PlanNode, opener: PodClass): void;
  /** First fit starts a pass over new queues. */
  newPass(): void;
}

/** The class's own required anti-affinity terms per hostname that select the class itself. */
function selfTerms(cls: PodClass, state: PackState): number[] {
  return cls.antiTermIds.filter((id) => state.ctx.terms.terms[id]?.topologyKey === HOSTNAME && cls.matchedTermIds.includes(id));
}

/** How many nodes of this node's size the demand needs by resources alone (fractional: the largest share). */
function nodesByResources(demand: Demand | undefined, node: PlanNode): number {
  let need = 0;
  if (!demand) return need;
  for (const key in demand.requests) {
    const want = demand.requests[key] ?? 0;
    const have = node.allocatable[key] ?? 0;
    if (want > 0 && have > 0) need = Math.max(need, want / have);
  }
  return need;
}

interface SoloGroup {
  /** The group's one-per-node classes, largest first. */
  readonly classes: readonly PodClass[];
  /** Per self term: the group's classes it keeps apart (each class of `classes` under each of its self terms). */
  readonly byTerm: ReadonlyMap<number, readonly PodClass[]>;
  /** Classes before `live` have no pod waiting in this pass. */
  live: number;
}

/**
 * `byGroup`: the moving classes of each group, largest first; `queues`: first fit's queues, read and consumed here. A class
 * is seeded only onto nodes opened for pods of its own group and priority, and only while no other open node passes every
 * filter for it (nodes that fail it on a monotone predicate are remembered, so each is tried once per class).
 */
export function soloSeeder(
  state: PackState,
  book: DemandBook,
  byGroup: ReadonlyMap<string, readonly PodClass[]>,
  queues: ClassQueues,
): SoloSeeder {
  const { ctx, open } = state;
  const groups = new Map<string, SoloGroup>();
  const termsOf = new Map<PodClass, number[]>();
  for (const [group, classes] of byGroup) {
    const list: PodClass[] = [];
    const byTerm = new Map<number, PodClass[]>();
    for (const c of classes) {
      const ids = selfTerms(c, state);
      if (ids.length === 0 || c.volumes.errors.length > 0) continue;
      list.push(c);
      termsOf.set(c, ids);
      for (const id of ids) {
        const partners = byTerm.get(id);
        if (partners) partners.push(c);
        else byTerm.set(id, [c]);
      }
    }
    if (list.length > 0) groups.set(group, { classes: list, byTerm, live: 0 });
  }
  const waiting = (c: PodClass): number => {
    const q = queues.get(c);
    return q === undefined || q.turnPassed ? 0 : q.items.length - q.head;
  };
  /** Do more than `need` waiting pods share one of `c`'s self terms (so that no node holds two of them)? */
  const moreExclusiveThan = (c: PodClass, g: SoloGroup, need: number): boolean => {
    const ids = termsOf.get(c) ?? [];
    const counted = ids.length > 1 ? new Set<PodClass>() : null;
    let n = 0;
    for (const id of ids) {
      for (const o of g.byTerm.get(id) ?? []) {
        if (counted) {
          if (counted.has(o)) continue;
          counted.add(o);
        }
        n += waiting(o);
        if (n > need) return true;
      }
    }
    return false;
  };
  // Per class: nodes before `start` are closed to it for good; `closed` holds the later ones; `hint` passed last time.
  const seen = new Map<PodClass, { start: number; readonly closed: Set<number>; hint: number }>();

  /** Does an open node other than `except` pass every filter for the class now? */
  const placeableElsewhere = (cls: PodClass, except: PlanNode): boolean => {
    let s = seen.get(cls);
    if (!s) seen.set(cls, (s = { start: 0, closed: new Set(), hint: -1 }));
    const req = cls.spec.requests;
    const passes = (node: PlanNode): boolean => fits(node.allocatable, node.requested, req) && runFilters(ctx, cls, node) === null;
    const hinted = s.hint === -1 ? undefined : ctx.nodes[s.hint];
    if (hinted && hinted !== except && passes(hinted)) return true;
    const rc = req['cpu'] ?? 0;
    const rm = req['memory'] ?? 0;
    let prefix = true;
    for (let i = open.first(cls, s.start, rc, rm); i !== -1; i = open.first(cls, i + 1, rc, rm)) {
      const node = ctx.nodes[i] as PlanNode;
      let isClosed = s.closed.has(i);
      if (!isClosed && node !== except) {
        const failure = fits(node.allocatable, node.requested, req) ? runFilters(ctx, cls, node) : { plugin: 'NodeResourcesFit' as const, reasons: [] };
        if (failure === null) {
          s.hint = i;
          return true;
        }
        if (failure.monotone ?? MONOTONE_PLUGINS.has(failure.plugin)) {
          s.closed.add(i);
          isClosed = true;
        }
      }
      if (prefix && isClosed) s.start = i + 1;
      else prefix = false;
    }
    return false;
  };

  return {
    newPass(): void {
      for (const g of groups.values()) g.live = 0;
    },
    seed(node: PlanNode, opener: PodClass): void {
      const g = groups.get(book.groupOf(opener) ?? '');
      if (!g) return;
      while (g.live < g.classes.length && waiting(g.classes[g.live] as PodClass) === 0) g.live++;
      const need = nodesByResources(book.demandOf(opener), node);
      for (let j = g.live, tried = 0; j < g.classes.length && tried < SEED_WINDOW; j++) {
        const c = g.classes[j] as PodClass;
        if (c === opener || c.spec.priority !== opener.spec.priority || waiting(c) === 0) continue;
        tried++;
        if (!moreExclusiveThan(c, g, need)) continue;
        if (runFilters(ctx, c, node) !== null) continue;
        if (placeableElsewhere(c, node)) continue;
        const q = queues.get(c) as ClassQueue;
        placeMoving(state, book, c, node, q.items[q.head++] as number);
        open.update(node);
        return;
      }
    },
  };
}
