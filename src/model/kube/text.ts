/** Cluster input as text: a kubectl `-o yaml` / `-o json` List, a multi-document YAML stream, or a single object. */

import { parseYamlDocuments } from '../yaml-input.js';
import { InputError } from '../errors.js';
import type { Cluster } from '../types.js';
import { clusterFromValues } from './cluster.js';
import type { TopLevelValue } from './envelope.js';

/**
 * Parses cluster text (YAML or JSON) into a Cluster. `file` names the input in errors (`-` for standard input).
 */
export function parseClusterText(text: string, file: string): Cluster {
  const docs = parseYamlDocuments(text, file);
  const values: TopLevelValue[] = docs.map((value, i) => ({ value, where: docs.length === 1 ? '' : `document ${i + 1}` }));
  if (values.every(({ value }) => value === null || value === undefined)) {
    throw new InputError(file, '', '', 'expected a v1 List or Kubernetes objects; found an empty document');
  }
  return clusterFromValues(values, file);
}
