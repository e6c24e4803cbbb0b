/**
 * Large JSON cluster input without one giant string: `kubectl get ... -o json` of a big cluster is larger than the longest
 * string V8 allows (about 512 MiB). This walks the bytes of a `{"items": [...]}` List (or a bare JSON array), finds each
 * item's extent, and parses the items one by one.
 *
 * Finding an object item's extent byte by byte costs about as much as decoding it, so the layouts writers use are tried
 * first: the item on one line (one item per line), or closed by a brace at its opening brace's indentation (kubectl's and
 * JSON.stringify's indented output). A guess is taken only when JSON.parse accepts exactly the guessed bytes: parsing is
 * deterministic from the item's start, so a complete value ending there ends there in the whole text too. Otherwise the
 * walk decides, as it does for every other layout.
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
  const out: unknown[] = [];
  return forEachJsonListItem(buf, file, (item) => out.push(item)) ? out : null;
}

/**
 * Hands each item of the List (or bare array) to `onItem` as it is decoded, in order, so that the caller need not hold them
 * all; false, with no item handed, when the buffer is not a JSON object with an `items` array nor a JSON array.
 */
export function forEachJsonListItem(buf: Uint8Array, file: string, onItem: (item: unknown) => void): boolean {
  let i = 0;
  while (i < buf.length && isSpace(buf[i] as number)) i++;
  const first = buf[i];
  if (first === OPEN_BRACKET) return arrayItems(buf, i, file, onItem);
  if (first !== OPEN_BRACE) return false;
  // Walk the top-level object's keys until "items".
  i++;
  const decoder = new TextDecoder();
  while (i < buf.length) {
    while (i < buf.length && (isSpace(buf[i] as number) || buf[i] === COMMA)) i++;
    if (buf[i] === CLOSE_BRACE) return false;
    if (buf[i] !== QUOTE) return false;
    const keyEnd = stringEnd(buf, i);
    const key = decoder.decode(buf.subarray(i + 1, keyEnd));
    i = keyEnd + 1;
    while (i < buf.length && (isSpace(buf[i] as number) || buf[i] === COLON)) i++;
    if (key === 'items') return buf[i] === OPEN_BRACKET ? arrayItems(buf, i, file, onItem) : false;
    i = valueEnd(buf, i);
  }
  return false;
}

function arrayItems(buf: Uint8Array, open: number, file: string, onItem: (item: unknown) => void): true {
  const decoder = new TextDecoder();
  let index = 0;
  let i = open + 1;
  // Guesses stop once they mostly miss (a layout they do not know): each miss costs a decode and a failed parse.
  let hits = 0;
  let misses = 0;
  for (;;) {
    while (i < buf.length && (isSpace(buf[i] as number) || buf[i] === COMMA)) i++;
    if (i >= buf.length) throw new InputError(file, '', '', 'expected JSON; the items array is not closed');
    if (buf[i] === CLOSE_BRACKET) return true;
    let end = -1;
    let item: unknown;
    if (buf[i] === OPEN_BRACE && misses <= hits + 8) {
      const guess = guessObjectEnd(buf, i);
      try {
        if (guess !== -1) {
          item = JSON.parse(decoder.decode(buf.subarray(i, guess)));
          end = guess;
        }
      } catch {
        // not the end: the walk below finds it
      }
      if (end === -1) misses++;
      else hits++;
    }
    if (end === -1) {
      end = valueEnd(buf, i);
      try {
        item = JSON.parse(decoder.decode(buf.subarray(i, end)));
      } catch (e) {
        throw new InputError(file, `items[${index}]`, '', `expected JSON; ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    onItem(item);
    index++;
    i = end;
  }
}

/** Guesses go no further than this from the item's start (a longer line is no one-item-per-line layout). */
const GUESS_SPAN = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Where the object opening at `open` likely ends (just past its closing brace), from the layout alone, or -1: the end of
 * its line when that line ends with a brace, else the first line holding just a brace at the opening line's indentation.
 */
function guessObjectEnd(buf: Uint8Array, open: number): number {
  const limit = Math.min(buf.length, open + GUESS_SPAN);
  const window = buf.subarray(open, limit);
  const lineEnd = window.indexOf(NEWLINE);
  if (lineEnd === -1) return -1;
  let e = open + lineEnd;
  while (e > open && (isSpace(buf[e - 1] as number) || buf[e - 1] === COMMA)) e--;
  if (e - 1 > open && buf[e - 1] === CLOSE_BRACE) return e;
  // Indented layout: only spaces or tabs before the opening brace on its line.
  let lineStart = open;
  while (lineStart > 0 && (buf[lineStart - 1] === 0x20 || buf[lineStart - 1] === 0x09)) lineStart--;
  if (lineStart > 0 && buf[lineStart - 1] !== NEWLINE) return -1;
  const indent = open - lineStart;
  for (let nl = open + lineEnd; nl !== -1 && nl + 1 + indent < limit; ) {
    let j = 0;
    while (j < indent && buf[nl + 1 + j] === buf[lineStart + j]) j++;
    if (j === indent && buf[nl + 1 + indent] === CLOSE_BRACE) return nl + 2 + indent;
    const next = window.indexOf(NEWLINE, nl + 1 - open);
    nl = next === -1 ? -1 : open + next;
  }
  return -1;
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
