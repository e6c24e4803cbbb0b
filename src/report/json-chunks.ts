/**
 * JSON.stringify(value, null, 2) in pieces, for outputs too big to hold twice (a plan of 150,000 pods is about 80 MB of
 * text, and writing one string copies it again). The pieces joined are exactly JSON.stringify's text: the outer levels of
 * objects and arrays are written here, with its rules (toJSON, keys whose value is undefined, a function or a symbol left
 * out, and null in their place in arrays), and each value deeper than `depth` is JSON.stringify's own, re-indented.
 */

const INDENT = '  ';

/** The pieces of JSON.stringify(value, null, 2); nothing when that gives undefined. Objects and arrays split to `depth` levels. */
export function* jsonChunks(value: unknown, depth = 2): Generator<string> {
  yield* chunks(withToJson(value, ''), '', depth);
}

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function withToJson(value: unknown, key: string): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  return value;
}

/** `value` is what JSON.stringify serialises at this place (toJSON applied). */
function* chunks(value: unknown, indent: string, depth: number): Generator<string> {
  if (depth <= 0 || typeof value !== 'object' || value === null) {
    const text = JSON.stringify(value, null, INDENT);
    if (text !== undefined) yield indent === '' ? text : text.replace(/\n/g, `\n${indent}`);
    return;
  }
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    if (depth === 1) {
      yield* leafItems(value, indent);
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '' : ','}\n${inner}`;
      const item = withToJson(value[i] as unknown, String(i));
      if (omitted(item)) yield 'null';
      else yield* chunks(item, inner, depth - 1);
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  for (const k of Object.keys(value)) {
    const item = withToJson((value as Record<string, unknown>)[k], k);
    if (omitted(item)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* chunks(item, inner, depth - 1);
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** Items of a list of leaves are written this many to a JSON.stringify call (one call per item costs more than the text). */
const BATCH = 100;

/**
 * The list `items` at `indent` whose items are leaves: JSON.stringify writes a batch of items at once, inside a wrapper that
 * nests them as deep as they are here, so its text has their indentation; the wrapper's text is cut off. A batch holding a
 * value with toJSON (which JSON.stringify would call with the index in the batch) is written item by item.
 */
function* leafItems(items: readonly unknown[], indent: string): Generator<string> {
  const inner = indent + INDENT;
  const wrap = (list: readonly unknown[]): unknown => {
    let v: unknown = list;
    for (let level = 0; level < indent.length / INDENT.length; level++) v = { '': v };
    return v;
  };
  const sample = JSON.stringify(wrap([null]), null, INDENT);
  const at = sample.indexOf('null');
  const head = sample.length > 0 && at > 0 ? at : -1;
  const tail = sample.length - at - 'null'.length;
  for (let from = 0; from < items.length; from += BATCH) {
    const batch = items.slice(from, from + BATCH);
    const first = from === 0 ? '[' : ',';
    if (head === -1 || indent.length % INDENT.length !== 0 || batch.some(hasToJson)) {
      for (let i = 0; i < batch.length; i++) {
        yield `${from + i === 0 ? '[' : ','}\n${inner}`;
        const item = withToJson(batch[i] as unknown, String(from + i));
        if (omitted(item)) yield 'null';
        else yield* chunks(item, inner, 0);
      }
      continue;
    }
    const text = JSON.stringify(wrap(batch), null, INDENT);
    yield `${first}\n${text.slice(head - inner.length, text.length - tail)}`;
  }
  yield `\n${indent}]`;
}

function hasToJson(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function';
}
