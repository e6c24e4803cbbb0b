/** Reading the CLI's input files: one place that turns I/O and syntax problems into InputErrors. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { InputError } from '../model/errors.js';

/** Reads a file, or standard input for `-`. */
export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? String(e)})`;
    throw new InputError(file, '', '', why);
  }
}

/** Parses one YAML or JSON document (for parameter files). */
export function parseSingleDocument(text: string, file: string): unknown {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return null;
  const first = docs[0];
  if (!first) throw new InputError(file, '', '', 'the file is empty; expected a YAML or JSON object');
  if (first.errors.length > 0) {
    const err = first.errors[0];
    const line = err?.linePos?.[0]?.line;
    throw new InputError(file, '', '', `not valid YAML or JSON${line ? ` (line ${line})` : ''}: ${err?.message.split('\n')[0] ?? ''}`);
  }
  if (docs.length > 1) throw new InputError(file, '', '', `expected one document, found ${docs.length}`);
  return first.toJS();
}
