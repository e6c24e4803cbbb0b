/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * NodeUnschedulable (kube-scheduler pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go): a cordoned node
 * takes only pods tolerating the node.kubernetes.io/unschedulable:NoSchedule taint. Unresolvable by preemption.
 */
import { tolerates } from '../match.js';
import { OK, unresolvable } from '../types.js';
import type { FilterPlugin } from '../types.js';

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const CORDON_TAINT = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' } as const;

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(pod, { node }) {
    if (!node.unschedulable) return OK;
    return pod.tolerations.some((t) => tolerates(t, CORDON_TAINT)) ? OK : unresolvable(REASON_UNSCHEDULABLE);
  },
};
