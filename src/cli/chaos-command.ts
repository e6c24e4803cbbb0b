/**
 * `vngshift chaos`: many seeded simulations, each of a small generated world with faults drawn from a profile, checked
 * against invariants 1-6 and 9. Run i uses seed S+i for everything, so any run replays alone with --runs 1 --seed S+i.
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadCatalog } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import { yamlText } from '../model/yaml-output.js';
import { PROFILES, type ChaosProfile } from '../../sim/chaos/draw.js';
import { chaosParallel, forkable, watched } from '../../sim/chaos/parallel.js';
import { REGRESSIONS_DIR, scenarioReplayCommand, writeRegression } from '../../sim/chaos/regression.js';
import { describeShrink, shrinkRun } from '../../sim/chaos/shrink.js';
import { chaosJobManifest, JOB_NAME, shardRange } from '../../sim/chaos/job.js';
import { missingShards, readShard } from '../../sim/chaos/merge.js';
import { chaosRange, type RunRecord } from '../../sim/chaos/run.js';
import { renderChaosText, replayCommand, summarize, type ShardFigures, type ShrunkLine } from '../../sim/chaos/summary.js';
import { makeReporter, withProgressFlags } from './progress.js';

interface ChaosOptions {
  runs?: string;
  seed: string;
  profile: string;
  workers?: string;
  output: string;
  writeRegressions: boolean;
  regressionsDir: string;
  shrink: string;
  shrinkRuns: string;
  emitJob?: boolean;
  image?: string;
  jobName: string;
  namespace: string;
  shards?: string;
  parallelism?: string;
  shardIndexEnv?: string;
  merge?: string[];
  progress?: boolean;
  logFormat?: string;
}

/** A failing run shrunk to a scenario file, as the report shows it. */
export interface ShrunkReport extends ShrunkLine {
  readonly invariants: readonly number[];
}

const MAX_SEED = 0xffffffff;
const MAX_RUNS = 10_000_000;

function wholeNumber(flag: string, text: string, min: number, max: number, what: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InputError(`flag ${flag}`, '', '', `${what}, found "${text}"`);
  return n;
}

