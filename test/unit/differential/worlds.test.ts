/**
 * The differential test's world generator (test/e2e/helpers/differential-worlds.ts) keeps its promises without a control
 * plane: the same seed gives the same world, the sizes stay in range, the features it claims appear in the default run's
 * seeds, and a world with misfits gets a plan that refuses exactly the misfits and launches a node of every VNG (so that the
 * live nodes give every reason the planner counts).
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { buildDiffCase, replaySteps } from '../../e2e/helpers/differential-case.js';
import { generateDiffWorld } from '../../e2e/helpers/differential-worlds.js';

const catalog = loadCatalog();
/** The default run's seeds (scheduler-differential.test.ts: DIFF_SEED 1, DIFF_WORLDS 50). */
const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);

describe('differential worlds', () => {
  it('are the same for the same seed and differ between seeds', () => {
    expect(generateDiffWorld(7)).toEqual(generateDiffWorld(7));
    expect(JSON.stringify(generateDiffWorld(7))).not.toEqual(JSON.stringify(generateDiffWorld(8)));
  });

  it('have 2-8 old nodes and 10-80 moving pods, and replay every moving pod once', () => {
    for (const seed of SEEDS) {
      const c = buildDiffCase(catalog, seed);
      expect(c.gen.spec.oldNodes.length, `seed ${seed}`).toBeGreaterThanOrEqual(2);
      expect(c.gen.spec.oldNodes.length, `seed ${seed}`).toBeLessThanOrEqual(8);
      expect(c.plan.pods.length, `seed ${seed}`).toBeGreaterThanOrEqual(10);
      expect(c.plan.pods.length, `seed ${seed}`).toBeLessThanOrEqual(80);
      const replayed = replaySteps(c.plan, c.cluster).flatMap((s) => (s.kind === 'pods' ? s.pods.map((p) => `${p.namespace}/${p.name}`) : []));
      expect([...replayed].sort(), `seed ${seed}`).toEqual(c.plan.pods.map((p) => `${p.namespace}/${p.name}`).sort());
    }
  });

  it('replay the expected fleet node by node: every new node once, after its batch\'s pods, smallest first within a round', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const c = buildDiffCase(catalog, seed);
      const steps = replaySteps(c.plan, c.cluster);
      const nodeSteps = steps.filter((s) => s.kind === 'nodes');
      expect(nodeSteps.every((s) => s.nodes.length === 1), `seed ${seed}`).toBe(true);
      expect(nodeSteps.flatMap((s) => s.nodes.map((n) => n.name)).sort(), `seed ${seed}`).toEqual(c.plan.newNodes.map((n) => n.name).sort());
      for (let i = 1; i < nodeSteps.length; i++) {
        const [a, b] = [nodeSteps[i - 1], nodeSteps[i]];
        if (a?.kind !== 'nodes' || b?.kind !== 'nodes' || a.batch !== b.batch || a.round !== b.round) continue;
        expect((a.nodes[0]?.cpuAllocatableMilli ?? 0) <= (b.nodes[0]?.cpuAllocatableMilli ?? 0), `seed ${seed} step ${i}`).toBe(true);
      }
      const firstPods = steps.findIndex((s) => s.kind === 'pods');
      const firstNodes = steps.findIndex((s) => s.kind === 'nodes');
      if (firstNodes >= 0) expect(firstPods, `seed ${seed}`).toBeLessThan(firstNodes);
    }
  });

  it('cover, over the default seeds, every workload kind, every misfit kind, staying nodes, one zone and two, several batches', () => {
    const worlds = SEEDS.map((s) => buildDiffCase(catalog, s));
    const kinds = new Set(worlds.flatMap((w) => Object.keys(w.gen.kinds)));
    expect([...kinds].sort()).toEqual(['anti', 'batch', 'host-spread', 'plain', 'port', 'selector', 'tolerant', 'zone-spread', 'zone-spread-soft']);
    expect(new Set(worlds.flatMap((w) => w.gen.misfits))).toEqual(
      new Set(['gpu', 'nvme-selector', 'huge-cpu', 'huge-memory', 'huge-ephemeral', 'zone-c', 'batch-no-toleration']),
    );
    expect(worlds.filter((w) => w.world.stayingNodes.length > 0).length).toBeGreaterThanOrEqual(5);
    expect(worlds.filter((w) => w.gen.misfits.length > 0).length).toBeGreaterThanOrEqual(10);
    expect(new Set(worlds.map((w) => w.gen.zones.length))).toEqual(new Set([1, 2]));
    expect(worlds.filter((w) => w.plan.batches.length > 1).length).toBeGreaterThanOrEqual(25);
  });

  it('the plan refuses exactly the misfits; with misfits, no node stays and the fleet has a node of every VNG', () => {
    for (const seed of SEEDS) {
      const c = buildDiffCase(catalog, seed);
      const refused = c.plan.pods.filter((p) => p.placement === null).map((p) => c.world.pods.get(`${p.namespace}/${p.name}`)?.app ?? p.name);
      expect(refused.sort(), `seed ${seed}`).toEqual(c.gen.misfits.map((k) => `misfit-${k}`).sort());
      if (c.gen.misfits.length === 0) continue;
      expect(c.world.stayingNodes, `seed ${seed}`).toEqual([]);
      expect(new Set(c.plan.newNodes.map((n) => n.vng)), `seed ${seed}`).toEqual(new Set(c.gen.vngNames));
    }
  });
});
