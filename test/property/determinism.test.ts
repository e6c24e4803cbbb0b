import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClusterObjects } from '../../src/model/kube/index.js';
import { buildPlan } from '../../src/planner/plan.js';
import { kubeList } from '../helpers/kube-objects.js';
import { build, MIGRATE_PARAMS, scenarioArb, shuffled } from '../arbitraries/index.js';

describe('property: same input, same JSON', () => {
  it('buildPlan twice, and on a shuffled order of the input objects, gives byte-identical JSON', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), (s, seed) => {
        const b = build(s);
        const plan = (cluster = b.cluster): string =>
          JSON.stringify(buildPlan({ cluster, vngs: b.vngs, catalog: b.catalog, params: MIGRATE_PARAMS }));
        const first = plan();
        expect(plan()).toBe(first);
        const reordered = parseClusterObjects([kubeList(shuffled(b.objects, seed))], 'cluster.json');
        expect(plan(reordered)).toBe(first);
        // the shuffled input is a real permutation of the objects, not the same list
        expect(shuffled(b.objects, seed)).toHaveLength(b.objects.length);
      }),
      { numRuns: 150 },
    );
  });
});
