/**
 * Runs a chaos sweep on worker threads. The workers share one counter (Atomics on a SharedArrayBuffer) and each takes the next
 * run index when it is free, so slow runs do not hold up a static share; the records are put back in seed order, so the
 * report is the same for any number of workers. The workers load the compiled worker.js beside this module: this runs from
 * dist/, not from the TypeScript sources (tests use the single-threaded chaosRange).
 */
import { Worker } from 'node:worker_threads';
import type { ChaosProfile } from './draw.js';
import type { RunRecord } from './run.js';

export interface WorkerInput {
  readonly seed: number;
  readonly runs: number;
  readonly profile: ChaosProfile;
  readonly counter: SharedArrayBuffer;
}

export type WorkerMessage = { readonly type: 'run'; readonly index: number; readonly record: RunRecord } | { readonly type: 'done' };

export async function chaosParallel(
  seed: number,
  runs: number,
  profile: ChaosProfile,
  workers: number,
  onRun?: (record: RunRecord, done: number) => void,
): Promise<RunRecord[]> {
  const counter = new SharedArrayBuffer(4);
  const records: (RunRecord | undefined)[] = new Array<RunRecord | undefined>(runs).fill(undefined);
  let done = 0;
  const url = new URL('./worker.js', import.meta.url);
  const started: Worker[] = [];
  const one = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const input: WorkerInput = { seed, runs, profile, counter };
      const w = new Worker(url, { workerData: input });
      started.push(w);
      let finished = false;
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'done') {
          finished = true;
          resolve();
          return;
        }
        records[m.index] = m.record;
        done += 1;
        onRun?.(m.record, done);
      });
      w.on('error', reject);
      w.on('exit', (code) => {
        if (!finished) reject(new Error(`chaos worker exited with code ${code} before it was done`));
      });
    });
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, runs)) }, one));
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
