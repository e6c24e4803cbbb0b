/**
 * Small typed readers for hand validation of parsed JSON/YAML objects. Every failure is an InputError naming the field's
 * dotted path and saying what was expected and what was found. A field set to null counts as absent, as the Spot API
 * writes null for unset fields.
 */
import type { ErrorContext } from '../errors.js';
import { inputError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a found value, for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** `prefix` + `key`, joined with a dot when the prefix is not empty. */
export function fieldPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

export function present(obj: JsonObject, key: string): boolean {
  return obj[key] !== undefined && obj[key] !== null;
}

export function readObject(ctx: ErrorContext, obj: JsonObject, key: string, field: string): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v)) throw inputError(ctx, field, `expected an object; found ${describeValue(v)}`);
  return v;
}

export function readString(ctx: ErrorContext, obj: JsonObject, key: string, field: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    const hint = typeof v === 'number' || typeof v === 'boolean' ? ' (quote it in YAML)' : '';
    throw inputError(ctx, field, `expected a string; found ${describeValue(v)}${hint}`);
  }
  return v;
}

export function readBoolean(ctx: ErrorContext, obj: JsonObject, key: string, field: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw inputError(ctx, field, `expected true or false; found ${describeValue(v)}`);
  return v;
}

export interface NumberRule {
  readonly integer?: boolean;
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
}

export function readNumber(
  ctx: ErrorContext,
  obj: JsonObject,
  key: string,
  field: string,
  rule: NumberRule = {},
): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  const what = rule.integer ? 'a whole number' : 'a number';
  const bound =
    rule.above !== undefined ? ` greater than ${rule.above}` : rule.min !== undefined ? ` of ${rule.min} or more` : '';
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.above === undefined || v > rule.above);
  if (!ok || typeof v !== 'number') throw inputError(ctx, field, `expected ${what}${bound}; found ${describeValue(v)}`);
  return v;
}

export function readArray(ctx: ErrorContext, obj: JsonObject, key: string, field: string): unknown[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw inputError(ctx, field, `expected a list; found ${describeValue(v)}`);
  return v;
}

/** A list of non-empty strings; items are reported as `field[i]`. */
export function readStringList(ctx: ErrorContext, obj: JsonObject, key: string, field: string): string[] | undefined {
  const list = readArray(ctx, obj, key, field);
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    if (typeof item !== 'string' || item === '') {
      throw inputError(ctx, `${field}[${i}]`, `expected a non-empty string; found ${describeValue(item)}`);
    }
    return item;
  });
}

/** Rejects keys of `obj` that are neither handled nor known-and-ignored. */
export function rejectUnknownKeys(
  ctx: ErrorContext,
  obj: JsonObject,
  prefix: string,
  handled: ReadonlySet<string>,
  ignored: ReadonlySet<string>,
): void {
  for (const key of Object.keys(obj).sort()) {
    if (handled.has(key) || ignored.has(key)) continue;
    const expected = [...handled].sort().join(', ');
    throw inputError(ctx, fieldPath(prefix, key), `unknown field; expected one of ${expected} (or another known Spot field)`);
  }
}
