/** Small builders for the world's scheduler tests (their own, independent of the planner's fixtures). */
import type { Labels, Node, PodAffinityTerm, TopologySpreadConstraint } from '../../../../src/model/types.js';
import type { NodeState, SchedPod, Snapshot } from '../../../../sim/scheduler/types.js';
import { podSpec } from '../../../helpers/pod-spec.js';

export const GI = 1024 ** 3;
export const MI = 1024 ** 2;

export function node(name: string, over: Partial<Node> = {}): Node {
  return {
    name,
    uid: `uid-${name}`,
    labels: { 'kubernetes.io/hostname': name, ...(over.labels ?? {}) },
    annotations: {},
    taints: [],
    capacity: { cpu: 4000, memory: 8 * GI, pods: 110 },
    allocatable: { cpu: 4000, memory: 8 * GI, pods: 110 },
    unschedulable: false,
    providerID: '',
    instanceType: null,
    zone: null,
    instanceId: null,
    ready: true,
    ...over,
    ...(over.labels ? { labels: { 'kubernetes.io/hostname': name, ...over.labels } } : {}),
  };
}

export function pod(name: string, over: Partial<SchedPod> = {}): SchedPod {
  return {
    uid: `uid-${name}`,
    namespace: 'default',
    name,
    labels: {},
    annotations: {},
    nodeName: null,
    phase: 'Pending',
    owner: null,
    workload: null,
    isMirror: false,
    ready: false,
    ...podSpec(),
    ...over,
  };
}

export function state(n: Node, pods: SchedPod[] = []): NodeState {
  return { node: n, pods };
}

export function snapshot(nodes: NodeState[], over: Partial<Snapshot> = {}): Snapshot {
  return { nodes, namespaceLabels: {}, pdbs: [], ...over };
}

export function sel(matchLabels: Labels) {
  return { matchLabels, matchExpressions: [] };
}

export function term(matchLabels: Labels, topologyKey: string): PodAffinityTerm {
  return { labelSelector: sel(matchLabels), namespaces: [], namespaceSelector: null, topologyKey };
}

export function spread(over: Partial<TopologySpreadConstraint> & { topologyKey: string; labels: Labels }): TopologySpreadConstraint {
  const { labels, ...rest } = over;
  return {
    maxSkew: 1,
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: sel(labels),
    minDomains: null,
    nodeAffinityPolicy: 'Honor',
    nodeTaintsPolicy: 'Ignore',
    matchLabelKeys: [],
    ...rest,
  };
}
