import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve, type SolveResult } from '../../src/planner/pack.js';
import { packInput, packSpecArb } from '../arbitraries/index.js';

/** Everything a solve returns, in a comparable form (the unschedulable map as entries). */
function comparable(r: SolveResult): unknown {
  return { ...r, unschedulable: [...r.unschedulable.entries()] };
}

describe('property: one-step packing equals pod-by-pod packing', () => {
  it('places the same pods on the same nodes, opens the same nodes and leaves the same pods out', () => {
    let nodesWithSeveral = 0;
    let placed = 0;
    let unplaced = 0;
    fc.assert(
      fc.property(packSpecArb, (spec) => {
        const input = packInput(spec);
        const oneStep = solve(input);
        const podByPod = solve(input, { podByPod: true });
        expect(comparable(oneStep)).toEqual(comparable(podByPod));
        nodesWithSeveral += oneStep.newNodes.filter((n) => n.pods.length > 1).length;
        placed += oneStep.placements.filter((p) => p !== null).length;
        unplaced += oneStep.unschedulable.size;
      }),
      { numRuns: 300 },
    );
    // The generator must exercise both paths: nodes holding several pods, and pods that fit nowhere.
    expect(nodesWithSeveral).toBeGreaterThan(300);
    expect(placed).toBeGreaterThan(3000);
    expect(unplaced).toBeGreaterThan(50);
  });
});
