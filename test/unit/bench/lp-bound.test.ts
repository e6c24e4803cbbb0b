import { describe, expect, it } from 'vitest';
import { lpLowerBound, paretoFront, solveSquare, type LpType } from '../../../bench/lp-bound.js';

// Two types, each strong in one resource: cpu-heavy A (4 cpu, 1 mem) and memory-heavy B (1 cpu, 4 mem), $1/h each.
// Demand 10 cpu, 10 mem, 5 pods (each holds 100 pods, so pods never bind).
//   A alone: 10 nodes (memory binds) = $10; B alone: $10.
//   Both tight: 4a + b = 10, a + 4b = 10  =>  a = b = 2  =>  $4, the optimum.
const A: LpType = { name: 'a', price: 1, usable: [4, 1, 100] };
const B: LpType = { name: 'b', price: 1, usable: [1, 4, 100] };
const demand = [10, 10, 5];

describe('lpLowerBound', () => {
  it('mixes two complementary types (hand-checked: 2 of each, $4)', () => {
    const s = lpLowerBound([A, B], demand);
    expect(s.cost).toBeCloseTo(4, 9);
    expect(s.fleet.map((f) => f.name).sort()).toEqual(['a', 'b']);
    for (const f of s.fleet) expect(f.count).toBeCloseTo(2, 9);
  });

  it('prefers one balanced type when it is cheaper than the mix (10/4 * $1.5 = $3.75)', () => {
    const C: LpType = { name: 'c', price: 1.5, usable: [4, 4, 100] };
    const s = lpLowerBound([A, B, C], demand);
    expect(s.cost).toBeCloseTo(3.75, 9);
    expect(s.fleet).toHaveLength(1);
    expect(s.fleet[0]?.name).toBe('c');
  });

  it('lets pods bind when the pod count is the scarce resource', () => {
    const s = lpLowerBound([{ name: 'small', price: 1, usable: [100, 100, 2] }], [10, 10, 5]);
    expect(s.cost).toBeCloseTo(2.5, 9);
  });

  it('drops types that lack a demanded resource and resources nobody asks for', () => {
    const s = lpLowerBound([A, { name: 'broken', price: 0.01, usable: [0, 50, 50] }], [8, 0, 0]);
    expect(s.cost).toBeCloseTo(2, 9);
  });
});

describe('paretoFront', () => {
  it('removes a type that is dearer and smaller than another', () => {
    const D: LpType = { name: 'd', price: 2, usable: [1, 1, 10] };
    const C: LpType = { name: 'c', price: 1.5, usable: [4, 4, 100] };
    expect(paretoFront([A, B, C, D]).map((t) => t.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('solveSquare', () => {
  it('solves a 2x2 system and reports a singular one', () => {
    expect(solveSquare([[4, 1], [1, 4]], [10, 10])).toEqual([2, 2]);
    expect(solveSquare([[1, 2], [2, 4]], [1, 2])).toBeNull();
  });
});
