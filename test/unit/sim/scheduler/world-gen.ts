/**
 * fast-check generators of small scheduler worlds that exercise every plugin: zones and racks (some nodes missing a key),
 * taints, cordons, tight allocatable; placed pods with labels in two namespaces, host ports, required and preferred pod
 * (anti-)affinity, priorities; an incoming pod with topology spread (hard and soft, policies, minDomains, matchLabelKeys),
 * node selectors, tolerations, claims. Used to compare the scheduler's fast paths with the oracle (reference/).
 */
import fc from 'fast-check';
import type { HostPort, Labels, Node, PodAffinityTerm, Taint, Toleration, TopologySpreadConstraint } from '../../../../src/model/types.js';
import type { SchedPod, VolumeObjects } from '../../../../sim/scheduler/types.js';
import { node, pod, sel } from './fixtures.js';

export const NAMESPACE_LABELS: Readonly<Record<string, Labels>> = { default: { team: 'a' }, other: { team: 'b' } };

export const VOLUMES: VolumeObjects = {
  pvcs: [
    { namespace: 'default', name: 'bound-a', volumeName: 'pv-a', storageClassName: 'gp3', phase: 'Bound' },
    { namespace: 'default', name: 'wffc', volumeName: null, storageClassName: 'gp3', phase: 'Pending' },
    { namespace: 'default', name: 'immediate', volumeName: null, storageClassName: 'fast', phase: 'Pending' },
    // Claims another pod may carry with the same volume key as bound-a's and wffc's (class-index.ts volumeKey).
    { namespace: 'default', name: 'bound-a2', volumeName: 'pv-a2', storageClassName: 'gp3', phase: 'Bound' },
    { namespace: 'default', name: 'wffc-2', volumeName: null, storageClassName: 'gp3', phase: 'Pending' },
  ],
  pvs: [
    {
      name: 'pv-a',
      nodeAffinity: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [] }],
      labels: { 'topology.kubernetes.io/zone': 'za' },
      claimRef: { namespace: 'default', name: 'bound-a' },
    },
    {
      name: 'pv-a2',
      nodeAffinity: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [] }],
      labels: { 'topology.kubernetes.io/zone': 'za' },
      claimRef: { namespace: 'default', name: 'bound-a2' },
    },
  ],
  storageClasses: [
    { name: 'fast', volumeBindingMode: 'Immediate' },
    { name: 'gp3', volumeBindingMode: 'WaitForFirstConsumer' },
  ],
};

const GI = 1024 ** 3;
const KEYS = ['zone', 'rack', 'kubernetes.io/hostname'] as const;

const taintArb: fc.Arbitrary<Taint> = fc.constantFrom<Taint>(
  { key: 'dedicated', value: 'batch', effect: 'NoSchedule' },
  { key: 'soft', value: '', effect: 'PreferNoSchedule' },
  { key: 'node.kubernetes.io/not-ready', value: '', effect: 'NoSchedule' },
);

const tolerationArb: fc.Arbitrary<Toleration> = fc.constantFrom<Toleration>(
  { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' },
  { key: 'soft', operator: 'Exists', value: '', effect: '' },
  { key: '', operator: 'Exists', value: '', effect: '' },
);

export interface NodeDraw {
  readonly zone: string | null;
  readonly rack: string | null;
  readonly taints: Taint[];
  readonly unschedulable: boolean;
  readonly cpu: number;
  readonly pods: number;
}

export const nodeDrawArb: fc.Arbitrary<NodeDraw> = fc.record({
  zone: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 6 }),
  rack: fc.option(fc.constantFrom('r1', 'r2'), { freq: 2 }),
  taints: fc.array(taintArb, { maxLength: 1 }),
  unschedulable: fc.constantFrom(false, false, false, true),
  cpu: fc.constantFrom(1000, 2000, 4000),
  pods: fc.constantFrom(3, 5, 110),
});

export function makeNode(name: string, d: NodeDraw): Node {
  const labels: Labels = { ...(d.zone === null ? {} : { zone: d.zone }), ...(d.rack === null ? {} : { rack: d.rack }) };
  return node(name, {
    labels,
    taints: d.taints,
    unschedulable: d.unschedulable,
    allocatable: { cpu: d.cpu, memory: 8 * GI, pods: d.pods },
  });
}

const appArb = fc.constantFrom('x', 'y', 'z');
const keyArb = fc.constantFrom(...KEYS);

const termArb: fc.Arbitrary<PodAffinityTerm> = fc.record({
  app: fc.constantFrom('x', 'x', 'y', 'z'),
  key: keyArb,
  ns: fc.constantFrom<'own' | 'list' | 'selector'>('own', 'own', 'list', 'selector'),
}).map(({ app, key, ns }) => ({
  labelSelector: sel({ app }),
  namespaces: ns === 'list' ? ['default', 'other'] : [],
  namespaceSelector: ns === 'selector' ? sel({ team: 'b' }) : null,
  topologyKey: key,
}));

const portArb: fc.Arbitrary<HostPort> = fc.record({
  port: fc.constantFrom(80, 8080),
  protocol: fc.constantFrom('TCP', 'UDP'),
  hostIP: fc.constantFrom('', '10.0.0.1', '10.0.0.2'),
});

