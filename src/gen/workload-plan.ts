/**
 * Decides the cluster's contents: DaemonSet pods on every node, then workloads drawn from the mix and placed until the pod
 * target is met, then Pending pods and PodDisruptionBudgets. Pure records; objects are built in cluster-objects.ts.
 */
import { hexString, kubeSuffix, namespaceNames, uuid, WorkloadNamer } from './names.js';
import type { GenNode } from './node-fleet.js';
import type { GenDaemonSet, GenPdb, GenPod, GenTemplate, GenToleration, GenVolume, GenWorkload, WorkloadShape } from './plan-records.js';
import { Placer, Pool } from './placement.js';
import type { Demand, FreeResources } from './placement.js';
import type { Prng } from './prng.js';
import { LARGE_SIZES, SizeSampler, SMALLEST_SIZE } from './sizes.js';
import type { PodSize } from './sizes.js';
import type { GenTaint, ResolvedClusterGenSpec, WorkloadMixKind } from './spec.js';
import { parseCpuMillis, parseMemoryKi } from './quantity-text.js';

export const BATCH_SELECTOR: Readonly<Record<string, string>> = { 'workload-class': 'batch' };
export const BATCH_TOLERATIONS: readonly GenToleration[] = [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }];
export const GPU_SELECTOR: Readonly<Record<string, string>> = { accelerator: 'nvidia' };
export const GPU_TOLERATIONS: readonly GenToleration[] = [{ key: 'nvidia.com/gpu', operator: 'Exists', value: null, effect: 'NoSchedule' }];

export interface ClusterPlan {
  readonly nodes: readonly GenNode[];
  readonly namespaces: readonly string[];
  readonly daemonSets: readonly GenDaemonSet[];
  readonly workloads: readonly GenWorkload[];
}

const MIX_ORDER: readonly WorkloadMixKind[] = [
  'plainDeployment',
  'antiAffinityDeployment',
  'zoneSpreadDeployment',
  'statefulSet',
  'job',
  'standalonePod',
  'batchJob',
  'gpuDeployment',
];

const SHAPE: Readonly<Record<WorkloadMixKind, WorkloadShape>> = {
  plainDeployment: 'Deployment',
  antiAffinityDeployment: 'Deployment',
  zoneSpreadDeployment: 'Deployment',
  statefulSet: 'StatefulSet',
  job: 'Job',
  standalonePod: 'Pod',
  batchJob: 'Job',
  gpuDeployment: 'Deployment',
};

const PLAIN_REPLICAS = [1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6, 8, 10, 12] as const;
const STATEFUL_ROLES = ['db', 'cache', 'queue', 'store'] as const;
const JOB_ROLES = ['migrate', 'backfill', 'reindex', 'export'] as const;
const DAY_MS = 86_400_000;
/** Give up after this many drawn workloads in a row place no pod at all (the cluster is full). */
const MAX_FRUITLESS_WORKLOADS = 200;

export function tolerates(tolerations: readonly GenToleration[], taint: GenTaint): boolean {
  return tolerations.some(
    (t) =>
      (t.effect === '' || t.effect === taint.effect) &&
      (t.operator === 'Exists' ? t.key === '' || t.key === taint.key : t.key === taint.key && t.value === taint.value),
  );
}

function poolOf(nodes: readonly GenNode[], zoneCount: number, selector: Readonly<Record<string, string>>, tolerations: readonly GenToleration[], needsGpu: boolean): Pool {
  const byZone: number[][] = Array.from({ length: zoneCount }, () => []);
  for (const n of nodes) {
    const hardTaintsTolerated = n.taints.every((t) => t.effect === 'PreferNoSchedule' || tolerates(tolerations, t));
    const selected = Object.entries(selector).every(([k, v]) => n.extraLabels[k] === v);
    if (hardTaintsTolerated && selected && (!needsGpu || n.facts.gpuCount > 0)) byZone[n.zoneIndex]?.push(n.index);
  }
  return new Pool(byZone);
}

/** Hands out pod addresses from 100.64.0.0/10 (EKS custom networking), one slice per zone, never twice. */
class PodAddresses {
  private readonly next: number[];
  private readonly perZone: number;

  constructor(
    zoneCount: number,
    private readonly prng: Prng,
  ) {
    this.perZone = Math.floor(64 / Math.max(1, zoneCount)) * 65536;
    this.next = Array.from({ length: zoneCount }, (_, z) => ((100 << 24) >>> 0) + (64 << 16) + z * this.perZone + 10);
  }

  take(zone: number): number {
    const current = this.next[zone] ?? 0;
    let step = this.prng.int(1, 3);
    if (((current + step) & 255) === 0 || ((current + step) & 255) === 255) step += 2;
    this.next[zone] = current + step;
    return current;
  }
}

