/**
 * The planner's architecture policy: a pod with no kubernetes.io/arch constraint of its own stays on the CPU architecture it
 * runs on today (nothing says its images exist for another). Pending pods may use any architecture the cluster already runs.
 */
import type { Cluster, Pod } from '../model/types.js';

const ARCH_KEYS = ['kubernetes.io/arch', 'beta.kubernetes.io/arch'];

export function constrainsArch(p: Pod): boolean {
  if (ARCH_KEYS.some((k) => p.nodeSelector[k] !== undefined)) return true;
  return (p.requiredNodeAffinity ?? []).some((t) => t.matchExpressions.some((e) => ARCH_KEYS.includes(e.key)));
}

/** Architectures of the cluster's nodes (nodes without the label count as amd64), sorted. */
export function clusterArchitectures(cluster: Cluster): string[] {
  return [...new Set(cluster.nodes.map((n) => n.labels['kubernetes.io/arch'] ?? 'amd64'))].sort();
}

/** Per pod: the architectures it may run on, or null where the pod constrains the architecture itself. */
export function podArchitectures(cluster: Cluster, pods: readonly Pod[]): (readonly string[] | null)[] {
  const archOf = new Map(cluster.nodes.map((n) => [n.name, n.labels['kubernetes.io/arch'] ?? 'amd64']));
  const all = clusterArchitectures(cluster);
  return pods.map((p) => {
    if (constrainsArch(p)) return null;
    const a = p.nodeName === null ? undefined : archOf.get(p.nodeName);
    return a === undefined ? (all.length > 0 ? all : null) : [a];
  });
}
