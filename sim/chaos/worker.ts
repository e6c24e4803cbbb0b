/**
 * A chaos worker process (started by parallel.ts): told the sweep, then run indexes one by one; runs each with the
 * single-threaded core, in the order given, and sends the record back; exits when told to stop. Loaded from the compiled
 * dist/sim/chaos/worker.js.
 */
import { loadCatalog, type Catalog } from '../../src/catalog/catalog.js';
import type { ChaosProfile } from './draw.js';
import type { FromWorker, ToWorker } from './parallel.js';
import { chaosRun } from './run.js';

const send = process.send?.bind(process);
if (send === undefined) throw new Error('chaos worker started without a parent to report to');

let sweep: { seed: number; profile: ChaosProfile } | null = null;
let catalog: Catalog | null = null;
const queue: number[] = [];
let busy = false;
let stopping = false;

async function work(): Promise<void> {
  if (busy) return;
  busy = true;
  for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
    if (sweep === null) throw new Error('chaos worker told a run before its sweep');
    catalog ??= loadCatalog();
    const record = await chaosRun(sweep.seed + index, { catalog, profile: sweep.profile });
    const msg: FromWorker = { type: 'run', index, record };
    send?.(msg);
  }
  busy = false;
  if (stopping) process.disconnect();
}

// The parent gone (killed, or it stopped the sweep on an error): nothing is left to report to.
process.on('disconnect', () => process.exit(0));

process.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'sweep':
      sweep = { seed: m.seed, profile: m.profile };
      return;
    case 'run':
      queue.push(m.index);
      void work().catch((e: unknown) => {
        process.stderr.write(`chaos worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(70);
      });
      return;
    case 'stop':
      stopping = true;
      if (!busy) process.disconnect();
      return;
  }
});
