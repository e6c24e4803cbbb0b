/**
 * Invariant 8: the rehearsal agrees with the plan. With no fault injected: a plan that is feasible and predicts no failure
 * completes in simulation; a plan that predicts a failure code fails in simulation with that same code. (Every infeasible
 * plan predicts a code, so the two cases cover every plan.) The runs also satisfy invariants 1-6 and 9.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildWorld, describeRun, expectInvariants, run, worldSpecArb } from './sim-world.js';

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
        if (predicted === null) {
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
