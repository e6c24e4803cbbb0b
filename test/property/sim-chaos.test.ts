/**
 * Invariants 1-6 and 9 under chaos: generated worlds, fault schedules from test/arbitraries (shrinkable fault by fault) with every
 * fault kind (API disconnects, throttling and 5xx, capacity errors, refused terminations and uncordons, slow launches,
 * unready workloads, new workloads, NotReady nodes, engine crashes, stops), random simulation seeds. Whatever the outcome
 * (Completed, Failed or Stopped), the checkers of sim/invariants find nothing, and the run ends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aimFaults, faultScheduleArb, worldSpecArb } from '../arbitraries/index.js';
import { buildWorld, describeRun, expectInvariants, run } from './sim-world.js';

describe('property (invariants 1-6, 9): random faults never break the invariants', () => {
  it('runs with 1-5 faults drawn from the full profile satisfy invariants 1-6 and 9', async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(worldSpecArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), faultScheduleArb, async (spec, seed, drafts) => {
        const w = buildWorld(spec);
        // Aimed at this world; fast-check shrinks a failing schedule fault by fault (fewer, earlier, shorter).
        const faults = aimFaults(drafts, {
          horizonSeconds: Math.max(300, Math.round((w.plan.estimatedSeconds ?? 1200) * 1.2)),
          instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge'],
          zones: ['us-east-1a', 'us-east-1b'],
          workloads: w.cluster.workloads.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet').map((x) => `${x.namespace}/${x.name}`),
          nodes: w.plan.oldNodes.map((n) => n.name),
        });
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
