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

/**
 * A told record's text in blocks of entries, in the record's key order: a change told with its key (noteChanged) marks its
 * block to be written again, and a save writes that block only and joins the blocks' texts (not every entry of a record
 * with an entry per old node or per workload, at every save after any change).
 */
interface Block {
  /** The block's keys, in the record's order. */
  readonly keys: string[];
  /** The entries' text (`"key":value` joined with commas), or null when one changed since. */
  text: string | null;
}
interface Blocks {
  readonly list: Block[];
  readonly blockOf: Map<string, Block>;
}

/** Entries per block. */
const BLOCK = 64;

/**
 * Records whose every change is told (noteChanged), with their count of changes and their blocks (null: made from the record
 * at the next save); `whole`: the record's text is always made whole (an entry JSON.stringify leaves out or orders apart).
 */
interface Told {
  changes: number;
  blocks: Blocks | null;
  whole: boolean;
}
const told = new WeakMap<object, Told>();

/**
 * The caller tells every later change of this record (an entry set, replaced or deleted) with noteChanged: its kept text is
 * then reused while no change was told, without comparing its entries (on a large migration, a record per old node or per
 * workload, at every save). A record nobody tells of is compared entry by entry.
 */
export function tellChanges(record: object): void {
  told.set(record, { changes: 0, blocks: null, whole: false });
  recordText.delete(record);
}

/**
 * A record given to tellChanges changed: told right after each change, with the key set, replaced or deleted (without a key,
 * the record's text is made whole again at the next save).
 */
export function noteChanged(record: object, key?: string): void {
  const t = told.get(record);
  if (t === undefined) return;
  t.changes += 1;
  const b = t.blocks;
  if (b === null) return;
  if (key === undefined || isIndex(key)) {
    t.blocks = null;
    return;
  }
  const block = b.blockOf.get(key);
  const present = Object.hasOwn(record, key);
  if (block !== undefined) {
    block.text = null;
    if (present) return;
    // Deleted: the other entries keep their order.
    block.keys.splice(block.keys.indexOf(key), 1);
    b.blockOf.delete(key);
    if (block.keys.length === 0) b.list.splice(b.list.indexOf(block), 1);
  } else if (present) {
    // A new key (not an array index) comes after every other key.
    let last = b.list[b.list.length - 1];
    if (last === undefined || last.keys.length >= BLOCK) b.list.push((last = { keys: [], text: null }));
    last.keys.push(key);
    last.text = null;
    b.blockOf.set(key, last);
  }
}

/** Whether a key is an array index (JSON.stringify writes those first, in numeric order, whatever their insertion order). */
function isIndex(key: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < 4294967295;
}

/** A told record's blocks, made from its keys; null when one is an array index. */
function blocksOf(v: Record<string, unknown>): Blocks | null {
  const keys = Object.keys(v);
  if (keys.some(isIndex)) return null;
  const list: Block[] = [];
  const blockOf = new Map<string, Block>();
  for (let i = 0; i < keys.length; i += BLOCK) {
    const block: Block = { keys: keys.slice(i, i + BLOCK), text: null };
    list.push(block);
    for (const k of block.keys) blockOf.set(k, block);
  }
  return { list, blockOf };
}

/** A block's entries as JSON.stringify writes them in the record; null when one has a value it leaves out (undefined). */
function blockText(v: Record<string, unknown>, keys: readonly string[]): string | null {
  const texts: string[] = [];
  for (const k of keys) {
    const value = JSON.stringify(v[k]) as string | undefined;
    if (value === undefined) return null;
    texts.push(`${JSON.stringify(k)}:${value}`);
  }
  return texts.join(',');
}

/** `JSON.stringify(v)` for a told record: its changed blocks written again, the others' texts kept. */
function toldText(v: Record<string, unknown>, t: Told): string {
  if (t.whole) return JSON.stringify(v);
  t.blocks ??= blocksOf(v);
  const b = t.blocks;
  if (b === null) {
    t.whole = true;
    return JSON.stringify(v);
  }
  let text = '{';
  for (let i = 0; i < b.list.length; i++) {
    const block = b.list[i] as Block;
    if (block.text === null) {
      block.text = blockText(v, block.keys);
      if (block.text === null) {
        t.blocks = null;
        t.whole = true;
        return JSON.stringify(v);
      }
    }
    text += i === 0 ? block.text : `,${block.text}`;
  }
  return `${text}}`;
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
    const text = toldText(v, t);
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
