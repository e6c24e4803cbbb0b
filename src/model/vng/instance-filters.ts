/**
 * Ocean's instanceTypesFilters: parsing and matching against the catalog.
 *
 * Applied (an instance type must pass every filter that is set): categories, includeFamilies, excludeFamilies (patterns
 * where `*` matches any run of characters, compared without regard to case), excludeMetal, minVcpu/maxVcpu,
 * minMemoryGiB/maxMemoryGiB, minGpu/maxGpu (bounds are inclusive), and `architectures`.
 *
 * `architectures` is our extension: Ocean's VNG filters have no such field (Ocean derives the architectures from the VNG's
 * images), so offline we let the user state them. Values: amd64, arm64, and x86_64 as another name for amd64.
 *
 * Accepted but not applied, because the catalog lacks the facts or they do not change where pods fit: diskTypes, hypervisor,
 * isEnaSupported, minEnis, minNetworkPerformance, maxNetworkPerformance, rootDeviceTypes, virtualizationTypes. A VNG that
 * sets them may resolve to more types here than Ocean would launch.
 */
import type { ErrorContext } from '../errors.js';
import { inputError } from '../errors.js';
import type { Architecture, InstanceType } from '../types.js';
import type { InstanceCategory } from './instance-category.js';
import { INSTANCE_CATEGORIES, instanceCategory, isInstanceCategory } from './instance-category.js';
import type { JsonObject } from './read-fields.js';
import {
  describeValue,
  fieldPath,
  readArray,
  readBoolean,
  readNumber,
  readStringList,
  rejectUnknownKeys,
} from './read-fields.js';

export interface InstanceTypesFilters {
  readonly categories: readonly InstanceCategory[] | null;
  readonly includeFamilies: readonly string[] | null;
  readonly excludeFamilies: readonly string[] | null;
  readonly excludeMetal: boolean;
  readonly minVcpu: number | null;
  readonly maxVcpu: number | null;
  readonly minMemoryGiB: number | null;
  readonly maxMemoryGiB: number | null;
  readonly minGpu: number | null;
  readonly maxGpu: number | null;
  readonly architectures: readonly Architecture[] | null;
}

const HANDLED = new Set([
  'categories',
  'includeFamilies',
  'excludeFamilies',
  'excludeMetal',
  'minVcpu',
  'maxVcpu',
  'minMemoryGiB',
  'maxMemoryGiB',
  'minGpu',
  'maxGpu',
  'architectures',
]);

const IGNORED = new Set([
  'diskTypes',
  'hypervisor',
  'isEnaSupported',
  'minEnis',
  'minNetworkPerformance',
  'maxNetworkPerformance',
  'rootDeviceTypes',
  'virtualizationTypes',
]);

const FAMILY_PATTERN = /^[A-Za-z0-9*.-]+$/;

function readFamilies(ctx: ErrorContext, obj: JsonObject, key: string, field: string): string[] | null {
  const list = readStringList(ctx, obj, key, field);
  if (list === undefined) return null;
  list.forEach((p, i) => {
    if (!FAMILY_PATTERN.test(p)) {
      throw inputError(ctx, `${field}[${i}]`, `expected a family or a pattern such as "m5*"; found ${describeValue(p)}`);
    }
  });
  return list;
}

function checkRange(ctx: ErrorContext, prefix: string, lowKey: string, low: number | null, highKey: string, high: number | null): void {
  if (low !== null && high !== null && low > high) {
    throw inputError(ctx, fieldPath(prefix, highKey), `expected a value of ${lowKey} (${low}) or more; found ${high}`);
  }
}

/** Parses `obj` (found at `prefix`, e.g. `instanceTypesFilters`). Unknown keys are rejected unless `lenient`. */
export function parseInstanceTypesFilters(
  ctx: ErrorContext,
  obj: JsonObject,
  prefix: string,
  lenient: boolean,
): InstanceTypesFilters {
  if (!lenient) rejectUnknownKeys(ctx, obj, prefix, HANDLED, IGNORED);
  const f = (key: string): string => fieldPath(prefix, key);

  let categories: InstanceCategory[] | null = null;
  const rawCategories = readStringList(ctx, obj, 'categories', f('categories'));
  if (rawCategories !== undefined) {
    categories = rawCategories.map((c, i) => {
      if (!isInstanceCategory(c)) {
        throw inputError(ctx, `${f('categories')}[${i}]`, `expected one of ${INSTANCE_CATEGORIES.join(', ')}; found ${describeValue(c)}`);
      }
      return c;
    });
  }

  let architectures: Architecture[] | null = null;
  const rawArch = readArray(ctx, obj, 'architectures', f('architectures'));
  if (rawArch !== undefined) {
    architectures = rawArch.map((a, i) => {
      if (a === 'amd64' || a === 'x86_64') return 'amd64';
      if (a === 'arm64') return 'arm64';
      throw inputError(ctx, `${f('architectures')}[${i}]`, `expected amd64, arm64 or x86_64; found ${describeValue(a)}`);
    });
  }

  const num = (key: string, integer: boolean): number | null =>
    readNumber(ctx, obj, key, f(key), { integer, min: 0 }) ?? null;
  const filters: InstanceTypesFilters = {
    categories,
    includeFamilies: readFamilies(ctx, obj, 'includeFamilies', f('includeFamilies')),
    excludeFamilies: readFamilies(ctx, obj, 'excludeFamilies', f('excludeFamilies')),
    excludeMetal: readBoolean(ctx, obj, 'excludeMetal', f('excludeMetal')) ?? false,
    minVcpu: num('minVcpu', true),
    maxVcpu: num('maxVcpu', true),
    minMemoryGiB: num('minMemoryGiB', false),
    maxMemoryGiB: num('maxMemoryGiB', false),
    minGpu: num('minGpu', true),
    maxGpu: num('maxGpu', true),
    architectures,
  };
  checkRange(ctx, prefix, 'minVcpu', filters.minVcpu, 'maxVcpu', filters.maxVcpu);
  checkRange(ctx, prefix, 'minMemoryGiB', filters.minMemoryGiB, 'maxMemoryGiB', filters.maxMemoryGiB);
  checkRange(ctx, prefix, 'minGpu', filters.minGpu, 'maxGpu', filters.maxGpu);
  return filters;
}

function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/** True when `family` matches one of the patterns. */
export function familyMatches(family: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => patternToRegExp(p).test(family));
}

function within(value: number, low: number | null, high: number | null): boolean {
  return (low === null || value >= low) && (high === null || value <= high);
}

export function matchesFilters(it: InstanceType, f: InstanceTypesFilters): boolean {
  if (f.categories !== null) {
    const category = instanceCategory(it.family);
    if (category === null || !f.categories.includes(category)) return false;
  }
  if (f.includeFamilies !== null && !familyMatches(it.family, f.includeFamilies)) return false;
  if (f.excludeFamilies !== null && familyMatches(it.family, f.excludeFamilies)) return false;
  if (f.excludeMetal && it.bareMetal) return false;
  if (f.architectures !== null && !f.architectures.includes(it.architecture)) return false;
  return (
    within(it.vcpu, f.minVcpu, f.maxVcpu) &&
    within(it.memoryMiB / 1024, f.minMemoryGiB, f.maxMemoryGiB) &&
    within(it.gpuCount, f.minGpu, f.maxGpu)
  );
}
