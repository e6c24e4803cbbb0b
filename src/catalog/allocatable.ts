/**
 * What a node of an instance type offers to pods, computed as an EKS AL2023 node bootstrapped by nodeadm would set up its
 * kubelet: max pods from the ENI limits, kube-reserved CPU and memory from nodeadm's formulas, and kubelet's hard eviction
 * thresholds. The planner uses these for instance types it has not seen on a real node (see observed.ts for the others).
 */
import { InputError } from '../model/errors.js';
import type { InstanceType, ResourceList } from '../model/types.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS } from '../model/types.js';

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/**
 * Default share of the EC2-advertised memory that a node never reports as capacity. EC2 quotes the memory of the instance,
 * but the hypervisor, firmware and kernel keep part of it, so the kubelet's capacity is smaller. The true amount depends on
 * the type and the kernel; 7.5% is the estimate Karpenter uses by default (its vm-memory-overhead-percent). With it our
 * numbers equal Karpenter's published AL2023 allocatable for every amd64 type. Erring low makes the plan launch a few more
 * nodes rather than promise pods room that is not there.
 */
export const DEFAULT_VM_MEMORY_OVERHEAD_PERCENT = 0.075;

/** The EKS-optimized AMIs ship a 20 GiB root volume; a launch spec's rootVolumeSize replaces it. */
export const DEFAULT_ROOT_VOLUME_GIB = 20;

/**
 * Memory that Graviton (arm64) kernels set aside as a contiguous-memory (CMA) pool, which Karpenter subtracts from arm64
 * capacity before its overhead estimate. We model it too: it keeps arm64 numbers equal to Karpenter's published values
 * (otherwise they come out 59 MiB higher) and errs on the safe side.
 */
export const DEFAULT_ARM64_CMA_MIB = 64;

/** nodeadm's kube-reserved memory: 11 MiB per pod the node may run, plus 255 MiB. */
export const KUBE_RESERVED_MEMORY_MIB_PER_POD = 11;
export const KUBE_RESERVED_MEMORY_MIB_BASE = 255;
/** kubelet evictionHard memory.available. */
export const EVICTION_MEMORY_MIB = 100;
/** nodeadm's kube-reserved ephemeral-storage. */
export const KUBE_RESERVED_EPHEMERAL_BYTES = GIB;
/** kubelet evictionHard nodefs.available, as a share of the root volume. */
export const EVICTION_NODEFS_PERCENT = 10;

/** nodeadm's kube-reserved CPU, in basis points of each range of millicores. */
const CPU_RESERVE_RANGES: readonly { from: number; to: number; basisPoints: number }[] = [
  { from: 0, to: 1000, basisPoints: 600 },
  { from: 1000, to: 2000, basisPoints: 100 },
  { from: 2000, to: 4000, basisPoints: 50 },
  { from: 4000, to: Number.POSITIVE_INFINITY, basisPoints: 25 },
];

export const NVIDIA_GPU = 'nvidia.com/gpu';
export const AMD_GPU = 'amd.com/gpu';
export const HABANA_GAUDI = 'habana.ai/gaudi';
export const NEURON_DEVICE = 'aws.amazon.com/neuron';

export interface AllocatableOptions {
  /** Share of memory hidden by the hypervisor and kernel, in [0, 1). Default 0.075. */
  readonly vmMemoryOverheadPercent?: number;
  /** Root volume size in GiB, the node's ephemeral-storage capacity. Default 20. */
  readonly rootVolumeSizeGiB?: number;
  /** Max pods in place of the instance type's EKS value; also drives the kube-reserved memory. */
  readonly maxPods?: number;
  /** CMA pool removed from arm64 memory, in MiB. Default 64; 0 turns it off. */
  readonly arm64CmaMiB?: number;
}

export interface NodeResources {
  readonly capacity: ResourceList;
  readonly allocatable: ResourceList;
}

/** kube-reserved CPU in millicores for a node with `vcpu` vCPUs; each range's share is truncated before summing. */
export function kubeReservedCpuMillicores(vcpu: number): number {
  const millicores = vcpu * 1000;
  let reserved = 0;
  for (const range of CPU_RESERVE_RANGES) {
    if (millicores <= range.from) break;
    const inRange = Math.min(millicores, range.to) - range.from;
    reserved += Math.floor((inRange * range.basisPoints) / 10_000);
  }
  return reserved;
}

