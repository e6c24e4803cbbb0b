/**
 * The migration's ETA, learnt from the batches done so far: pure, from the times the state records (virtual in a rehearsal,
 * the wall clock's in a live run) and a `now` the caller reads from its clock. After each batch the estimate is the mean
 * cycle of the batches done (from the first batch's start to the last one's end, over their count: the reconciles between
 * batches included) times the batches left, counted from the last batch's end. Before any batch has ended it is the plan's
 * estimate when the caller has one. A run slower than its estimate never shows an end in the past: the end is then `now`.
 */
import type { MigrationState } from './state.js';

export interface Eta {
  /** observed: from the batches done; plan: the plan's estimate (no batch done yet); none: nothing to go on; ended. */
  readonly basis: 'observed' | 'plan' | 'none' | 'ended';
  readonly batchesDone: number;
  readonly batchesLeft: number;
  /** Mean seconds per batch observed so far (null before the first batch ends). */
  readonly secondsPerBatch: number | null;
  /** Seconds from `now` to the estimated end (null when unknown). */
  readonly remainingSeconds: number | null;
  /** The estimated end on the state's clock (seconds since the epoch in a live run); null when unknown. */
  readonly endsAt: number | null;
  /** Seconds since the migration started. */
  readonly elapsedSeconds: number;
}

type EtaState = Pick<MigrationState, 'status' | 'batches' | 'createdAt' | 'completedAt' | 'stoppedAt' | 'erroredAt'>;

export function estimateEta(state: EtaState, now: number, plannedSeconds: number | null = null): Eta {
  const done = state.batches.filter((b) => b.phase === 'done' && b.finishedAt !== null && b.startedAt !== null);
  const left = state.batches.length - done.length;
  const endedAt = state.completedAt ?? state.stoppedAt ?? state.erroredAt;
  const ended = state.status === 'Completed' || state.status === 'Stopped' || state.status === 'Failed';
  if (ended) {
    const end = endedAt ?? now;
    return { basis: 'ended', batchesDone: done.length, batchesLeft: left, secondsPerBatch: perBatch(done), remainingSeconds: 0, endsAt: end, elapsedSeconds: end - state.createdAt };
  }
  const elapsed = Math.max(0, now - state.createdAt);
  const mean = perBatch(done);
  if (mean !== null) {
    const lastEnd = Math.max(...done.map((b) => b.finishedAt as number));
    const endsAt = Math.max(now, lastEnd + left * mean);
    return { basis: 'observed', batchesDone: done.length, batchesLeft: left, secondsPerBatch: mean, remainingSeconds: endsAt - now, endsAt, elapsedSeconds: elapsed };
  }
  if (plannedSeconds !== null && Number.isFinite(plannedSeconds)) {
    const endsAt = Math.max(now, state.createdAt + plannedSeconds);
    return { basis: 'plan', batchesDone: 0, batchesLeft: left, secondsPerBatch: null, remainingSeconds: endsAt - now, endsAt, elapsedSeconds: elapsed };
  }
  return { basis: 'none', batchesDone: 0, batchesLeft: left, secondsPerBatch: null, remainingSeconds: null, endsAt: null, elapsedSeconds: elapsed };
}

/** Mean cycle of the batches done: first start to last end, over their count (null when none is done). */
function perBatch(done: readonly { startedAt: number | null; finishedAt: number | null }[]): number | null {
  if (done.length === 0) return null;
  const first = Math.min(...done.map((b) => b.startedAt as number));
  const last = Math.max(...done.map((b) => b.finishedAt as number));
  return Math.max(0, last - first) / done.length;
}
