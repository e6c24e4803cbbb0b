/**
 * Invariant 4: no node is terminated while a pod other than a DaemonSet's still runs on it.
 *
 * At each instance.shutting-down (the world's EC2), each node.terminated the engine records, and each node.deleted, the pods
 * bound to that node and not yet terminated (pod.terminated not seen; a terminating pod still runs) are looked at: any that is
 * not a DaemonSet pod, not a mirror (static) pod and not finished (Succeeded/Failed) is a violation. Reported once per node.
 */
import type { TraceEvent } from '../cluster.js';
import { nodeNameOf, runsWorkload, type Replay } from './replay.js';
import type { Violation } from './types.js';
import { alone, type WalkingChecker } from './walking.js';

export const noBusyTerminationWalk: WalkingChecker = () => {
  const out: Violation[] = [];
  const reported = new Set<string>();
  const hooks = {
    before(ev: TraceEvent, r: Replay): void {
      let node: string | null = null;
      let what = '';
      if (ev.kind === 'instance.shutting-down') {
        const n = ev['node'];
        node = typeof n === 'string' ? n : null;
        what = `its instance ${ev.object.slice('Instance '.length)} was told to shut down`;
      } else if (ev.kind === 'node.terminated') {
        node = nodeNameOf(ev);
        what = 'the engine terminated it';
      } else if (ev.kind === 'node.deleted') {
        node = nodeNameOf(ev);
        what = 'its Node object was deleted';
      }
      if (node === null || reported.has(node)) return;
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
