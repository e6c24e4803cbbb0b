/**
 * Invariants 8 and 11 over 500 seeded generated worlds: the rehearsal agrees with the plan, and launches the plan's expected
 * fleet within the band the plan states.
 *
 * Verdict and failure code. With no fault injected: a plan that is feasible and predicts no failure completes in
 * simulation; a plan that predicts a failure code fails in simulation with that same code. (Every infeasible plan predicts
 * a code, so the two cases cover every plan.) Timing near a threshold is a range, not a point: when the planner's range for
 * a batch's replacements to be Ready straddles the drain threshold it predicts no failure but names the risk
 * (NearDrainThreshold), and the simulation may then complete or fail with PodsUnschedulable, depending on how fast its
 * seeded launches are. (This property found the case: GPU batches, whose launches take 250-365 s, against a 300 s
 * threshold.) Everywhere else the agreement is exact. The runs also satisfy invariants 1-6 and 9.
 *
 * The fleet. For every VNG of a run that completes, the expected fleet's node count (plan.nodes) and the nodes the rehearsal
 * launched in that VNG (its new instances) differ by at most fleetBand(launched) = max(3, ceil(launched / 3)). Every case
 * outside the band fails the test. (A run that fails stops part-way, so its launches are no measure of the whole fleet.)
 * The band is what a deterministic plan can promise against one seeded run: the rehearsal's own count moves by 2 or more
 * between seeds of the same world in about half the worlds, up to 6 (nodes turn Ready in a seeded order, evictions
 * straddle the autoscaler's 10-second passes). Measured over these 500 worlds with the world's own kube-scheduler
 * (sim/scheduler), expected - rehearsal per VNG of a completed run (the test prints it): -3: 3, -2: 26, -1: 73, 0: 258,
 * +1: 74, +2: 18, +3: 6 (458 VNG runs: 56% exact, 88% within 1, 98% within 2); the packing alone: +2 to -15 (29%
 * exact). (Before the world's autoscaler counted launched nodes registered but not Ready yet as the capacity they are, it
 * launched nodes for pods kube-scheduler had moved elsewhere meanwhile: 49% exact, 82% within 1.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { worldSpecArb } from '../arbitraries/index.js';
import type { WorldSpec } from '../arbitraries/index.js';
import { buildWorld, describeRun, expectInvariants, run } from './sim-world.js';

/** The band of invariant 11: how far one rehearsal's node count of a VNG may be from the plan's expected count. */
export function fleetBand(rehearsal: number): number {
  return Math.max(3, Math.ceil(rehearsal / 3));
}

const WORLDS = 500;

describe('property (invariants 8 and 11): no faults -> the simulation ends as the plan predicts, with the fleet it expects', () => {
  it(`over ${WORLDS} worlds: feasible and no predicted failure -> Completed; predicted failure code X -> Failed with code X; launches within the band`, async () => {
    const seen = { completed: 0, failed: 0, near: 0 };
    const diffs = new Map<number, number>();
    const packingDiffs = new Map<number, number>();
    const outside: string[] = [];
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
          seen.near += 1;
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

        const vngs = new Set([...w.plan.nodes.map((n) => n.vng), ...r.instances.new.map((n) => n.vng)]);
        for (const vng of [...vngs].sort()) {
          const expected = w.plan.nodes.filter((n) => n.vng === vng).reduce((s, n) => s + n.count, 0);
          const launched = r.instances.new.filter((n) => n.vng === vng).length;
          const packed = w.plan.packingLowerBound.nodes.filter((n) => n.vng === vng).reduce((s, n) => s + n.count, 0);
          const band = fleetBand(launched);
          const line = `VNG ${vng}: expected ${expected}, rehearsal launched ${launched} (band ${band}; packing ${packed})\n${msg}`;
          if (r.status !== 'Completed') continue;
          diffs.set(expected - launched, (diffs.get(expected - launched) ?? 0) + 1);
          packingDiffs.set(packed - launched, (packingDiffs.get(packed - launched) ?? 0) + 1);
          if (Math.abs(expected - launched) > band) outside.push(line);
        }
      }),
      { numRuns: WORLDS, seed: 20260511, endOnFailure: true },
    );
    const histogram = (m: Map<number, number>): string =>
      [...m.entries()].sort((a, b) => a[0] - b[0]).map(([d, n]) => `${d > 0 ? '+' : ''}${d}: ${n}`).join(', ');
    console.log(
      `nodes per VNG of the completed runs (${seen.completed}, and ${seen.near} near the drain threshold; ${seen.failed} failed as predicted):\n` +
        `  expected - rehearsal: ${histogram(diffs)}; ${outside.length} outside the band\n  packing - rehearsal: ${histogram(packingDiffs)}`,
    );
    expect(outside, outside.join('\n\n')).toEqual([]);
    // Both sides of the property were exercised.
    expect(seen.completed).toBeGreaterThan(0);
    expect(seen.failed).toBeGreaterThan(0);
  }, 600_000);

  it('the world that showed nodes of one launch left booting into the next batch: 10 nodes expected, within the band of every seed 1-8 (9-12 launched when written)', async () => {
    // Once the expected fleet read scaleUp()'s answers against the right pods, this world's plan said 13 nodes: the batch
    // turned healthy when the first node of a launch came up, and its siblings (launched by the same look) were left
    // booting through two more batches, while the pods meant for them were placed elsewhere and new nodes launched for the
    // pods displaced. The nodes of one launch now turn Ready together.
    const spec: WorldSpec = {
      clusterSeed: 853614,
      nodes: 11,
      pods: 64,
      blockingPdbs: 0,
      standalonePods: true,
      special: false,
      vngs: 'full',
      params: {
        batchSizePercentage: 100,
        respectPdb: true,
        forcePodEvictionOnPdbFailure: true,
        shouldEvictStandAlonePods: false,
        shouldTerminateDrainedNodes: true,
        drainTimeThresholdSeconds: 600,
        batchTimeBudgetSeconds: 900,
        cordonAllAtStart: false,
      },
    };
    const w = buildWorld(spec);
    const expected = w.plan.nodes.reduce((s, n) => s + n.count, 0);
    expect(expected).toBe(10);
    const launched: number[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const r = await run(w, seed);
      expect(r.status, describeRun(w, seed, [], r)).toBe('Completed');
      launched.push(r.instances.new.length);
    }
    for (const n of launched) expect(Math.abs(expected - n), `launched ${launched.join(', ')}`).toBeLessThanOrEqual(fleetBand(n));
  }, 120_000);
});
