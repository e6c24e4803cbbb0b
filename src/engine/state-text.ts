/**
 * The persisted text of a migration state: exactly `JSON.stringify(state)`, without re-serialising the batches that are over.
 * A finished batch keeps every pod it evicted (its record), so on a large cluster the finished batches are most of the state,
 * and the engine serialises the state at every save to see whether it changed. A batch whose phase is `done` is not changed
 * any more; its text is kept (per batch object, checked against the fields a finish could still touch) and reused, and so
 * is the text of the fields no run changes (the parameters, the settings, the old nodes).
 */
import type { BatchState, MigrationState } from './state.js';

interface Kept {
  readonly finishedAt: number | null;
  readonly evicted: number;
  readonly baseline: number;
  readonly text: string;
}

const doneText = new WeakMap<BatchState, Kept>();

function batchText(b: BatchState): string {
  if (b.phase !== 'done') return JSON.stringify(b);
  const kept = doneText.get(b);
  if (kept !== undefined && kept.finishedAt === b.finishedAt && kept.evicted === b.evicted.length && kept.baseline === b.baseline.length) return kept.text;
  const text = JSON.stringify(b);
  doneText.set(b, { finishedAt: b.finishedAt, evicted: b.evicted.length, baseline: b.baseline.length, text });
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

/** `JSON.stringify(state)`, byte for byte. */
export function stateText(state: MigrationState): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(state)) {
    if (v === undefined || typeof v === 'function') continue;
    const value = k === 'batches' ? `[${state.batches.map(batchText).join(',')}]` : fieldText(k, v);
    parts.push(`${JSON.stringify(k)}:${value}`);
  }
  return `{${parts.join(',')}}`;
}
