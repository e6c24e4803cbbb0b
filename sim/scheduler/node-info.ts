/**
 * A node's sums over its pods (kube-scheduler's NodeInfo: Requested, NonZeroRequested, UsedPorts), kept per `pods` array so
 * that a filter or score reads them in O(1) instead of walking the node's pods. The cache (cache.ts) derives the sums of a
 * node's new pods array from the old one when a pod is added (the same additions, in the same order, as a walk would make,
 * so the figures are identical); any other array gets its sums computed once, on first use.
 */
import type { HostPort } from '../../src/model/types.js';
import { CPU, MEMORY } from '../../src/model/types.js';
import type { SchedPod } from './types.js';

/** kube-scheduler's DefaultMilliCPURequest and DefaultMemoryRequest (pkg/scheduler/util/pod_resources.go). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface NodeInfo {
  /** What the pods request, per resource (absent: 0). */
  readonly requested: ReadonlyMap<string, number>;
  /** cpu and memory with kube-scheduler's non-zero defaults for a pod requesting none. */
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  /** Every host port the pods use, in pod order. */
  readonly hostPorts: readonly HostPort[];
}

const EMPTY_PORTS: readonly HostPort[] = [];

export function podRequest(pod: SchedPod, resource: string, nonZero: boolean): number {
  const r = pod.requests[resource] ?? 0;
  if (!nonZero || r !== 0) return r;
  if (resource === CPU) return DEFAULT_MILLI_CPU_REQUEST;
  if (resource === MEMORY) return DEFAULT_MEMORY_REQUEST;
  return 0;
}

const EMPTY: NodeInfo = { requested: new Map(), nonZeroCpu: 0, nonZeroMemory: 0, hostPorts: EMPTY_PORTS };

/** The sums of `info`'s pods and `pod` after them. */
export function withPod(info: NodeInfo, pod: SchedPod): NodeInfo {
  const requested = new Map(info.requested);
  for (const [resource, value] of Object.entries(pod.requests)) requested.set(resource, (requested.get(resource) ?? 0) + value);
  return {
    requested,
    nonZeroCpu: info.nonZeroCpu + podRequest(pod, CPU, true),
    nonZeroMemory: info.nonZeroMemory + podRequest(pod, MEMORY, true),
    hostPorts: pod.hostPorts.length === 0 ? info.hostPorts : [...info.hostPorts, ...pod.hostPorts],
  };
}

const byPods = new WeakMap<readonly SchedPod[], NodeInfo>();

/** The sums over `pods` (computed once per array). */
export function nodeInfo(pods: readonly SchedPod[]): NodeInfo {
  let info = byPods.get(pods);
  if (info === undefined) {
    info = EMPTY;
    for (const p of pods) info = withPod(info, p);
    byPods.set(pods, info);
  }
  return info;
}

/** Records the sums of a new pods array made of `before` and `pod` appended (the cache's addPod). */
export function rememberAppended(before: readonly SchedPod[], pod: SchedPod, after: readonly SchedPod[]): void {
  const prev = byPods.get(before);
  if (prev !== undefined) byPods.set(after, withPod(prev, pod));
}
