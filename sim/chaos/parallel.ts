/**
 * Runs a chaos sweep on several threads: this thread and `workers - 1` worker threads. They share one counter (Atomics on a
 * SharedArrayBuffer) and each takes the next run index when it is free, so slow runs do not hold up a static share; the
 * records are put back in seed order, so the report is the same for any number of workers. This thread already has the
 * code loaded (the command line imported it), so it works too instead of waiting: one thread fewer to start, and no core
 * left idle. The workers load the compiled worker.js beside this module: this runs from dist/, not from the TypeScript
 * sources (tests use the single-threaded chaosRange).
 */
import { Worker } from 'node:worker_threads';
import type { ChaosProfile } from './draw.js';
import { chaosRun, type ChaosCoreOptions, type RunRecord } from './run.js';

export interface WorkerInput {
  readonly seed: number;
  readonly runs: number;
  readonly profile: ChaosProfile;
  readonly counter: SharedArrayBuffer;
}

export type WorkerMessage = { readonly type: 'run'; readonly index: number; readonly record: RunRecord } | { readonly type: 'done' };

/** Lets queued messages (the workers' records) in between two runs of this thread. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function chaosParallel(
  seed: number,
  runs: number,
  opts: ChaosCoreOptions,
  workers: number,
  onRun?: (record: RunRecord, done: number) => void,
): Promise<RunRecord[]> {
  const counter = new SharedArrayBuffer(4);
  const taken = new Int32Array(counter);
  const records: (RunRecord | undefined)[] = new Array<RunRecord | undefined>(runs).fill(undefined);
  let done = 0;
  let failed = false;
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
      const w = new Worker(url, { workerData: input });
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
  const here = async (): Promise<void> => {
    for (;;) {
      await turn();
      if (failed) return;
      const index = Atomics.add(taken, 0, 1);
      if (index >= runs) return;
      got(index, await chaosRun(seed + index, opts));
    }
  };
  const threads = Math.max(1, Math.min(workers, runs));
  try {
    const spawned = Array.from({ length: threads - 1 }, () =>
      one().catch((e: unknown) => {
        failed = true;
        throw e;
      }),
    );
    await Promise.all([here(), ...spawned]);
  } catch (e) {
    failed = true;
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
