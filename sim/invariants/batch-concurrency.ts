/**
 * Invariant 3: no more old nodes are cordoned and draining at once than the batch allows.
 *
 * A node is "cordoned and draining" from the moment the world records it cordoned during the run (node.updated
 * unschedulable=true) until it is uncordoned, its instance shuts down, its Node object is deleted, the engine keeps it
 * (node.kept: stand-alone pods hold it; it stays cordoned by design) or its batch completes (batch.completed, after which
 * a drained node only waits to be terminated, if at all). Each time a node enters that set, every node in it must belong to
 * one and the same batch of the plan, so at most that batch's size are in flight; a cordoned node in no batch is reported too.
 * Nodes already cordoned in the input are not the migration's doing and are not counted.
 */
import { nodeNameOf, walk } from './replay.js';
import type { Checker, Violation } from './types.js';

export const checkBatchConcurrency: Checker = ({ plan, cluster, result }) => {
  const out: Violation[] = [];
  const batchOf = new Map<string, number>();
  plan.batches.forEach((b, i) => {
    for (const n of b.nodes) batchOf.set(n, i);
  });
  const inFlight = new Set<string>();
  walk(cluster, result.events, {
    after(ev) {
      switch (ev.kind) {
        case 'node.updated': {
          const name = nodeNameOf(ev);
          if (ev['unschedulable'] !== true) {
            inFlight.delete(name);
            return;
          }
          inFlight.add(name);
          const batches = new Set<number>();
          const stray: string[] = [];
          for (const n of inFlight) {
            const b = batchOf.get(n);
            if (b === undefined) stray.push(n);
            else batches.add(b);
          }
          if (stray.length > 0 && stray.includes(name)) {
            out.push({ invariant: 3, message: `Node ${name} was cordoned but is in no batch of the plan`, t: ev.t, objects: [`Node ${name}`] });
          }
          if (batches.size > 1) {
            const sizes = [...batches].sort((a, b) => a - b).map((b) => `batch ${b + 1} (${plan.batches[b]?.nodes.length ?? 0} nodes)`);
            out.push({
              invariant: 3,
              message: `${inFlight.size} old nodes cordoned and draining at once, from ${sizes.join(', ')}; one batch at a time is allowed`,
              t: ev.t,
              objects: [...inFlight].sort().map((n) => `Node ${n}`),
            });
          }
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
  });
  return out;
};