export function chaosCommand(): Command {
  const cmd = new Command('chaos')
    .description('run many seeded simulations of small generated worlds with random faults and check the invariants')
    .option('--runs <n>', 'how many runs (required)')
    .option('--seed <n>', 'seed of the first run; run i uses seed+i', '1')
    .option('--profile <name>', 'fault profile: swarm (a random subset of fault kinds per run, many faults) or lite (few, mild faults)', 'swarm')
    .option('--workers <n>', 'worker processes (default: all cores)')
    .option('-o, --output <format>', 'report format: text or json', 'text')
    .option('--shrink <n>', 'shrink up to n failing runs to a minimal scenario (0: none)', '3')
    .option('--shrink-runs <n>', 'most simulations one shrink may run', '150')
    .option('--no-write-regressions', 'do not write the shrunk scenarios (they are printed either way)')
    .option('--regressions-dir <dir>', 'where shrunk scenarios are written', REGRESSIONS_DIR)
    .option('--shards <n>', 'split the seed range into n shards (with --shard-index-env, or --emit-job)')
    .option('--shard-index-env <var>', 'run the shard whose index this environment variable holds (JOB_COMPLETION_INDEX in an Indexed Job)')
    .option('--emit-job', 'print a Kubernetes Indexed Job that runs the sweep in --shards pods, instead of running it')
    .option('--image <image>', 'with --emit-job: a container image whose PATH has vngshift')
    .option('--job-name <name>', 'with --emit-job: the Job name', 'vngshift-chaos')
    .option('--namespace <ns>', 'with --emit-job: the Job namespace', 'default')
    .option('--parallelism <n>', 'with --emit-job: pods at once (default: all shards)')
    .option('--merge <files...>', 'merge JSON summaries of shards (e.g. the Job pods\' logs) into one report, instead of running');
  return withProgressFlags(cmd)
    .action(async (opts: ChaosOptions) => {
      if (opts.merge !== undefined) {
        mergeSummaries(opts.merge, opts.output);
        return;
      }
      if (opts.runs === undefined) throw new InputError('flag --runs', '', '', 'required: how many runs, a positive integer');
      const runs = wholeNumber('--runs', opts.runs, 1, MAX_RUNS, `--runs must be a positive integer up to ${MAX_RUNS}`);
      const seed = wholeNumber('--seed', opts.seed, 0, MAX_SEED, `--seed must be a whole number from 0 to ${MAX_SEED}`);
      if (seed + runs - 1 > MAX_SEED) throw new InputError('flag --seed', '', '', `--seed plus --runs goes past the largest seed ${MAX_SEED}`);
      if (!(PROFILES as readonly string[]).includes(opts.profile)) {
        throw new InputError('flag --profile', '', '', `unknown profile "${opts.profile}"; expected ${PROFILES.join(' or ')}`);
      }
      const profile = opts.profile as ChaosProfile;
      const shrinkCount = wholeNumber('--shrink', opts.shrink, 0, 1000, '--shrink must be a whole number');
      const shrinkRuns = wholeNumber('--shrink-runs', opts.shrinkRuns, 1, 100_000, '--shrink-runs must be a positive integer');
      const workers = opts.workers === undefined ? availableParallelism() : wholeNumber('--workers', opts.workers, 1, 1024, '--workers must be a positive integer');
      if (opts.output !== 'text' && opts.output !== 'json') {
        throw new InputError('flag --output', '', '', `unknown format "${opts.output}"; expected text or json`);
      }

      const shards = opts.shards === undefined ? null : wholeNumber('--shards', opts.shards, 1, 100_000, '--shards must be a positive integer');
      if (shards !== null && shards > runs) throw new InputError('flag --shards', '', '', `--shards (${shards}) must not exceed --runs (${runs})`);
      if (opts.emitJob) {
        if (shards === null) throw new InputError('flag --shards', '', '', 'required with --emit-job: how many pods share the seed range');
        if (opts.image === undefined || opts.image.trim() === '') throw new InputError('flag --image', '', '', 'required with --emit-job: an image whose PATH has vngshift');
        if (!JOB_NAME.test(opts.jobName)) throw new InputError('flag --job-name', '', '', `"${opts.jobName}" is not a valid Job name (lower-case letters, digits and '-', at most 52 characters)`);
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(opts.namespace)) throw new InputError('flag --namespace', '', '', `"${opts.namespace}" is not a valid namespace name`);
        const parallelism = opts.parallelism === undefined ? shards : wholeNumber('--parallelism', opts.parallelism, 1, 100_000, '--parallelism must be a positive integer');
        const manifest = chaosJobManifest({
          name: opts.jobName,
          namespace: opts.namespace,
          image: opts.image,
          runs,
          seed,
          profile,
          shards,
          parallelism: Math.min(parallelism, shards),
          workers: opts.workers === undefined ? 1 : workers,
          shrink: shrinkCount,
        });
        process.stdout.write(yamlText(manifest));
        return;
      }
      let first = seed;
      let count = runs;
      let shard: { index: number; of: number } | null = null;
      if (shards !== null || opts.shardIndexEnv !== undefined) {
        if (shards === null || opts.shardIndexEnv === undefined) throw new InputError('flag --shards', '', '', '--shards and --shard-index-env go together');
        const raw = process.env[opts.shardIndexEnv];
        const index = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : NaN;
        if (!Number.isSafeInteger(index) || index >= shards) {
          throw new InputError(`environment ${opts.shardIndexEnv}`, '', '', `must be a shard index from 0 to ${shards - 1}, found "${raw ?? ''}"`);
        }
        ({ first, count } = shardRange(seed, runs, shards, index));
        shard = { index, of: shards };
      }
      await sweep(first, count, profile, workers, shrinkCount, shrinkRuns, opts, shard);
    });
}

