/**
 * Small seeded worlds for the differential test against the real kube-scheduler (test/e2e/scheduler-differential.test.ts):
 * a WorldSpec of planner-vs-scheduler-world.ts (old nodes, Deployments and their pods) plus its Ocean VNGs and migration
 * parameters, the same for the same seed. Sized for the e2e control plane: 2-8 old nodes, 10-80 moving pods.
 *
 * What a world may hold, each drawn per world:
 * - VNGs: `general` (m5, pool=general) always; `memory` (r5, pool=memory) and `batch` (c5, workload=batch, tainted
 *   dedicated=batch:NoSchedule) sometimes; one or two zones;
 * - workloads of a mix of requests (50m-1500m CPU, 64Mi-4Gi, which every VNG type can take): plain, tolerating the batch taint, selecting a VNG's label,
 *   batch (selector and toleration), required anti-affinity per hostname, topology spread over zones (DoNotSchedule or
 *   ScheduleAnyway) or hostnames (DoNotSchedule), a host port;
 * - in some worlds, nodes that stay (not migrated), whose pods stay and count for the moving pods' constraints;
 * - in some other worlds, 1-3 misfits: pods no VNG node can take, each for a different reason (a GPU, a node label no VNG
 *   sets, more CPU or memory or ephemeral storage than any type has, a zone no VNG has a subnet in, the batch label without
 *   the batch toleration). They ask for little besides, so that on nodes other pods filled kube-scheduler names the same
 *   reasons as on the empty VNG node types the planner judges them against; worlds with misfits have no staying nodes (whose
 *   labels and load would add reasons of their own) and get a workload selecting each VNG, so that the plan's fleet holds
 *   a node of every VNG and the live nodes give every reason the planner counts.
 *
 * Left out (the e2e replay or the simulated scheduler does not model them): priorities and preemption, DaemonSets,
 * volumes, preferred (soft) affinities, pods without requests.
 */
import type { V1Affinity, V1Toleration, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { Prng } from '../../../src/gen/prng.js';
import { REGION } from '../../helpers/kube-objects.js';
import type { OldNode, Workload, WorldSpec } from './planner-vs-scheduler-world.js';

const ZONE_KEY = 'topology.kubernetes.io/zone';
const HOSTNAME_KEY = 'kubernetes.io/hostname';
const BATCH_TAINT = { key: 'dedicated', value: 'batch', effect: 'NoSchedule' } as const;
const TOLERATE_BATCH: V1Toleration = { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' };

export type VngName = 'general' | 'memory' | 'batch';

export type WorkloadKind = 'plain' | 'tolerant' | 'selector' | 'batch' | 'anti' | 'zone-spread' | 'zone-spread-soft' | 'host-spread' | 'port';

export type MisfitKind = 'gpu' | 'nvme-selector' | 'huge-cpu' | 'huge-memory' | 'huge-ephemeral' | 'zone-c' | 'batch-no-toleration';

export interface DiffWorld {
  readonly seed: number;
  readonly spec: WorldSpec;
  /** The VNG file (Ocean launch specs and subnet zones) as JSON text. */
  readonly vngsJson: string;
  readonly vngNames: readonly VngName[];
  readonly zones: readonly string[];
  readonly batchSizePercentage: number;
  /** Names of the old nodes that migrate (all but the staying ones). */
  readonly migrating: readonly string[];
  /** Workload kinds (with their count) and misfit kinds, for the report. */
  readonly kinds: Readonly<Record<string, number>>;
  readonly misfits: readonly MisfitKind[];
}

const VNG_DEFS: Record<VngName, { types: readonly string[]; label: readonly [string, string]; tainted: boolean }> = {
  general: { types: ['m5.large', 'm5.xlarge', 'm5.2xlarge'], label: ['pool', 'general'], tainted: false },
  memory: { types: ['r5.large', 'r5.xlarge'], label: ['pool', 'memory'], tainted: false },
  batch: { types: ['c5.xlarge', 'c5.2xlarge'], label: ['workload', 'batch'], tainted: true },
};

function vngsJsonOf(names: readonly VngName[], zones: readonly string[], prng: Prng): string {
  const subnets = zones.map((z) => `subnet-diff-${z.slice(-1)}`);
  return JSON.stringify({
    launchSpecs: names.map((name, i) => {
      const d = VNG_DEFS[name];
      // One to all of the VNG's types, always keeping the smallest (so small pods have a cheap home).
      const types = d.types.filter((_, k) => k === 0 || prng.chance(0.6));
      return {
        id: `ols-d1ff${String(i).padStart(4, '0')}`,
        name,
        instanceTypes: types,
        subnetIds: subnets,
        labels: [{ key: d.label[0], value: d.label[1] }],
        taints: d.tainted ? [BATCH_TAINT] : [],
      };
    }),
    subnetZones: Object.fromEntries(subnets.map((s, i) => [s, zones[i] ?? ''])),
  });
}

/** At most 1500m: every VNG type (the smallest has 1930m allocatable) takes any pod, so only the misfits fit nowhere. */
const CPU_MILLI = [50, 100, 200, 250, 500, 750, 1000, 1250, 1500] as const;
const CPU_WEIGHT = [3, 5, 5, 4, 5, 3, 3, 2, 2] as const;
const MEMORY_MI = [64, 128, 256, 512, 1024, 1536, 2048, 3072, 4096] as const;
const MEMORY_WEIGHT = [2, 4, 5, 5, 4, 3, 2, 1, 1] as const;

function requestsOf(prng: Prng): Record<string, string> {
  const cpu = prng.weighted(CPU_MILLI.map((v, i) => ({ v, w: CPU_WEIGHT[i] ?? 1 })), (x) => x.w).v;
  const memory = prng.weighted(MEMORY_MI.map((v, i) => ({ v, w: MEMORY_WEIGHT[i] ?? 1 })), (x) => x.w).v;
  return { cpu: `${cpu}m`, memory: `${memory}Mi` };
}

const spreadOver = (app: string, topologyKey: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway', maxSkew = 1): V1TopologySpreadConstraint => ({
  maxSkew,
  topologyKey,
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app } },
});

