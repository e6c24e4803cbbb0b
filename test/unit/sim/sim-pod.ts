/** A bare SimPod for tests of the world's tables: labels app=<name>, no constraints, Pending unless bound to a node. */
import { key, type SimPod } from '../../../sim/world/types.js';

export function simPod(namespace: string, name: string, nodeName: string | null = null): SimPod {
  return {
    base: { labels: { app: name }, podAntiAffinity: [] } as unknown as SimPod['base'],
    uid: `${namespace}-${name}`,
    namespace,
    name,
    key: key(namespace, name),
    nodeName,
    assumed: null,
    phase: nodeName === null ? 'Pending' : 'Running',
    ready: false,
    terminating: false,
    createdAt: 0,
    owner: null,
    workload: null,
    isDaemonSet: false,
    isMirror: false,
    neverReady: false,
    unschedulable: null,
  };
}
