/** Reading the CLI's input files: one place that turns I/O and syntax problems into InputErrors. */
import { readFileSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { parseYamlDocuments } from '../model/yaml-input.js';

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
  const docs = parseYamlDocuments(text, file);
  if (docs.length === 0 || docs[0] === undefined || docs[0] === null) {
    throw new InputError(file, '', '', 'the file is empty; expected a YAML or JSON object');
  }
  if (docs.length > 1) throw new InputError(file, '', '', `expected one document, found ${docs.length}`);
  return docs[0];
}
