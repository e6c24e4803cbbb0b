/**
 * Invariant 4: no node is terminated while a pod other than a DaemonSet's still runs on it.
 *
 * At each instance.shutting-down (the world's EC2), each node.terminated the engine records, and each node.deleted, the pods
 * bound to that node and not yet terminated (pod.terminated not seen; a terminating pod still runs) are looked at: any that is
 * not a DaemonSet pod, not a mirror (static) pod and not finished (Succeeded/Failed) is a violation. Reported once per node.
 * The invariant is about the migration's terminations: an instance the trace says EC2 reclaimed after a Spot interruption
 * notice, or Ocean terminated after a rebalance drain (instance.shutting-down with `by`), is not checked, nor is the deletion
 * of its Node: EC2 takes a Spot instance at the end of its notice whatever still runs there.
 */
import type { TraceEvent } from '../cluster.js';
import { nodeNameOf, runsWorkload, spotCause, type Replay } from './replay.js';
import type { Violation } from './types.js';
import { alone, type WalkingChecker } from './walking.js';

export const noBusyTerminationWalk: WalkingChecker = () => {
  const out: Violation[] = [];
  const reported = new Set<string>();
  /** Nodes whose instance EC2 or Ocean took (see above). */
  const takenByOthers = new Set<string>();
  const hooks = {
    before(ev: TraceEvent, r: Replay): void {
      let node: string | null = null;
      let what = '';
      if (ev.kind === 'instance.shutting-down') {
        const n = ev['node'];
        node = typeof n === 'string' ? n : null;
        if (node !== null && spotCause(ev) !== null) {
          takenByOthers.add(node);
          return;
        }
        what = `its instance ${ev.object.slice('Instance '.length)} was told to shut down`;
      } else if (ev.kind === 'node.terminated') {
        node = nodeNameOf(ev);
        what = 'the engine terminated it';
      } else if (ev.kind === 'node.deleted') {
        node = nodeNameOf(ev);
        what = 'its Node object was deleted';
      }
      if (node === null || reported.has(node) || takenByOthers.has(node)) return;
      const busy = r.podsOn(node).filter(runsWorkload);
      if (busy.length === 0) return;
      reported.add(node);
      const shown = busy.slice(0, 5).map((p) => `${p.key}${p.terminating ? ' (terminating)' : ''}`);
      out.push({
        invariant: 4,
        message: `Node ${node}: ${what} while ${busy.length} pod(s) still ran there: ${shown.join(', ')}${busy.length > 5 ? ', ...' : ''}`,
        t: ev.t,
        objects: [`Node ${node}`, ...busy.map((p) => `Pod ${p.key}`)],
      });
    },
  };
  return { hooks, finish: () => out };
};

export const checkNoBusyTermination = alone(noBusyTerminationWalk);
