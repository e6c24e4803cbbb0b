/**
 * Karpenter's scheduling benchmark (kubernetes-sigs/karpenter, pkg/controllers/provisioning/scheduling/
 * scheduling_benchmark_test.go, BenchmarkScheduling<N>: benchmarkScheduler over makeDiversePods(N)), rebuilt for our
 * planner, in two mixes:
 *
 *   - `current` (Karpenter's mix since January 2025, read at commit 2266468104f3): N pods in five equal shares, the remainder
 *     going to plain pods: plain; zone topology spread; hostname topology spread; zone pod affinity to its own label (each
 *     pod's affinity selector is its own my-affininity label, so every group can start itself); hostname pod anti-affinity.
 *     Instance types as Karpenter's fake.InstanceTypes(400) with the kube-reserved overhead of its fake instance types
 *     (100m cpu, 10Mi memory) taken off allocatable.
 *   - `six-kind` (the mix this benchmark first copied, Karpenter's until January 2025): six equal shares, plain; zone
 *     spread; hostname spread; hostname pod affinity; zone pod affinity; hostname anti-affinity, where the affinity
 *     selectors are drawn independently of the pod's own labels. Instance types without overhead, as first measured here.
 *
 * Common to both: type i has i+1 vCPU, 2(i+1) GiB, 10(i+1) pods, priced as Karpenter's fake.PriceFromResources (0.1 per
 * vCPU + 0.1 per 10^9 bytes of memory), offered in 3 zones. Labels and requests are drawn as Karpenter draws them:
 * my-label / my-affininity (sic) in a..g, cpu in {100, 250, 500, 1000, 1500}m, memory in {100, 256, 512, 1024, 2048,
 * 4096}Mi; spread selectors are drawn independently of the pod's own labels; the anti-affinity pods all carry app=nginx and
 * repel each other per hostname (one per node), so N/5 (current) or N/6 (six-kind) nodes is a lower bound on the node count.
 * Our generator is not Go's math/rand: the draws differ, the shares and kinds do not.
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
/** kube-reserved of Karpenter's fake instance types. */
const KUBE_RESERVED_CPU = 100;
const KUBE_RESERVED_MEMORY = 10 * MI;

export type KarpenterMix = 'current' | 'six-kind';

/** Karpenter's own node count (BenchmarkScheduling<N>'s "nodes" metric) where it was measured, by `<mix>/<pods>`. */
export const KARPENTER_NODES: Readonly<Record<string, number>> = { 'current/5000': 1000 };

export interface KarpenterResult {
  readonly mix: KarpenterMix;
  readonly instanceTypes: number;
  readonly pods: number;
  readonly placed: number;
  readonly unschedulable: number;
  readonly nodes: number;
  /** The pods with hostname anti-affinity to each other: no two share a node, so at least this many nodes. */
  readonly nodeLowerBound: number;
  readonly solveMs: number;
  readonly podsPerSecond: number;
  readonly costPerHour: number;
}

export function karpenterTypes(
  count: number,
  kubeReserved: boolean,
): { types: InstanceType[]; observed: Map<string, { capacity: ResourceList; allocatable: ResourceList }> } {
  const types: InstanceType[] = [];
  const observed = new Map<string, { capacity: ResourceList; allocatable: ResourceList }>();
  for (let i = 0; i < count; i++) {
    const cpu = i + 1;
    const memory = 2 * (i + 1) * GI;
    const pods = 10 * (i + 1);
    const name = `fake-it-${i}`;
    types.push(syntheticType(name, cpu, (memory / MI) | 0, pods, 0.1 * cpu + (0.1 * memory) / 1e9));
    const capacity = { cpu: cpu * 1000, memory, pods };
    const resources = exactResources(capacity);
    if (kubeReserved) {
      resources.allocatable = { cpu: capacity.cpu - KUBE_RESERVED_CPU, memory: capacity.memory - KUBE_RESERVED_MEMORY, pods };
    }
    observed.set(name, resources);
  }
  return { types, observed };
}

/** Pods of the given mix, labels and requests drawn from `prng` in the order Karpenter draws them. */
export function karpenterPods(count: number, prng: Prng, mix: KarpenterMix): Pod[] {
  const value = (): string => prng.pick(VALUES);
  const requests = (): { cpu: number; memory: number } => {
    const cpu = prng.pick(CPUS);
    return { cpu, memory: prng.pick(MEMS) * MI };
  };
  const pods: Pod[] = [];
  const add = (n: number, make: () => Omit<PodOptions, 'cpu' | 'memory'>, owner: string): void => {
    for (let i = 0; i < n; i++) {
      const shape = make();
      pods.push(pendingPod(pods.length, { ...shape, ...requests(), owner }));
    }
  };
  const generic = (): Omit<PodOptions, 'cpu' | 'memory'> => ({ labels: { 'my-label': value() } });
  const spreadOver = (key: string) => (): Omit<PodOptions, 'cpu' | 'memory'> => {
    const labels = { 'my-label': value() };
    return { labels, topologySpread: [spread({ 'my-label': value() }, key)] };
  };
  const antiHost = (): Omit<PodOptions, 'cpu' | 'memory'> => ({
    labels: { app: 'nginx' },
    podAntiAffinity: [affinityTerm({ app: 'nginx' }, HOST)],
  });
  if (mix === 'current') {
    const share = Math.floor(count / 5);
    const selfAffinity = (key: string) => (): Omit<PodOptions, 'cpu' | 'memory'> => {
      const labels = { 'my-affininity': value() };
      return { labels, podAffinity: [affinityTerm(labels, key)] };
    };
    add(share, generic, 'generic');
    add(share, spreadOver(ZONE), 'spread-zone');
    add(share, spreadOver(HOST), 'spread-host');
    add(share, selfAffinity(ZONE), 'affinity-zone');
    add(share, antiHost, 'anti-host');
  } else {
    const share = Math.floor(count / 6);
    const affinity = (key: string) => (): Omit<PodOptions, 'cpu' | 'memory'> => {
      const labels = { 'my-affininity': value() };
      return { labels, podAffinity: [affinityTerm({ 'my-affininity': value() }, key)] };
    };
    add(share, generic, 'generic');
    add(share, spreadOver(ZONE), 'spread-zone');
    add(share, spreadOver(HOST), 'spread-host');
    add(share, affinity(HOST), 'affinity-host');
    add(share, affinity(ZONE), 'affinity-zone');
    add(share, antiHost, 'anti-host');
  }
  add(count - pods.length, generic, 'generic-rest');
  return pods;
}

export function runKarpenter(podCount: number, mix: KarpenterMix = 'current', typeCount = 400, seed = 42): KarpenterResult {
  const { types, observed } = karpenterTypes(typeCount, mix === 'current');
  const catalog = catalogFromTypes(types, 'bench');
  const pods = karpenterPods(podCount, new Prng(seed), mix);
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
    mix,
    instanceTypes: typeCount,
    pods: pods.length,
    placed,
    unschedulable: result.unschedulable.size,
    nodes: result.newNodes.length,
    nodeLowerBound: Math.floor(podCount / (mix === 'current' ? 5 : 6)),
    solveMs: ms,
    podsPerSecond: pods.length / (ms / 1000),
    costPerHour: result.newNodes.reduce((s, n) => s + n.priceUsdPerHour, 0),
  };
}
