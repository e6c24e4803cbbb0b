/**
 * A list answer taken apart as its bytes arrive: each element of the top-level `items` array is decoded on its own and
 * handed over at once, and everything else (kind, apiVersion, metadata with the continue token) is decoded at the end.
 *
 * Why: an API server asked for resourceVersion=0 answers from its watch cache and may ignore the page size, sending a whole
 * large cluster in one answer (hundreds of MB for 150,000 pods). Taken item by item, and each item pruned by the caller,
 * that answer never sits in memory whole, neither as bytes nor as objects.
 *
 * A byte-level scanner: it tracks strings (with escapes) and nesting depth, nothing more; each item's bytes are parsed with
 * JSON.parse, so malformed JSON still fails as JSON.parse fails.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const ITEMS_KEY = /"items"\s*:\s*\[$/;

/** Whether the backslashes just before `end` (not looking before `start`) are an odd run: the byte at `end` is escaped. */
function oddBackslashRun(chunk: Buffer, end: number, start: number): boolean {
  let k = end - 1;
  while (k >= start && chunk[k] === BACKSLASH) k--;
  return ((end - 1 - k) & 1) === 1;
}

export class JsonListStream {
  private depth = 0;
  private inString = false;
  private escape = false;
  private inItems = false;
  /** Bytes of the current item from earlier chunks. */
  private pendingItem: Buffer[] = [];
  private itemOpen = false;
  /** Bytes outside the items' contents (kind, apiVersion, metadata, `"items":[`, `]`, ...). */
  private readonly skeleton: Buffer[] = [];
  /** Items handed over so far. */
  count = 0;

  constructor(private readonly onItem: (item: unknown) => void) {}

  /** Takes the next chunk of the answer. */
  feed(chunk: Buffer): void {
    const n = chunk.length;
    // Start of the run of bytes, in this chunk, that belongs to the skeleton (outside items) or to the current item.
    let segStart = 0;
    for (let i = 0; i < n; i++) {
      if (this.inString) {
        // Most of an answer's bytes are inside strings: skip to the closing quote (the loop's i++ steps past it).
        i = this.stringEnd(chunk, i);
        continue;
      }
      const b = chunk[i] as number;
      if (b === QUOTE) {
        this.inString = true;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.depth++;
        if (this.inItems && this.depth === 3) {
          if (b !== OPEN_BRACE) throw new SyntaxError('expected a list of objects in "items"');
          this.itemOpen = true;
          segStart = i;
        } else if (!this.inItems && this.depth === 2 && b === OPEN_BRACKET) {
          const head = Buffer.concat([...this.skeleton, chunk.subarray(segStart, i + 1)]).toString('utf8');
          if (ITEMS_KEY.test(head)) {
            this.skeleton.length = 0;
            this.skeleton.push(Buffer.from(head));
            this.inItems = true;
            segStart = i + 1;
          }
        }
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.depth--;
        if (this.inItems && this.itemOpen && this.depth === 2) {
          this.emit(chunk.subarray(segStart, i + 1));
          this.itemOpen = false;
          segStart = i + 1;
        } else if (this.inItems && this.depth === 1) {
          // The end of items: from here on the bytes are the skeleton's again.
          this.inItems = false;
          segStart = i;
        }
      }
    }
    if (this.itemOpen) this.pendingItem.push(chunk.subarray(segStart));
    else if (!this.inItems) this.skeleton.push(chunk.subarray(segStart));
  }

  /**
   * Inside a string at `from`: the index of its closing quote (and the string closed), or the chunk's last index when the
   * string goes on in the next chunk (with `escape` set when the chunk ends in the middle of an escape). A quote closes the
   * string unless an odd run of backslashes stands just before it; bytes of multi-byte UTF-8 characters are never a quote
   * or a backslash, so searching the bytes is exact.
   */
  private stringEnd(chunk: Buffer, from: number): number {
    const n = chunk.length;
    let at = from;
    if (this.escape) {
      // The previous chunk ended with a backslash: this byte is the escaped character.
      this.escape = false;
      at++;
    }
    // Backslashes before `start` are settled (the escape just taken, or the quote that opened the string).
    let start = at;
    for (;;) {
      const quote = at < n ? chunk.indexOf(QUOTE, at) : -1;
      if (quote === -1) {
        this.escape = oddBackslashRun(chunk, n, start);
        return n - 1;
      }
      if (!oddBackslashRun(chunk, quote, start)) {
        this.inString = false;
        return quote;
      }
      at = quote + 1;
      start = at;
    }
  }

  private emit(last: Buffer): void {
    const bytes = this.pendingItem.length === 0 ? last : Buffer.concat([...this.pendingItem, last]);
    this.pendingItem = [];
    this.count++;
    this.onItem(JSON.parse(bytes.toString('utf8')) as unknown);
  }

  /** The answer without its items (`items` is []), once every byte was fed. */
  end(): Record<string, unknown> {
    if (this.inItems || this.itemOpen || this.depth !== 0 || this.inString) throw new SyntaxError('the answer ended in the middle of the list');
    const value = JSON.parse(Buffer.concat(this.skeleton).toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('expected a JSON object');
    return value as Record<string, unknown>;
  }
}
