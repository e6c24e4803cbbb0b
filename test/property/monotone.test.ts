import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/planner/plan.js';
import { build, MIGRATE_PARAMS, scenarioArb, vngSpecArb, type ScenarioSpec } from '../arbitraries/index.js';

/**
 * Every pod the plan packs has a place: the moving pods (the verdict) and, the selection being partial, the Pending pods
 * elsewhere, which the generator makes plenty of (replicas that found no old node) and the plan packs alike.
 */
function feasible(s: ScenarioSpec): boolean {
  const b = build(s);
  const plan = buildPlan({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, params: MIGRATE_PARAMS });
  return plan.feasible && plan.pendingElsewhere.every((p) => p.placement !== null);
}

/**
 * Zone topology spread is the one exception, and it is kube-scheduler's, not the planner's: a VNG in a new zone creates a
 * zone domain as soon as a node exists there (launched for other pods), and a spread pod that cannot use that zone (too big
 * for its types, a taint, a limit) is then held to skew 1 against an empty domain. Example (the counterexample this property
 * found, kept as a test below): a VNG of r5.xlarge in zone a hosts two 1950m spread pods; adding r5.large in zone c (where
 * small pods land) leaves the second big pod Pending. So the property is checked on workloads without zone spread.
 */
const hasZoneSpread = (s: ScenarioSpec): boolean => s.deployments.some((d) => d.zoneSpread);

describe('property: more capacity never makes a feasible plan infeasible', () => {
  it('adding a VNG (workloads without zone spread)', () => {
    fc.assert(
      fc.property(scenarioArb, vngSpecArb, (s, extra) => {
        fc.pre(s.vngs.length < 3 && !hasZoneSpread(s) && feasible(s));
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

  it('adding a VNG in a new zone that a zone-spread pod cannot use makes it unschedulable, as kube-scheduler would', () => {
    const base: ScenarioSpec = {
      nodes: [
        { type: 'm5.large', zone: 'us-east-1a', migrate: false, dedicated: true },
        { type: 'm5.large', zone: 'us-east-1a', migrate: false, dedicated: true },
      ],
      deployments: [
        { replicas: 2, cpuMilli: 1950, memoryMi: 128, hostAnti: false, zoneSpread: true, hostSpread: false, dedicated: false, tolerates: false, hostPort: true },
        { replicas: 2, cpuMilli: 50, memoryMi: 128, hostAnti: false, zoneSpread: true, hostSpread: false, dedicated: false, tolerates: false, hostPort: true },
      ],
      pdbs: [],
      vngs: [{ types: ['r5.xlarge'], zones: ['us-east-1a'], maxInstanceCount: null }],
      dedicatedVng: null,
      daemonSet: false,
    };
    expect(feasible(base)).toBe(true);
    const b = build({ ...base, vngs: [...base.vngs, { types: ['r5.large'], zones: ['us-east-1c'], maxInstanceCount: null }] });
    const plan = buildPlan({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, params: MIGRATE_PARAMS });
    // Every pod is Pending in the input (no old node is eligible), so all of them are the plan's Pending pods elsewhere.
    expect(plan.pods).toEqual([]);
    const stuck = plan.pendingElsewhere.filter((p) => p.placement === null);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]?.summary).toContain("didn't match pod topology spread constraints");
  });
});
