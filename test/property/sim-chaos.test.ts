/**
 * Invariants 1-6 and 9 under chaos: generated worlds, faults drawn with sim/faults.ts drawFaults from a profile that has every
 * fault kind (API disconnects, throttling and 5xx, capacity errors, refused terminations and uncordons, slow launches,
 * unready workloads, new workloads, NotReady nodes, engine crashes, stops), random simulation seeds. Whatever the outcome
 * (Completed, Failed or Stopped), the checkers of sim/invariants find nothing, and the run ends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildWorld, describeRun, expectInvariants, faultsFor, run, worldSpecArb } from './sim-world.js';

describe('property (invariants 1-6, 9): random faults never break the invariants', () => {
  it('runs with 1-5 faults drawn from the full profile satisfy invariants 1-6 and 9', async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(worldSpecArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 5 }), async (spec, seed, count) => {
        const w = buildWorld(spec);
        const faults = faultsFor(w, seed ^ 0xc4a05, count);
        const r = await run(w, seed, faults);
        expect(['Completed', 'Failed', 'Stopped'], describeRun(w, seed, faults, r)).toContain(r.status);
        expectInvariants(w, seed, faults, r);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }),
      { numRuns: 50, endOnFailure: true },
    );
    // The chaos reached every kind of ending.
    expect([...statuses.keys()].sort()).toEqual(['Completed', 'Failed', 'Stopped']);
  });
});
