/**
 * Writing a plan's JSON (`-o json`, --plan-out) piece by piece: the text of a big plan is never held whole (report/json-chunks.ts
 * gives JSON.stringify's exact text in pieces). Pieces are gathered to about a megabyte per write.
 */
import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { jsonChunks } from '../report/json-chunks.js';

const WRITE_SIZE = 1 << 20;

/** The pieces of JSON.stringify(value, null, 2) + a newline, in writes of about WRITE_SIZE characters. */
function* writes(value: unknown): Generator<string> {
  let pending = '';
  for (const piece of jsonChunks(value)) {
    pending += piece;
    if (pending.length >= WRITE_SIZE) {
      yield pending;
      pending = '';
    }
  }
  yield `${pending}\n`;
}

/** Writes the JSON of `value` to a stream (standard output), waiting for it to drain when it says so. */
export async function writeJsonTo(out: NodeJS.WritableStream, value: unknown): Promise<void> {
  for (const text of writes(value)) {
    if (!out.write(text)) await once(out, 'drain');
  }
}

/** Writes the JSON of `value` to a file (replacing it). */
export function writeJsonFile(file: string, value: unknown): void {
  const fd = openSync(file, 'w');
  try {
    for (const text of writes(value)) writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
