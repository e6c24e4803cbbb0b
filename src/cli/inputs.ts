/** Reading the CLI's input files: one place that turns I/O and syntax problems into InputErrors. */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { parseYamlDocuments } from '../model/yaml-input.js';
import { parseClusterObjects, parseClusterText } from '../model/kube/index.js';
import { splitJsonListItems } from '../model/kube/json-list-split.js';
import type { Cluster } from '../model/types.js';

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

/** Above this size a JSON cluster file is split into items before parsing (V8 strings stop at about 512 MiB). */
const LARGE_INPUT_BYTES = 256 * 1024 * 1024;

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? String(e)})`;
    throw new InputError(file, '', '', why);
  }
}

/** The cluster input: text for ordinary sizes; large JSON is split into items without building one giant string. */
export function readCluster(file: string): Cluster {
  let large = false;
  if (file !== '-') {
    try {
      large = statSync(file).size > LARGE_INPUT_BYTES;
    } catch {
      large = false; // readBytes reports the problem
    }
  }
  if (!large && file !== '-') return parseClusterText(readInput(file), file);
  const bytes = readBytes(file);
  if (bytes.length > LARGE_INPUT_BYTES) {
    const items = splitJsonListItems(bytes, file);
    if (items !== null) return parseClusterObjects(items, file);
    throw new InputError(file, '', '', 'a cluster file this large must be JSON (kubectl get ... -o json): YAML of this size is not supported');
  }
  return parseClusterText(bytes.toString('utf8'), file);
}
