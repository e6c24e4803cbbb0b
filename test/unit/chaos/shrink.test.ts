/**
 * Shrinking (sim/chaos/shrink.ts): a failing chaos run becomes the smallest run fast-check finds that fails the same way, and
 * the scenario file written from it replays that failure. Deliberately wrong worlds (simulate's wrapPorts seam) supply real
 * invariant violations; a made-up check supplies one whose minimum is known exactly.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import type { Ports } from '../../../src/engine/ports.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { scenarioReplayCommand, writeRegression } from '../../../sim/chaos/regression.js';
import { chaosRange, chaosRun, runChaosCase, type RunRecord } from '../../../sim/chaos/run.js';
import { describeShrink, sameFailure, shrinkRun } from '../../../sim/chaos/shrink.js';
import { checkInvariants } from '../../../sim/invariants/index.js';
import { parseScenarioText } from '../../../sim/scenario.js';
import { scenarioInputs } from '../../../sim/scenario-inputs.js';
import { simulate } from '../../../sim/simulate.js';

/** These tests run many simulations: on a busy shared machine they take more than the default minute (not a speed check). */
const SLOW_MS = 240_000;

const catalog = loadCatalog();
const dir = mkdtempSync(join(tmpdir(), 'vngshift-shrink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An Eviction API that ignores PodDisruptionBudgets: it deletes the pod at once. */
const pdbIgnoringEviction = (p: Ports): Ports => ({
  ...p,
  cluster: {
    ...p.cluster,
    snapshot: () => p.cluster.snapshot(),
    async evict(namespace, name) {
      await p.cluster.deletePod(namespace, name).catch(() => undefined);
      return { kind: 'evicted' };
    },
  },
});

/** An informer that hides the pods of cordoned nodes, so the engine terminates nodes that still run pods. */
const podHidingInformer = (p: Ports): Ports => ({
  ...p,
  cluster: {
    ...p.cluster,
    snapshot() {
      const snap = p.cluster.snapshot();
      const cordoned = new Set(snap.nodes.filter((n) => n.unschedulable).map((n) => n.name));
      return { nodes: snap.nodes, pods: snap.pods.filter((x) => x.nodeName === null || !cordoned.has(x.nodeName)) };
    },
  },
});

function firstFailing(records: readonly RunRecord[], invariant: number): RunRecord {
  const r = records.find((x) => x.violations.some((v) => v.invariant === invariant));
  if (!r) throw new Error(`no run broke invariant ${invariant}: ${records.map((x) => `${x.seed}:${x.status}`).join(' ')}`);
  return r;
}

describe('shrinking failing chaos runs', () => {
  it('finds the exact minimum of a failure that needs three nodes and nothing else', async () => {
    const extraCheck = ({ cluster }: { cluster: { nodes: readonly unknown[] } }) =>
      cluster.nodes.length >= 3 ? [{ invariant: 7, message: 'three nodes or more', objects: [] }] : [];
    const original = await chaosRun(21, { catalog, profile: 'swarm', extraCheck });
    expect(original.faults.length).toBeGreaterThan(0);
    expect(original.world.generate.nodes ?? 0).toBeGreaterThan(3);
    const o = await shrinkRun(original, { catalog, extraCheck, maxRuns: 200 });
    expect(o.exhausted).toBe(false);
    expect(o.shrunk.faults).toEqual([]);
    expect(o.shrunk.params).toEqual({});
    expect(o.shrunk.world.generate.nodes).toBe(3);
    expect(o.shrunk.world.generate.pods).toBe(1);
    expect(sameFailure(original, o.shrunk)).toBe(true);
    expect(describeShrink(o)).toMatch(/^0 fault\(s\) \(from \d+\), 0 parameter\(s\) set \(from \d+\), 3 node\(s\) \(from \d+\), 1 pod\(s\) \(from \d+\)/);
  }, SLOW_MS);

  it('leaves a run that did not fail as it is', async () => {
    const r = await chaosRun(3, { catalog, profile: 'lite' });
    expect(r.violations).toEqual([]);
    const o = await shrinkRun(r, { catalog });
    expect(o.runs).toBe(0);
    expect(o.shrunk).toBe(r);
  });

  it('a PDB-ignoring Eviction API is caught within 40 runs, shrunk, written, and its scenario file replays the violation', async () => {
    const records = await chaosRange(100, 40, { catalog, profile: 'lite', wrapPorts: pdbIgnoringEviction });
    const original = firstFailing(records, 2);
    const o = await shrinkRun(original, { catalog, wrapPorts: pdbIgnoringEviction, maxRuns: 120 });
    expect(o.shrunk.violations.some((v) => v.invariant === 2)).toBe(true);
    expect(o.shrunk.faults.length).toBeLessThanOrEqual(original.faults.length);
    expect(o.shrunk.world.generate.nodes ?? 0).toBeLessThanOrEqual(original.world.generate.nodes ?? 0);
    expect(o.shrunk.world.generate.pods ?? 0).toBeLessThan(original.world.generate.pods ?? 0);
    // The case shrinkRun returns is the run it reports.
    const again = await runChaosCase(o.case, { catalog, wrapPorts: pdbIgnoringEviction });
    expect(JSON.stringify(again)).toBe(JSON.stringify(o.shrunk));

    const file = writeRegression(o.shrunk, catalog, dir, describeShrink(o));
    expect(scenarioReplayCommand(file, o.shrunk.seed)).toBe(`vngshift simulate --scenario ${file} --seed ${o.shrunk.seed}`);
    const sc = parseScenarioText(readFileSync(file, 'utf8'), file);
    const inputs = scenarioInputs(sc, catalog);
    const plan = buildPlan({ cluster: inputs.cluster, vngs: inputs.vngs, catalog, params: inputs.params });
    const wrong = await simulate({ cluster: inputs.cluster, vngs: inputs.vngs, catalog, plan, faults: inputs.faults, seed: inputs.seed, wrapPorts: pdbIgnoringEviction });
    expect(checkInvariants({ plan, cluster: inputs.cluster, result: wrong }).some((v) => v.invariant === 2)).toBe(true);
    // The honest world replaying the same file is clean: the violation is the wrong world's doing.
    const honest = await simulate({ cluster: inputs.cluster, vngs: inputs.vngs, catalog, plan, faults: inputs.faults, seed: inputs.seed });
    expect(checkInvariants({ plan, cluster: inputs.cluster, result: honest })).toEqual([]);
  }, SLOW_MS);

  it('an informer that hides pods on cordoned nodes (busy nodes terminated) is caught within 40 runs and shrinks', async () => {
    const records = await chaosRange(300, 40, { catalog, profile: 'swarm', wrapPorts: podHidingInformer });
    const original = firstFailing(records, 4);
    const o = await shrinkRun(original, { catalog, wrapPorts: podHidingInformer, maxRuns: 80 });
    expect(o.shrunk.violations.some((v) => v.invariant === 4)).toBe(true);
    expect(o.shrunk.faults.length).toBeLessThanOrEqual(original.faults.length);
    expect((o.shrunk.world.generate.pods ?? 0) + (o.shrunk.world.generate.nodes ?? 0)).toBeLessThan(
      (original.world.generate.pods ?? 0) + (original.world.generate.nodes ?? 0),
    );
  }, SLOW_MS);
});
