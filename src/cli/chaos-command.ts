/**
 * `vngshift chaos`: many seeded simulations, each of a small generated world with faults drawn from a profile, checked
 * against invariants 1-6 and 9. Run i uses seed S+i for everything, so any run replays alone with --runs 1 --seed S+i.
 */
import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { loadCatalog } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import { PROFILES, type ChaosProfile } from '../../sim/chaos/draw.js';
import { chaosParallel } from '../../sim/chaos/parallel.js';
import { REGRESSIONS_DIR, scenarioReplayCommand, writeRegression } from '../../sim/chaos/regression.js';
import { describeShrink, shrinkRun } from '../../sim/chaos/shrink.js';
import { chaosRange, type RunRecord } from '../../sim/chaos/run.js';
import { renderChaosText, replayCommand, summarize, type ShrunkLine } from '../../sim/chaos/summary.js';

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
  return new Command('chaos')
    .description('run many seeded simulations of small generated worlds with random faults and check the invariants')
    .option('--runs <n>', 'how many runs (required)')
    .option('--seed <n>', 'seed of the first run; run i uses seed+i', '1')
    .option('--profile <name>', 'fault profile: swarm (a random subset of fault kinds per run, many faults) or lite (few, mild faults)', 'swarm')
    .option('--workers <n>', 'worker threads (default: all cores)')
    .option('-o, --output <format>', 'report format: text or json', 'text')
    .option('--shrink <n>', 'shrink up to n failing runs to a minimal scenario (0: none)', '3')
    .option('--shrink-runs <n>', 'most simulations one shrink may run', '150')
    .option('--no-write-regressions', 'do not write the shrunk scenarios (they are printed either way)')
    .option('--regressions-dir <dir>', 'where shrunk scenarios are written', REGRESSIONS_DIR)
    .action(async (opts: ChaosOptions) => {
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

      const catalog = loadCatalog();
      const started = performance.now();
      const progress = progressLine(runs);
      const onRun = (r: RunRecord, done: number): void => progress(done, r.violations.length + (r.error === null ? 0 : 1), performance.now() - started);
      const used = Math.min(workers, runs);
      const records =
        used <= 1
          ? await chaosRange(seed, runs, { catalog, profile }, (r, i) => onRun(r, i + 1))
          : await chaosParallel(seed, runs, profile, used, onRun);
      const seconds = (performance.now() - started) / 1000;
      progress.end();

      const summary = summarize(records, profile, seed);
      const regressions: string[] = [];
      const shrunk: ShrunkReport[] = [];
      const failing = summary.results.filter((r) => r.violations.length > 0 || r.error !== null).slice(0, shrinkCount);
      for (const r of failing) {
        process.stderr.write(`chaos: shrinking run ${r.seed}...\n`);
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
        const out = { ...summary, shrunk, regressions, runsPerSecond, elapsedSeconds: Math.round(seconds * 1000) / 1000, workers: used };
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } else {
        process.stdout.write(renderChaosText(summary, { seconds, runsPerSecond, workers: used }, shrunk));
      }
      process.exitCode = summary.violations.length > 0 || summary.errors.length > 0 ? 4 : 0;
    });
}

/** The progress line on stderr: redrawn in place on a terminal, else one line per 10% of the runs. */
function progressLine(total: number): ((done: number, bad: number, ms: number) => void) & { end: () => void } {
  const tty = process.stderr.isTTY === true;
  let violations = 0;
  let lastTenth = 0;
  let drawn = false;
  const text = (done: number, ms: number): string =>
    `chaos: ${done}/${total} runs (${Math.floor((done * 100) / total)}%), ${violations} violation(s), ${(done / Math.max(ms / 1000, 1e-9)).toFixed(1)} runs/s`;
  const fn = (done: number, bad: number, ms: number): void => {
    violations += bad;
    if (tty) {
      process.stderr.write(`\r${text(done, ms)}\u001b[K`);
      drawn = true;
      return;
    }
    const tenth = Math.floor((done * 10) / total);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      process.stderr.write(`${text(done, ms)}\n`);
    }
  };
  return Object.assign(fn, {
    end: (): void => {
      if (tty && drawn) process.stderr.write('\n');
    },
  });
}
