/**
 * Balancing a node first fit just opened: it also takes pods of other classes of the same group whose cpu:memory mix
 * complements what it holds, so cpu-heavy and memory-heavy classes share nodes instead of each leaving one resource idle.
 */
import { runFilters } from '../predicates/index.js';
import type { PlanNode } from '../plan-node.js';
import type { PodClass } from '../pod-classes.js';
import { fits } from '../resources.js';
import type { DemandBook } from './demand.js';
import { placeMoving } from './place.js';
import type { ClassQueue, ClassQueues, PackState } from './state.js';

const COMPLEMENT_WINDOW = 64;

/** Adds to a node just opened pods of its opener's group that complement its cpu:memory mix (see complementer). */
export type Complement = (node: PlanNode, opener: PodClass) => void;

/**
 * A node just opened for one class also takes pods of other classes that want the same kind of node and complement it:
 * while its cpu share lags its memory share, pods heavier in cpu than in memory (and the reverse), largest first. Without
 * this a cpu-heavy class fills nodes whose memory sits idle and a memory-heavy one the opposite; with it both share
 * balanced nodes, as the cost bound assumes. Every addition passes every predicate.
 *
 * `byGroup`: the moving classes of each group, largest first; `queues`: first fit's queues, read and consumed here.
 */
export function complementer(
  state: PackState,
  book: DemandBook,
  byGroup: ReadonlyMap<string, readonly PodClass[]>,
  queues: ClassQueues,
): Complement {
  const { ctx, open } = state;
  const groupStart = new Map<readonly PodClass[], number>();
  return (node: PlanNode, opener: PodClass): void => {
    const group = byGroup.get(book.groupOf(opener) ?? '');
    if (!group || group.length < 2) return;
    const skip = new Set<PodClass>();
    for (let guard = 0; guard < 10_000; guard++) {
      const a = node.allocatable;
      const r = node.requested;
      const ac = a['cpu'] ?? 0;
      const am = a['memory'] ?? 0;
      if (ac <= 0 || am <= 0) return;
      const cpuLags = (r['cpu'] ?? 0) / ac < (r['memory'] ?? 0) / am;
      let pick: PodClass | null = null;
      // Classes with members left, largest first. The exhausted prefix is skipped for good; past it at most a window of
      // classes is looked at per addition, so a group of thousands of classes stays cheap.
      const live = (c: PodClass): boolean => {
        const q = queues.get(c);
        return q !== undefined && !q.turnPassed && q.head < q.items.length;
      };
      let lo = groupStart.get(group) ?? 0;
      while (lo < group.length && !live(group[lo] as PodClass)) lo++;
      groupStart.set(group, lo);
      for (let j = lo, looked = 0; j < group.length && looked < COMPLEMENT_WINDOW * 4; j++, looked++) {
        const c = group[j] as PodClass;
        if (!live(c) || skip.has(c) || c.volumes.errors.length > 0) continue;
        const sc = (c.spec.requests['cpu'] ?? 0) / ac;
        const sm = (c.spec.requests['memory'] ?? 0) / am;
        if (cpuLags ? sc <= sm : sm <= sc) continue;
        if (!fits(a, r, c.spec.requests)) continue;
        pick = c;
        break;
      }
      if (pick === null) return;
      if (runFilters(ctx, pick, node) !== null) {
        skip.add(pick);
        continue;
      }
      const q = queues.get(pick) as ClassQueue;
      placeMoving(state, book, pick, node, q.items[q.head++] as number);
      open.update(node);
    }
  };
}