/** kube-reserved memory in MiB for a node that may run `maxPods` pods. */
export function kubeReservedMemoryMiB(maxPods: number): number {
  return KUBE_RESERVED_MEMORY_MIB_PER_POD * maxPods + KUBE_RESERVED_MEMORY_MIB_BASE;
}

/** The extended resource a device plugin advertises for a GPU maker, or null when none is known. */
export function gpuResourceName(manufacturer: string | null): string | null {
  switch (manufacturer?.toLowerCase()) {
    case 'nvidia':
      return NVIDIA_GPU;
    case 'amd':
      return AMD_GPU;
    case 'habana':
      return HABANA_GAUDI;
    default:
      return null;
  }
}

/** Memory capacity in MiB the kubelet would report: EC2 memory less the arm64 CMA pool, less the VM overhead estimate. */
export function memoryCapacityMiB(it: InstanceType, overheadPercent: number, arm64CmaMiB: number): number {
  const base = it.memoryMiB - (it.architecture === 'arm64' ? arm64CmaMiB : 0);
  // Worked through bytes, as Karpenter does, so that float rounding lands on the same MiB.
  const overhead = Math.ceil((base * MIB * overheadPercent) / MIB);
  return Math.max(0, base - overhead);
}

function badOption(field: string, problem: string): InputError {
  return new InputError('allocatable options', '', field, problem);
}

function checkOptions(opts: AllocatableOptions): void {
  const pct = opts.vmMemoryOverheadPercent;
  if (pct !== undefined && !(Number.isFinite(pct) && pct >= 0 && pct < 1)) {
    throw badOption('vmMemoryOverheadPercent', `expected a fraction in [0, 1), such as 0.075; found ${pct}`);
  }
  const root = opts.rootVolumeSizeGiB;
  if (root !== undefined && !(Number.isInteger(root) && root > 0)) {
    throw badOption('rootVolumeSizeGiB', `expected a positive whole number of GiB; found ${root}`);
  }
  const pods = opts.maxPods;
  if (pods !== undefined && !(Number.isInteger(pods) && pods > 0)) {
    throw badOption('maxPods', `expected a positive whole number; found ${pods}`);
  }
  const cma = opts.arm64CmaMiB;
  if (cma !== undefined && !(Number.isInteger(cma) && cma >= 0)) {
    throw badOption('arm64CmaMiB', `expected a whole number of MiB, 0 or more; found ${cma}`);
  }
}

/** Capacity and allocatable of one node of type `it`, in the model's units (millicores, bytes, counts). */
export function nodeResources(it: InstanceType, opts: AllocatableOptions = {}): NodeResources {
  checkOptions(opts);
  const overheadPercent = opts.vmMemoryOverheadPercent ?? DEFAULT_VM_MEMORY_OVERHEAD_PERCENT;
  const rootGiB = opts.rootVolumeSizeGiB ?? DEFAULT_ROOT_VOLUME_GIB;
  const maxPods = opts.maxPods ?? it.maxPods;
  const cmaMiB = opts.arm64CmaMiB ?? DEFAULT_ARM64_CMA_MIB;

  const cpu = it.vcpu * 1000;
  const memoryMiB = memoryCapacityMiB(it, overheadPercent, cmaMiB);
  const storage = rootGiB * GIB;

  const capacity: ResourceList = {
    [CPU]: cpu,
    [MEMORY]: memoryMiB * MIB,
    [EPHEMERAL_STORAGE]: storage,
    [PODS]: maxPods,
  };
  const devices: ResourceList = {};
  const gpuName = gpuResourceName(it.gpuManufacturer);
  if (gpuName !== null && it.gpuCount > 0) devices[gpuName] = it.gpuCount;
  if (it.neuronDeviceCount > 0) devices[NEURON_DEVICE] = it.neuronDeviceCount;
  Object.assign(capacity, devices);

  const allocatable: ResourceList = {
    [CPU]: Math.max(0, cpu - kubeReservedCpuMillicores(it.vcpu)),
    [MEMORY]: Math.max(0, (memoryMiB - kubeReservedMemoryMiB(maxPods) - EVICTION_MEMORY_MIB) * MIB),
    [EPHEMERAL_STORAGE]: Math.max(
      0,
      storage - KUBE_RESERVED_EPHEMERAL_BYTES - Math.floor((storage * EVICTION_NODEFS_PERCENT) / 100),
    ),
    [PODS]: maxPods,
    ...devices,
  };
  return { capacity, allocatable };
}
