/**
 * A chaos worker thread: takes run indexes from the shared counter until none is left, runs each with the single-threaded
 * core and posts the record back. Loaded from the compiled dist/sim/chaos/worker.js by parallel.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { chaosRun } from './run.js';
import type { WorkerInput, WorkerMessage } from './parallel.js';

async function work(input: WorkerInput): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('chaos worker started outside a worker thread');
  const counter = new Int32Array(input.counter);
  const catalog = loadCatalog();
  for (;;) {
    const index = Atomics.add(counter, 0, 1);
    if (index >= input.runs) break;
    const record = await chaosRun(input.seed + index, { catalog, profile: input.profile });
    const msg: WorkerMessage = { type: 'run', index, record };
    port.postMessage(msg);
  }
  const done: WorkerMessage = { type: 'done' };
  port.postMessage(done);
}

await work(workerData as WorkerInput);
