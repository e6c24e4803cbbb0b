/** Cluster input as text: a kubectl `-o yaml` / `-o json` List, a multi-document YAML stream, or a single object. */

import { parseAllDocuments } from 'yaml';
import { InputError } from '../errors.js';
import type { Cluster } from '../types.js';
import { clusterFromValues } from './cluster.js';
import type { TopLevelValue } from './envelope.js';

/** JSON.parse is far faster than a YAML parser on the large JSON that `kubectl -o json` prints. */
function tryJson(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not valid JSON: let the YAML parser decide, it reports errors with line numbers.
    return undefined;
  }
}

function yamlValues(text: string, file: string): TopLevelValue[] {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  const values: TopLevelValue[] = [];
  for (let i = 0; i < list.length; i++) {
    const document = list[i];
    if (document === undefined) continue;
    const error = document.errors[0];
    if (error !== undefined) {
      const position = error.linePos?.[0];
      const where = position === undefined ? '' : ` at line ${position.line}, column ${position.col}`;
      const detail = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(file, '', '', `expected YAML or JSON; found a syntax error${where}: ${detail}`);
    }
    const value: unknown = document.toJS({ maxAliasCount: 1000 });
    values.push({ value, where: list.length === 1 ? '' : `document ${i + 1}` });
  }
  return values;
}

/**
 * Parses cluster text (YAML or JSON) into a Cluster. `file` names the input in errors (`-` for standard input).
 */
export function parseClusterText(text: string, file: string): Cluster {
  const json = tryJson(text);
  const values: TopLevelValue[] = json !== undefined ? [{ value: json, where: '' }] : yamlValues(text, file);
  if (values.every(({ value }) => value === null || value === undefined)) {
    throw new InputError(file, '', '', 'expected a v1 List or Kubernetes objects; found an empty document');
  }
  return clusterFromValues(values, file);
}
