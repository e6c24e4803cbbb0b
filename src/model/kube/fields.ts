/**
 * Small typed readers for decoded Kubernetes objects. Each one checks one field and raises an InputError naming the file,
 * the object and the dotted field path when the value has the wrong shape.
 */

import { inputError } from '../errors.js';
import type { ErrorContext } from '../errors.js';

export type Obj = Readonly<Record<string, unknown>>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** Whether each key met is plain (the readers name the same few keys on every object; the map starts again beyond 10,000). */
const plainKeys = new Map<string, boolean>();

function isPlainKey(key: string): boolean {
  let plain = plainKeys.get(key);
  if (plain === undefined) {
    plain = PLAIN_KEY.test(key);
    if (plainKeys.size >= 10_000) plainKeys.clear();
    plainKeys.set(key, plain);
  }
  return plain;
}

/** `a.b` for plain keys, `a["nvidia.com/gpu"]` for keys with dots or slashes. */
export function fieldPath(base: string, key: string): string {
  if (!isPlainKey(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
}

export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** Describes a found value for "expected X; found Y" messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** The object at `key`, or null when absent or null. */
export function optObject(ctx: ErrorContext, parent: Obj, key: string, path: string): Obj | null {
  const value = parent[key];
  if (value === undefined || value === null) return null;
  if (!isObj(value)) throw inputError(ctx, path, `expected an object; found ${describe(value)}`);
  return value;
}

const EMPTY: Obj = Object.freeze({});

/** The object at `key`, or an empty object when absent. */
export function objectOrEmpty(ctx: ErrorContext, parent: Obj, key: string, path: string): Obj {
  return optObject(ctx, parent, key, path) ?? EMPTY;
}

/** The list at `key`, or an empty list when absent or null. */
export function optArray(ctx: ErrorContext, parent: Obj, key: string, path: string): readonly unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw inputError(ctx, path, `expected a list; found ${describe(value)}`);
  return value;
}

/** Each element of the list at `key` as an object, with its own path. */
export function objectList(ctx: ErrorContext, parent: Obj, key: string, path: string): { item: Obj; path: string }[] {
  const list = optArray(ctx, parent, key, path);
  const out: { item: Obj; path: string }[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const itemPath = indexPath(path, i);
    if (!isObj(item)) throw inputError(ctx, itemPath, `expected an object; found ${describe(item)}`);
    out.push({ item, path: itemPath });
  }
  return out;
}

export function optString(ctx: ErrorContext, parent: Obj, key: string, path: string): string | null {
  const value = parent[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw inputError(ctx, path, `expected a string; found ${describe(value)}`);
  return value;
}

export function reqString(ctx: ErrorContext, parent: Obj, key: string, path: string): string {
  const value = optString(ctx, parent, key, path);
  if (value === null || value === '') {
    throw inputError(ctx, path, `expected a non-empty string; found ${describe(parent[key])}`);
  }
  return value;
}

/** A string restricted to `allowed`; `fallback` when absent or empty (null fallback: required). */
export function enumString<T extends string>(
  ctx: ErrorContext,
  parent: Obj,
  key: string,
  path: string,
  allowed: readonly T[],
  fallback: T | null,
): T {
  const value = optString(ctx, parent, key, path);
  if ((value === null || value === '') && fallback !== null) return fallback;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) {
    throw inputError(ctx, path, `expected one of ${allowed.join(', ')}; found ${describe(parent[key])}`);
  }
  return match;
}

export function optInt(ctx: ErrorContext, parent: Obj, key: string, path: string, min = Number.MIN_SAFE_INTEGER): number | null {
  const value = parent[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const what = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : 'an integer';
    throw inputError(ctx, path, `expected ${what}; found ${describe(value)}`);
  }
  return value;
}

export function optBool(ctx: ErrorContext, parent: Obj, key: string, path: string): boolean | null {
  const value = parent[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw inputError(ctx, path, `expected true or false; found ${describe(value)}`);
  return value;
}

/** A map of string to string (labels, annotations, nodeSelector); empty when absent. */
export function stringMap(ctx: ErrorContext, parent: Obj, key: string, path: string): Readonly<Record<string, string>> {
  const map = optObject(ctx, parent, key, path);
  if (map === null) return EMPTY_MAP;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw inputError(ctx, fieldPath(path, k), `expected a string value; found ${describe(v)}`);
    out[k] = v;
  }
  return out;
}

const EMPTY_MAP: Readonly<Record<string, string>> = Object.freeze({});

/** A list of strings; empty when absent. */
export function stringList(ctx: ErrorContext, parent: Obj, key: string, path: string): readonly string[] {
  const list = optArray(ctx, parent, key, path);
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const value = list[i];
    if (typeof value !== 'string') throw inputError(ctx, indexPath(path, i), `expected a string; found ${describe(value)}`);
    out.push(value);
  }
  return out;
}

/** True when status.conditions has a condition of `type` with status "True"; `whenMissing` when there are no conditions. */
export function conditionTrue(ctx: ErrorContext, status: Obj, type: string, path: string, whenMissing: boolean): boolean {
  const value = status['conditions'];
  if (value === undefined || value === null) return whenMissing;
  const conditionsPath = (): string => fieldPath(path, 'conditions');
  if (!Array.isArray(value)) throw inputError(ctx, conditionsPath(), `expected a list; found ${describe(value)}`);
  if (value.length === 0) return whenMissing;
  // Every element is checked to be an object (as objectList does) before the first match counts; paths only for errors.
  let match: Obj | undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (!isObj(item)) throw inputError(ctx, indexPath(conditionsPath(), i), `expected an object; found ${describe(item)}`);
    if (match === undefined && item['type'] === type) match = item;
  }
  return match !== undefined && match['status'] === 'True';
}
