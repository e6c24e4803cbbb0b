/**
 * Puts generated pods onto generated nodes without over-committing any node's requests, in (amortised) constant time per
 * pod: a few random probes into the list of still-open nodes of the pod's pool and zone, then one full scan as a fallback.
 * A request that failed a full scan is remembered, so any request at least as large fails at once afterwards.
 */
import type { Prng } from './prng.js';

export interface Demand {
  /** millicores */
  readonly cpu: number;
  /** KiB */
  readonly memory: number;
  readonly gpus: number;
}

export interface FreeResources {
  cpu: number;
  memory: number;
  pods: number;
  gpus: number;
}

/** A node is open while it can still take the smallest pod the generator makes. */
export interface PlacementLimits {
  readonly minCpu: number;
  readonly minMemory: number;
}

const RANDOM_PROBES = 24;

function fits(free: FreeResources, d: Demand): boolean {
  return free.pods >= 1 && free.cpu >= d.cpu && free.memory >= d.memory && free.gpus >= d.gpus;
}

function dominates(big: Demand, small: Demand): boolean {
  return big.cpu >= small.cpu && big.memory >= small.memory && big.gpus >= small.gpus;
}

/** The nodes one kind of pod may use, split by zone index. */
export class Pool {
  /** Per zone: nodes that may still take a pod (lazily pruned). */
  readonly open: number[][];
  /** Zones where the pool had nodes at all (the topology spread domains). */
  readonly domains: readonly number[];
  /** Per zone: requests that failed a full scan. */
  private readonly failed: Demand[][];

  constructor(nodesByZone: readonly (readonly number[])[]) {
    this.open = nodesByZone.map((list) => [...list]);
    this.failed = nodesByZone.map(() => []);
    this.domains = nodesByZone.flatMap((list, zone) => (list.length > 0 ? [zone] : []));
  }

  get nodeCount(): number {
    let n = 0;
    for (const list of this.open) n += list.length;
    return n;
  }

  knownToFail(zone: number, d: Demand): boolean {
    for (const f of this.failed[zone] ?? []) if (dominates(d, f)) return true;
    return false;
  }

  recordFailure(zone: number, d: Demand): void {
    const list = this.failed[zone];
    if (list !== undefined && !this.knownToFail(zone, d)) list.push(d);
  }
}

export class Placer {
  constructor(
    private readonly free: readonly FreeResources[],
    private readonly limits: PlacementLimits,
    private readonly prng: Prng,
  ) {}

  private isOpen(node: number): boolean {
    const f = this.free[node];
    return f !== undefined && f.pods >= 1 && f.cpu >= this.limits.minCpu && f.memory >= this.limits.minMemory;
  }

  private commit(node: number, d: Demand): void {
    const f = this.free[node];
    if (f === undefined) throw new Error(`no node ${node}`);
    f.cpu -= d.cpu;
    f.memory -= d.memory;
    f.pods -= 1;
    f.gpus -= d.gpus;
  }

  /**
   * Chooses a node of the pool (in one of `zones`, default every zone) that fits `d` and is not in `exclude`, reserves the
   * request on it and returns its index; -1 when none fits.
   */
  place(pool: Pool, d: Demand, zones?: readonly number[], exclude?: ReadonlySet<number>): number {
    const zoneList = (zones ?? pool.domains).filter((z) => !pool.knownToFail(z, d));
    if (zoneList.length === 0) return -1;
    for (let probe = 0; probe < RANDOM_PROBES; probe++) {
      let total = 0;
      for (const z of zoneList) total += pool.open[z]?.length ?? 0;
      if (total === 0) break;
      let r = this.prng.int(0, total - 1);
      for (const z of zoneList) {
        const list = pool.open[z];
        if (list === undefined) continue;
        if (r >= list.length) {
          r -= list.length;
          continue;
        }
        const node = list[r] as number;
        if (!this.isOpen(node)) {
          list[r] = list[list.length - 1] as number;
          list.pop();
        } else if (fits(this.free[node] as FreeResources, d) && exclude?.has(node) !== true) {
          this.commit(node, d);
          return node;
        }
        break;
      }
    }
    // Fallback: scan every open node of the chosen zones once, pruning closed ones as we go.
    for (const z of zoneList) {
      const list = pool.open[z];
      if (list === undefined) continue;
      let i = 0;
      while (i < list.length) {
        const node = list[i] as number;
        if (!this.isOpen(node)) {
          list[i] = list[list.length - 1] as number;
          list.pop();
          continue;
        }
        if (fits(this.free[node] as FreeResources, d) && exclude?.has(node) !== true) {
          this.commit(node, d);
          return node;
        }
        i++;
      }
      if (exclude === undefined || exclude.size === 0) pool.recordFailure(z, d);
    }
    return -1;
  }

  /** Reserves a request on a given node regardless of fit (DaemonSet pods, which the generator sizes to fit). */
  reserve(node: number, d: Demand): void {
    this.commit(node, d);
  }
}
