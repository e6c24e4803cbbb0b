/** Container request sizes ("t-shirt sizes") and how their mix is tilted towards the small end for dense clusters. */
import type { Prng } from './prng.js';

export interface PodSize {
  readonly name: string;
  /** Quantity text as it appears in the manifest. */
  readonly cpu: string;
  readonly memory: string;
  /** millicores */
  readonly cpuMillis: number;
  /** KiB */
  readonly memoryKi: number;
  /** Relative frequency before tilting. */
  readonly weight: number;
}

const MI = 1024;

export const POD_SIZES: readonly PodSize[] = [
  { name: 'xs', cpu: '50m', memory: '64Mi', cpuMillis: 50, memoryKi: 64 * MI, weight: 25 },
  { name: 's', cpu: '100m', memory: '128Mi', cpuMillis: 100, memoryKi: 128 * MI, weight: 30 },
  { name: 'm', cpu: '250m', memory: '512Mi', cpuMillis: 250, memoryKi: 512 * MI, weight: 22 },
  { name: 'l', cpu: '500m', memory: '1Gi', cpuMillis: 500, memoryKi: 1024 * MI, weight: 13 },
  { name: 'xl', cpu: '1', memory: '2Gi', cpuMillis: 1000, memoryKi: 2048 * MI, weight: 7 },
  { name: '2xl', cpu: '2', memory: '4Gi', cpuMillis: 2000, memoryKi: 4096 * MI, weight: 3 },
];

export const SMALLEST_SIZE = POD_SIZES[0] as PodSize;

/** Sizes for pods of the dedicated pools (batch, GPU): never the tiny ones. */
export const LARGE_SIZES: readonly PodSize[] = POD_SIZES.filter((s) => s.cpuMillis >= 500);

function expected(sizes: readonly PodSize[], tilt: number): { cpu: number; memory: number } {
  let w = 0;
  let cpu = 0;
  let memory = 0;
  for (const [i, s] of sizes.entries()) {
    const weight = s.weight * tilt ** i;
    w += weight;
    cpu += weight * s.cpuMillis;
    memory += weight * s.memoryKi;
  }
  return { cpu: cpu / w, memory: memory / w };
}

/**
 * A sampler over POD_SIZES whose weights are multiplied by tilt^rank, with the tilt in (0, 1] chosen (by bisection) so the
 * mean request stays within `fill` of the per-pod budget. A roomy cluster keeps the plain mix; a dense one gets mostly small
 * pods, so the requested pod count can still be placed.
 */
export class SizeSampler {
  readonly tilt: number;
  private readonly weights: readonly number[];

  constructor(cpuBudgetPerPod: number, memoryBudgetPerPod: number, fill = 0.8) {
    const ok = (t: number): boolean => {
      const e = expected(POD_SIZES, t);
      return e.cpu <= cpuBudgetPerPod * fill && e.memory <= memoryBudgetPerPod * fill;
    };
    let tilt = 1;
    if (!ok(1)) {
      let lo = 0;
      let hi = 1;
      for (let i = 0; i < 30; i++) {
        const mid = (lo + hi) / 2;
        if (ok(mid)) lo = mid;
        else hi = mid;
      }
      tilt = Math.max(lo, 1e-6);
    }
    this.tilt = tilt;
    this.weights = POD_SIZES.map((s, i) => s.weight * tilt ** i);
  }

  draw(prng: Prng): PodSize {
    const index = prng.weighted(
      POD_SIZES.map((_, i) => i),
      (i) => this.weights[i] ?? 0,
    );
    return POD_SIZES[index] as PodSize;
  }
}
