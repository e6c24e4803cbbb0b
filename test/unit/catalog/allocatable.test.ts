import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GIB,
  MIB,
  kubeReservedCpuMillicores,
  kubeReservedMemoryMiB,
  nodeResources,
} from '../../../src/catalog/allocatable.js';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { InputError } from '../../../src/model/errors.js';
import type { InstanceType } from '../../../src/model/types.js';

interface DocsRow {
  name: string;
  architecture: string;
  karpenterDocsAllocatable: { cpuMillicores: number; memoryMiB: number; pods: number; ephemeralStorage: string } | null;
}

const rows = (
  JSON.parse(readFileSync(new URL('../../../data/ec2-instance-types.json', import.meta.url), 'utf8')) as {
    instanceTypes: DocsRow[];
  }
).instanceTypes;
const catalog = loadCatalog();

function typeOf(name: string): InstanceType {
  const it = catalog.byName.get(name);
  if (it === undefined) throw new Error(`test setup: ${name} missing from catalog`);
  return it;
}

function mismatches(arch: string): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const docs = row.karpenterDocsAllocatable;
    if (row.architecture !== arch || docs === null) continue;
    const { allocatable } = nodeResources(typeOf(row.name));
    const got = { cpu: allocatable.cpu, mem: (allocatable.memory ?? 0) / MIB, pods: allocatable.pods };
    const want = { cpu: docs.cpuMillicores, mem: docs.memoryMiB, pods: docs.pods };
    if (got.cpu !== want.cpu || got.mem !== want.mem || got.pods !== want.pods) {
      out.push(`${row.name}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
    }
  }
  return out;
}

describe('kube-reserved', () => {
  it('CPU follows the per-range truncated shares', () => {
    expect(kubeReservedCpuMillicores(1)).toBe(60);
    expect(kubeReservedCpuMillicores(2)).toBe(70);
    expect(kubeReservedCpuMillicores(4)).toBe(80);
    expect(kubeReservedCpuMillicores(8)).toBe(90);
    expect(kubeReservedCpuMillicores(96)).toBe(310);
    // 4 vCPU beyond the fourth core at 0.25% is exactly 10m; 5 vCPU gives 2.5m, truncated to 2.
    expect(kubeReservedCpuMillicores(5)).toBe(82);
  });

  it('memory is 11 MiB per pod plus 255 MiB', () => {
    expect(kubeReservedMemoryMiB(29)).toBe(574);
    expect(kubeReservedMemoryMiB(110)).toBe(1465);
  });
});

describe('nodeResources against Karpenter published AL2023 allocatable', () => {
  it('matches cpu, memory and pods for every amd64 type with published values', () => {
    const amd64 = rows.filter((r) => r.architecture === 'amd64' && r.karpenterDocsAllocatable !== null);
    expect(amd64.length).toBeGreaterThan(900);
    expect(mismatches('amd64')).toEqual([]);
  });

  it('matches arm64 types too, because the 64 MiB CMA pool is modelled', () => {
    expect(mismatches('arm64')).toEqual([]);
    for (const name of ['m6g.large', 'c7g.xlarge', 'r8g.4xlarge', 't4g.micro', 'm7g.metal']) {
      const docs = rows.find((r) => r.name === name)?.karpenterDocsAllocatable;
      expect(docs, name).toBeTruthy();
      expect((nodeResources(typeOf(name)).allocatable.memory ?? 0) / MIB).toBe(docs?.memoryMiB);
    }
  });

  it('without the CMA pool arm64 memory comes out 59 MiB higher on m6g.large', () => {
    const it6g = typeOf('m6g.large');
    const withCma = nodeResources(it6g).allocatable.memory ?? 0;
    const without = nodeResources(it6g, { arm64CmaMiB: 0 }).allocatable.memory ?? 0;
    expect((without - withCma) / MIB).toBe(59);
  });

  it('gives 17Gi ephemeral-storage on the default 20 GiB root volume', () => {
    expect(nodeResources(typeOf('m5.large')).allocatable['ephemeral-storage']).toBe(17 * GIB);
  });
});

describe('nodeResources', () => {
  it('computes m5.large capacity and allocatable', () => {
    const r = nodeResources(typeOf('m5.large'));
    expect(r.capacity).toEqual({ cpu: 2000, memory: (8192 - 615) * MIB, 'ephemeral-storage': 20 * GIB, pods: 29 });
    expect(r.allocatable).toEqual({ cpu: 1930, memory: 6903 * MIB, 'ephemeral-storage': 17 * GIB, pods: 29 });
  });

  it('honours the root volume size, overhead and max pods options', () => {
    const r = nodeResources(typeOf('m5.large'), { rootVolumeSizeGiB: 100, vmMemoryOverheadPercent: 0, maxPods: 110 });
    expect(r.capacity['ephemeral-storage']).toBe(100 * GIB);
    expect(r.allocatable['ephemeral-storage']).toBe(100 * GIB - GIB - 10 * GIB);
    expect(r.capacity.memory).toBe(8192 * MIB);
    expect(r.allocatable.memory).toBe((8192 - 1465 - 100) * MIB);
    expect(r.allocatable.pods).toBe(110);
  });

  it('truncates the 10% nodefs threshold on an odd volume size', () => {
    const r = nodeResources(typeOf('m5.large'), { rootVolumeSizeGiB: 33 });
    expect(r.allocatable['ephemeral-storage']).toBe(33 * GIB - GIB - Math.floor((33 * GIB) / 10));
  });

  it('exposes NVIDIA, AMD, Habana and Neuron devices', () => {
    expect(nodeResources(typeOf('g5.12xlarge')).allocatable['nvidia.com/gpu']).toBe(4);
    expect(nodeResources(typeOf('g4ad.16xlarge')).capacity['amd.com/gpu']).toBe(4);
    expect(nodeResources(typeOf('dl1.24xlarge')).allocatable['habana.ai/gaudi']).toBe(8);
    expect(nodeResources(typeOf('inf2.48xlarge')).allocatable['aws.amazon.com/neuron']).toBe(12);
    expect(Object.keys(nodeResources(typeOf('m5.large')).allocatable).sort()).toEqual([
      'cpu',
      'ephemeral-storage',
      'memory',
      'pods',
    ]);
  });

  it('rejects bad options with an InputError', () => {
    expect(() => nodeResources(typeOf('m5.large'), { vmMemoryOverheadPercent: 1.5 })).toThrow(InputError);
    expect(() => nodeResources(typeOf('m5.large'), { rootVolumeSizeGiB: 0 })).toThrow(/rootVolumeSizeGiB/);
    expect(() => nodeResources(typeOf('m5.large'), { maxPods: 2.5 })).toThrow(/maxPods/);
  });

  it('never gives negative allocatable', () => {
    for (const it of catalog.types) {
      const { allocatable } = nodeResources(it);
      for (const v of Object.values(allocatable)) expect(v).toBeGreaterThanOrEqual(0);
    }
  });
});