export function planCluster(spec: ResolvedClusterGenSpec, nodes: readonly GenNode[], prng: Prng): ClusterPlan {
  const rng = {
    names: prng.fork('names'),
    ids: prng.fork('ids'),
    draw: prng.fork('workloads'),
    place: prng.fork('placement'),
    addr: prng.fork('addresses'),
    time: prng.fork('time'),
    pdb: prng.fork('pdbs'),
  };
  const zoneCount = spec.zones.length;
  const free: FreeResources[] = nodes.map((n) => ({
    cpu: n.sizing.allocatable.cpuMillicores,
    memory: n.sizing.allocatable.memoryKi,
    pods: n.sizing.allocatable.pods,
    gpus: n.sizing.allocatable.gpus,
  }));
  const placer = new Placer(free, { minCpu: SMALLEST_SIZE.cpuMillis, minMemory: SMALLEST_SIZE.memoryKi }, rng.place);
  const addresses = new PodAddresses(zoneCount, rng.addr);
  const usedPodNames = new Set<string>();
  const uniquePodName = (namespace: string, prefix: string): string => {
    for (;;) {
      const name = `${prefix}-${kubeSuffix(rng.names, 5)}`;
      const key = `${namespace}/${name}`;
      if (!usedPodNames.has(key)) {
        usedPodNames.add(key);
        return name;
      }
    }
  };
  const imageId = (image: string): string => `${image.slice(0, image.lastIndexOf(':'))}@sha256:${hexString(rng.ids, 64)}`;
  const containerId = (): string => `containerd://${hexString(rng.ids, 64)}`;
  const podCreated = (notBefore: number): number => Math.min(spec.nowMs - 60_000, notBefore + rng.time.int(0, 3_600_000));

  // DaemonSet pods first: they are on every node whatever else happens.
  const daemonSets: GenDaemonSet[] = spec.daemonSets.map((ds) => ({
    spec: ds,
    uid: uuid(rng.ids),
    createdMs: spec.nowMs - rng.time.int(60 * DAY_MS, 300 * DAY_MS),
    revisionHash: kubeSuffix(rng.names, 9),
    imageId: imageId(ds.image),
    pods: [],
  }));
  for (const n of nodes) {
    for (const ds of daemonSets) {
      const demand: Demand = { cpu: parseCpuMillis(ds.spec.cpu), memory: ds.spec.memory === null ? 0 : parseMemoryKi(ds.spec.memory), gpus: 0 };
      placer.reserve(n.index, demand);
      ds.pods.push({
        name: uniquePodName(ds.spec.namespace, ds.spec.name),
        uid: uuid(rng.ids),
        node: n,
        podIp: ds.spec.hostNetwork ? n.address : addresses.take(n.zoneIndex),
        createdMs: podCreated(n.createdMs),
        containerId: containerId(),
        ordinal: 0,
        volume: null,
      });
    }
  }

  const pools = {
    general: poolOf(nodes, zoneCount, {}, [], false),
    batch: poolOf(nodes, zoneCount, BATCH_SELECTOR, BATCH_TOLERATIONS, false),
    gpu: poolOf(nodes, zoneCount, GPU_SELECTOR, GPU_TOLERATIONS, true),
  };
  const poolFor = (kind: WorkloadMixKind): Pool => (kind === 'batchJob' ? pools.batch : kind === 'gpuDeployment' ? pools.gpu : pools.general);

  // Size the plain mix to what the general pool can hold.
  let cpuLeft = 0;
  let memoryLeft = 0;
  for (const z of pools.general.domains) {
    for (const i of pools.general.open[z] ?? []) {
      cpuLeft += free[i]?.cpu ?? 0;
      memoryLeft += free[i]?.memory ?? 0;
    }
  }
  const perPod = Math.max(1, spec.pods);
  const sampler = new SizeSampler(cpuLeft / perPod, memoryLeft / perPod);

  const mix = MIX_ORDER.map((kind) => ({ kind, weight: poolFor(kind).nodeCount > 0 ? spec.mix[kind] : 0 }));
  const appNamespaces = namespaceNames(spec.namespaces);
  const namer = new WorkloadNamer(rng.names);
  const workloads: GenWorkload[] = [];
  let placed = 0;
  let plainCount = 0;
  const guaranteed = mix.filter((m) => m.weight > 0).map((m) => m.kind);
  let fruitless = 0;

  const makeTemplate = (kind: WorkloadMixKind, namespace: string, name: string, size: PodSize): GenTemplate => {
    const isPlain = kind === 'plainDeployment';
    const plainIndex = isPlain ? plainCount++ : -1;
    const safeToEvictFalse = isPlain && plainIndex < spec.safeToEvictFalse;
    const forcedEmptyDir = isPlain && plainIndex === spec.safeToEvictFalse && spec.emptyDirFraction > 0;
    const image = `${spec.accountId}.dkr.ecr.${spec.region}.amazonaws.com/${namespace}/${name}:${rng.draw.int(1, 4)}.${rng.draw.int(0, 30)}.${rng.draw.int(0, 9)}`;
    return {
      size,
      gpus: kind === 'gpuDeployment' ? 1 : 0,
      nodeSelector: kind === 'batchJob' ? BATCH_SELECTOR : kind === 'gpuDeployment' ? GPU_SELECTOR : {},
      tolerations: kind === 'batchJob' ? BATCH_TOLERATIONS : kind === 'gpuDeployment' ? GPU_TOLERATIONS : [],
      hostnameAntiAffinity: kind === 'antiAffinityDeployment',
      zoneSpread: kind === 'zoneSpreadDeployment',
      emptyDir: forcedEmptyDir || rng.draw.chance(spec.emptyDirFraction),
      volumeClaim: kind === 'statefulSet',
      safeToEvictFalse,
      image,
      imageId: imageId(image),
      port: rng.draw.pick([8080, 8080, 8000, 3000, 9090, 5432, 6379]),
    };
  };

  const replicasFor = (kind: WorkloadMixKind, pool: Pool): number => {
    switch (kind) {
      case 'plainDeployment':
        return rng.draw.pick(PLAIN_REPLICAS);
      case 'antiAffinityDeployment':
        return rng.draw.int(Math.min(2, pool.nodeCount), Math.max(1, Math.min(5, pool.nodeCount)));
      case 'zoneSpreadDeployment':
        return rng.draw.int(3, 6);
      case 'statefulSet':
      case 'job':
        return rng.draw.int(1, 3);
      case 'standalonePod':
        return 1;
      case 'batchJob':
        return rng.draw.int(1, 4);
      case 'gpuDeployment':
        return rng.draw.int(1, 2);
    }
  };

  const roleFor = (kind: WorkloadMixKind): string | undefined => {
    switch (kind) {
      case 'statefulSet':
        return rng.draw.pick(STATEFUL_ROLES);
      case 'job':
        return rng.draw.pick(JOB_ROLES);
      case 'standalonePod':
        return 'debug';
      case 'batchJob':
        return 'batch';
      case 'gpuDeployment':
        return 'inference';
      default:
        return undefined;
    }
  };

  while (placed < spec.pods && fruitless < MAX_FRUITLESS_WORKLOADS) {
    const kind = guaranteed.shift() ?? (mix.some((m) => m.weight > 0) ? rng.draw.weighted(mix, (m) => m.weight).kind : undefined);
    if (kind === undefined) break;
    const pool = poolFor(kind);
    const shape = SHAPE[kind];
    const namespace = rng.draw.pick(appNamespaces);
    const name = namer.next(namespace, roleFor(kind));
    const size = kind === 'batchJob' || kind === 'gpuDeployment' ? rng.draw.pick(LARGE_SIZES) : sampler.draw(rng.draw);
    const template = makeTemplate(kind, namespace, name, size);
    const replicas = Math.min(replicasFor(kind, pool), spec.pods - placed);
    const workload: GenWorkload = {
      kind,
      shape,
      namespace,
      name,
      uid: uuid(rng.ids),
      createdMs: spec.nowMs - rng.time.int(1 * DAY_MS, 120 * DAY_MS),
      template,
      revisionHash: kubeSuffix(rng.names, shape === 'StatefulSet' ? 10 : 9),
      replicaSetUid: uuid(rng.ids),
      pods: [],
      pdb: null,
    };
    const demand: Demand = { cpu: size.cpuMillis, memory: size.memoryKi, gpus: template.gpus };
    const usedNodes = new Set<number>();
    const perZone = new Map<number, number>(pool.domains.map((z) => [z, 0]));
    const podPrefix = shape === 'Deployment' ? `${name}-${workload.revisionHash}` : name;
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      let zones: number[] | undefined;
      if (template.zoneSpread) {
        const least = Math.min(...perZone.values());
        zones = pool.domains.filter((z) => perZone.get(z) === least);
      }
      const nodeIndex = placer.place(pool, demand, zones, template.hostnameAntiAffinity ? usedNodes : undefined);
      if (nodeIndex < 0) break;
      const node = nodes[nodeIndex] as GenNode;
      usedNodes.add(nodeIndex);
      perZone.set(node.zoneIndex, (perZone.get(node.zoneIndex) ?? 0) + 1);
      const podName =
        shape === 'StatefulSet' ? `${name}-${ordinal}` : shape === 'Pod' ? name : uniquePodName(namespace, podPrefix);
      const volume: GenVolume | null = template.volumeClaim
        ? {
            claimName: `data-${name}-${ordinal}`,
            claimUid: uuid(rng.ids),
            volumeHandle: `vol-${hexString(rng.ids, 17)}`,
            zone: node.zone,
            nodeName: node.name,
            sizeGi: rng.draw.pick([10, 20, 50, 100]),
          }
        : null;
      workload.pods.push({
        name: podName,
        uid: uuid(rng.ids),
        node,
        podIp: addresses.take(node.zoneIndex),
        createdMs: podCreated(Math.max(workload.createdMs, node.createdMs)),
        containerId: containerId(),
        ordinal,
        volume,
      });
    }
    if (workload.pods.length === 0) {
      fruitless++;
      continue;
    }
    fruitless = 0;
    placed += workload.pods.length;
    workloads.push(workload);
  }

  addPendingPods(spec, workloads, rng, sampler, makeTemplate, uniquePodName, namer, appNamespaces);
  assignPdbs(spec, workloads, rng.pdb, rng.ids);
  return { nodes, namespaces: appNamespaces, daemonSets, workloads };
}

