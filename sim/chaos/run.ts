/**
 * The single-threaded core of `vngshift chaos`: one seeded run (draw the world, parameters and faults from the seed, plan,
 * simulate, check invariants 1-6 and 9) and a range of runs in seed order. Workers call the same `chaosRun`, so a run's record
 * is the same whichever thread made it.
 */
import type { Catalog } from '../../src/catalog/catalog.js';
import { generateClusterObjects } from '../../src/gen/cluster.js';
import { Prng } from '../../src/gen/prng.js';
import type { FailureCode } from '../../src/model/failures.js';
import { parseClusterObjects } from '../../src/model/kube/index.js';
import { parseParams, type RawParams } from '../../src/model/params.js';
import type { MigrationStatus } from '../../src/engine/state.js';
import { buildPlan, type Plan } from '../../src/planner/plan.js';
import type { Cluster } from '../../src/model/types.js';
import { FAULT_KINDS, formatFault, type FaultKind, type FaultSpec } from '../faults.js';
import { checkInvariants, type Violation } from '../invariants/index.js';
import { simulate, type SimInput, type SimResult } from '../simulate.js';
import { drawParams, drawRunFaults, drawWorld, SAFETY_WINDOW_SECONDS, vngSet, type ChaosProfile, type ChaosWorld } from './draw.js';

export interface RunViolation {
  readonly invariant: number;
  readonly message: string;
  readonly t?: number;
}

/** What one run was and how it ended: plain data (it crosses worker boundaries and goes into the JSON report). */
export interface RunRecord {
  readonly seed: number;
  readonly profile: ChaosProfile;
  readonly world: ChaosWorld;
  readonly params: RawParams;
  /** Fault kinds this run could draw, and the faults it got (CLI form, healed at the safety window). */
  readonly faultKinds: readonly FaultKind[];
  readonly faults: readonly string[];
  readonly safetyWindowSeconds: number;
  readonly plan: { readonly feasible: boolean; readonly predictedFailure: FailureCode | null; readonly batches: number; readonly boundSeconds: number } | null;
  readonly status: MigrationStatus | 'Error';
  readonly failure: FailureCode | null;
  readonly timedOut: boolean;
  readonly durationSeconds: number;
  readonly engineRestarts: number;
  readonly violations: readonly RunViolation[];
  /** The run threw (a bug in the simulator, the planner or the engine): its message. */
  readonly error: string | null;
}

/** Test seam: extra checks over a finished run (e.g. one that always complains, to prove violations get reported). */
export type ExtraCheck = (run: { seed: number; plan: Plan; cluster: Cluster; result: SimResult }) => Violation[];

export interface ChaosCoreOptions {
  readonly catalog: Catalog;
  readonly profile: ChaosProfile;
  /** Internal: added to checkInvariants' findings. Not reachable from the command line. */
  readonly extraCheck?: ExtraCheck;
  /** Internal: a deliberately wrong world for tests (simulate's wrapPorts seam). Not reachable from the command line. */
  readonly wrapPorts?: SimInput['wrapPorts'];
  /** Invariant 7: every run whose seed is a multiple of this is simulated twice and the two results compared (0: never). */
  readonly replayEvery?: number;
  /**
   * Told as each step of a run ends (bench/chaos.ts reads a CPU clock there to say where a run's time goes). Reads nothing
   * back, so the run is the same with or without it.
   */
  readonly onStep?: (step: ChaosStep) => void;
}

/** The steps of a run, in order: generate the world's objects, parse them, plan, simulate, check, replay (invariant 7). */
export const CHAOS_STEPS = ['generate', 'parse', 'plan', 'simulate', 'check', 'replay'] as const;
export type ChaosStep = (typeof CHAOS_STEPS)[number];

/** Default share of runs replayed for invariant 7 (same inputs and seed, same trace byte for byte). */
export const REPLAY_EVERY = 16;

/** Where two results first differ, for the invariant-7 message. */
function firstDifference(a: SimResult, b: SimResult): string {
  const n = Math.min(a.events.length, b.events.length);
  for (let i = 0; i < n; i++) {
    const x = JSON.stringify(a.events[i]);
    const y = JSON.stringify(b.events[i]);
    if (x !== y) return `event ${i}: ${x} vs ${y}`;
  }
  return a.events.length !== b.events.length ? `${a.events.length} vs ${b.events.length} events` : 'outside the event trace';
}

