/**
 * `node dist-bench/bench/chaos.js`: where a chaos run's CPU goes. Runs the seeds of a sweep one after the other through the
 * same `chaosRun` the command's workers call, in one child process with their V8 flags (WORKER_NODE_FLAGS), and charges
 * the process's CPU time (user + system) to each step of a run as it ends: generating the world's objects, parsing them
 * (with the VNGs and parameters), planning, simulating (with drawing the faults), checking invariants 1-6 and 9, and the
 * second simulation of invariant 7 (every REPLAY_EVERY-th seed). Garbage collection is charged to the step it interrupts.
 *
 * Options: --runs N (default 300)   --seed S (default 1)   --profile swarm|lite (default swarm)
 * Figures are printed and written to bench/results/chaos.json, never asserted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fork } from 'node:child_process';
import { loadCatalog } from '../src/catalog/catalog.js';
import { PROFILES, type ChaosProfile } from '../sim/chaos/draw.js';
import { workerExecArgv } from '../sim/chaos/parallel.js';
import { CHAOS_STEPS, chaosRun, REPLAY_EVERY, type ChaosStep } from '../sim/chaos/run.js';
import { linkData, printTable, resultsDir } from './util.js';

interface BenchInput {
  readonly runs: number;
  readonly seed: number;
  readonly profile: ChaosProfile;
}

interface BenchFigures extends BenchInput {
  /** CPU milliseconds of all the runs, by step. */
  readonly stepsMs: Record<ChaosStep, number>;
  readonly totalMs: number;
  readonly wallMs: number;
  readonly replays: number;
  readonly violations: number;
  readonly errors: number;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(input: BenchInput): Promise<BenchFigures> {
  linkData();
  const catalog = loadCatalog();
  const stepsMs = Object.fromEntries(CHAOS_STEPS.map((s) => [s, 0])) as Record<ChaosStep, number>;
  let last = 0;
  const onStep = (step: ChaosStep): void => {
    const t = cpuMs();
    stepsMs[step] += t - last;
    last = t;
  };
  let violations = 0;
  let errors = 0;
  let replays = 0;
  const startCpu = cpuMs();
  const startWall = performance.now();
  for (let i = 0; i < input.runs; i++) {
    const seed = input.seed + i;
    if (seed % REPLAY_EVERY === 0) replays += 1;
    last = cpuMs();
    const r = await chaosRun(seed, { catalog, profile: input.profile, onStep });
    violations += r.violations.length;
    if (r.error !== null) errors += 1;
  }
  return { ...input, stepsMs, totalMs: cpuMs() - startCpu, wallMs: performance.now() - startWall, replays, violations, errors };
}

function option(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
}

async function main(args: readonly string[]): Promise<void> {
  const runs = Number(option(args, '--runs', '300'));
  const seed = Number(option(args, '--seed', '1'));
  const profile = option(args, '--profile', 'swarm');
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || seed < 0) throw new Error('bench:chaos: --runs and --seed take whole numbers');
  if (!(PROFILES as readonly string[]).includes(profile)) throw new Error(`bench:chaos: --profile is one of ${PROFILES.join(', ')}`);
  const input: BenchInput = { runs, seed, profile: profile as ChaosProfile };
  const figures = await new Promise<BenchFigures>((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD, JSON.stringify(input)], { execArgv: workerExecArgv(process.execArgv), serialization: 'advanced' });
    child.once('message', (m: BenchFigures) => resolve(m));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench:chaos: the worker exited with code ${code} before reporting`)));
  });
  const perRun = (ms: number): string => (ms / figures.runs).toFixed(1);
  const share = (ms: number): string => `${((100 * ms) / figures.totalMs).toFixed(1)}%`;
  const steps = CHAOS_STEPS.map((s) => [s, perRun(figures.stepsMs[s]), share(figures.stepsMs[s])]);
  printTable(
    `chaos: ${figures.runs} ${figures.profile} run(s) from seed ${figures.seed} in one worker process (${figures.replays} replayed for invariant 7)`,
    ['step', 'CPU ms a run', 'share'],
    [...steps, ['total', perRun(figures.totalMs), '100%']],
  );
  console.log(
    `\n${(figures.totalMs / 1000).toFixed(1)} s of CPU, ${(figures.wallMs / 1000).toFixed(1)} s wall: ${((1000 * figures.runs) / figures.totalMs).toFixed(1)} runs per CPU second` +
      ` (${figures.violations} violation(s), ${figures.errors} error(s))`,
  );
  const out = join(resultsDir(), 'chaos.json');
  writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`written ${out}`);
}

/** The first argument of the child process that runs the seeds. */
const CHILD = '--bench-chaos-child';

if (process.argv[2] === CHILD) {
  const figures = await measure(JSON.parse(process.argv[3] ?? '{}') as BenchInput);
  process.send?.(figures, () => process.disconnect());
} else {
  await main(process.argv.slice(2));
}