function addPendingPods(
  spec: ResolvedClusterGenSpec,
  workloads: GenWorkload[],
  rng: { names: Prng; ids: Prng; draw: Prng; time: Prng },
  sampler: SizeSampler,
  makeTemplate: (kind: WorkloadMixKind, namespace: string, name: string, size: PodSize) => GenTemplate,
  uniquePodName: (namespace: string, prefix: string) => string,
  namer: WorkloadNamer,
  appNamespaces: readonly string[],
): void {
  if (spec.pendingPods === 0) return;
  let hosts = workloads.filter((w) => w.kind === 'plainDeployment' && !w.template.safeToEvictFalse);
  if (hosts.length === 0) {
    const namespace = rng.draw.pick(appNamespaces);
    const name = namer.next(namespace);
    const created: GenWorkload = {
      kind: 'plainDeployment',
      shape: 'Deployment',
      namespace,
      name,
      uid: uuid(rng.ids),
      createdMs: spec.nowMs - rng.time.int(3_600_000, DAY_MS),
      template: makeTemplate('plainDeployment', namespace, name, sampler.draw(rng.draw)),
      revisionHash: kubeSuffix(rng.names, 9),
      replicaSetUid: uuid(rng.ids),
      pods: [],
      pdb: null,
    };
    workloads.push(created);
    hosts = [created];
  }
  for (let i = 0; i < spec.pendingPods; i++) {
    const host = rng.draw.pick(hosts);
    const pod: GenPod = {
      name: uniquePodName(host.namespace, `${host.name}-${host.revisionHash}`),
      uid: uuid(rng.ids),
      node: null,
      podIp: null,
      createdMs: spec.nowMs - rng.time.int(60_000, 3_600_000),
      containerId: '',
      ordinal: host.pods.length,
      volume: null,
    };
    host.pods.push(pod);
  }
}

