/**
 * Kubernetes syntax for label (and taint) keys and values: a key is an optional DNS-subdomain prefix and `/`, then a name of
 * at most 63 characters; a value is empty or at most 63 characters. Names and values start and end with a letter or digit
 * and may hold `-`, `_` and `.` inside.
 */
import type { ErrorContext } from '../errors.js';
import { inputError } from '../errors.js';

const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function isValidLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && NAME.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME.test(value));
}

export function checkLabelKey(ctx: ErrorContext, field: string, key: string): void {
  if (!isValidLabelKey(key)) {
    throw inputError(ctx, field, `expected a Kubernetes key ([prefix/]name, name up to 63 letters, digits, -, _, .); found ${JSON.stringify(key)}`);
  }
}

export function checkLabelValue(ctx: ErrorContext, field: string, value: string): void {
  if (!isValidLabelValue(value)) {
    throw inputError(ctx, field, `expected a Kubernetes label value (up to 63 letters, digits, -, _, .); found ${JSON.stringify(value)}`);
  }
}
