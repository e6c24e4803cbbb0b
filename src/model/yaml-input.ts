/** YAML (and JSON) input text into plain values, with syntax errors as one-line InputErrors. One parser for every input. */
import { load, loadAll, YAMLException } from 'js-yaml';
import { InputError } from './errors.js';

function syntaxError(e: YAMLException, file: string): InputError {
  const where = ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}`;
  return new InputError(file, '', '', `expected YAML or JSON; found a syntax error${where}: ${e.reason}`);
}

/** JSON.parse is far faster than a YAML parser on large JSON; YAML is a superset, so it decides when JSON fails. */
function tryJson(text: string): { value: unknown } | null {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return null;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}

export function parseYamlDocument(text: string, file: string): unknown {
  const json = tryJson(text);
  if (json) return json.value;
  try {
    return load(text);
  } catch (e) {
    if (e instanceof YAMLException) throw syntaxError(e, file);
    throw e;
  }
}

export function parseYamlDocuments(text: string, file: string): unknown[] {
  const json = tryJson(text);
  if (json) return [json.value];
  try {
    return loadAll(text) as unknown[];
  } catch (e) {
    if (e instanceof YAMLException) throw syntaxError(e, file);
    throw e;
  }
}
