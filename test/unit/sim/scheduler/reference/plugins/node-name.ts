/**
 * [Oracle] sim/scheduler as it was before its fast paths; the property tests compare the scheduler with it.
 *
 * NodeName (kube-scheduler plugins/nodename/node_name.go): a pod naming a node fits only that node. Unresolvable. */
import { OK, unresolvable } from '../types.js';
import type { FilterPlugin } from '../types.js';

export const REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  filter(pod, { node }) {
    return pod.nodeName === null || pod.nodeName === node.name ? OK : unresolvable(REASON_NODE_NAME);
  },
};