/** A misfit's pod: tiny requests besides what makes it a misfit (tolerating the batch taint unless that is the point). */
function misfitWorkload(kind: MisfitKind, namespace: string, oldNodes: readonly string[]): Workload {
  const tiny = { cpu: '10m', memory: '16Mi' };
  const base = { namespace, name: `misfit-${kind}`, replicas: 1, oldNodes, tolerations: [TOLERATE_BATCH] };
  switch (kind) {
    case 'gpu':
      // No toleration: the batch nodes refuse it for their taint, the others for the GPU.
      return { namespace, name: base.name, replicas: 1, oldNodes, requests: { ...tiny, 'nvidia.com/gpu': '1' } };
    case 'nvme-selector':
      return { ...base, requests: tiny, nodeSelector: { disktype: 'nvme' } };
    case 'huge-cpu':
      return { ...base, requests: { cpu: '96', memory: '16Mi' } };
    case 'huge-memory':
      return { ...base, requests: { cpu: '10m', memory: '512Gi' } };
    case 'huge-ephemeral':
      return { ...base, requests: { ...tiny, 'ephemeral-storage': '2000Gi' } };
    case 'zone-c': {
      const affinity: V1Affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_KEY, operator: 'In', values: [`${REGION}c`] }] }],
          },
        },
      };
      return { ...base, requests: tiny, affinity };
    }
    case 'batch-no-toleration':
      return { namespace, name: base.name, replicas: 1, oldNodes, requests: tiny, nodeSelector: { workload: 'batch' } };
  }
}

const MISFIT_KINDS: readonly MisfitKind[] = ['gpu', 'nvme-selector', 'huge-cpu', 'huge-memory', 'huge-ephemeral', 'zone-c', 'batch-no-toleration'];

