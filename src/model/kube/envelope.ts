/**
 * Unwraps decoded input into individual Kubernetes objects: flattens Lists (nested too), checks that each item has
 * apiVersion, kind and metadata.name, and refuses content that is not Kubernetes objects at all.
 */

import { InputError } from '../errors.js';
import { describe, isObj } from './fields.js';
import type { Obj } from './fields.js';

/** One Kubernetes object with its identity already checked. */
export interface KubeObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  /** metadata.namespace as written; null when absent. */
  readonly namespace: string | null;
  readonly body: Obj;
  /** Where it came from, e.g. `items[3]` or `document 2, items[0]`, for errors about the object itself. */
  readonly where: string;
}

/** A decoded top-level value and where it came from ('' when the input has just one). */
export interface TopLevelValue {
  readonly value: unknown;
  readonly where: string;
}

const EXPECTED = 'expected a v1 List or Kubernetes objects (each with apiVersion, kind and metadata.name)';

function looksLikeKubeObject(value: unknown): boolean {
  return isObj(value) && (typeof value['kind'] === 'string' || typeof value['apiVersion'] === 'string');
}

function foundText(value: unknown): string {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return `a list whose first element is ${isObj(first) ? objectKeysText(first) : describe(first)}`;
  }
  if (isObj(value)) return objectKeysText(value);
  return describe(value);
}

function objectKeysText(value: Obj): string {
  const keys = Object.keys(value).slice(0, 5);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`;
}

function join(where: string, next: string): string {
  return where === '' ? next : `${where}, ${next}`;
}

/** Flattens every top-level value into Kubernetes objects, in input order. */
export function unwrapObjects(values: readonly TopLevelValue[], file: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const { value, where } of values) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      if (!value.some(looksLikeKubeObject)) throw new InputError(file, where, '', `${EXPECTED}; found ${foundText(value)}`);
      for (let i = 0; i < value.length; i++) addItem(value[i], join(where, `[${i}]`), null, file, out);
      continue;
    }
    if (!looksLikeKubeObject(value)) throw new InputError(file, where, '', `${EXPECTED}; found ${foundText(value)}`);
    addItem(value, where, null, file, out);
  }
  return out;
}

/** Kind and apiVersion that items of a typed list (e.g. PodList from the API) leave out. */
interface ListDefaults {
  readonly kind: string;
  readonly apiVersion: string | null;
}

function addItem(value: unknown, where: string, defaults: ListDefaults | null, file: string, out: KubeObject[]): void {
  const label = where === '' ? 'the object' : where;
  if (!isObj(value)) throw new InputError(file, label, '', `expected a Kubernetes object; found ${describe(value)}`);
  const kindValue = value['kind'] ?? defaults?.kind;
  if (typeof kindValue !== 'string' || kindValue === '') {
    throw new InputError(file, label, 'kind', `expected a string naming the object's kind; found ${describe(value['kind'])}`);
  }
  const object = where === '' ? kindValue : `${kindValue} at ${where}`;
  const items = value['items'];
  if (kindValue.endsWith('List') && items !== undefined) {
    if (items === null) return;
    if (!Array.isArray(items)) throw new InputError(file, object, 'items', `expected a list; found ${describe(items)}`);
    const apiVersion = value['apiVersion'];
    const itemDefaults: ListDefaults | null =
      kindValue === 'List' ? null : { kind: kindValue.slice(0, -'List'.length), apiVersion: typeof apiVersion === 'string' ? apiVersion : null };
    for (let i = 0; i < items.length; i++) addItem(items[i], join(where, `items[${i}]`), itemDefaults, file, out);
    return;
  }
  const apiVersion = value['apiVersion'] ?? defaults?.apiVersion;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw new InputError(file, object, 'apiVersion', `expected a string such as v1 or apps/v1; found ${describe(value['apiVersion'])}`);
  }
  const metadata = value['metadata'];
  if (!isObj(metadata)) throw new InputError(file, object, 'metadata', `expected an object with a name; found ${describe(metadata)}`);
  const name = metadata['name'];
  if (typeof name !== 'string' || name === '') {
    throw new InputError(file, object, 'metadata.name', `expected a non-empty string; found ${describe(name)}`);
  }
  const namespace = metadata['namespace'];
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
    throw new InputError(file, `${kindValue} ${name}`, 'metadata.namespace', `expected a string; found ${describe(namespace)}`);
  }
  out.push({
    kind: kindValue,
    apiVersion,
    name,
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : null,
    body: value,
    where,
  });
}
