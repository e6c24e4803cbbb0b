/**
 * Invariant 8: the rehearsal agrees with the plan. With no fault injected: a plan that is feasible and predicts no failure
 * completes in simulation; a plan that predicts a failure code fails in simulation with that same code. (Every infeasible
 * plan predicts a code, so the two cases cover every plan.) The runs also satisfy invariants 1-6 and 9.
 *
 * Timing near a threshold is a range, not a point: when the planner's range for a batch's replacements to be Ready straddles
 * the drain threshold it predicts no failure but names the risk (NearDrainThreshold), and the simulation may then complete
 * or fail with PodsUnschedulable, depending on how fast its seeded launches are. (This property found the case: GPU
 * batches, whose launches take 250-365 s, against a 300 s threshold; the planner used to compare estimates only with the
 * batch budget.) Everywhere else the agreement is exact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { worldSpecArb } from '../arbitraries/index.js';
import { buildWorld, describeRun, expectInvariants, run } from './sim-world.js';

describe('property (invariant 8): no faults -> the simulation ends as the plan predicts', () => {
  it('feasible and no predicted failure -> Completed; predicted failure code X -> Failed with code X', async () => {
    const seen = { completed: 0, failed: 0 };
    await fc.assert(
      fc.asyncProperty(worldSpecArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (spec, seed) => {
        const w = buildWorld(spec);
        const r = await run(w, seed);
        const predicted = w.plan.predictedFailure?.code ?? null;
        const msg = describeRun(w, seed, [], r);
        expect(r.timedOut, msg).toBe(false);
        const near = w.plan.risks.some((k) => k.code === 'NearDrainThreshold');
        if (predicted === null && near) {
          expect(w.plan.feasible, msg).toBe(true);
          if (r.status !== 'Completed') expect(r.failure?.code, msg).toBe('PodsUnschedulable');
        } else if (predicted === null) {
          expect(w.plan.feasible, msg).toBe(true);
          expect(r.status, msg).toBe('Completed');
          seen.completed += 1;
        } else {
          expect(r.status, msg).toBe('Failed');
          expect(r.failure?.code, msg).toBe(predicted);
          seen.failed += 1;
        }
        expectInvariants(w, seed, [], r);
      }),
      { numRuns: 40, endOnFailure: true },
    );
    // Both sides of the property were exercised.
    expect(seen.completed).toBeGreaterThan(0);
    expect(seen.failed).toBeGreaterThan(0);
  });
});
