import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/planner/plan.js';
import { build, MIGRATE_PARAMS, scenarioArb, vngSpecArb, type ScenarioSpec } from './arbitraries.js';

function feasible(s: ScenarioSpec): boolean {
  const b = build(s);
  return buildPlan({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, params: MIGRATE_PARAMS }).feasible;
}

describe('property: more capacity never makes a feasible plan infeasible', () => {
  it('adding a VNG', () => {
    fc.assert(
      fc.property(scenarioArb, vngSpecArb, (s, extra) => {
        fc.pre(s.vngs.length < 3 && feasible(s));
        expect(feasible({ ...s, vngs: [...s.vngs, extra] })).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("raising a VNG's maxInstanceCount", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }), (s, which, more) => {
        const limited = s.vngs.map((v, i) => ({ v, i })).filter(({ v }) => v.maxInstanceCount !== null);
        fc.pre(limited.length > 0 && feasible(s));
        const pick = limited[which % limited.length];
        if (!pick) return;
        const vngs = s.vngs.map((v, i) =>
          i === pick.i ? { ...v, maxInstanceCount: more === null ? null : (v.maxInstanceCount ?? 0) + more } : v,
        );
        expect(feasible({ ...s, vngs })).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
