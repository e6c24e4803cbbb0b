/**
 * The persisted text of a migration state: exactly `JSON.stringify(state)`, without re-serialising the batches that did not
 * change. A running batch keeps every pod it evicted, so on a large cluster its list is most of the state, and the engine
 * serialises the state at every save to see whether it changed. Each batch's text is kept (per batch object,
 * checked against the fields the engine changes) and reused while they are the same, and so is the text of the fields no
 * run changes (the parameters, the settings, the old nodes).
 */
import type { BatchState, MigrationState } from './state.js';

/**
 * A batch's text, kept with what it was made from. The engine changes a batch only by setting its phase and times, by
 * appending to `evicted` (with its count) and `baseline` (entries are never changed once appended) and by replacing
 * `evicted` or `baseline` with an empty array; so the same phase, times, arrays, lengths and count mean the same text.
 */
interface Kept {
  readonly phase: BatchState['phase'];
  readonly startedAt: number | null;
  readonly drainedAt: number | null;
  readonly finishedAt: number | null;
  readonly evictedList: BatchState['evicted'];
  readonly evicted: number;
  readonly evictedCount: number;
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
    kept.evictedCount === b.evictedCount &&
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
    evictedCount: b.evictedCount,
    baselineList: b.baseline,
    baseline: b.baseline.length,
    text,
  });
  return text;
}

/**
 * Fields a run never changes in place (declared readonly in MigrationState; `removing` is replaced whole, never changed):
 * their text is kept per value object.
 */
const FIXED = new Set(['params', 'settings', 'oldNodes', 'removing']);
const fixedText = new WeakMap<object, string>();

/**
 * A record's text (nodePhase, lastEvictedAt, evictRetry: objects the engine changes in place, one entry per node, workload
 * or blocked pod), kept with a flat copy of its entries in their order: the same keys in the same order with the same
 * values (primitives, or objects of primitives compared field by field) make the same text.
 */
interface RecordText {
  /** Key, value, and for an object value its fields' values in order (null for a primitive value); empty for a told record. */
  readonly entries: readonly (readonly [string, unknown, readonly (readonly [string, unknown])[] | null])[];
  /** For a told record (tellChanges), its count of changes when the text was made; else null. */
  readonly changes: number | null;
  readonly text: string;
}
const recordText = new WeakMap<object, RecordText>();

/** Records whose every change is told (noteChanged), with their count of changes. */
const told = new WeakMap<object, { changes: number }>();

/**
 * The caller tells every later change of this record (an entry set, replaced or deleted) with noteChanged: its kept text is
 * then reused while no change was told, without comparing its entries (on a large migration, a record per old node or per
 * workload, at every save). A record nobody tells of is compared entry by entry.
 */
export function tellChanges(record: object): void {
  told.set(record, { changes: 0 });
  recordText.delete(record);
}

/** A record given to tellChanges changed. */
export function noteChanged(record: object): void {
  const t = told.get(record);
  if (t !== undefined) t.changes += 1;
}

function flat(v: unknown): readonly (readonly [string, unknown])[] | null | undefined {
  if (typeof v !== 'object' || v === null) return null;
  if (Array.isArray(v)) return undefined;
  const fields: [string, unknown][] = [];
  for (const k in v) {
    const f = (v as Record<string, unknown>)[k];
    if (typeof f === 'object' && f !== null) return undefined;
    fields.push([k, f]);
  }
  return fields;
}

function sameRecord(kept: RecordText, v: Record<string, unknown>): boolean {
  let i = 0;
  for (const k in v) {
    const e = kept.entries[i++];
    if (e === undefined || e[0] !== k) return false;
    const value = v[k];
    const fields = e[2];
    if (fields === null) {
      if (value !== e[1]) return false;
      continue;
    }
    if (typeof value !== 'object' || value === null) return false;
    let j = 0;
    for (const f in value) {
      const kf = fields[j++];
      if (kf === undefined || kf[0] !== f || kf[1] !== (value as Record<string, unknown>)[f]) return false;
    }
    if (j !== fields.length) return false;
  }
  return i === kept.entries.length;
}

/** The text of a record whose entries are primitives or flat objects, kept while they are the same; else null. */
function keptRecordText(v: Record<string, unknown>): string | null {
  const kept = recordText.get(v);
  const t = told.get(v);
  if (t !== undefined) {
    if (kept !== undefined && kept.changes === t.changes) return kept.text;
    const text = JSON.stringify(v);
    recordText.set(v, { entries: [], changes: t.changes, text });
    return text;
  }
  if (kept !== undefined && sameRecord(kept, v)) return kept.text;
  const entries: [string, unknown, readonly (readonly [string, unknown])[] | null][] = [];
  for (const k in v) {
    const fields = flat(v[k]);
    if (fields === undefined) return null;
    entries.push([k, v[k], fields]);
  }
  const text = JSON.stringify(v);
  recordText.set(v, { entries, changes: null, text });
  return text;
}

function fieldText(k: string, v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (!FIXED.has(k)) return (Array.isArray(v) ? null : keptRecordText(v as Record<string, unknown>)) ?? JSON.stringify(v);
  let text = fixedText.get(v);
  if (text === undefined) {
    text = JSON.stringify(v);
    fixedText.set(v, text);
  }
  return text;
}

/**
 * A field's piece (`{"key":` or `,"key":` and its value's text), kept per key with the value (a primitive) or the value's
 * text (an object's: fieldText gives the same string object while it is unchanged) it was made from: most fields are the
 * same from one reconcile to the next, and their piece is then the same string, made once.
 */
interface Piece {
  readonly first: boolean;
  /** Whether `from` is an object value's text rather than a primitive value. */
  readonly object: boolean;
  /** The primitive value, or the text of the object value. */
  readonly from: unknown;
  readonly piece: string;
}
const pieces = new Map<string, Piece>();

/** The kept piece of field `k` when it was made from the same thing, else undefined. */
function keptPiece(k: string, first: boolean, object: boolean, from: unknown): string | undefined {
  const kept = pieces.get(k);
  return kept !== undefined && kept.first === first && kept.object === object && kept.from === from ? kept.piece : undefined;
}

function newPiece(k: string, first: boolean, object: boolean, from: unknown, text: string): string {
  const made = `${first ? '{' : ','}${JSON.stringify(k)}:${text}`;
  pieces.set(k, { first, object, from, piece: made });
  return made;
}

/**
 * The state's text in pieces whose concatenation is `JSON.stringify(state)`: one piece per field, and the batches one piece
 * each. A finished batch, the fixed fields and a field unchanged since the last call are the same string object from one
 * call to the next, so two lists of pieces compare (sameParts) without building or reading the whole text: on a large
 * migration the saved state grows with every pod moved, and the engine asks at every reconcile whether it changed.
 */
export function stateParts(state: MigrationState): string[] {
  const parts: string[] = [];
  let first = true;
  const fields = state as unknown as Record<string, unknown>;
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    if (v === undefined || typeof v === 'function') continue;
    const isFirst = first;
    first = false;
    if (k !== 'batches') {
      if (typeof v !== 'object' || v === null) {
        // A primitive: the same value, the same text (NaN, never equal to itself, is written anew each time).
        parts.push(keptPiece(k, isFirst, false, v) ?? newPiece(k, isFirst, false, v, JSON.stringify(v)));
      } else {
        const text = fieldText(k, v);
        parts.push(keptPiece(k, isFirst, true, text) ?? newPiece(k, isFirst, true, text, text));
      }
      continue;
    }
    const head = `${isFirst ? '{' : ','}${JSON.stringify(k)}:`;
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