/** The world of `seed`. */
export function generateDiffWorld(seed: number): DiffWorld {
  const root = new Prng(seed);
  const prng = root.fork('world');
  const zones = prng.chance(0.75) ? [`${REGION}a`, `${REGION}b`] : [`${REGION}a`];
  const vngNames: VngName[] = ['general'];
  if (prng.chance(0.35)) vngNames.push('memory');
  if (prng.chance(0.45)) vngNames.push('batch');
  const hasBatch = vngNames.includes('batch');
  const withMisfits = prng.chance(0.4);
  const withStaying = !withMisfits && prng.chance(0.35);

  // Old nodes: 2-8, one or two batch ones when the batch VNG exists.
  const oldCount = prng.int(2, 8);
  const batchOld = hasBatch ? Math.min(oldCount - 1, prng.int(1, 2)) : 0;
  const oldNodes: OldNode[] = [];
  for (let i = 0; i < oldCount; i++) {
    const zone = zones[i % zones.length] ?? `${REGION}a`;
    if (i < batchOld) {
      oldNodes.push({ name: `old-batch-${i + 1}`, instanceType: 'c5.2xlarge', zone, labels: { workload: 'batch' }, taints: [BATCH_TAINT] });
    } else {
      const instanceType = prng.pick(['m5.xlarge', 'm5.2xlarge', 'm5.4xlarge', 'r5.xlarge', 'c5.2xlarge']);
      oldNodes.push({ name: `old-${i + 1}`, instanceType, zone, labels: { pool: 'old' } });
    }
  }
  // Nodes that stay: one or two of the untainted ones (the last ones), never all of them.
  const plainOld = oldNodes.filter((n) => (n.taints ?? []).length === 0);
  const stayCount = withStaying ? Math.min(plainOld.length - 1, prng.int(1, 2)) : 0;
  const staying = new Set(plainOld.slice(plainOld.length - Math.max(0, stayCount)).map((n) => n.name));
  const finalOld = oldNodes.map((n) => (staying.has(n.name) ? { ...n, stays: true } : n));
  const plainNames = plainOld.map((n) => n.name);
  const batchNames = oldNodes.filter((n) => (n.taints ?? []).length > 0).map((n) => n.name);

  // The misfits first (one pod each), then workloads until the moving pods reach the target (pods of staying nodes come on
  // top).
  const namespaces = ['shop', 'data', 'ops'].slice(0, prng.int(1, 3));
  // At most 78: a forced workload (below) may add a pod or two beyond the target.
  const target = prng.int(10, 78);
  const misfits: MisfitKind[] = [];
  const misfitWorkloads: Workload[] = [];
  if (withMisfits) {
    const pool = MISFIT_KINDS.filter((k) => k !== 'batch-no-toleration' || hasBatch);
    for (const k of prng.shuffle([...pool]).slice(0, prng.int(1, 3))) {
      misfits.push(k);
      misfitWorkloads.push(misfitWorkload(k, prng.pick(namespaces), [prng.pick(plainNames)]));
    }
  }
  const kindsAvailable: { kind: WorkloadKind; weight: number }[] = [
    { kind: 'plain', weight: 6 },
    { kind: 'tolerant', weight: hasBatch ? 2 : 0 },
    { kind: 'selector', weight: 2 },
    { kind: 'batch', weight: hasBatch ? 3 : 0 },
    { kind: 'anti', weight: 2 },
    { kind: 'zone-spread', weight: 2 },
    { kind: 'zone-spread-soft', weight: 1 },
    { kind: 'host-spread', weight: 1 },
    { kind: 'port', weight: 1 },
  ];
  const workloads: Workload[] = [];
  const kinds: Record<string, number> = {};
  let moving = misfits.length;
  let ports = 0;
  // With misfits, a node of every VNG in the fleet: a workload that needs each.
  const forcedSelectors: VngName[] = withMisfits ? vngNames.filter((v) => v !== 'batch') : [];
  const forced: WorkloadKind[] = [...forcedSelectors.map((): WorkloadKind => 'selector'), ...(withMisfits && hasBatch ? ['batch' as const] : [])];
  while (moving < target || forced.length > 0) {
    const kind = forced.shift() ?? prng.weighted(kindsAvailable, (k) => k.weight).kind;
    const i = workloads.length;
    const name = `${kind}-${i + 1}`;
    const namespace = prng.pick(namespaces);
    const cap = kind === 'anti' || kind === 'port' ? 6 : 12;
    const replicas = Math.max(1, Math.min(target - moving, prng.int(1, cap)));
    const requests = requestsOf(prng);
    const on = kind === 'batch' && batchNames.length > 0 ? batchNames : plainNames;
    // Replicas run round robin over their old nodes, starting at a drawn one.
    const start = prng.int(0, on.length - 1);
    const oldOf = [...on.slice(start), ...on.slice(0, start)];
    let spec: Partial<Workload> = {};
    switch (kind) {
      case 'plain':
        break;
      case 'tolerant':
        spec = { tolerations: [TOLERATE_BATCH] };
        break;
      case 'selector': {
        const vng = forcedSelectors.shift() ?? prng.pick(vngNames.filter((v) => v !== 'batch'));
        const [k, v] = VNG_DEFS[vng].label;
        spec = { nodeSelector: { [k]: v } };
        break;
      }
      case 'batch':
        spec = { nodeSelector: { workload: 'batch' }, tolerations: [TOLERATE_BATCH] };
        break;
      case 'anti':
        spec = { hostAntiAffinity: true };
        break;
      case 'zone-spread':
        spec = { topologySpreadConstraints: [spreadOver(name, ZONE_KEY, 'DoNotSchedule')] };
        break;
      case 'zone-spread-soft':
        spec = { topologySpreadConstraints: [spreadOver(name, ZONE_KEY, 'ScheduleAnyway')] };
        break;
      case 'host-spread':
        spec = { topologySpreadConstraints: [spreadOver(name, HOSTNAME_KEY, 'DoNotSchedule', prng.int(1, 2))] };
        break;
      case 'port':
        ports += 1;
        spec = { hostPort: 9100 + ports };
        break;
    }
    workloads.push({ namespace, name, replicas, requests, oldNodes: oldOf, ...spec });
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    // Replicas on staying nodes do not move.
    moving += oldOf.length === 0 ? 0 : Array.from({ length: replicas }, (_, r) => oldOf[r % oldOf.length] ?? '').filter((n) => !staying.has(n)).length;
    // A workload all of whose replicas sit on staying nodes moves nothing; stop adding after a fixed number anyway.
    if (workloads.length >= 40) break;
  }
  const batchSizePercentage = prng.pick([25, 34, 50, 100]);
  return {
    seed,
    spec: { oldNodes: finalOld, workloads: [...workloads, ...misfitWorkloads] },
    vngsJson: vngsJsonOf(vngNames, zones, prng.fork('vngs')),
    vngNames,
    zones,
    batchSizePercentage,
    migrating: finalOld.filter((n) => n.stays !== true).map((n) => n.name),
    kinds,
    misfits,
  };
}
