/**
 * The plan's expected fleet made on a thread beside the rehearsal (sim/fleet-thread.ts), through the compiled code
 * (test/global-setup.ts builds dist/; from the TypeScript sources no thread runs): the plan and the rehearsal are byte for
 * byte those of the fleet made in place, the thread really ran and told its progress, and an input that cannot be copied to
 * a thread leaves the fleet to the caller.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog, type Catalog } from '../../../src/catalog/catalog.js';
import type { ProgressStep } from '../../../src/model/progress.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { fleetThreadable } from '../../../sim/fleet-thread.js';
import { rehearse } from '../../../sim/rehearse.js';
import { loadScenario } from '../../../sim/scenario.js';
import { scenarioInputs } from '../../../sim/scenario-inputs.js';

type RehearseModule = typeof import('../../../sim/rehearse.js');
type FleetThreadModule = typeof import('../../../sim/fleet-thread.js');
const built = (await import(new URL('../../../dist/sim/rehearse.js', import.meta.url).href)) as RehearseModule;
const builtThread = (await import(new URL('../../../dist/sim/fleet-thread.js', import.meta.url).href)) as FleetThreadModule;

const catalog = loadCatalog();
const inputs = scenarioInputs(loadScenario('scenarios/chaos-recovers.yaml'), catalog);
const planOf = (c: Catalog): string =>
  JSON.stringify(buildPlan({ cluster: inputs.cluster, vngs: inputs.vngs, catalog: c, params: inputs.params, allowArchitectureChange: false }));

describe('expected fleet beside the rehearsal', () => {
  it('gives the plan and the rehearsal of the fleet made in place, from a thread that told its progress', async () => {
    const steps: ProgressStep[] = [];
    const beside = await built.rehearse(inputs, catalog, { onProgress: (s) => steps.push(s) });
    const inPlace = await built.rehearse(inputs, catalog, { fleetThread: false });
    expect(beside.fleetOnThread).toBe(true);
    expect(inPlace.fleetOnThread).toBe(false);
    expect(JSON.stringify(beside.plan)).toBe(JSON.stringify(inPlace.plan));
    expect(JSON.stringify(beside.plan)).toBe(planOf(catalog));
    expect(JSON.stringify(beside.result)).toBe(JSON.stringify(inPlace.result));
    expect(beside.plan.newNodes.length).toBeGreaterThan(0);
    const fleetSteps = steps.filter((s) => s.phase === 'expected fleet');
    expect(fleetSteps.at(-1)?.done).toBe(beside.plan.batches.length);
    // The thread tells only the fleet's steps: the draft's packing is told once, by this thread.
    expect(steps.filter((s) => s.phase === 'pack' && s.done === 0)).toHaveLength(1);
  });

  it('makes the fleet in place when the input cannot be copied to a thread', async () => {
    // A function cannot be cloned to a thread: the thread does not start and the caller makes the fleet.
    const odd = { ...catalog, probe: (): number => 1 } as Catalog;
    const r = await built.rehearse(inputs, odd, {});
    expect(r.fleetOnThread).toBe(false);
    expect(JSON.stringify(r.plan)).toBe(planOf(catalog));
  });

  it('drops what a stopped thread had still posted (a late step would reach a reporter that has ended)', async () => {
    const steps: ProgressStep[] = [];
    const job = builtThread.fleetBeside({
      cluster: inputs.cluster,
      vngs: inputs.vngs,
      catalog,
      params: inputs.params,
      onProgress: (s) => {
        steps.push(s);
        job?.stop();
      },
    });
    expect(job).not.toBeNull();
    // Busy here while the thread makes the fleet: its steps queue up, to be delivered once this thread turns.
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      // nothing: the thread works meanwhile
    }
    expect(await job?.result).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(steps).toHaveLength(1);
  });

  it('runs no thread from the TypeScript sources', async () => {
    expect(fleetThreadable()).toBe(false);
    const r = await rehearse(inputs, catalog);
    expect(r.fleetOnThread).toBe(false);
    expect(JSON.stringify(r.plan)).toBe(planOf(catalog));
  });
});
