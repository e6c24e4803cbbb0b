/**
 * fast-check arbitraries for the packing properties: a solve() input built straight in the model (no parsing), as classes
 * of identical pods with the constraints that decide whether a class may be packed several pods at a time (host ports,
 * anti-affinity, spread, pod affinity, node selectors, extended resources, priorities), over synthetic instance types,
 * one or two VNGs (limits, a tainted one), nodes that stay with pods of their own, and an optional DaemonSet.
 */
import fc from 'fast-check';
import { catalogFromTypes } from '../../src/catalog/catalog.js';
import type { DaemonSet, InstanceType, Labels, Node, Pod, PodScheduling, ResourceList, Vng } from '../../src/model/types.js';
import type { SolveInput } from '../../src/planner/pack.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const PACK_ZONES = ['zone-a', 'zone-b', 'zone-c'] as const;
const GPU = 'example.com/gpu';
const MI = 1024 * 1024;

export interface PackTypeSpec {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly maxPods: number;
  /** Millicores kept back from allocatable. */
  readonly reservedCpu: number;
  readonly gpus: number;
}

export interface PackClassSpec {
  readonly count: number;
  readonly cpu: number;
  readonly memoryMi: number;
  readonly gpus: number;
  readonly priority: number;
  /** Label app value: classes may share one, so terms select several classes. */
  readonly app: number;
  readonly hostPort: boolean;
  /** Required anti-affinity to pods labelled app=<antiTo>, per hostname or zone. */
  readonly anti: { readonly to: number; readonly zone: boolean } | null;
  readonly zoneSpread: boolean;
  readonly hostSpread: boolean;
  /** Required affinity to app=<to> per zone. */
  readonly affinityTo: number | null;
  /** nodeSelector + toleration for the tainted VNG. */
  readonly dedicated: boolean;
}

export interface PackSpec {
  readonly types: readonly PackTypeSpec[];
  readonly classes: readonly PackClassSpec[];
  readonly zones: number;
  readonly maxInstanceCount: number | null;
  readonly dedicatedVng: boolean;
  /** Nodes that stay: type index, zone index, cordoned, and how many pods of each class already run there. */
  readonly staying: readonly { readonly type: number; readonly zone: number; readonly cordoned: boolean; readonly pods: readonly number[] }[];
  readonly daemonSet: boolean;
  /** Seed of the order the moving pods come in (members of a class are not contiguous). */
  readonly order: number;
}

const typeArb: fc.Arbitrary<PackTypeSpec> = fc.record({
  vcpu: fc.integer({ min: 1, max: 8 }),
  memoryGiB: fc.integer({ min: 1, max: 32 }),
  maxPods: fc.integer({ min: 2, max: 40 }),
  reservedCpu: fc.constantFrom(0, 0, 70, 250),
  gpus: fc.constantFrom(0, 0, 0, 2, 4),
});

const classArb: fc.Arbitrary<PackClassSpec> = fc.record({
  count: fc.integer({ min: 1, max: 60 }),
  cpu: fc.oneof(fc.integer({ min: 1, max: 40 }).map((x) => x * 25), fc.constantFrom(0, 1, 333)),
  memoryMi: fc.oneof(fc.integer({ min: 1, max: 64 }).map((x) => x * 64), fc.constantFrom(0, 1, 777)),
  gpus: fc.constantFrom(0, 0, 0, 0, 1, 2),
  priority: fc.constantFrom(0, 0, 0, 100),
  app: fc.integer({ min: 0, max: 3 }),
  hostPort: fc.nat({ max: 6 }).map((x) => x === 0),
  anti: fc.option(fc.record({ to: fc.integer({ min: 0, max: 3 }), zone: fc.nat({ max: 3 }).map((x) => x === 0) }), { nil: null, freq: 3 }),
  zoneSpread: fc.nat({ max: 5 }).map((x) => x === 0),
  hostSpread: fc.nat({ max: 5 }).map((x) => x === 0),
  affinityTo: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 6 }),
  dedicated: fc.nat({ max: 5 }).map((x) => x === 0),
});

