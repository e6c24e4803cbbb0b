/**
 * Runs a chaos sweep on `workers` worker threads. They share one counter (Atomics on a SharedArrayBuffer) and each takes the
 * next run index when it is free, so slow runs do not hold up a static share; the records are put back in seed order, so the
 * report is the same for any number of workers. This thread only collects the records: the seeds run on threads whose young
 * generation is sized for a run (WORKER_YOUNG_GENERATION_MB), which this thread's cannot be once it has started. The
 * workers load the compiled worker.js beside this module: this runs from dist/, not from the TypeScript sources (tests use
 * the single-threaded chaosRange).
 */
import { Worker } from 'node:worker_threads';
import type { ChaosProfile } from './draw.js';
import type { ChaosCoreOptions, RunRecord } from './run.js';

export interface WorkerInput {
  readonly seed: number;
  readonly runs: number;
  readonly profile: ChaosProfile;
  readonly counter: SharedArrayBuffer;
}

export type WorkerMessage = { readonly type: 'run'; readonly index: number; readonly record: RunRecord } | { readonly type: 'done' };

/**
 * A worker's young generation, in MB (V8 makes it three semi-spaces: 64 MB each). A run allocates tens of MB, most of it
 * garbage by the run's end; with the default (16 MB semi-spaces) a run's world and trace outlive two scavenges and are
 * copied into the old generation, then marked and swept there. With room for a run in the young generation they mostly die
 * there: measured, 8% less CPU a run (bin/vngshift.js chaos on one thread, --max-semi-space-size 64 against 16).
 */
export const WORKER_YOUNG_GENERATION_MB = 192;

export async function chaosParallel(
  seed: number,
  runs: number,
  opts: ChaosCoreOptions,
  workers: number,
  onRun?: (record: RunRecord, done: number) => void,
): Promise<RunRecord[]> {
  const counter = new SharedArrayBuffer(4);
  const records: (RunRecord | undefined)[] = new Array<RunRecord | undefined>(runs).fill(undefined);
  let done = 0;
  const got = (index: number, record: RunRecord): void => {
    records[index] = record;
    done += 1;
    onRun?.(record, done);
  };
  const url = new URL('./worker.js', import.meta.url);
  const started: Worker[] = [];
  const one = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const input: WorkerInput = { seed, runs, profile: opts.profile, counter };
      const w = new Worker(url, { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      started.push(w);
      let finished = false;
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'done') {
          finished = true;
          resolve();
          return;
        }
        got(m.index, m.record);
      });
      w.on('error', reject);
      w.on('exit', (code) => {
        if (!finished) reject(new Error(`chaos worker exited with code ${code} before it was done`));
      });
    });
  const threads = Math.max(1, Math.min(workers, runs));
  try {
    await Promise.all(Array.from({ length: threads }, () => one()));
  } catch (e) {
    await Promise.all(started.map((w) => w.terminate()));
    throw e;
  }
  const out: RunRecord[] = [];
  for (const [i, r] of records.entries()) {
    if (r === undefined) throw new Error(`chaos run ${seed + i} produced no record`);
    out.push(r);
  }
  return out;
}
