/**
 * The expected fleet hands scaleUp() a cut-down view of the cluster (src/planner/scale-up-view.ts: one stand-in per kind of
 * node that takes no pod, the pods the pending pods' rules count, one pod for the room the others take). Over seeded
 * generated worlds, the fleet is the same, node for node, as with the whole cluster handed over as sim/autoscaler.ts does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/types.js';
import { expectedFleet, type ExpectedFleetInput } from '../../src/planner/expected-fleet.js';
import { pdbStates } from '../../src/planner/pdb.js';
import { movingPodsOf, selectOldNodes } from '../../src/planner/plan.js';
import { worldSpecArb } from '../arbitraries/index.js';
import { nextTurn } from '../helpers/event-loop.js';
import { buildWorld, catalog, type World } from './sim-world.js';

/** The input buildPlan gives expectedFleet, rebuilt from the world and its plan. */
function fleetInput(w: World): ExpectedFleetInput {
  const { cluster, plan } = w;
  const params = plan.params;
  const old = selectOldNodes(cluster, params.nodes);
  const { moving, standAlone, optedOut } = movingPodsOf(cluster, new Set(old.map((n) => n.name)), params);
  const placed = new Map(plan.pods.map((p) => [`${p.namespace}/${p.name}`, p.placement]));
  for (const p of plan.pendingElsewhere) placed.set(`${p.namespace}/${p.name}`, p.placement);
  const pdbs = pdbStates(cluster.pdbs, cluster.pods);
  const of = new Map<Pod, number[]>();
  pdbs.forEach((s, k) => {
    for (const i of s.pods) {
      const pod = cluster.pods[i] as Pod;
      of.set(pod, [...(of.get(pod) ?? []), k]);
    }
  });
  const stays = new Set<Pod>(optedOut.map((o) => o.pod));
  if (!params.shouldEvictStandAlonePods) for (const p of standAlone) stays.add(p);
  if (params.respectPdb && !params.forcePodEvictionOnPdbFailure) {
    for (const p of moving) if ((of.get(p) ?? []).some((k) => pdbs[k]?.disruptionsAllowed === 0)) stays.add(p);
  }
  return {
    cluster,
    vngs: w.vngs,
    catalog,
    params,
    allowArchitectureChange: plan.allowArchitectureChange,
    batches: plan.batches.map((b) => b.nodes),
    moving,
    unplaceable: new Set(moving.filter((p) => (placed.get(`${p.namespace}/${p.name}`) ?? null) === null)),
    stays,
    pdbs: { allowed: pdbs.map((s) => s.disruptionsAllowed), of },
  };
}

describe('expected fleet: the cut-down autoscaler view', () => {
  it('gives the fleet the whole cluster gives, over 150 generated worlds', async () => {
    await fc.assert(
      fc.asyncProperty(worldSpecArb, async (spec) => {
        await nextTurn();
        const w = buildWorld(spec);
        const input = fleetInput(w);
        const cut = expectedFleet(input);
        // The rebuilt input is buildPlan's: the plan's fleet is this one.
        expect(cut.newNodes.map((n) => n.name)).toEqual(w.plan.newNodes.map((n) => n.name));
        expect(expectedFleet({ ...input, wholeAutoscalerView: true })).toEqual(cut);
      }),
      { numRuns: 150, seed: 7, endOnFailure: true },
    );
  }, 300_000);
});
