import { describe, expect, it } from 'vitest';
import { estimateEta } from '../../../src/engine/eta.js';
import type { BatchState, MigrationState } from '../../../src/engine/state.js';
import { etaLine } from '../../../src/report/eta-line.js';

type EtaInput = Pick<MigrationState, 'status' | 'batches' | 'createdAt' | 'completedAt' | 'stoppedAt' | 'erroredAt'>;

function batch(startedAt: number | null, finishedAt: number | null): BatchState {
  return { nodes: ['n'], phase: finishedAt !== null ? 'done' : startedAt !== null ? 'draining' : 'pending', startedAt, drainedAt: null, finishedAt, evicted: [], evictedCount: 0, baseline: [] };
}

function state(batches: BatchState[], over: Partial<EtaInput> = {}): EtaInput {
  return { status: 'Running', batches, createdAt: 1000, completedAt: null, stoppedAt: null, erroredAt: null, ...over };
}

describe('estimateEta', () => {
  it('learns the mean batch cycle from the batches done and counts the rest from the last one\'s end', () => {
    // Batches of 100 s, 10 s apart: 3 done of 10.
    const s = state([batch(1000, 1100), batch(1110, 1210), batch(1220, 1320), batch(1330, null), ...Array.from({ length: 6 }, () => batch(null, null))]);
    const eta = estimateEta(s, 1340);
    expect(eta.basis).toBe('observed');
    expect(eta.batchesDone).toBe(3);
    expect(eta.batchesLeft).toBe(7);
    expect(eta.secondsPerBatch).toBeCloseTo(320 / 3, 6);
    expect(eta.endsAt).toBeCloseTo(1320 + (7 * 320) / 3, 6);
    expect(eta.remainingSeconds).toBeCloseTo(1320 + (7 * 320) / 3 - 1340, 6);
    // On uniform batches the estimate after the third batch is the real end within one gap between batches.
    const realEnd = 1000 + 10 * 110 - 10;
    expect(Math.abs((eta.endsAt ?? 0) - realEnd)).toBeLessThanOrEqual(10 * (7 / 3) + 1);
  });

  it('re-estimates as batches get slower', () => {
    const fast = estimateEta(state([batch(0, 10), batch(10, 20), batch(null, null), batch(null, null)], { createdAt: 0 }), 20);
    const slow = estimateEta(state([batch(0, 10), batch(10, 50), batch(null, null), batch(null, null)], { createdAt: 0 }), 50);
    expect(fast.endsAt).toBe(40);
    expect(slow.endsAt).toBe(100);
  });

  it('never puts the end in the past of a run slower than its estimate', () => {
    const eta = estimateEta(state([batch(0, 10), batch(10, null), batch(null, null)], { createdAt: 0 }), 500);
    expect(eta.endsAt).toBe(500);
    expect(eta.remainingSeconds).toBe(0);
  });

  it("uses the plan's estimate before any batch is done, and says so when it has none", () => {
    const s = state([batch(1000, null), batch(null, null)]);
    expect(estimateEta(s, 1010, 300)).toMatchObject({ basis: 'plan', endsAt: 1300, remainingSeconds: 290 });
    expect(estimateEta(s, 1010)).toMatchObject({ basis: 'none', endsAt: null, remainingSeconds: null });
    expect(estimateEta(s, 1010, Number.POSITIVE_INFINITY).basis).toBe('none');
  });

  it('an ended migration has ended', () => {
    const eta = estimateEta(state([batch(1000, 1100)], { status: 'Completed', completedAt: 1105 }), 5000);
    expect(eta).toMatchObject({ basis: 'ended', remainingSeconds: 0, endsAt: 1105, elapsedSeconds: 105 });
  });

  it('reads as one line', () => {
    const s = state([batch(0, 60), batch(60, null), batch(null, null)], { createdAt: 0 });
    expect(etaLine(estimateEta(s, 70), false)).toBe('ETA 1m50s (at t=180s), from 1 of 3 batches done at 1m00s each');
    expect(etaLine(estimateEta(state([batch(1_700_000_000, 1_700_000_060), batch(null, null)], { createdAt: 1_700_000_000 }), 1_700_000_070), true)).toBe(
      'ETA 50s (at 22:15:20 UTC), from 1 of 2 batches done at 1m00s each',
    );
    expect(etaLine(estimateEta(s, 70, null), false)).toContain('ETA');
    expect(etaLine(estimateEta(state([batch(0, null)], { createdAt: 0 }), 5), false)).toBe('ETA unknown until the first batch is done');
  });
});
