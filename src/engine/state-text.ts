/**
 * The persisted text of a migration state: exactly `JSON.stringify(state)`, without re-serialising the batches that did not
 * change. A finished batch keeps every pod it evicted (its record), so on a large cluster the batches are most of the state,
 * and the engine serialises the state at every save to see whether it changed. Each batch's text is kept (per batch object,
 * checked against the fields the engine changes) and reused while they are the same, and so is the text of the fields no
 * run changes (the parameters, the settings, the old nodes).
 */
import type { BatchState, MigrationState } from './state.js';

/**
 * A batch's text, kept with what it was made from. The engine changes a batch only by setting its phase and times, by
 * appending to `evicted` and `baseline` (entries are never changed once appended) and by replacing `baseline` with an
 * empty array; so the same phase, times, arrays and lengths mean the same text.
 */
interface Kept {
  readonly phase: BatchState['phase'];
  readonly startedAt: number | null;
  readonly drainedAt: number | null;
  readonly finishedAt: number | null;
  readonly evictedList: BatchState['evicted'];
  readonly evicted: number;
  readonly baselineList: BatchState['baseline'];
  readonly baseline: number;
  readonly text: string;
}

const keptText = new WeakMap<BatchState, Kept>();

function batchText(b: BatchState): string {
  const kept = keptText.get(b);
  if (
    kept !== undefined &&
    kept.phase === b.phase &&
    kept.startedAt === b.startedAt &&
    kept.drainedAt === b.drainedAt &&
    kept.finishedAt === b.finishedAt &&
    kept.evictedList === b.evicted &&
    kept.evicted === b.evicted.length &&
    kept.baselineList === b.baseline &&
    kept.baseline === b.baseline.length
  )
    return kept.text;
  const text = JSON.stringify(b);
  keptText.set(b, {
    phase: b.phase,
    startedAt: b.startedAt,
    drainedAt: b.drainedAt,
    finishedAt: b.finishedAt,
    evictedList: b.evicted,
    evicted: b.evicted.length,
    baselineList: b.baseline,
    baseline: b.baseline.length,
    text,
  });
  return text;
}

/** Fields a run never changes (declared readonly in MigrationState): their text is kept per value object. */
const FIXED = new Set(['params', 'settings', 'oldNodes']);
const fixedText = new WeakMap<object, string>();

function fieldText(k: string, v: unknown): string {
  if (!FIXED.has(k) || typeof v !== 'object' || v === null) return JSON.stringify(v);
  let text = fixedText.get(v);
  if (text === undefined) {
    text = JSON.stringify(v);
    fixedText.set(v, text);
  }
  return text;
}

/**
 * The state's text in pieces whose concatenation is `JSON.stringify(state)`: one piece per field, and the batches one piece
 * each. A finished batch and the fixed fields are the same string object from one call to the next, so two lists of pieces
 * compare (sameParts) without building or reading the whole text: on a large migration the saved state grows with every pod
 * moved, and the engine asks at every reconcile whether it changed.
 */
export function stateParts(state: MigrationState): string[] {
  const parts: string[] = [];
  let first = true;
  for (const [k, v] of Object.entries(state)) {
    if (v === undefined || typeof v === 'function') continue;
    const head = `${first ? '{' : ','}${JSON.stringify(k)}:`;
    first = false;
    if (k !== 'batches') {
      parts.push(head + fieldText(k, v));
      continue;
    }
    if (state.batches.length === 0) {
      parts.push(`${head}[]`);
      continue;
    }
    // The separators are pieces of their own: a finished batch's piece is then its kept text, the same string object.
    state.batches.forEach((b, i) => parts.push(i === 0 ? `${head}[` : ',', batchText(b)));
    parts.push(']');
  }
  parts.push(first ? '{}' : '}');
  return parts;
}

/** Whether two lists of pieces make the same text (pieces kept from one call to the next compare by identity first). */
export function sameParts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `JSON.stringify(state)`, byte for byte. */
export function stateText(state: MigrationState): string {
  return stateParts(state).join('');
}
