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

/** Per position in a group: the class's cpu and memory requests, and 1 for a class whose volumes rule out every node. */
interface GroupShapes {
  readonly cpu: Float64Array;
  readonly memory: Float64Array;
  readonly unplaceable: Uint8Array;
}

function shapesOf(group: readonly PodClass[]): GroupShapes {
  const cpu = new Float64Array(group.length);
  const memory = new Float64Array(group.length);
  const unplaceable = new Uint8Array(group.length);
  for (let j = 0; j < group.length; j++) {
    const c = group[j] as PodClass;
    cpu[j] = c.spec.requests['cpu'] ?? 0;
    memory[j] = c.spec.requests['memory'] ?? 0;
    unplaceable[j] = c.volumes.errors.length > 0 ? 1 : 0;
  }
  return { cpu, memory, unplaceable };
}

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
  const shapes = new Map<readonly PodClass[], GroupShapes>();
  return (node: PlanNode, opener: PodClass): void => {
    const group = byGroup.get(book.groupOf(opener) ?? '');
    if (!group || group.length < 2) return;
    let shape = shapes.get(group);
    if (shape === undefined) shapes.set(group, (shape = shapesOf(group)));
    const { cpu, memory, unplaceable } = shape;
    const skip = new Set<PodClass>();
    // Where the last look stopped, and whether cpu lagged then: while it still lags the same way, every class before that
    // position is still passed over (its members are gone, it is skipped, it leans the wrong way or no longer fits: the
    // node only fills up), so the next look starts there. When the lag turns, the next look starts from the beginning.
    let resumeAt = -1;
    let resumeLags = false;
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
      let j = resumeAt >= lo && resumeLags === cpuLags ? resumeAt : lo;
      for (; j < group.length && j - lo < COMPLEMENT_WINDOW * 4; j++) {
        const c = group[j] as PodClass;
        if (unplaceable[j] === 1 || !live(c) || skip.has(c)) continue;
        const sc = (cpu[j] as number) / ac;
        const sm = (memory[j] as number) / am;
        if (cpuLags ? sc <= sm : sm <= sc) continue;
        if (!fits(a, r, c.spec.requests)) continue;
        pick = c;
        break;
      }
      resumeAt = j;
      resumeLags = cpuLags;
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
