/**
 * Invariant 3: no more old nodes are cordoned and draining at once than the batch allows.
 *
 * Which nodes are in flight depends on cordonAllAtStart:
 * - off: a node is "cordoned and draining" from the moment the world records it cordoned during the run (node.updated
 *   unschedulable=true);
 * - on: every selected old node is cordoned when the migration starts, by design, so cordoned is not draining: a node is
 *   draining from the first pod that starts terminating on it because the migration evicted or deleted it (pod.terminating
 *   with reason evicted or deleted).
 * Either way it stays in flight until it is uncordoned, its instance shuts down, its Node object is deleted, the engine keeps
 * it (node.kept: stand-alone pods hold it; it stays cordoned by design) or its batch completes (batch.completed, after which
 * a drained node only waits to be terminated, if at all). Each time a node enters that set, every node in it must belong to
 * one and the same batch of the plan, so at most that batch's size are in flight; a node cordoned (or drained) that is in
 * no batch is reported too. Nodes already cordoned in the input are not the migration's doing and are not counted, nor are
 * cordons the trace says someone else made (node.updated with `by`: a Spot interruption or rebalance drains a launched node).
 */
import type { TraceEvent } from '../cluster.js';
import { nodeNameOf, spotCause } from './replay.js';
import type { Violation } from './types.js';
import { alone, type WalkingChecker } from './walking.js';

/** Reasons the world gives a pod's termination when the migration asked for it (the Eviction API, or a forced delete). */
const MIGRATION_REASONS: ReadonlySet<unknown> = new Set(['evicted', 'deleted']);

export const batchConcurrencyWalk: WalkingChecker = ({ plan }) => {
  const out: Violation[] = [];
  const cordonAll = plan.params.cordonAllAtStart;
  const batchOf = new Map<string, number>();
  plan.batches.forEach((b, i) => {
    for (const n of b.nodes) batchOf.set(n, i);
  });
  const inFlight = new Set<string>();
  const enter = (name: string, t: number, what: string): void => {
    if (inFlight.has(name) && cordonAll) return;
    inFlight.add(name);
    const batches = new Set<number>();
    let stray = false;
    for (const n of inFlight) {
      const b = batchOf.get(n);
      if (b === undefined) stray ||= n === name;
      else batches.add(b);
    }
    if (stray) out.push({ invariant: 3, message: `Node ${name} was ${what} but is in no batch of the plan`, t, objects: [`Node ${name}`] });
    if (batches.size > 1) {
      const sizes = [...batches].sort((a, b) => a - b).map((b) => `batch ${b + 1} (${plan.batches[b]?.nodes.length ?? 0} nodes)`);
      out.push({
        invariant: 3,
        message: `${inFlight.size} old nodes cordoned and draining at once, from ${sizes.join(', ')}; one batch at a time is allowed`,
        t,
        objects: [...inFlight].sort().map((n) => `Node ${n}`),
      });
    }
  };
  const hooks = {
    after(ev: TraceEvent): void {
      switch (ev.kind) {
        case 'node.updated': {
          const name = nodeNameOf(ev);
          if (spotCause(ev) !== null) return;
          if (ev['unschedulable'] !== true) inFlight.delete(name);
          else if (!cordonAll) enter(name, ev.t, 'cordoned');
          else if (!batchOf.has(name)) out.push({ invariant: 3, message: `Node ${name} was cordoned but is in no batch of the plan`, t: ev.t, objects: [`Node ${name}`] });
          return;
        }
        case 'pod.terminating': {
          const node = ev['node'];
          if (cordonAll && typeof node === 'string' && MIGRATION_REASONS.has(ev['reason'])) enter(node, ev.t, 'drained');
          return;
        }
        case 'instance.shutting-down': {
          const node = ev['node'];
          if (typeof node === 'string') inFlight.delete(node);
          return;
        }
        case 'node.deleted':
        case 'node.kept':
        case 'node.terminated':
          inFlight.delete(nodeNameOf(ev));
          return;
        case 'batch.completed': {
          const k = Number(nodeNameOf(ev)) - 1;
          for (const n of plan.batches[k]?.nodes ?? []) inFlight.delete(n);
          return;
        }
        default:
          return;
      }
    },
  };
  return { hooks, finish: () => out };
};

export const checkBatchConcurrency = alone(batchConcurrencyWalk);