/**
 * Everything one run is made of. A run drawn from its seed has `faults: null` (they are drawn once the plan is known); a
 * shrunk run (sim/chaos/shrink.ts) carries its own smaller world, parameters and fault list, with the same simulation seed.
 */
export interface ChaosCase {
  readonly seed: number;
  readonly profile: ChaosProfile;
  readonly world: ChaosWorld;
  readonly params: RawParams;
  readonly faults: readonly FaultSpec[] | null;
}

/** The case a seed stands for. */
export function drawCase(seed: number, profile: ChaosProfile): ChaosCase {
  return { seed, profile, world: drawWorld(seed), params: drawParams(seed), faults: null };
}

export async function chaosRun(seed: number, opts: ChaosCoreOptions): Promise<RunRecord> {
  return runChaosCase(drawCase(seed, opts.profile), opts);
}

/** Builds the case's world, plans, simulates it and checks invariants 1-6 and 9. */
export async function runChaosCase(c: ChaosCase, opts: Omit<ChaosCoreOptions, 'profile'>): Promise<RunRecord> {
  const { seed, world, params: rawParams } = c;
  const base = {
    seed,
    profile: c.profile,
    world,
    params: rawParams,
    safetyWindowSeconds: SAFETY_WINDOW_SECONDS,
  };
  let faultKinds: readonly FaultKind[] = [];
  let faults: readonly string[] = [];
  let planInfo: RunRecord['plan'] = null;
  try {
    const source = `chaos seed ${seed}`;
    const step = opts.onStep ?? ((): void => undefined);
    const objects = generateClusterObjects(world.generate, new Prng(world.clusterSeed));
    step('generate');
    const cluster = parseClusterObjects(objects, `${source} (cluster)`);
    const { vngs } = vngSet(world.vngSet, opts.catalog);
    const params = parseParams(rawParams, source);
    step('parse');
    const plan = buildPlan({ cluster, vngs, catalog: opts.catalog, params });
    step('plan');
    planInfo = {
      feasible: plan.feasible,
      predictedFailure: plan.predictedFailure?.code ?? null,
      batches: plan.batches.length,
      boundSeconds: plan.boundSeconds,
    };
    const drawn =
      c.faults === null
        ? drawRunFaults(seed, c.profile, cluster, plan)
        : { kinds: FAULT_KINDS.filter((k) => c.faults?.some((f) => f.kind === k)), faults: c.faults };
    faultKinds = drawn.kinds;
    faults = drawn.faults.map(formatFault);
    const input: SimInput = { cluster, vngs, catalog: opts.catalog, plan, faults: drawn.faults, seed, ...(opts.wrapPorts ? { wrapPorts: opts.wrapPorts } : {}) };
    const result = await simulate(input);
    step('simulate');
    const found = [...checkInvariants({ plan, cluster, result }), ...(opts.extraCheck?.({ seed, plan, cluster, result }) ?? [])];
    step('check');
    const every = opts.replayEvery ?? REPLAY_EVERY;
    if (every > 0 && seed % every === 0) {
      const again = await simulate(input);
      if (JSON.stringify(again) !== JSON.stringify(result)) {
        found.push({ invariant: 7, message: `the same inputs and seed gave a different run the second time (${firstDifference(result, again)})`, objects: [] });
      }
      step('replay');
    }
    return {
      ...base,
      faultKinds,
      faults,
      plan: planInfo,
      status: result.status,
      failure: result.failure?.code ?? null,
      timedOut: result.timedOut,
      durationSeconds: result.durationSeconds,
      engineRestarts: result.engineRestarts,
      violations: found.map((v) => ({ invariant: v.invariant, message: v.message, ...(v.t !== undefined ? { t: v.t } : {}) })),
      error: null,
    };
  } catch (e) {
    return {
      ...base,
      faultKinds,
      faults,
      plan: planInfo,
      status: 'Error',
      failure: null,
      timedOut: false,
      durationSeconds: 0,
      engineRestarts: 0,
      violations: [],
      error: e instanceof Error ? e.message.split('\n')[0] ?? e.message : String(e),
    };
  }
}

/** Runs seeds first, first+1, ..., first+count-1 in this thread; records in seed order. */
export async function chaosRange(
  first: number,
  count: number,
  opts: ChaosCoreOptions,
  onRun?: (record: RunRecord, index: number) => void,
): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for (let i = 0; i < count; i++) {
    const r = await chaosRun(first + i, opts);
    out.push(r);
    onRun?.(r, i);
  }
  return out;
}
