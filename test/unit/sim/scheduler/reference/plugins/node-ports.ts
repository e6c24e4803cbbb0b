/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * NodePorts (kube-scheduler plugins/nodeports/node_ports.go): a host port (protocol, port) conflicts with one already used on
 * the node when the addresses overlap (equal, or either is the wildcard 0.0.0.0 / empty). Resolvable by preemption.
 */
import type { HostPort } from '../../../../../../src/model/types.js';
import { OK, unschedulable } from '../types.js';
import type { FilterPlugin } from '../types.js';

export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

function wildcard(ip: string): boolean {
  return ip === '' || ip === '0.0.0.0';
}

export function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return wildcard(a.hostIP) || wildcard(b.hostIP) || a.hostIP === b.hostIP;
}

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter(pod, { pods }) {
    const used = pods.flatMap((p) => p.hostPorts);
    return pod.hostPorts.some((want) => used.some((u) => portsConflict(want, u))) ? unschedulable(REASON_NODE_PORTS) : OK;
  },
};
