/**
 * Runs a chaos sweep in `workers` child processes. The parent sends each child WORKER_QUEUE run indexes at first, then
 * one more for each record it gets back (so a child never waits for its next run), so slow runs do not hold up a static share; the records are put back
 * in seed order, so the report is the same for any number of workers. This process only hands out indexes and collects the
 * records. The children are processes, not threads, because a process can be given the V8 flags a run is fastest with
 * (WORKER_NODE_FLAGS), which a worker thread cannot. They load the compiled worker.js beside this module: this runs from
 * dist/, not from the TypeScript sources (tests use the single-threaded chaosRange; forkable() says which).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChaosProfile } from './draw.js';
import type { ChaosCoreOptions, RunRecord } from './run.js';

/** What the parent tells a child: the sweep (first), then the index of each run it is to make, then to stop. */
export type ToWorker =
  | { readonly type: 'sweep'; readonly seed: number; readonly profile: ChaosProfile }
  | { readonly type: 'run'; readonly index: number }
  | { readonly type: 'stop' };

/** What a child tells the parent: each run's record, as it ends. */
export interface FromWorker {
  readonly type: 'run';
  readonly index: number;
  readonly record: RunRecord;
}

/**
 * The V8 flags of a chaos worker process.
 *
 * A young generation that holds a run (64 MB semi-spaces): a run allocates tens of MB, most of it garbage by the run's end;
 * with the default (16 MB semi-spaces) a run's world and trace outlive two scavenges and are copied into the old generation,
 * then marked and swept there (measured: 8% less CPU a run).
 *
 * One thread: V8 compiles optimised code and collects garbage on the process's own thread, not on helper threads. A worker
 * keeps compiling for its first few hundred runs (every seed's world reaches code the earlier ones did not), and on a
 * machine where every core runs a worker the helpers only take turns with them.
 *
 * Less inlining (at most 150 bytes of bytecode inlined into one optimised function, V8's default 920): a worker's first
 * hundred runs spent about half their CPU in the optimising compiler (`--trace-opt`: 4.5 s of 9.5 s, 2.0 s of it
 * compiling again functions that deoptimised when a new world's objects had other shapes), mostly on the large functions
 * of the engine, the world and the planner with all they inline; with the limit 2.9 s, and a run once warm costs the same.
 * Measured: 1,000 runs on 2 workers 25.5-25.7 s against 27.6-28.1 s (two runs each, alternating).
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--single-threaded', '--max-inlined-bytecode-size-cumulative=150'];

/** The compiled worker a child process runs (worker.js beside this module). */
const workerScript = (): string => fileURLToPath(new URL('./worker.js', import.meta.url));

/**
 * Can this process start chaos workers? Only when it runs from the compiled code (the worker is a .js file beside this
 * module); from the TypeScript sources (tests) sweeps run in this process (chaosRange).
 */
export function forkable(): boolean {
  return existsSync(workerScript());
}

/**
 * The node flags of a worker: this process's own, but those that must not run once per worker - code given on the command
 * line (`-e`/`-p`: each child would run it again), a debugger (every child on the same port, or waiting for one) and
 * profilers (a file per child) - then WORKER_NODE_FLAGS.
 */
/** A debugger or a profiler flag (one port for all children, a child waiting for a debugger, a profile per child). */
const watches = (a: string): boolean => /^--(inspect|debug)/.test(a) || /^--(cpu-prof|heap-prof|prof)(-|=|$)/.test(a);

/**
 * Whether this process runs under a debugger or a profiler (flags the workers do not get): a one-worker sweep then runs
 * in this process, where they look.
 */
export function watched(execArgv: readonly string[]): boolean {
  return execArgv.some(watches);
}

export function workerExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const a = parent[i] as string;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') {
      i += 1;
      continue;
    }
    if (/^--(eval|print)=/.test(a) || watches(a)) continue;
    out.push(a);
  }
  return [...out, ...WORKER_NODE_FLAGS];
}

/** Run indexes a child holds at once: the one it runs and the next, so it never waits on the parent between runs. */
const WORKER_QUEUE = 2;

export async function chaosParallel(
  seed: number,
  runs: number,
  opts: ChaosCoreOptions,
  workers: number,
  onRun?: (record: RunRecord, done: number) => void,
): Promise<RunRecord[]> {
  if (runs <= 0) return [];
  const records: (RunRecord | undefined)[] = new Array<RunRecord | undefined>(runs).fill(undefined);
  let done = 0;
  let next = 0;
  const script = workerScript();
  const started: ChildProcess[] = [];
  const one = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const child = fork(script, [], {
        execArgv: workerExecArgv(process.execArgv),
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      started.push(child);
      let held = 0;
      let stopped = false;
      const send = (m: ToWorker): void => {
        if (child.connected) child.send(m, (err) => err && reject(err));
      };
      const feed = (): void => {
        while (held < WORKER_QUEUE && next < runs) {
          send({ type: 'run', index: next });
          next += 1;
          held += 1;
        }
        if (held === 0 && !stopped) {
          stopped = true;
          send({ type: 'stop' });
        }
      };
      child.on('message', (m: FromWorker) => {
        held -= 1;
        records[m.index] = m.record;
        done += 1;
        try {
          onRun?.(m.record, done);
        } catch (e) {
          reject(e);
          return;
        }
        feed();
      });
      child.on('error', reject);
      child.once('exit', (code, signal) => {
        if (stopped && code === 0) resolve();
        else reject(new Error(`chaos worker exited with ${signal ?? `code ${code}`} before it was done`));
      });
      send({ type: 'sweep', seed, profile: opts.profile });
      feed();
    });
  const count = Math.max(1, Math.min(workers, runs));
  try {
    await Promise.all(Array.from({ length: count }, () => one()));
  } catch (e) {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill();
    throw e;
  }
  const out: RunRecord[] = [];
  for (const [i, r] of records.entries()) {
    if (r === undefined) throw new Error(`chaos run ${seed + i} produced no record`);
    out.push(r);
  }
  return out;
}
