/**
 * A plan's draft (draftPlan): the fields a rehearsal reads are the finished plan's, and finishing it with the expected fleet
 * of its own input is buildPlan.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { parseClusterText } from '../../../src/model/kube/index.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { parseVngText } from '../../../src/model/vng/parse-vngs.js';
import { expectedFleet } from '../../../src/planner/expected-fleet.js';
import { buildPlan, draftPlan, type PlanInput } from '../../../src/planner/plan.js';

const catalog = loadCatalog();
const cluster = parseClusterText(readFileSync('examples/cluster.yaml', 'utf8'), 'examples/cluster.yaml');
const { vngs } = parseVngText(readFileSync('examples/vngs.json', 'utf8'), 'examples/vngs.json', catalog);

describe('draftPlan', () => {
  for (const force of [false, true]) {
    it(`holds the finished plan's old nodes, batches, parameters and bound (forcePodEvictionOnPdbFailure ${String(force)})`, () => {
      const input: PlanInput = { cluster, vngs, catalog, params: { ...DEFAULT_PARAMS, forcePodEvictionOnPdbFailure: force }, allocatable: { maxPods: 58 } };
      const draft = draftPlan(input);
      const plan = buildPlan(input);
      expect(draft.rehearsal.oldNodes).toEqual(plan.oldNodes);
      expect(draft.rehearsal.batches.map((b) => b.nodes)).toEqual(plan.batches.map((b) => b.nodes));
      expect(draft.rehearsal.params).toEqual(plan.params);
      expect(draft.rehearsal.boundSeconds).toBe(plan.boundSeconds);
      expect(draft.rehearsal.allowArchitectureChange).toBe(plan.allowArchitectureChange);
      expect(draft.rehearsal.allocatable).toEqual(plan.allocatable);
      expect(plan.batches.length).toBeGreaterThan(1);
      expect(JSON.stringify(draft.finish(expectedFleet(draft.fleetInput)))).toBe(JSON.stringify(plan));
    });
  }
});