async function sweep(
  seed: number,
  runs: number,
  profile: ChaosProfile,
  workers: number,
  shrinkCount: number,
  shrinkRuns: number,
  opts: ChaosOptions,
  shard: { index: number; of: number } | null,
): Promise<void> {
  const catalog = loadCatalog();
  const started = performance.now();
  const reporter = makeReporter('chaos', opts);
  let violations = 0;
  const onRun = (r: RunRecord, done: number): void => {
    violations += r.violations.length + (r.error === null ? 0 : 1);
    const rate = done / Math.max((performance.now() - started) / 1000, 1e-9);
    reporter.step({ phase: 'sweep', done, total: runs, unit: 'runs', detail: { violations, 'runs/s': Math.round(rate * 10) / 10 } });
  };
  const used = Math.min(workers, runs);
  reporter.log(`${runs} run(s) from seed ${seed}, profile ${profile}, ${used} worker(s)`);
  // One worker runs in a child process too, when it can: the child gets the V8 flags a run is fastest with
  // (WORKER_NODE_FLAGS; measured: two one-worker sweeps side by side, 600 runs each, 31.9 s against 35.8 s in-process).
  // Under a debugger or a profiler it runs here, where they look.
  const records =
    used < 1 || !forkable() || (used === 1 && watched(process.execArgv))
      ? await chaosRange(seed, runs, { catalog, profile }, (r, i) => onRun(r, i + 1))
      : await chaosParallel(seed, runs, { catalog, profile }, used, onRun);
  const seconds = (performance.now() - started) / 1000;
  reporter.end();

  const summary = summarize(records, profile, seed);
  const regressions: string[] = [];
  const shrunk: ShrunkReport[] = [];
  const failing = summary.results.filter((r) => r.violations.length > 0 || r.error !== null).slice(0, shrinkCount);
  for (const r of failing) {
    reporter.log(`shrinking run ${r.seed}...`, { seed: r.seed });
    const o = await shrinkRun(r, { catalog, maxRuns: shrinkRuns });
    const text = describeShrink(o);
    const file = opts.writeRegressions ? writeRegression(o.shrunk, catalog, opts.regressionsDir, text) : null;
    if (file !== null) regressions.push(file);
    shrunk.push({
      seed: r.seed,
      invariants: [...new Set(o.shrunk.violations.map((v) => v.invariant))].sort((a, b) => a - b),
      summary: text,
      faults: o.shrunk.faults,
      file,
      replay: file === null ? replayCommand(r.seed, profile) : scenarioReplayCommand(file, o.shrunk.seed),
    });
  }
  const runsPerSecond = Math.round((runs / Math.max(seconds, 1e-9)) * 100) / 100;
  if (opts.output === 'json') {
    const out = { ...summary, shrunk, regressions, runsPerSecond, elapsedSeconds: Math.round(seconds * 1000) / 1000, workers: used, ...(shard ? { shard } : {}) };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    process.stdout.write(renderChaosText(summary, { seconds, runsPerSecond, workers: used }, shrunk));
  }
  process.exitCode = summary.violations.length > 0 || summary.errors.length > 0 ? 4 : 0;
}

/**
 * `--merge`: the shards' JSON summaries (or the Job pods' logs, see sim/chaos/merge.ts) as one report, with each shard's runs
 * per second as the shard measured it (the shards ran on their own clocks, so no overall rate is made up).
 */
function mergeSummaries(files: readonly string[], output: string): void {
  if (output !== 'text' && output !== 'json') throw new InputError('flag --output', '', '', `unknown format "${output}"; expected text or json`);
  const records: RunRecord[] = [];
  const shrunk: ShrunkReport[] = [];
  const figures: ShardFigures[] = [];
  let profile: ChaosProfile | null = null;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(file, '', '', `cannot be read: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    const d = readShard<ShrunkReport>(text, file);
    if (profile !== null && d.profile !== profile) throw new InputError(file, 'chaos summary', 'profile', `profile ${d.profile} differs from ${profile}`);
    profile = d.profile;
    records.push(...d.results);
    shrunk.push(...d.shrunk);
    figures.push(d.figures);
  }
  if (profile === null || records.length === 0) throw new InputError('flag --merge', '', '', 'no runs in the files given');
  const seeds = records.map((r) => r.seed);
  if (new Set(seeds).size !== seeds.length) throw new InputError('flag --merge', '', '', 'the summaries overlap: a seed appears twice');
  const summary = summarize(records, profile, Math.min(...seeds));
  const shards = [...figures].sort((a, b) => a.seed - b.seed);
  const missing = missingShards(shards);
  if (output === 'json') process.stdout.write(JSON.stringify({ ...summary, shrunk, files: files.length, shards, missingShards: missing }, null, 2) + '\n');
  else process.stdout.write(renderChaosText(summary, null, shrunk, { shards, missing }));
  process.exitCode = summary.violations.length > 0 || summary.errors.length > 0 ? 4 : 0;
}
