/**
 * The simulator properties, light, for mutation testing only (vitest.stryker.config.ts includes this file; the main suite
 * does not, as it runs the full properties under test/property/).
 *
 * Same generators (test/arbitraries, test/property/sim-world.ts), same invariant checkers, same three questions: chaos (random faults keep
 * invariants 1-6 and 9), crash at a step and resume (invariant 10), and no faults -> the run ends as the plan predicts
 * (invariant 8). Fewer and smaller worlds (STRYKER_SIM_RUNS runs each, 5 by default), and none of the full properties'
 * coverage checks (that the chaos reached every ending, that more than 20 runs resumed), which need their full run counts.
 * A surviving mutant pays for every test that covers it, and the full properties cost minutes per mutant on a shared machine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../sim/faults.js';
import { worldSpecArb, type WorldSpec } from '../../arbitraries/index.js';
import { buildWorld, describeRun, expectInvariants, faultsFor, run, type World } from '../../property/sim-world.js';

const RUNS = Number(process.env['STRYKER_SIM_RUNS'] ?? 5);
const ENDINGS = ['Completed', 'Failed', 'Stopped'];

/** Smaller worlds than the full properties: a mutant is killed by the first failing run, so breadth matters more than size. */
function smallWorld(spec: WorldSpec): World {
  return buildWorld({ ...spec, nodes: Math.min(spec.nodes, 8), pods: Math.min(spec.pods, 100) });
}

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('simulator properties, light (mutation testing)', () => {
  it('chaos: 1-5 random faults from the full profile keep invariants 1-6 and 9, and the run ends', async () => {
    await fc.assert(
      fc.asyncProperty(worldSpecArb, seedArb, fc.integer({ min: 1, max: 5 }), async (spec, seed, count) => {
        const w = smallWorld(spec);
        const faults = faultsFor(w, seed ^ 0xc4a05, count);
        const r = await run(w, seed, faults);
        const msg = describeRun(w, seed, faults, r);
        expect(r.timedOut, msg).toBe(false);
        expect(ENDINGS, msg).toContain(r.status);
        expectInvariants(w, seed, faults, r);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it('crash and resume: an engine crash at the instant of one of its steps (maybe then a stop) keeps the invariants', async () => {
    await fc.assert(
      fc.asyncProperty(
        worldSpecArb,
        seedArb,
        fc.nat(),
        fc.option(fc.record({ after: fc.constantFrom(0, 5, 60), terminateDrained: fc.boolean() }), { nil: null }),
        async (spec, seed, pick, stop) => {
          const w = smallWorld(spec);
          const base = await run(w, seed);
          const steps = base.events.filter((e) => e.kind.startsWith('batch.') || e.kind.startsWith('node.') || e.kind.startsWith('pod.'));
          if (steps.length === 0) return;
          const at = (steps[pick % steps.length] as (typeof steps)[number]).t;
          const faults: FaultSpec[] = [{ kind: 'engine-crash', at }];
          if (stop !== null) faults.push({ kind: 'stop', at: at + stop.after, terminateDrained: stop.terminateDrained });
          const r = await run(w, seed, faults);
          const msg = describeRun(w, seed, faults, r);
          expect(r.timedOut, msg).toBe(false);
          expect(ENDINGS, msg).toContain(r.status);
          expect(r.engineRestarts, msg).toBeGreaterThanOrEqual(1);
          expectInvariants(w, seed, faults, r);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it('no faults: a plan that predicts no failure completes, a plan that predicts code X fails with X', async () => {
    await fc.assert(
      fc.asyncProperty(worldSpecArb, seedArb, async (spec, seed) => {
        const w = smallWorld(spec);
        const r = await run(w, seed);
        const msg = describeRun(w, seed, [], r);
        expect(r.timedOut, msg).toBe(false);
        const predicted = w.plan.predictedFailure?.code ?? null;
        const near = w.plan.risks.some((k) => k.code === 'NearDrainThreshold');
        if (predicted !== null) {
          expect(r.status, msg).toBe('Failed');
          expect(r.failure?.code, msg).toBe(predicted);
        } else if (near) {
          // Timing near the drain threshold is a range: either ending is right, but a failure can only be that one.
          if (r.status !== 'Completed') expect(r.failure?.code, msg).toBe('PodsUnschedulable');
        } else {
          expect(r.status, msg).toBe('Completed');
        }
        expectInvariants(w, seed, [], r);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });
});
