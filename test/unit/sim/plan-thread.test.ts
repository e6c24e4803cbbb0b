/**
 * The plan made on a thread beside the world and the rehearsal (sim/plan-thread.ts), through the compiled code
 * (test/global-setup.ts builds dist/; from the TypeScript sources no thread runs): the plan and the rehearsal are byte for
 * byte those of the plan made in place, the thread really ran, made the draft (this thread made none) and told its
 * progress, and an input that cannot be copied to a thread leaves the plan to the caller; a thread started before its input
 * (as `vngshift simulate` starts it) gives the same plan, and keeps no process alive while it has none.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, type Catalog } from '../../../src/catalog/catalog.js';
import type { ProgressStep } from '../../../src/model/progress.js';
import { buildPlan, draftPlan, type RehearsalPlan } from '../../../src/planner/plan.js';
import { planThreadable } from '../../../sim/plan-thread.js';
import { rehearse } from '../../../sim/rehearse.js';
import { loadScenario } from '../../../sim/scenario.js';
import { scenarioInputs } from '../../../sim/scenario-inputs.js';
import { simulate } from '../../../sim/simulate.js';

type RehearseModule = typeof import('../../../sim/rehearse.js');
type PlanThreadModule = typeof import('../../../sim/plan-thread.js');
const built = (await import(new URL('../../../dist/sim/rehearse.js', import.meta.url).href)) as RehearseModule;
const builtThread = (await import(new URL('../../../dist/sim/plan-thread.js', import.meta.url).href)) as PlanThreadModule;

const catalog = loadCatalog();
const inputs = scenarioInputs(loadScenario('scenarios/chaos-recovers.yaml'), catalog);
const planInput = { cluster: inputs.cluster, vngs: inputs.vngs, catalog, params: inputs.params, allowArchitectureChange: false };
const planOf = (c: Catalog): string => JSON.stringify(buildPlan({ ...planInput, catalog: c }));

describe('the plan beside the rehearsal', () => {
  it('gives the plan and the rehearsal of the plan made in place, from a thread that made the draft and told its progress', async () => {
    const steps: ProgressStep[] = [];
    const beside = await built.rehearse(inputs, catalog, { onProgress: (s) => steps.push(s) });
    const inPlace = await built.rehearse(inputs, catalog, { planThread: false });
    expect(beside.planOnThread).toBe(true);
    expect(inPlace.planOnThread).toBe(false);
    expect(JSON.stringify(beside.plan)).toBe(JSON.stringify(inPlace.plan));
    expect(JSON.stringify(beside.plan)).toBe(planOf(catalog));
    // A structured clone keeps a plan's plain data as it is: the same values, not only the same JSON.
    expect(beside.plan).toStrictEqual(buildPlan(planInput));
    expect(JSON.stringify(beside.result)).toBe(JSON.stringify(inPlace.result));
    expect(beside.plan.newNodes.length).toBeGreaterThan(0);
    const fleetSteps = steps.filter((s) => s.phase === 'expected fleet');
    expect(fleetSteps.at(-1)?.done).toBe(beside.plan.batches.length);
    // The packing is told once, by the thread: this thread made no draft of its own.
    expect(steps.filter((s) => s.phase === 'pack' && s.done === 0)).toHaveLength(1);
    // The plan's steps come before the rehearsal's first.
    const firstSim = steps.findIndex((s) => s.phase === 'simulate');
    expect(firstSim).toBeGreaterThan(steps.findIndex((s) => s.phase === 'pack' && s.done === s.total));
  });

  it('sends the draft\'s rehearsal part, then the plan', async () => {
    const job = builtThread.planBeside(planInput);
    expect(job).not.toBeNull();
    const rehearsal = await job?.rehearsal;
    expect(rehearsal?.batches.length).toBeGreaterThan(0);
    expect(JSON.stringify(rehearsal)).toBe(JSON.stringify(buildPlanDraftRehearsal()));
    expect(JSON.stringify(await job?.plan)).toBe(planOf(catalog));
  });

  it('takes its input after it started: the plan of a thread started before the input was read is the same', async () => {
    const thread = builtThread.startPlanThread();
    expect(thread).not.toBeNull();
    // Its modules load meanwhile: the input comes later, as from a command that reads its files first.
    await new Promise((r) => setTimeout(r, 300));
    const steps: ProgressStep[] = [];
    const job = thread?.plan({ ...planInput, onProgress: (s) => steps.push(s) });
    expect(JSON.stringify(await job?.rehearsal)).toBe(JSON.stringify(buildPlanDraftRehearsal()));
    expect(JSON.stringify(await job?.plan)).toBe(planOf(catalog));
    expect(steps.some((s) => s.phase === 'expected fleet')).toBe(true);
    await thread?.ended;
    expect(thread?.failure()).toBeNull();
    // One input per thread.
    expect(() => thread?.plan(planInput)).toThrow(/second input/);
    // A rehearsal handed the thread makes its plan there.
    const early = builtThread.startPlanThread();
    const r = await built.rehearse(inputs, catalog, { planThread: early });
    expect(r.planOnThread).toBe(true);
    expect(JSON.stringify(r.plan)).toBe(planOf(catalog));
  });

  /** A module of these lines run by node in a process of its own (past the timeout it is killed: a signal, no status). */
  const runAlone = (name: string, lines: readonly string[], timeout: number): SpawnSyncReturns<string> => {
    const script = join(mkdtempSync(join(tmpdir(), 'vngshift-plan-thread-')), `${name}.mjs`);
    writeFileSync(script, `${lines.join('\n')}\n`);
    return spawnSync(process.execPath, [script], { encoding: 'utf8', timeout, cwd: process.cwd() });
  };
  /** The built module's URL, as a string literal for a script. */
  const dist = (f: string): string => JSON.stringify(new URL(`../../../dist/${f}`, import.meta.url).href);

  it('a thread started and never given an input keeps no process alive', () => {
    const started = Date.now();
    const r = runAlone('never-given', [`const { startPlanThread } = await import(${dist('sim/plan-thread.js')});`, `if (startPlanThread() === null) process.exit(2);`], 20_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.signal).toBeNull();
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a thread given its input keeps its process until the plan came, then ends by itself', () => {
    const r = runAlone(
      'given',
      [
        `const { startPlanThread } = await import(${dist('sim/plan-thread.js')});`,
        `const { loadCatalog } = await import(${dist('src/catalog/catalog.js')});`,
        `const { loadScenario } = await import(${dist('sim/scenario.js')});`,
        `const { scenarioInputs } = await import(${dist('sim/scenario-inputs.js')});`,
        `const catalog = loadCatalog();`,
        `const inputs = scenarioInputs(loadScenario('scenarios/chaos-recovers.yaml'), catalog);`,
        `const thread = startPlanThread();`,
        `if (thread === null) process.exit(2);`,
        // Nothing else keeps this process: it waits for the thread (ref'd once given its input), and the thread, once it
        // sent the plan, ends without being stopped.
        `const job = thread.plan({ cluster: inputs.cluster, vngs: inputs.vngs, catalog, params: inputs.params, allowArchitectureChange: false });`,
        `const plan = await job.plan;`,
        `await thread.ended;`,
        `console.log(JSON.stringify({ batches: plan === null ? null : plan.batches.length }));`,
      ],
      30_000,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.signal).toBeNull();
    expect(JSON.parse(r.stdout)).toEqual({ batches: buildPlan(planInput).batches.length });
  });

  it('plans in place when the input cannot be copied to a thread', async () => {
    // A function cannot be cloned to a thread: the thread is given no input (and stopped), the caller makes the plan first.
    const odd = { ...catalog, probe: (): number => 1 } as Catalog;
    const r = await built.rehearse(inputs, odd, {});
    expect(r.planOnThread).toBe(false);
    expect(JSON.stringify(r.plan)).toBe(planOf(catalog));
  });

  it('drops what a stopped thread had still posted (a late step would reach a reporter that has ended)', async () => {
    const steps: ProgressStep[] = [];
    const job = builtThread.planBeside({
      ...planInput,
      onProgress: (s) => {
        steps.push(s);
        job?.stop();
      },
    });
    expect(job).not.toBeNull();
    // Busy here while the thread plans: its steps and its draft queue up, to be delivered once this thread turns.
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      // nothing: the thread works meanwhile
    }
    expect(await job?.rehearsal).toBeNull();
    expect(await job?.plan).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(steps).toHaveLength(1);
  });

  it('rehearses a plan still to come as the plan itself, asking for it once, and refuses one made with other node options', async () => {
    const order: string[] = [];
    const draft = buildPlanDraftRehearsal();
    const later = (): Promise<RehearsalPlan> => {
      order.push('asked');
      return Promise.resolve(draft);
    };
    const world = { allowArchitectureChange: false };
    const r = await simulate({ cluster: inputs.cluster, vngs: inputs.vngs, catalog, plan: { world, later }, seed: inputs.seed, faults: inputs.faults });
    const direct = await simulate({ cluster: inputs.cluster, vngs: inputs.vngs, catalog, plan: draft, seed: inputs.seed, faults: inputs.faults });
    expect(order).toEqual(['asked']);
    expect(JSON.stringify(r)).toBe(JSON.stringify(direct));
    // A plan made with other node options than the world was built with is refused.
    await expect(
      simulate({ cluster: inputs.cluster, vngs: inputs.vngs, catalog, plan: { world: { allowArchitectureChange: true }, later }, seed: inputs.seed }),
    ).rejects.toThrow(/other node options/);
  });

  describe('a thread that fails', () => {
    // Workers that fail on purpose (rehearse's planWorker seam), written beside no module: they import the built planner.
    const dir = mkdtempSync(join(tmpdir(), 'vngshift-plan-worker-'));
    const planModule = new URL('../../../dist/src/planner/plan.js', import.meta.url).href;
    const worker = (name: string, body: string): string => {
      const file = join(dir, `${name}.mjs`);
      // The input comes as the parent's first message (the thread starts before it is read).
      const input = `const workerData = (await new Promise((resolve) => parentPort.once('message', resolve))).input;`;
      writeFileSync(file, `import { parentPort } from 'node:worker_threads';\nimport { draftPlan } from ${JSON.stringify(planModule)};\n${input}\n${body}\n`);
      return file;
    };
    const inPlace = built.rehearse(inputs, catalog, { planThread: false });

    it.each([
      ['as soon as its input came', worker('at-once', `void parentPort; void draftPlan; void workerData; throw new Error('failed on purpose');`)],
      [
        'after sending the rehearsal part',
        worker('after-draft', `parentPort.postMessage({ kind: 'rehearsal', rehearsal: draftPlan(workerData).rehearsal });\nthrow new Error('failed on purpose');`),
      ],
      ['by ending without the plan', worker('no-plan', `parentPort.postMessage({ kind: 'rehearsal', rehearsal: draftPlan(workerData).rehearsal });\nprocess.exit(0);`)],
    ])('%s: the plan and the rehearsal are made in place, the same', async (_how, planWorker) => {
      const r = await built.rehearse(inputs, catalog, { planWorker });
      const ref = await inPlace;
      expect(r.planOnThread).toBe(false);
      expect(JSON.stringify(r.plan)).toBe(JSON.stringify(ref.plan));
      expect(JSON.stringify(r.result)).toBe(JSON.stringify(ref.result));
    });

    it('before its input comes (its modules did not load): the plan and the rehearsal are made in place, the same', async () => {
      const file = join(dir, 'no-load.mjs');
      writeFileSync(file, `throw new Error('failed on purpose while loading');\n`);
      const thread = builtThread.startPlanThread(file);
      expect(thread).not.toBeNull();
      // The thread has failed by the time the input comes: it takes no input, and says why.
      await thread?.ended;
      expect(thread?.failure()).toBe('failed on purpose while loading');
      expect(thread?.plan(planInput)).toBeNull();
      const again = builtThread.startPlanThread(file);
      await again?.ended;
      const steps: ProgressStep[] = [];
      const r = await built.rehearse(inputs, catalog, { planThread: again, onProgress: (s) => steps.push(s) });
      const ref = await inPlace;
      expect(r.planOnThread).toBe(false);
      expect(JSON.stringify(r.plan)).toBe(JSON.stringify(ref.plan));
      expect(JSON.stringify(r.result)).toBe(JSON.stringify(ref.result));
      // Made first, in place: the whole plan (its expected fleet too) before the rehearsal's first step.
      const firstSim = steps.findIndex((s) => s.phase === 'simulate');
      const lastFleet = steps.map((s) => s.phase).lastIndexOf('expected fleet');
      expect(lastFleet).toBeGreaterThan(-1);
      expect(firstSim).toBeGreaterThan(lastFleet);
    });

    it('a rehearsal part made with other node options is refused, and the thread stopped', async () => {
      const planWorker = worker(
        'other-options',
        `const draft = draftPlan(workerData);\nparentPort.postMessage({ kind: 'rehearsal', rehearsal: { ...draft.rehearsal, allowArchitectureChange: true } });\nsetInterval(() => undefined, 1000);`,
      );
      await expect(built.rehearse(inputs, catalog, { planWorker })).rejects.toThrow(/other node options/);
    });
  });

  it('runs no thread from the TypeScript sources', async () => {
    expect(planThreadable()).toBe(false);
    const r = await rehearse(inputs, catalog);
    expect(r.planOnThread).toBe(false);
    expect(JSON.stringify(r.plan)).toBe(planOf(catalog));
  });
});

/** The rehearsal part of the plan's draft, made here. */
function buildPlanDraftRehearsal(): RehearsalPlan {
  return draftPlan(planInput).rehearsal;
}
