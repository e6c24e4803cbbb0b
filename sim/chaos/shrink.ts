/**
 * Shrinking a failing chaos run to a minimal scenario with fast-check. The failing run is given to fast-check as an example
 * of an arbitrary whose every part can only get smaller: each fault and each migration parameter may be dropped (a dropped
 * parameter takes its default), the world may lose nodes, pods, PDBs, stand-alone pods and its GPU/batch pools. fast-check
 * then shrinks the example as it shrinks any counterexample, keeping a candidate only when it still breaks one of the
 * invariants the original broke (or still throws, when the original threw), so the result is the same bug, not another.
 *
 * The search is deterministic (fast-check's own seed is the run's seed) and bounded by a number of simulations, not by time.
 */
import fc from 'fast-check';
import type { ClusterGenSpec } from '../../src/gen/spec.js';
import type { RawParams } from '../../src/model/params.js';
import { parseFault, type FaultSpec } from '../faults.js';
import type { ChaosWorld } from './draw.js';
import { runChaosCase, type ChaosCase, type ChaosCoreOptions, type RunRecord } from './run.js';

export interface ShrinkOptions extends Omit<ChaosCoreOptions, 'profile'> {
  /** Most simulations the search may run (default 150). */
  readonly maxRuns?: number;
}

export interface ShrinkOutcome {
  readonly original: RunRecord;
  /** The smallest run found that fails the same way (the original itself when nothing smaller does). */
  readonly shrunk: RunRecord;
  readonly case: ChaosCase;
  /** Simulations run by the search, and successful shrink steps. */
  readonly runs: number;
  readonly steps: number;
  /** The search stopped at maxRuns: a smaller case may exist. */
  readonly exhausted: boolean;
}

/** What fast-check varies: keep-flags (true keeps the original's part) and counts bounded by the original's. */
interface Knobs {
  readonly faults: readonly boolean[];
  readonly params: readonly boolean[];
  readonly nodes: number;
  readonly pods: number;
  readonly blockingPdbs: number;
  readonly pdbs: boolean;
  readonly standalone: boolean;
  readonly special: boolean;
}

/** Whether a run fails the way the original did. */
export function sameFailure(original: RunRecord, candidate: RunRecord): boolean {
  if (original.error !== null) return candidate.error !== null;
  const broken = new Set(original.violations.map((v) => v.invariant));
  return candidate.violations.some((v) => broken.has(v.invariant));
}

export function failed(r: RunRecord): boolean {
  return r.violations.length > 0 || r.error !== null;
}

const MIN_NODES = 1;
const MIN_PODS = 1;

function caseOf(original: RunRecord, faults: readonly FaultSpec[], k: Knobs): ChaosCase {
  const g = original.world.generate;
  const mix = { ...(g.mix ?? {}) };
  if (!k.standalone) mix.standalonePod = 0;
  if (!k.special) {
    mix.gpuDeployment = 0;
    mix.batchJob = 0;
  }
  const { nodeTypes, ...rest } = g;
  const generate: ClusterGenSpec = {
    ...rest,
    nodes: k.nodes,
    pods: k.pods,
    blockingPdbs: k.blockingPdbs,
    ...(k.pdbs ? {} : { pdbFraction: 0 }),
    mix,
    ...(k.special && nodeTypes !== undefined ? { nodeTypes } : {}),
  };
  const world: ChaosWorld = { ...original.world, generate };
  const entries = Object.entries(original.params);
  const params = Object.fromEntries(entries.filter((_, i) => k.params[i] === true)) as RawParams;
  return { seed: original.seed, profile: original.profile, world, params, faults: faults.filter((_, i) => k.faults[i] === true) };
}

/** The knobs of the original run itself: everything kept. */
function originalKnobs(r: RunRecord, faultCount: number): Knobs {
  const g = r.world.generate;
  return {
    faults: Array.from({ length: faultCount }, () => true),
    params: Object.keys(r.params).map(() => true),
    nodes: Math.max(MIN_NODES, g.nodes ?? 10),
    pods: Math.max(MIN_PODS, g.pods ?? 200),
    blockingPdbs: g.blockingPdbs ?? 0,
    pdbs: true,
    standalone: (g.mix?.standalonePod ?? 0) > 0,
    special: (g.mix?.gpuDeployment ?? 0) > 0 || (g.mix?.batchJob ?? 0) > 0 || g.nodeTypes !== undefined,
  };
}

function knobsArbitrary(o: Knobs): fc.Arbitrary<Knobs> {
  // Field order is shrink order: faults first (the biggest win for a reader), then parameters, then the world.
  return fc.record({
    faults: fc.tuple(...o.faults.map(() => fc.boolean())),
    params: fc.tuple(...o.params.map(() => fc.boolean())),
    nodes: fc.integer({ min: MIN_NODES, max: o.nodes }),
    pods: fc.integer({ min: MIN_PODS, max: o.pods }),
    blockingPdbs: fc.integer({ min: 0, max: o.blockingPdbs }),
    pdbs: fc.boolean(),
    standalone: o.standalone ? fc.boolean() : fc.constant(false),
    special: o.special ? fc.boolean() : fc.constant(false),
  });
}

/** Shrinks a failing run (a record from chaosRun or runChaosCase). A run that did not fail is returned as it is. */
export async function shrinkRun(original: RunRecord, opts: ShrinkOptions): Promise<ShrinkOutcome> {
  const maxRuns = opts.maxRuns ?? 150;
  const faults = original.faults.map((f) => parseFault(f, `chaos seed ${original.seed}`));
  const start = originalKnobs(original, faults.length);
  const startCase = caseOf(original, faults, start);
  if (!failed(original)) return { original, shrunk: original, case: startCase, runs: 0, steps: 0, exhausted: false };

  let runs = 0;
  let exhausted = false;
  const core = { catalog: opts.catalog, ...(opts.extraCheck ? { extraCheck: opts.extraCheck } : {}), ...(opts.wrapPorts ? { wrapPorts: opts.wrapPorts } : {}) };
  const property = fc.asyncProperty(knobsArbitrary(start), async (k) => {
    if (runs >= maxRuns) {
      exhausted = true;
      return true; // out of budget: treat as "does not reproduce", which ends the search
    }
    runs += 1;
    const r = await runChaosCase(caseOf(original, faults, k), core);
    return !sameFailure(original, r);
  });
  const details = await fc.check(property, { examples: [[start]], numRuns: 1, seed: original.seed | 0, endOnFailure: false });
  const best = (details.failed ? details.counterexample?.[0] : undefined) ?? start;
  const bestCase = caseOf(original, faults, best);
  const shrunk = details.failed ? await runChaosCase(bestCase, core) : original;
  return { original, shrunk, case: bestCase, runs, steps: details.numShrinks, exhausted };
}

/** One line saying how much smaller the shrunk run is. */
export function describeShrink(o: ShrinkOutcome): string {
  const g0 = o.original.world.generate;
  const g1 = o.shrunk.world.generate;
  const part = (what: string, a: number, b: number): string => (a === b ? `${b} ${what}` : `${b} ${what} (from ${a})`);
  return [
    part('fault(s)', o.original.faults.length, o.shrunk.faults.length),
    part('parameter(s) set', Object.keys(o.original.params).length, Object.keys(o.shrunk.params).length),
    part('node(s)', g0.nodes ?? 10, g1.nodes ?? 10),
    part('pod(s)', g0.pods ?? 200, g1.pods ?? 200),
  ].join(', ') + ` after ${o.runs} simulation(s)${o.exhausted ? ' (search budget used up)' : ''}`;
}
