import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/planner/plan.js';
import { checkPlacements, type Violation } from '../helpers/placement-checker.js';
import { build, MIGRATE_PARAMS, scenarioArb, type ScenarioSpec } from '../arbitraries/index.js';

function violationsOf(s: ScenarioSpec): { violations: Violation[]; placed: number; feasible: boolean } {
  const b = build(s);
  const plan = buildPlan({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, params: MIGRATE_PARAMS });
  const violations = checkPlacements({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, plan });
  // Placed: the moving pods and, the selection being partial, the Pending pods elsewhere, packed alike.
  const placed = plan.summary.placedPods + plan.pendingElsewhere.filter((p) => p.placement !== null).length;
  return { violations, placed, feasible: plan.feasible };
}

const isHostnameSkew = (v: Violation): boolean => v.rule === 'TopologySpread' && v.detail.startsWith('kubernetes.io/hostname=');

describe('property: every placement the plan returns is valid', () => {
  it('passes the independent checker (all rules but the hostname spread skew, checked below)', () => {
    let placed = 0;
    let feasible = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = violationsOf(s);
        placed += r.placed;
        if (r.feasible) feasible += 1;
        expect(r.violations.filter((v) => !isHostnameSkew(v))).toEqual([]);
      }),
      { numRuns: 200 },
    );
    // The generator must exercise the checker: most runs place pods and many are feasible.
    expect(placed).toBeGreaterThan(1000);
    expect(feasible).toBeGreaterThan(20);
  });

  it('keeps hostname topology spread within maxSkew in the final cluster', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expect(violationsOf(s).violations.filter(isHostnameSkew)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
