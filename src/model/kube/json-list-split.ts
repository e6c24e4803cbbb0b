/**
 * Large JSON cluster input without one giant string: `kubectl get ... -o json` of a big cluster is larger than the longest
 * string V8 allows (about 512 MiB). This walks the bytes of a `{"items": [...]}` List (or a bare JSON array), finds each
 * item's extent, and parses the items one by one.
 */
import { InputError } from '../errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Returns the items, or null when the buffer is not a JSON object with an `items` array nor a JSON array. */
export function splitJsonListItems(buf: Uint8Array, file: string): unknown[] | null {
  let i = 0;
  while (i < buf.length && isSpace(buf[i] as number)) i++;
  const first = buf[i];
  if (first === OPEN_BRACKET) return arrayItems(buf, i, file);
  if (first !== OPEN_BRACE) return null;
  // Walk the top-level object's keys until "items".
  i++;
  const decoder = new TextDecoder();
  while (i < buf.length) {
    while (i < buf.length && (isSpace(buf[i] as number) || buf[i] === COMMA)) i++;
    if (buf[i] === CLOSE_BRACE) return null;
    if (buf[i] !== QUOTE) return null;
    const keyEnd = stringEnd(buf, i);
    const key = decoder.decode(buf.subarray(i + 1, keyEnd));
    i = keyEnd + 1;
    while (i < buf.length && (isSpace(buf[i] as number) || buf[i] === COLON)) i++;
    if (key === 'items') return buf[i] === OPEN_BRACKET ? arrayItems(buf, i, file) : null;
    i = valueEnd(buf, i);
  }
  return null;
}

function arrayItems(buf: Uint8Array, open: number, file: string): unknown[] {
  const out: unknown[] = [];
  const decoder = new TextDecoder();
  let i = open + 1;
  for (;;) {
    while (i < buf.length && (isSpace(buf[i] as number) || buf[i] === COMMA)) i++;
    if (i >= buf.length) throw new InputError(file, '', '', 'expected JSON; the items array is not closed');
    if (buf[i] === CLOSE_BRACKET) return out;
    const end = valueEnd(buf, i);
    try {
      out.push(JSON.parse(decoder.decode(buf.subarray(i, end))) as unknown);
    } catch (e) {
      throw new InputError(file, `items[${out.length}]`, '', `expected JSON; ${e instanceof Error ? e.message : String(e)}`);
    }
    i = end;
  }
}

/** Index of the closing quote of the string that opens at `i`. */
function stringEnd(buf: Uint8Array, i: number): number {
  for (let j = i + 1; j < buf.length; j++) {
    const b = buf[j];
    if (b === BACKSLASH) j++;
    else if (b === QUOTE) return j;
  }
  return buf.length;
}

/** Index just after the JSON value that starts at `i` (objects and arrays by depth, strings by quotes, scalars to a delimiter). */
function valueEnd(buf: Uint8Array, i: number): number {
  const b = buf[i];
  if (b === QUOTE) return stringEnd(buf, i) + 1;
  if (b === OPEN_BRACE || b === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const c = buf[j];
      if (c === QUOTE) j = stringEnd(buf, j);
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return buf.length;
  }
  let j = i;
  while (j < buf.length && buf[j] !== COMMA && buf[j] !== CLOSE_BRACE && buf[j] !== CLOSE_BRACKET && !isSpace(buf[j] as number)) j++;
  return j;
}
