/**
 * The plan's expected fleet made beside the rehearsal, on a second core. A rehearsal reads none of what the expected fleet
 * gives (src/planner/plan.ts RehearsalPlan), and the fleet is most of a large plan's time (8 of 12 s at 5,000 nodes), so
 * `simulate` starts rehearsing on the plan's draft while a worker thread makes the fleet from the same input, then finishes
 * the plan with it. The worker makes the draft again from its copy of the input (the planner is pure: the same input gives
 * the same draft, so the same fleet as buildPlan's) and sends back the fleet alone (a few thousand nodes at most).
 *
 * The input is copied to the thread once (structured clone: about 0.1 s for 17,000 pods); the thread's heap is its own and
 * is freed when it ends. It runs only from the compiled code (the worker is a .js file beside this module); from the
 * TypeScript sources (tests), or when the thread cannot start or fails, the caller makes the fleet itself (fleetBeside
 * returns null, or its result is null).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExpectedFleet } from '../src/planner/expected-fleet.js';
import type { PlanInput } from '../src/planner/plan.js';
import type { ProgressStep } from '../src/model/progress.js';

/** The input a fleet thread is given: the plan's, but the progress sink (a function does not cross threads). */
export type FleetThreadInput = Omit<PlanInput, 'onProgress'>;

/** What the thread tells its parent: the fleet's progress (batches replayed), then the fleet. */
export type FromFleetThread = { readonly kind: 'progress'; readonly step: ProgressStep } | { readonly kind: 'fleet'; readonly fleet: ExpectedFleet };

/** A fleet being made on a thread. */
export interface FleetJob {
  /** The fleet; null when the thread failed or was stopped (the caller then makes it itself). */
  readonly result: Promise<ExpectedFleet | null>;
  /** Stops the thread (when the rehearsal failed and the plan is not needed); its messages are dropped from then on. */
  stop(): void;
}

/** The compiled worker the thread runs (fleet-worker.js beside this module). */
const workerScript = (): string => fileURLToPath(new URL('./fleet-worker.js', import.meta.url));

/**
 * Can this process make the fleet on a thread? Only from the compiled code, where the worker exists (from the TypeScript
 * sources there is no fleet-worker.js beside this module), as chaos's forkable() asks of its worker.
 */
export function fleetThreadable(): boolean {
  return existsSync(workerScript());
}

/**
 * Starts a thread that makes the expected fleet of buildPlan(input); null when none can start. Its progress steps (phase
 * "expected fleet") reach input.onProgress when this thread's event loop turns (the rehearsal yields between events).
 */
export function fleetBeside(input: PlanInput): FleetJob | null {
  if (!fleetThreadable()) return null;
  const { onProgress, ...data } = input;
  const workerData: FleetThreadInput = data;
  let worker: Worker;
  try {
    worker = new Worker(workerScript(), { workerData });
  } catch {
    return null;
  }
  /**
   * Whether the thread's messages still count: not once the fleet came, the thread failed or was stopped. Node delivers
   * what a thread posted even after terminate(), and a progress step after the caller's reporter has ended would draw
   * again (a bar's timer keeps the process alive).
   */
  let open = true;
  const result = new Promise<ExpectedFleet | null>((resolve) => {
    const settle = (fleet: ExpectedFleet | null): void => {
      open = false;
      resolve(fleet);
    };
    worker.on('message', (m: FromFleetThread) => {
      if (!open) return;
      if (m.kind === 'progress') onProgress?.(m.step);
      else settle(m.fleet);
    });
    // A failed thread (an exception, out of memory) or a stopped one leaves the fleet to the caller; once the fleet came,
    // these change nothing.
    worker.on('error', () => settle(null));
    worker.on('exit', () => settle(null));
  });
  return {
    result,
    stop: () => {
      open = false;
      void worker.terminate();
    },
  };
}
