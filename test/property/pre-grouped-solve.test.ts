import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packClasses, solve, solveClasses, type SolveResult } from '../../src/planner/pack.js';
import { packInput, packSpecArb } from '../arbitraries/index.js';

/** Everything a solve returns, in a comparable form (the unschedulable map as entries). */
function comparable(r: SolveResult): unknown {
  return { ...r, unschedulable: [...r.unschedulable.entries()] };
}

describe('property: solving from classes grouped beforehand equals solve()', () => {
  it('gives the same result, and the same again when the one PackClasses serves several solves', () => {
    let counted = 0;
    fc.assert(
      fc.property(packSpecArb, (spec) => {
        const input = packInput(spec);
        const expected = comparable(solve(input));
        const classes = packClasses(input);
        // Each solve counts its placed pods in the classes' term index; the next must start from zero again.
        expect(comparable(solveClasses(input, classes))).toEqual(expected);
        expect(comparable(solveClasses(input, classes, { podByPod: true }))).toEqual(expected);
        expect(comparable(solveClasses(input, classes))).toEqual(expected);
        if (classes.terms.terms.length > 0) counted += 1;
      }),
      { numRuns: 200 },
    );
    // The generator must give inputs whose classes carry terms (anti-affinity, affinity, spread): their counts are the state.
    expect(counted).toBeGreaterThan(50);
  });
});
