/**
 * Node capacity and allocatable for generated EKS nodes, from the bundled instance facts (data/ec2-instance-types.json) and
 * the EKS kubelet formulas described in the data README: max pods from the ENI table, kube-reserved CPU by core ranges,
 * kube-reserved memory 11 MiB per pod + 255 MiB, a 100Mi hard eviction threshold, 1Gi + 10% of the root volume kept back.
 *
 * The planner's catalog owns the real allocatable computation; this copy only has to produce believable node objects.
 */
import { readFileSync } from 'node:fs';
import { bundledDataPath } from '../catalog/catalog.js';

interface RawInstanceType {
  readonly name: string;
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly architecture: string;
  readonly gpuCount: number;
  readonly eksMaxPods: number | null;
  readonly maxPodsFormulaDefaultCardEnis: number | null;
}

export interface GenInstanceFacts {
  readonly name: string;
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly architecture: string;
  readonly gpuCount: number;
  readonly maxPods: number;
}

const KUBELET_DEFAULT_MAX_PODS = 110;

let factsByName: ReadonlyMap<string, GenInstanceFacts> | undefined;

function isRawInstanceType(x: unknown): x is RawInstanceType {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return typeof r['name'] === 'string' && typeof r['vcpu'] === 'number' && typeof r['memoryMiB'] === 'number';
}

/** Reads the bundled table once. */
export function instanceFacts(): ReadonlyMap<string, GenInstanceFacts> {
  if (factsByName !== undefined) return factsByName;
  const path = bundledDataPath('ec2-instance-types.json');
  if (path === null) throw new Error('cannot find data/ec2-instance-types.json above the program');
  const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const rows = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['instanceTypes'] : undefined;
  if (!Array.isArray(rows)) throw new Error(`${path}: expected an "instanceTypes" array`);
  const map = new Map<string, GenInstanceFacts>();
  for (const row of rows as unknown[]) {
    if (!isRawInstanceType(row)) continue;
    map.set(row.name, {
      name: row.name,
      vcpu: row.vcpu,
      memoryMiB: row.memoryMiB,
      architecture: row.architecture === 'arm64' ? 'arm64' : 'amd64',
      gpuCount: typeof row.gpuCount === 'number' ? row.gpuCount : 0,
      maxPods: row.eksMaxPods ?? row.maxPodsFormulaDefaultCardEnis ?? KUBELET_DEFAULT_MAX_PODS,
    });
  }
  factsByName = map;
  return map;
}

export function requireInstanceFacts(name: string): GenInstanceFacts {
  const facts = instanceFacts().get(name);
  if (facts === undefined) throw new Error(`unknown instance type "${name}" (not in data/ec2-instance-types.json)`);
  return facts;
}

/** kube-reserved CPU in millicores: 6% of core 1, 1% of core 2, 0.5% of cores 3-4, 0.25% above; each share truncated. */
export function kubeReservedCpuMillicores(vcpu: number): number {
  const total = vcpu * 1000;
  const ranges: ReadonlyArray<readonly [number, number, number]> = [
    [0, 1000, 600],
    [1000, 2000, 100],
    [2000, 4000, 50],
    [4000, Number.POSITIVE_INFINITY, 25],
  ];
  let reserved = 0;
  for (const [from, to, basisPoints] of ranges) {
    const inRange = Math.max(0, Math.min(total, to) - from);
    reserved += Math.floor((inRange * basisPoints) / 10000);
  }
  return reserved;
}

export interface NodeResources {
  readonly cpuMillicores: number;
  readonly memoryKi: number;
  readonly ephemeralKi: number;
  readonly pods: number;
  readonly gpus: number;
}

export interface NodeSizing {
  readonly capacity: NodeResources;
  readonly allocatable: NodeResources;
}

const GIB_IN_KI = 1024 * 1024;

/**
 * Capacity and allocatable of one node. `vmMemoryOverheadPercent` is the share of nominal memory the hypervisor and kernel
 * keep (kubelet reports less than the instance's nominal size); 7.5 is Karpenter's default estimate, which makes the
 * allocatable memory of amd64 types equal Karpenter's published figures.
 */
export function nodeSizing(facts: GenInstanceFacts, rootVolumeGiB: number, vmMemoryOverheadPercent: number): NodeSizing {
  const memoryMiB = facts.memoryMiB - Math.ceil((facts.memoryMiB * vmMemoryOverheadPercent) / 100);
  const reservedMemoryMiB = 11 * facts.maxPods + 255 + 100;
  const ephemeralKi = rootVolumeGiB * GIB_IN_KI;
  const capacity: NodeResources = {
    cpuMillicores: facts.vcpu * 1000,
    memoryKi: memoryMiB * 1024,
    ephemeralKi,
    pods: facts.maxPods,
    gpus: facts.gpuCount,
  };
  const allocatable: NodeResources = {
    cpuMillicores: capacity.cpuMillicores - kubeReservedCpuMillicores(facts.vcpu),
    memoryKi: Math.max(0, (memoryMiB - reservedMemoryMiB) * 1024),
    ephemeralKi: Math.max(0, ephemeralKi - GIB_IN_KI - Math.ceil(ephemeralKi / 10)),
    pods: facts.maxPods,
    gpus: facts.gpuCount,
  };
  return { capacity, allocatable };
}