export interface PodDraw {
  readonly namespace: string;
  readonly app: string;
  readonly tier: string | null;
  readonly cpu: number;
  readonly memory: number;
  readonly gpu: number;
  readonly ports: HostPort[];
  readonly affinity: PodAffinityTerm[];
  readonly antiAffinity: PodAffinityTerm[];
  readonly preferredAffinity: { weight: number; term: PodAffinityTerm }[];
  readonly preferredAntiAffinity: { weight: number; term: PodAffinityTerm }[];
  readonly priority: number;
  readonly startTime: number;
}

export const podDrawArb: fc.Arbitrary<PodDraw> = fc.record({
  namespace: fc.constantFrom('default', 'default', 'default', 'other'),
  app: appArb,
  tier: fc.option(fc.constantFrom('t1', 't2')),
  cpu: fc.constantFrom(0, 100, 500, 1000, 1500),
  memory: fc.constantFrom(0, GI, 3 * GI),
  gpu: fc.constantFrom(0, 0, 0, 1),
  ports: fc.array(portArb, { maxLength: 1 }),
  affinity: fc.array(termArb, { maxLength: 1 }),
  antiAffinity: fc.array(termArb, { maxLength: 1 }),
  preferredAffinity: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), term: termArb }), { maxLength: 1 }),
  preferredAntiAffinity: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), term: termArb }), { maxLength: 1 }),
  priority: fc.constantFrom(0, 10, 100),
  startTime: fc.integer({ min: 0, max: 100 }),
});

export function makePod(name: string, d: PodDraw, over: Partial<SchedPod> = {}): SchedPod {
  const requests: Record<string, number> = { pods: 1 };
  if (d.cpu > 0) requests['cpu'] = d.cpu;
  if (d.memory > 0) requests['memory'] = d.memory;
  if (d.gpu > 0) requests['nvidia.com/gpu'] = d.gpu;
  return pod(name, {
    namespace: d.namespace,
    labels: { app: d.app, ...(d.tier === null ? {} : { tier: d.tier }) },
    requests,
    hostPorts: d.ports,
    podAffinity: d.affinity,
    podAntiAffinity: d.antiAffinity,
    preferredPodAffinity: d.preferredAffinity,
    preferredPodAntiAffinity: d.preferredAntiAffinity,
    priority: d.priority,
    startTime: d.startTime,
    ...over,
  });
}

const spreadArb: fc.Arbitrary<TopologySpreadConstraint> = fc.record({
  maxSkew: fc.constantFrom(1, 2),
  topologyKey: keyArb,
  whenUnsatisfiable: fc.constantFrom<'DoNotSchedule' | 'ScheduleAnyway'>('DoNotSchedule', 'ScheduleAnyway'),
  app: appArb,
  minDomains: fc.option(fc.constantFrom(2, 4), { freq: 3 }),
  nodeAffinityPolicy: fc.constantFrom<'Honor' | 'Ignore'>('Honor', 'Ignore'),
  nodeTaintsPolicy: fc.constantFrom<'Honor' | 'Ignore'>('Honor', 'Ignore'),
  matchLabelKeys: fc.constantFrom<string[]>([], ['tier']),
}).map(({ app, ...c }) => ({ ...c, labelSelector: sel({ app }) }));

export interface IncomingDraw {
  readonly pod: PodDraw;
  readonly spread: TopologySpreadConstraint[];
  readonly nodeSelector: Labels;
  readonly tolerations: Toleration[];
  readonly claim: string | null;
  readonly never: boolean;
}

export const incomingArb: fc.Arbitrary<IncomingDraw> = fc.record({
  pod: podDrawArb,
  spread: fc.array(spreadArb, { maxLength: 2 }),
  nodeSelector: fc.constantFrom<Labels>({}, {}, { zone: 'a' }, { rack: 'r1' }),
  tolerations: fc.array(tolerationArb, { maxLength: 1 }),
  claim: fc.constantFrom(null, null, null, 'bound-a', 'wffc', 'immediate', 'missing'),
  never: fc.boolean(),
});

export function makeIncoming(name: string, d: IncomingDraw): SchedPod {
  return makePod(name, d.pod, {
    topologySpread: d.spread,
    nodeSelector: d.nodeSelector,
    tolerations: d.tolerations,
    volumes: d.claim === null ? [] : [{ name: 'data', kind: 'pvc', claimName: d.claim }],
    ...(d.never ? { preemptionPolicy: 'Never' as const } : {}),
  });
}

export interface WorldDraw {
  readonly nodes: NodeDraw[];
  /** Placed pods: node index (mod node count) and the pod. */
  readonly placed: { readonly at: number; readonly pod: PodDraw }[];
  readonly incoming: IncomingDraw;
}

export const worldArb = (maxNodes = 10): fc.Arbitrary<WorldDraw> =>
  fc.record({
    nodes: fc.array(nodeDrawArb, { minLength: 1, maxLength: maxNodes }),
    placed: fc.array(fc.record({ at: fc.nat(), pod: podDrawArb }), { maxLength: 30 }),
    incoming: incomingArb,
  });
