/** Cluster input as text: a kubectl `-o yaml` / `-o json` List, a multi-document YAML stream, or a single object. */

import { loadAll, YAMLException } from 'js-yaml';
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
  // js-yaml: an order of magnitude faster than the yaml package on kubectl-sized Lists (1.4 MB: ~0.13 s against ~1 s).
  let documents: unknown[];
  try {
    documents = loadAll(text) as unknown[];
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    const where = ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}`;
    throw new InputError(file, '', '', `expected YAML or JSON; found a syntax error${where}: ${e.reason}`);
  }
  return documents.map((value, i) => ({ value, where: documents.length === 1 ? '' : `document ${i + 1}` }));
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
