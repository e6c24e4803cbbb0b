/**
 * Invariant 6: after a stop (status Stopped), no old node that was not drained stays cordoned.
 *
 * At the end of a Stopped run, every old node of the plan that still exists (its instance not shut down, its Node object not
 * deleted) and that the run cordoned (node.updated unschedulable=true) must be uncordoned again unless it is drained: no pod
 * but DaemonSet, mirror or finished pods is bound to it. Nodes cordoned before the run are left out (not the migration's).
 */
import { runsWorkload, type Replay } from './replay.js';
import type { CheckInput, Violation } from './types.js';
import { alone, NOTHING_TO_CHECK, type WalkingChecker } from './walking.js';

export const stopUncordonsWalk: WalkingChecker = ({ plan, result }) => {
  if (result.status !== 'Stopped') return NOTHING_TO_CHECK;
  return { hooks: {}, finish: (r) => cordonedAfterStop(r, plan) };
};

export const checkStopUncordons = alone(stopUncordonsWalk);

function cordonedAfterStop(r: Replay, plan: CheckInput['plan']): Violation[] {
  const out: Violation[] = [];
  for (const old of plan.oldNodes) {
    const n = r.nodes.get(old.name);
    if (!n || !n.exists || !n.unschedulable || !n.cordonedInRun) continue;
    if (old.instanceId !== null && r.shutDown.has(old.instanceId)) continue;
    const busy = r.podsOn(old.name).filter(runsWorkload);
    if (busy.length === 0) continue;
    out.push({
      invariant: 6,
      message: `the run Stopped with Node ${old.name} still cordoned although ${busy.length} pod(s) still run there (not drained): ${busy
        .slice(0, 3)
        .map((p) => p.key)
        .join(', ')}${busy.length > 3 ? ', ...' : ''}`,
      objects: [`Node ${old.name}`],
    });
  }
  return out;
}
