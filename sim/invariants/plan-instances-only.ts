/**
 * Invariant 5: no instance is terminated that is not an old node of this plan in this cluster.
 *
 * Every instance the world shuts down (instance.shutting-down), every node the engine says it terminated (node.terminated,
 * with its instanceId) and every Node object deleted on the migration's behalf must be an old node of the plan, with the
 * instance id the input cluster gives that node. The final instance list agrees: no launched instance is shutting down or
 * terminated, and every old instance that is, is in the plan.
 *
 * The invariant is about what the migration terminates. A launched instance that EC2 reclaimed at the end of a Spot
 * interruption notice, or that Ocean terminated after a rebalance recommendation, is not the migration's doing: the trace
 * says so (instance.shutting-down with `by`) and it is not reported, provided the trace shows that signal for its node
 * earlier (spot.interruption-notice / spot.rebalance-recommendation) and the node is not an old one.
 */
import { nodeNameOf, spotCause } from './replay.js';
import type { Checker, Violation } from './types.js';

export const checkPlanInstancesOnly: Checker = ({ plan, cluster, result }) => {
  const out: Violation[] = [];
  const planByName = new Map(plan.oldNodes.map((n) => [n.name, n.instanceId]));
  const clusterById = new Map<string, string>();
  for (const n of cluster.nodes) if (n.instanceId !== null) clusterById.set(n.instanceId, n.name);
  const planIds = new Set(plan.oldNodes.map((n) => n.instanceId).filter((x): x is string => x !== null));
  const bad = (message: string, t: number | undefined, objects: string[]): void => {
    out.push({ invariant: 5, message, ...(t !== undefined ? { t } : {}), objects });
  };
  const reported = new Set<string>();
  /** Launched nodes that got a Spot signal, and the instances EC2 or Ocean took after one. */
  const signalled = new Set<string>();
  const takenByOthers = new Set<string>();

  for (const ev of result.events) {
    if (ev.kind === 'spot.interruption-notice' || ev.kind === 'spot.rebalance-recommendation') signalled.add(nodeNameOf(ev));
    if (ev.kind === 'instance.shutting-down') {
      const id = ev.object.slice('Instance '.length);
      const on = ev['node'];
      if (spotCause(ev) !== null && typeof on === 'string' && signalled.has(on) && !clusterById.has(id)) {
        takenByOthers.add(id);
        continue;
      }
      const node = clusterById.get(id);
      if (!planIds.has(id) || node === undefined || planByName.get(node) !== id) {
        reported.add(id);
        bad(`Instance ${id} (node ${String(ev['node'])}) was terminated but is not an old node of the plan in this cluster`, ev.t, [`Instance ${id}`]);
      }
    } else if (ev.kind === 'node.terminated') {
      const name = nodeNameOf(ev);
      const id = ev['instanceId'];
      if (!planByName.has(name)) bad(`the engine terminated Node ${name}, which is not an old node of the plan`, ev.t, [`Node ${name}`]);
      else if (typeof id === 'string' && planByName.get(name) !== id) {
        bad(`the engine terminated Node ${name} as instance ${id}; the plan gives ${String(planByName.get(name))}`, ev.t, [`Node ${name}`, `Instance ${id}`]);
      }
    } else if (ev.kind === 'node.deleted' && ev['reason'] === 'deleted by the migration') {
      const name = nodeNameOf(ev);
      if (!planByName.has(name)) bad(`the engine deleted Node ${name}, which is not an old node of the plan`, ev.t, [`Node ${name}`]);
    }
  }
  const gone = (s: string): boolean => s === 'shutting-down' || s === 'terminated';
  for (const i of result.instances.new) {
    if (gone(i.state) && !reported.has(i.instanceId) && !takenByOthers.has(i.instanceId)) bad(`launched Instance ${i.instanceId} (${i.nodeName}) ended ${i.state}`, undefined, [`Instance ${i.instanceId}`]);
  }
  for (const i of result.instances.old) {
    if (gone(i.state) && !planIds.has(i.instanceId) && !reported.has(i.instanceId)) {
      bad(`Instance ${i.instanceId} (${i.nodeName}) ended ${i.state} but is not in the plan`, undefined, [`Instance ${i.instanceId}`]);
    }
  }
  return out;
};
