/**
 * Every scenario under scenarios/ (and scenarios/regressions/) is replayed, and its expected outcome checked: the run's status
 * and failure code, and where the scenario says so, the plan's verdict and predicted failure.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { FAILURE_CODES } from '../../src/model/failures.js';
import { loadScenario } from '../../sim/scenario.js';
import { scenarioInputs } from '../../sim/scenario-inputs.js';
import { rehearse } from '../../sim/rehearse.js';
import { checkInvariants, formatViolations } from '../../sim/invariants/index.js';

const dirs = ['scenarios', 'scenarios/regressions'].filter((d) => existsSync(d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => join(d, f))).sort();
const catalog = loadCatalog();

async function replay(file: string) {
  const sc = loadScenario(file);
  const inputs = scenarioInputs(sc, catalog);
  const { plan, result } = await rehearse(inputs, catalog);
  return { sc, plan, result, cluster: inputs.cluster };
}

describe('scenarios', () => {
  it('cover every failure code at least once', () => {
    const codes = new Set(files.map((f) => loadScenario(f).doc.expect.failure).filter((c) => c !== null && c !== undefined));
    expect([...codes].sort()).toEqual([...FAILURE_CODES].sort());
  });

  for (const file of files) {
    it(`${file} ends as expected`, async () => {
      const { sc, plan, result, cluster } = await replay(file);
      // Invariants 1-6 and 9, by the independent checkers over the trace.
      const violations = checkInvariants({ plan, cluster, result });
      expect(violations, formatViolations(violations)).toEqual([]);
      const want = sc.doc.expect;
      expect(result.timedOut).toBe(false);
      expect(result.status).toBe(want.status);
      if (want.failure !== undefined) expect(result.failure?.code ?? null).toBe(want.failure);
      if (want.planFeasible !== undefined) expect(plan.feasible).toBe(want.planFeasible);
      if (want.predictedFailure !== undefined) expect(plan.predictedFailure?.code ?? null).toBe(want.predictedFailure);
      // Ocean-style status: the same status, the time the run ended in its own field, counts that add up.
      const m = result.migration;
      expect(m?.status).toBe(result.status);
      if (want.status === 'Completed') expect(m?.completedAt).not.toBeNull();
      if (want.status === 'Stopped') expect(m?.stoppedAt).not.toBeNull();
      if (want.status === 'Failed') expect(m?.erroredAt).not.toBeNull();
      expect(m?.oldInstances.length).toBe(plan.oldNodes.length);
      expect(m?.counts.unscheduledPods).toBe(m?.unscheduledPods.length);
      // The failure report always carries Ocean's message for its code.
      if (result.failure) expect(result.failure.message).toMatch(/^The migration has stopped due to /);
    });
  }

  it('a Failed rehearsal gives back the old nodes cordoned at the start whose batch never started, and keeps the failed batch cordoned', async () => {
    const { plan, result } = await replay('scenarios/technical-timeout.yaml');
    expect(result.failure?.code).toBe('TechnicalTimeout');
    expect(plan.params.cordonAllAtStart).toBe(true);
    const never = result.batches.filter((b) => b.startedAt === null).flatMap((b) => b.nodes);
    const started = result.batches.filter((b) => b.startedAt !== null).flatMap((b) => b.nodes);
    expect(never.length).toBeGreaterThan(0);
    const given = result.events.filter((e) => e.kind === 'node.uncordoned').map((e) => [e.object, e['reason']]);
    expect(given).toEqual(never.map((n) => [`Node ${n}`, 'migration failed']));
    // The emulated API saw the uncordons; the failed batch's nodes were cordoned in the run and never given back.
    const last = (n: string): unknown => result.events.filter((e) => e.kind === 'node.updated' && e.object === `Node ${n}`).at(-1)?.['unschedulable'];
    for (const n of never) expect(last(n)).toBe(false);
    for (const n of started) expect(last(n)).toBe(true);
  });

  it('spot-interruption: two notices reclaimed two minutes later, a rebalance replaced before its drain, and the migration completes', async () => {
    const { result } = await replay('scenarios/spot-interruption.yaml');
    const notices = result.events.filter((e) => e.kind === 'spot.interruption-notice');
    expect(notices.map((e) => [e.t, e['terminationAt']])).toEqual([
      [600, 720],
      [600, 720],
    ]);
    const reclaimed = result.events.filter((e) => e.kind === 'instance.shutting-down' && e['by'] === 'spot-interruption');
    expect(reclaimed.map((e) => [e.t, `Node ${String(e['node'])}`])).toEqual(notices.map((e) => [720, e.object]));
    // Pods left on the reclaimed nodes went with them and were recreated; none is left unscheduled.
    expect(result.events.some((e) => e.kind === 'pod.terminated' && e['reason'] === 'spot-interruption')).toBe(true);
    const [rec] = result.events.filter((e) => e.kind === 'spot.rebalance-recommendation');
    const [replacement] = result.events.filter((e) => e.kind === 'spot.replacement');
    const [drain] = result.events.filter((e) => e.kind === 'spot.drain-started' && e['reason'] === 'spot-rebalance');
    expect(rec?.t).toBe(900);
    expect(replacement?.t).toBe(900);
    const ready = result.events.find((e) => e.kind === 'node.ready' && e.object === `Node ${String(replacement?.['replacement'])}`);
    expect(drain?.t).toBeGreaterThanOrEqual(ready?.t ?? Infinity);
    expect(result.events.some((e) => e.kind === 'instance.shutting-down' && e['by'] === 'spot-rebalance')).toBe(true);
    expect(result.status).toBe('Completed');
    expect(result.unscheduledPods).toEqual([]);
  });

  it('replays byte for byte with the same seed', async () => {
    const a = await replay('scenarios/chaos-recovers.yaml');
    const b = await replay('scenarios/chaos-recovers.yaml');
    expect(JSON.stringify(a.result)).toBe(JSON.stringify(b.result));
    expect(a.result.engineRestarts).toBe(1);
  });
});