function assignPdbs(spec: ResolvedClusterGenSpec, workloads: readonly GenWorkload[], prng: Prng, ids: Prng): void {
  const eligible = workloads.filter((w) => w.shape === 'Deployment' || w.shape === 'StatefulSet');
  const order = prng.shuffle(eligible.map((_, i) => i));
  const blocking = new Set(order.slice(0, spec.blockingPdbs));
  const choices: ReadonlyArray<{ readonly weight: number; readonly min: number | string | null; readonly max: number | string | null }> = [
    { weight: 30, min: 1, max: null },
    { weight: 20, min: '50%', max: null },
    { weight: 35, min: null, max: 1 },
    { weight: 15, min: null, max: '25%' },
  ];
  for (const [i, w] of eligible.entries()) {
    const wanted = prng.chance(spec.pdbFraction);
    const choice = prng.weighted(choices, (c) => c.weight);
    if (blocking.has(i)) {
      w.pdb = pdb(w, ids, null, 0);
    } else if (wanted && w.pods.length >= 2) {
      // Teams put budgets on replicated workloads; on a single replica these would block every eviction, which is what
      // blockingPdbs is for.
      w.pdb = pdb(w, ids, choice.min, choice.max);
    }
  }
}

function pdb(w: GenWorkload, ids: Prng, minAvailable: number | string | null, maxUnavailable: number | string | null): GenPdb {
  return { name: `${w.name}-pdb`, uid: uuid(ids), minAvailable, maxUnavailable };
}
