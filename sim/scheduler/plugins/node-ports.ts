/**
 * NodePorts (kube-scheduler plugins/nodeports/node_ports.go): a host port (protocol, port) conflicts with one already used on
 * the node when the addresses overlap (equal, or either is the wildcard 0.0.0.0 / empty). Resolvable by preemption. The ports
 * the node's pods use are summed once per pods array (node-info.ts).
 */
import type { HostPort } from '../../../src/model/types.js';
import { nodeInfo } from '../node-info.js';
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

const PORTS_TAKEN = unschedulable(REASON_NODE_PORTS);

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter(pod, { pods }) {
    // A pod asking for no host port conflicts with nothing (kube-scheduler's PreFilter skips the plugin).
    if (pod.hostPorts.length === 0) return OK;
    const used = nodeInfo(pods).hostPorts;
    return pod.hostPorts.some((want) => used.some((u) => portsConflict(want, u))) ? PORTS_TAKEN : OK;
  },
};