export const packSpecArb: fc.Arbitrary<PackSpec> = fc.record({
  types: fc.array(typeArb, { minLength: 1, maxLength: 4 }),
  classes: fc.array(classArb, { minLength: 1, maxLength: 7 }),
  zones: fc.integer({ min: 1, max: 3 }),
  maxInstanceCount: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null, freq: 3 }),
  dedicatedVng: fc.boolean(),
  staying: fc.array(
    fc.record({
      type: fc.nat({ max: 3 }),
      zone: fc.nat({ max: 2 }),
      cordoned: fc.nat({ max: 5 }).map((x) => x === 0),
      pods: fc.array(fc.nat({ max: 4 }), { maxLength: 7 }),
    }),
    { maxLength: 4 },
  ),
  daemonSet: fc.boolean(),
  order: fc.nat(),
});

function scheduling(c: PackClassSpec, index: number): PodScheduling & { labels: Labels } {
  const labels = { app: `app-${c.app}`, class: `c${index}` };
  const requests: ResourceList = { cpu: c.cpu, memory: c.memoryMi * MI, pods: 1 };
  if (c.gpus > 0) requests[GPU] = c.gpus;
  const selector = (app: number): { matchLabels: Labels; matchExpressions: [] } => ({ matchLabels: { app: `app-${app}` }, matchExpressions: [] });
  const spread = (key: string) => ({
    maxSkew: 1,
    topologyKey: key,
    whenUnsatisfiable: 'DoNotSchedule' as const,
    labelSelector: { matchLabels: labels, matchExpressions: [] },
    minDomains: null,
    nodeAffinityPolicy: 'Honor' as const,
    nodeTaintsPolicy: 'Ignore' as const,
    matchLabelKeys: [],
  });
  return {
    labels,
    requests,
    nodeSelector: c.dedicated ? { pool: 'dedicated' } : {},
    requiredNodeAffinity: null,
    tolerations: c.dedicated ? [{ key: 'dedicated', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] : [],
    hostPorts: c.hostPort ? [{ port: 8080, protocol: 'TCP', hostIP: '' }] : [],
    podAffinity: c.affinityTo === null ? [] : [{ labelSelector: selector(c.affinityTo), namespaces: [], namespaceSelector: null, topologyKey: ZONE }],
    podAntiAffinity:
      c.anti === null ? [] : [{ labelSelector: selector(c.anti.to), namespaces: [], namespaceSelector: null, topologyKey: c.anti.zone ? ZONE : HOST }],
    topologySpread: [...(c.zoneSpread ? [spread(ZONE)] : []), ...(c.hostSpread ? [spread(HOST)] : [])],
    volumes: [],
    priority: c.priority,
    terminationGracePeriodSeconds: 30,
  };
}

function pod(s: PodScheduling & { labels: Labels }, name: string, nodeName: string | null): Pod {
  return {
    ...s,
    uid: `uid-${name}`,
    namespace: 'default',
    name,
    annotations: {},
    nodeName,
    phase: nodeName === null ? 'Pending' : 'Running',
    owner: { kind: 'ReplicaSet', name: 'rs', uid: 'rs' },
    workload: { kind: 'Deployment', name: 'd', uid: 'd' },
    isMirror: false,
    ready: nodeName !== null,
  };
}

/** A deterministic permutation (an LCG driving Fisher-Yates). */
function permute<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = (seed >>> 0) || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

/** The solve() input of a spec. */
export function packInput(spec: PackSpec): SolveInput {
  const zones = PACK_ZONES.slice(0, spec.zones);
  const types: InstanceType[] = spec.types.map((t, i) => ({
    name: `t${i}.size${i}`,
    family: `t${i}`,
    size: `size${i}`,
    vcpu: t.vcpu,
    memoryMiB: t.memoryGiB * 1024,
    architecture: 'amd64',
    gpuCount: t.gpus,
    gpuManufacturer: null,
    neuronDeviceCount: 0,
    maxPods: t.maxPods,
    priceUsdPerHour: 0.05 * t.vcpu + 0.01 * t.memoryGiB + 0.3 * t.gpus + 0.001 * i,
    bareMetal: false,
    burstable: false,
    currentGeneration: true,
    instanceStorageGB: 0,
  }));
  const observed = new Map<string, { capacity: ResourceList; allocatable: ResourceList }>();
  spec.types.forEach((t, i) => {
    const capacity: ResourceList = { cpu: t.vcpu * 1000, memory: t.memoryGiB * 1024 * MI, pods: t.maxPods };
    if (t.gpus > 0) capacity[GPU] = t.gpus;
    observed.set((types[i] as InstanceType).name, { capacity, allocatable: { ...capacity, cpu: capacity['cpu'] as number - t.reservedCpu } });
  });
  const names = types.map((t) => t.name).sort();
  const baseVng = (name: string): Vng => ({
    id: null,
    name,
    labels: {},
    taints: [],
    instanceTypes: names,
    zones: [...zones],
    subnetIds: [],
    minInstanceCount: 0,
    maxInstanceCount: spec.maxInstanceCount,
    maxVCpu: null,
    maxMemoryGiB: null,
    rootVolumeSizeGiB: null,
    preferredSpotTypes: [],
  });
  const vngs: Vng[] = [baseVng('main')];
  if (spec.dedicatedVng) {
    vngs.push({ ...baseVng('dedicated'), labels: { pool: 'dedicated' }, taints: [{ key: 'dedicated', value: 'true', effect: 'NoSchedule' }] });
  }
  const shapes = spec.classes.map((c, i) => scheduling(c, i));
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  spec.staying.forEach((s, i) => {
    const type = types[s.type % types.length] as InstanceType;
    const zone = zones[s.zone % zones.length] as string;
    const name = `staying-${i}`;
    const res = observed.get(type.name) as { capacity: ResourceList; allocatable: ResourceList };
    nodes.push({
      name,
      uid: `node-${i}`,
      labels: { [HOST]: name, [ZONE]: zone, 'node.kubernetes.io/instance-type': type.name, 'kubernetes.io/arch': 'amd64' },
      annotations: {},
      taints: [],
      capacity: res.capacity,
      allocatable: res.allocatable,
      unschedulable: s.cordoned,
      providerID: `aws:///${zone}/i-${i}`,
      instanceType: type.name,
      zone,
      instanceId: `i-${i}`,
      ready: true,
    });
    s.pods.forEach((k, j) => {
      const shape = shapes[k % shapes.length];
      if (shape) pods.push(pod(shape, `staying-${i}-${j}`, name));
    });
  });
  const moving: Pod[] = [];
  spec.classes.forEach((c, i) => {
    for (let j = 0; j < c.count; j++) moving.push(pod(shapes[i] as PodScheduling & { labels: Labels }, `c${i}-${j}`, null));
  });
  const movingPods = permute(moving, spec.order);
  const daemonSets: DaemonSet[] = spec.daemonSet
    ? [
        {
          namespace: 'kube-system',
          name: 'agent',
          uid: 'ds-agent',
          template: {
            labels: { app: 'agent' },
            requests: { cpu: 60, memory: 64 * MI, pods: 1 },
            nodeSelector: {},
            requiredNodeAffinity: null,
            tolerations: [{ key: '', operator: 'Exists', value: '', effect: '' }],
            hostPorts: [],
            podAffinity: [],
            podAntiAffinity: [],
            topologySpread: [],
            volumes: [],
            priority: 0,
            terminationGracePeriodSeconds: 30,
          },
        },
      ]
    : [];
  return {
    cluster: {
      nodes,
      pods: [...pods, ...movingPods],
      pdbs: [],
      daemonSets,
      workloads: [],
      pvcs: [],
      pvs: [],
      namespaces: [{ name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } }],
      storageClasses: [],
    },
    vngs,
    catalog: catalogFromTypes(types, 'test-region'),
    migratingNodes: new Set(),
    movingPods,
    observed,
  };
}
