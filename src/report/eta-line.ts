/** The ETA of a running migration as one line (run's progress, status's text); the estimate itself is src/engine/eta.ts. */
import type { Eta } from '../engine/eta.js';
import { duration } from './format.js';

/** One line for people: `ETA 12m30s (at 14:05:10 UTC), from 3 of 10 batches done at 2m05s each`. */
export function etaLine(eta: Eta, clockIsEpoch: boolean): string {
  const d = (s: number): string => duration(Math.max(0, s));
  const at = (t: number): string => (clockIsEpoch ? ` (at ${new Date(t * 1000).toISOString().slice(11, 19)} UTC)` : ` (at t=${Math.round(t)}s)`);
  switch (eta.basis) {
    case 'ended':
      return `ended after ${d(eta.elapsedSeconds)}`;
    case 'observed':
      return `ETA ${d(eta.remainingSeconds ?? 0)}${at(eta.endsAt ?? 0)}, from ${eta.batchesDone} of ${eta.batchesDone + eta.batchesLeft} batches done at ${d(eta.secondsPerBatch ?? 0)} each`;
    case 'plan':
      return `ETA ${d(eta.remainingSeconds ?? 0)}${at(eta.endsAt ?? 0)}, the plan's estimate (no batch done yet)`;
    default:
      return 'ETA unknown until the first batch is done';
  }
}
