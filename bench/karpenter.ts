/**
 * Karpenter's scheduling benchmark (kubernetes-sigs/karpenter, pkg/controllers/provisioning/scheduling/
 * scheduling_benchmark_test.go, benchmarkScheduler(400, N) with makeDiversePods), rebuilt for our planner:
 *
 *   - 400 instance types as Karpenter's fake.InstanceTypes(400): type i has i+1 vCPU, 2(i+1) GiB, 10(i+1) pods, priced as
 *     its fake.PriceFromResources (0.1 per vCPU + 0.1 per 10^9 bytes of memory); offered in 3 zones; no kubelet overhead.
 *   - N pods in six equal shares, the remainder going to plain pods: plain; zone topology spread; hostname topology spread;
 *     hostname pod affinity; zone pod affinity; hostname pod anti-affinity. Labels and requests are drawn as Karpenter
 *     draws them: my-label / my-affininity (sic) in a..g, cpu in {100, 250, 500, 1000, 1500}m, memory in
 *     {100, 256, 512, 1024, 2048, 4096}Mi. Spread and affinity selectors are drawn independently of the pod's own labels;
 *     the anti-affinity pods all carry app=nginx and repel each other per hostname (one per node).
 *
 * Measured: solve() alone, as Karpenter times scheduler.Solve.
 */
import { catalogFromTypes } from '../src/catalog/catalog.js';
import { Prng } from '../src/gen/prng.js';
import type { InstanceType, Pod, ResourceList } from '../src/model/types.js';
import { solve } from '../src/planner/pack.js';
import { affinityTerm, cluster, exactResources, GI, MI, pendingPod, spread, syntheticType, vng, type PodOptions } from './fixtures.js';
import { timed } from './util.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const VALUES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
const CPUS = [100, 250, 500, 1000, 1500] as const;
const MEMS = [100, 256, 512, 1024, 2048, 4096] as const;

export interface KarpenterResult {
  readonly instanceTypes: number;
  readonly pods: number;
  readonly placed: number;
  readonly unschedulable: number;
  readonly nodes: number;
  readonly solveMs: number;
  readonly podsPerSecond: number;
  readonly costPerHour: number;
}

export function karpenterTypes(count: number): { types: InstanceType[]; observed: Map<string, { capacity: ResourceList; allocatable: ResourceList }> } {
  const types: InstanceType[] = [];
  const observed = new Map<string, { capacity: ResourceList; allocatable: ResourceList }>();
  for (let i = 0; i < count; i++) {
    const cpu = i + 1;
    const memory = 2 * (i + 1) * GI;
    const pods = 10 * (i + 1);
    const name = `fake-it-${i}`;
    types.push(syntheticType(name, cpu, (memory / MI) | 0, pods, 0.1 * cpu + (0.1 * memory) / 1e9));
    observed.set(name, exactResources({ cpu: cpu * 1000, memory, pods }));
  }
  return { types, observed };
}

export function karpenterPods(count: number, prng: Prng): Pod[] {
  const value = (): string => prng.pick(VALUES);
  const requests = (): { cpu: number; memory: number } => ({ cpu: prng.pick(CPUS), memory: prng.pick(MEMS) * MI });
  const share = Math.floor(count / 6);
  const pods: Pod[] = [];
  const add = (n: number, make: () => Omit<PodOptions, 'cpu' | 'memory'>, owner: string): void => {
    for (let i = 0; i < n; i++) {
      const shape = make();
      pods.push(pendingPod(pods.length, { ...shape, ...requests(), owner }));
    }
  };
  add(share, () => ({ labels: { 'my-label': value() } }), 'generic');
  add(share, () => ({ labels: { 'my-label': value() }, topologySpread: [spread({ 'my-label': value() }, ZONE)] }), 'spread-zone');
  add(share, () => ({ labels: { 'my-label': value() }, topologySpread: [spread({ 'my-label': value() }, HOST)] }), 'spread-host');
  add(share, () => ({ labels: { 'my-affininity': value() }, podAffinity: [affinityTerm({ 'my-affininity': value() }, HOST)] }), 'affinity-host');
  add(share, () => ({ labels: { 'my-affininity': value() }, podAffinity: [affinityTerm({ 'my-affininity': value() }, ZONE)] }), 'affinity-zone');
  add(share, () => ({ labels: { app: 'nginx' }, podAntiAffinity: [affinityTerm({ app: 'nginx' }, HOST)] }), 'anti-host');
  add(count - pods.length, () => ({ labels: { 'my-label': value() } }), 'generic-rest');
  return pods;
}

export function runKarpenter(podCount: number, typeCount = 400, seed = 42): KarpenterResult {
  const { types, observed } = karpenterTypes(typeCount);
  const catalog = catalogFromTypes(types, 'bench');
  const pods = karpenterPods(podCount, new Prng(seed));
  const input = {
    cluster: cluster(pods),
    vngs: [vng('karpenter', types.map((t) => t.name), ['test-zone-1', 'test-zone-2', 'test-zone-3'])],
    catalog,
    migratingNodes: new Set<string>(),
    movingPods: pods,
    observed,
  };
  const { value: result, ms } = timed(() => solve(input));
  const placed = result.placements.filter((p) => p !== null).length;
  return {
    instanceTypes: typeCount,
    pods: pods.length,
    placed,
    unschedulable: result.unschedulable.size,
    nodes: result.newNodes.length,
    solveMs: ms,
    podsPerSecond: pods.length / (ms / 1000),
    costPerHour: result.newNodes.reduce((s, n) => s + n.priceUsdPerHour, 0),
  };
}
