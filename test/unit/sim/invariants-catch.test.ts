/**
 * Deliberately wrong worlds must be caught: the engine runs against ports that lie or misbehave (through simulate's
 * wrapPorts seam), and the invariant checkers, reading only the trace, report what went wrong. The same runs without the
 * fault in the ports are clean, so each report is the wrong world's doing.
 */
import { describe, expect, it } from 'vitest';
import type { Ports } from '../../../src/engine/ports.js';
import type { MigrationParams } from '../../../src/model/params.js';
import type { Pod } from '../../../src/model/types.js';
import { CHECKERS, checkInvariants, DEFAULT_CHECK_PARAMS, formatViolations, type CheckInput } from '../../../sim/invariants/index.js';
import { simulate, type SimInput } from '../../../sim/simulate.js';
import { catalog, cluster, deployment, generalVng, oldNode, pdb, planFor } from './tiny-world.js';

function setup(opts: { standAlone?: boolean } = {}) {
  const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002')];
  const web = deployment({ name: 'web', replicas: 4, nodes: ['old-1', 'old-2'] });
  const extra: Pod[] = opts.standAlone ? [{ ...(web.pods[0] as Pod), uid: 'pod-debug', name: 'debug', labels: { app: 'debug' }, owner: null, workload: null }] : [];
  const c = cluster(nodes, [web, { pods: extra, workloads: [] }], [pdb('web', 'web', 1)]);
  const vngs = [generalVng()];
  return { c, vngs };
}

async function runChecked(over: Partial<SimInput> = {}, params: Partial<MigrationParams> = {}) {
  const { c, vngs } = setup();
  const plan = planFor(c, vngs, { batchSizePercentage: 50, ...params });
  expect(plan.feasible).toBe(true);
  const result = await simulate({ cluster: c, vngs, catalog, plan, seed: 5, ...over });
  const input: CheckInput = { plan, cluster: c, result };
  const violations = checkInvariants(input);
  // The checkers share one walk of the trace in checkInvariants: each finds there what it finds on a walk of its own.
  const each = Object.values(CHECKERS).flatMap((check) => check(input, DEFAULT_CHECK_PARAMS).slice(0, DEFAULT_CHECK_PARAMS.maxPerInvariant));
  expect(violations).toEqual(each);
  return { result, violations };
}

describe('wrong worlds are caught', () => {
  it('the honest world is clean', async () => {
    const { result, violations } = await runChecked();
    expect(result.status).toBe('Completed');
    expect(violations).toEqual([]);
  });

  it('an Eviction API that ignores PodDisruptionBudgets (deletes at once) breaks invariant 2', async () => {
    const wrapPorts = (p: Ports): Ports => ({
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
    const { violations } = await runChecked({ wrapPorts });
    const pdbViolations = violations.filter((v) => v.invariant === 2);
    expect(pdbViolations.length, formatViolations(violations)).toBeGreaterThan(0);
    expect(pdbViolations[0]?.objects).toContain('PodDisruptionBudget default/web');
  });

  it('an informer that hides the pods of cordoned nodes makes the engine terminate busy nodes: invariant 4', async () => {
    const wrapPorts = (p: Ports): Ports => ({
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
    const { violations } = await runChecked({ wrapPorts });
    const busy = violations.filter((v) => v.invariant === 4);
    expect(busy.length, formatViolations(violations)).toBeGreaterThan(0);
    expect(busy[0]?.message).toMatch(/still ran there/);
  });

  it('a cloud port that also terminates a launched instance breaks invariant 5 (and 4: it had pods)', async () => {
    const wrapPorts = (p: Ports): Ports => ({
      ...p,
      cloud: {
        async terminateInstances(ids) {
          await p.cloud.terminateInstances(ids);
          await p.cloud.terminateInstances(['i-0e000000000000001']).catch(() => undefined);
        },
      },
    });
    const { violations } = await runChecked({ wrapPorts });
    expect(violations.some((v) => v.invariant === 5 && v.objects.includes('Instance i-0e000000000000001')), formatViolations(violations)).toBe(true);
    expect(violations.some((v) => v.invariant === 4), formatViolations(violations)).toBe(true);
  });

  it('a cordon that never reaches the API is not mistaken for one (the checkers read the world, not the engine)', async () => {
    const wrapPorts = (p: Ports): Ports => ({ ...p, cluster: { ...p.cluster, cordon: () => Promise.resolve() } });
    const { violations } = await runChecked({ wrapPorts, faults: [{ kind: 'stop', at: 0.3, terminateDrained: false }] });
    expect(violations.filter((v) => v.invariant === 3 || v.invariant === 6)).toEqual([]);
  });
});

describe('regression: a crash between a cordon and the save of its phase, then a stop', () => {
  // Both old nodes in one batch (no PDB check, so the planner does not split them): the engine saves the batch at 0.15 s, cordons old-1 at 0.2 s and old-2 at 0.25 s. The crash
  // at 0.25 s kills it as old-2's cordon lands; the stop comes before the restart. The resumed engine used to find both nodes
  // still 'waiting' in the saved state and stop at once, leaving them cordoned with their pods (invariant 6).
  it('the resumed engine uncordons both nodes', async () => {
    const faults = [
      { kind: 'engine-crash', at: 0.25 },
      { kind: 'stop', at: 0.25, terminateDrained: false },
    ] as const;
    const { result, violations } = await runChecked({ faults }, { batchSizePercentage: 100, respectPdb: false });
    expect(result.events.filter((e) => e.kind === 'node.updated' && e['unschedulable'] === true).map((e) => e.object)).toEqual(['Node old-1', 'Node old-2']);
    expect(result.status).toBe('Stopped');
    expect(result.engineRestarts).toBe(1);
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});
