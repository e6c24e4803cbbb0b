import { it } from 'vitest';
import { buildPlan } from '../../src/planner/plan.js';
import { checkPlacements } from '../helpers/placement-checker.js';
import { build, MIGRATE_PARAMS } from '../property/arbitraries.js';

it('debug', () => {
  const s = JSON.parse(process.env['SCEN'] ?? '{}');
  const b = build(s);
  const plan = buildPlan({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, params: MIGRATE_PARAMS });
  console.log(JSON.stringify({ feasible: plan.feasible, pods: plan.pods.map((p) => [p.name, p.placement?.node ?? p.summary]), newNodes: plan.newNodes.map((n) => [n.name, n.instanceType, n.zone, n.pods]) }, null, 1));
  console.log(JSON.stringify(checkPlacements({ cluster: b.cluster, vngs: b.vngs, catalog: b.catalog, plan }), null, 1));
});
