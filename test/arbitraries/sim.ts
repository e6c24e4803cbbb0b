/**
 * Arbitraries for the simulation properties: small generated worlds (a cluster generator spec and seed, one of two VNG sets,
 * migration parameters), fault schedules that fast-check can shrink fault by fault, and the shapes of the interleaving
 * property (test/property/engine-interleavings.test.ts).
 */
import fc from 'fast-check';
import type { MigrationParams } from '../../src/model/params.js';
import type { FaultSpec } from '../../sim/faults.js';

export const VNG_FILES = { general: 'scenarios/vngs/general.json', full: 'examples/vngs.json' } as const;

export interface WorldSpec {
  readonly clusterSeed: number;
  readonly nodes: number;
  readonly pods: number;
  /** PDBs with maxUnavailable 0 (every eviction refused). */
  readonly blockingPdbs: number;
  readonly standalonePods: boolean;
  /** GPU and tainted batch node pools with their workloads (only the 'full' VNG set hosts them). */
  readonly special: boolean;
  readonly vngs: keyof typeof VNG_FILES;
  readonly params: Partial<Omit<MigrationParams, 'nodes'>>;
}


export const paramsArb: fc.Arbitrary<WorldSpec['params']> = fc.record({
  batchSizePercentage: fc.constantFrom(20, 25, 34, 50, 100),
  respectPdb: fc.constantFrom(true, true, true, false),
  forcePodEvictionOnPdbFailure: fc.boolean(),
  shouldEvictStandAlonePods: fc.boolean(),
  shouldTerminateDrainedNodes: fc.constantFrom(true, true, true, false),
  drainTimeThresholdSeconds: fc.constantFrom(300, 600, 900),
  batchTimeBudgetSeconds: fc.constantFrom(900, 1800),
  cordonAllAtStart: fc.boolean(),
});

export const worldSpecArb: fc.Arbitrary<WorldSpec> = fc.record({
  clusterSeed: fc.integer({ min: 1, max: 1_000_000 }),
  nodes: fc.integer({ min: 6, max: 12 }),
  pods: fc.integer({ min: 60, max: 200 }),
  blockingPdbs: fc.constantFrom(0, 0, 0, 1),
  standalonePods: fc.boolean(),
  special: fc.constantFrom(false, false, true),
  vngs: fc.constantFrom('general' as const, 'full' as const),
  params: paramsArb,
});

/** What a fault schedule may aim at in a world. */
export interface FaultTargets {
  readonly horizonSeconds: number;
  readonly instanceTypes: readonly string[];
  readonly zones: readonly string[];
  readonly workloads: readonly string[];
  readonly nodes: readonly string[];
}

/**
 * A fault before it is aimed: its kind, when (a share of the horizon), how long (a share of the horizon, or open-ended),
 * and a target index taken modulo the world's list. Shrinking drops faults, moves them earlier and shortens them.
 */
export interface FaultDraft {
  readonly kind: FaultSpec['kind'];
  readonly at: number;
  readonly length: number | null;
  readonly target: number;
  readonly strength: number;
  readonly flag: boolean;
}

export const faultDraftArb: fc.Arbitrary<FaultDraft> = fc.record({
  kind: fc.constantFrom<FaultSpec['kind']>(
    'engine-crash',
    'api-disconnect',
    'api-throttling',
    'api-errors',
    'insufficient-capacity',
    'terminate-refused',
    'uncordon-refused',
    'slow-launches',
    'pods-never-ready',
    'new-workload',
    'node-not-ready',
    'stop',
    'spot-interruption',
    'rebalance-recommendation',
  ),
  at: fc.integer({ min: 0, max: 1000 }),
  length: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
  target: fc.nat({ max: 1000 }),
  strength: fc.integer({ min: 1, max: 100 }),
  flag: fc.boolean(),
});

/** A schedule of 1-5 faults. */
export const faultScheduleArb: fc.Arbitrary<readonly FaultDraft[]> = fc.array(faultDraftArb, { minLength: 1, maxLength: 5 });

/** Aims drafts at a world: times and durations in seconds within the horizon, targets from its lists. */
export function aimFaults(drafts: readonly FaultDraft[], t: FaultTargets): FaultSpec[] {
  const pick = (xs: readonly string[], i: number): string | null => (xs.length === 0 ? null : (xs[i % xs.length] as string));
  return drafts.map((d): FaultSpec => {
    const at = Math.round((d.at / 1000) * t.horizonSeconds);
    const span = d.length === null ? null : Math.max(1, Math.round((d.length / 1000) * t.horizonSeconds));
    switch (d.kind) {
      case 'engine-crash':
        return { kind: d.kind, at };
      case 'stop':
        return { kind: d.kind, at, terminateDrained: d.flag };
      case 'api-disconnect':
        return { kind: d.kind, at, duration: span ?? 60 };
      case 'api-throttling':
      case 'api-errors':
        return { kind: d.kind, at, duration: span ?? 60, rate: d.strength / 100 };
      case 'insufficient-capacity':
        return { kind: d.kind, at, duration: span, instanceType: d.flag ? pick(t.instanceTypes, d.target) : null, zone: d.flag ? null : pick(t.zones, d.target) };
      case 'terminate-refused':
      case 'uncordon-refused':
        return { kind: d.kind, at, duration: span };
      case 'slow-launches':
        return { kind: d.kind, at, duration: span, multiplier: 1 + d.strength / 25 };
      case 'pods-never-ready': {
        const workload = pick(t.workloads, d.target);
        return workload === null ? { kind: 'engine-crash', at } : { kind: d.kind, at, workload };
      }
      case 'new-workload':
        return { kind: d.kind, at, namespace: 'default', name: `surprise-${d.target}`, replicas: 1 + (d.strength % 6), cpuMilli: 100 * (1 + (d.target % 10)), memoryBytes: 128 * 1024 * 1024 * (1 + (d.strength % 8)), unplaceable: d.flag };
      case 'node-not-ready':
        return { kind: d.kind, at, node: d.flag ? null : pick(t.nodes, d.target), duration: span };
      case 'spot-interruption':
        // New nodes have no names before the run: the world picks them (the seeded PRNG), of any VNG.
        return { kind: d.kind, at, node: null, vng: null, count: 1 + (d.strength % 2) };
      case 'rebalance-recommendation':
        return { kind: d.kind, at, node: null, vng: null };
    }
  });
}

/** The shape of one interleaving run: a small world of fake ports and the concurrent events the scheduler may release. */
export interface InterleavingShape {
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly batchNodes: number;
  readonly blocked: number;
  readonly force: boolean;
  readonly stop: { readonly terminateDrained: boolean } | null;
  readonly crashes: number;
  /** Per crash: whether each call in flight reached the server before the process died. */
  readonly reached: readonly boolean[];
  readonly unblock: boolean;
  readonly outage: boolean;
}

export const interleavingShapeArb: fc.Arbitrary<InterleavingShape> = fc.record({
  nodes: fc.integer({ min: 1, max: 4 }),
  podsPerNode: fc.integer({ min: 1, max: 3 }),
  batchNodes: fc.integer({ min: 1, max: 2 }),
  blocked: fc.integer({ min: 0, max: 2 }),
  force: fc.boolean(),
  stop: fc.option(fc.record({ terminateDrained: fc.boolean() }), { nil: null }),
  crashes: fc.integer({ min: 0, max: 2 }),
  reached: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  unblock: fc.boolean(),
  outage: fc.boolean(),
});
