/**
 * Invariant 10: a crash of the engine at any step, followed by a restart, resumes from the state persisted in the cluster with
 * invariants 1-6 (and 9) intact, and the run ends.
 *
 * "Any step": a fault-free run of the world is made first; the crash is then placed exactly at the time of one of its actions
 * (a cordon, an eviction, a batch transition, a termination...). The crash fires before the world applies the call in
 * flight at that instant, so the call lands while its engine is dead and its answer is lost: the hardest moment to resume from.
 * Half the runs are also stopped shortly after the crash (resume straight into a stop), some crash twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../sim/faults.js';
import { worldSpecArb } from '../arbitraries/index.js';
import { buildWorld, describeRun, expectInvariants, run } from './sim-world.js';

const ACTIONS = new Set([
  'batch.started',
  'node.cordoned',
  'node.updated',
  'pod.evicted',
  'pod.deleted',
  'pod.terminating',
  'batch.drained',
  'batch.healthy',
  'node.terminated',
  'instance.shutting-down',
  'batch.completed',
]);

describe('property (invariant 10): crash at any step, restart, resume', () => {
  it('an engine crash at the instant of a step (optionally followed by a stop or a second crash) keeps invariants 1-6 and 9, and the run ends', async () => {
    let resumed = 0;
    await fc.assert(
      fc.asyncProperty(
        worldSpecArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.nat(),
        fc.constantFrom(0, 0, 0.001, 0.05, 1),
        fc.option(fc.record({ after: fc.constantFrom(0, 0.05, 5, 25, 60), terminateDrained: fc.boolean() }), { nil: null }),
        fc.option(fc.constantFrom(0.05, 10, 30, 120), { nil: null }),
        async (spec, seed, pick, offset, stop, second) => {
          const w = buildWorld({ ...spec, nodes: Math.min(spec.nodes, 10), pods: Math.min(spec.pods, 160) });
          const base = await run(w, seed);
          // A kind of step first (so the rare ones, cordons and batch transitions, are hit as often as evictions), then one of them.
          const kinds = [...ACTIONS].filter((k) => base.events.some((e) => e.kind === k));
          if (kinds.length === 0) return; // nothing to crash into (no old node moves)
          const kind = kinds[pick % kinds.length] as string;
          const steps = base.events.filter((e) => e.kind === kind);
          const at = (steps[Math.floor(pick / kinds.length) % steps.length] as (typeof steps)[number]).t + offset;
          const faults: FaultSpec[] = [{ kind: 'engine-crash', at }];
          if (second !== null) faults.push({ kind: 'engine-crash', at: at + second });
          if (stop !== null) faults.push({ kind: 'stop', at: at + stop.after, terminateDrained: stop.terminateDrained });
          const r = await run(w, seed, faults);
          const msg = describeRun(w, seed, faults, r);
          expect(r.timedOut, msg).toBe(false);
          expect(['Completed', 'Failed', 'Stopped'], msg).toContain(r.status);
          expect(r.engineRestarts, msg).toBeGreaterThanOrEqual(1);
          // Every restarted engine loads what was persisted (or, crashed before its first save, starts afresh).
          const restarts = r.events.filter((e) => e.kind === 'engine.restarted').length;
          const starts = r.events.filter((e) => e.kind === 'migration.resumed' || e.kind === 'migration.started').length;
          expect(starts, msg).toBeGreaterThanOrEqual(restarts);
          resumed += r.events.filter((e) => e.kind === 'migration.resumed').length > 0 ? 1 : 0;
          expectInvariants(w, seed, faults, r);
        },
      ),
      { numRuns: 40, endOnFailure: true },
    );
    expect(resumed).toBeGreaterThan(20);
  });
});
