/**
 * The plan's default timing is the rehearsal's: the planner's figures (DEFAULT_TIMING) are what timingModelFromFigures makes
 * of the simulator's default EKS figures, so `plan` and `simulate` on the same input count the same launch and pod start.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, timingModelFromFigures } from '../../../src/planner/timing.js';
import { DEFAULT_SIM_TIMING } from '../../../sim/timing.js';

describe('default timing', () => {
  it("the planner's launch, pod start, client rate and latencies derive from the rehearsal's figures", () => {
    const derived = timingModelFromFigures({ ...DEFAULT_SIM_TIMING });
    expect(derived).toEqual(DEFAULT_TIMING);
    // 45 s boot + 30 s join + 15 s Ready + half the 10 s autoscaler period.
    expect(DEFAULT_TIMING.nodeLaunchSeconds).toBe(95);
    expect(DEFAULT_TIMING.acceleratedNodeLaunchSeconds).toBe(275);
  });
});
