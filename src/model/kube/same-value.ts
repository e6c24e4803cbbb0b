/**
 * Values of one pod that equal the previous pod's are taken from the previous pod: pods of one workload come one after
 * another in a cluster file and mostly share their labels, requests, tolerations and affinity, so 150,000 pods hold a few
 * thousand of each instead of 150,000 copies (less memory for the collector to carry, and classing compares them by
 * identity first). Equal means equal as data, entries in the same order, so that nothing reading the value can tell.
 */

/**
 * Whether two values parsed from JSON are the same data: same primitives, arrays element by element, objects with the same
 * keys in the same order (so equal data has equal JSON; undefined entries and NaN are never equal to anything else). The
 * packing's demand groups (planner/pack/demand.ts) compare constraint fields with it too.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  let i = 0;
  for (const k in rb) {
    if (k !== keys[i] || !sameValue(ra[k], rb[k])) return false;
    i++;
  }
  return i === keys.length;
}

/** `previous` when it is the same data as `next` (see sameValue), else `next`. */
export function shared<T>(previous: T | undefined, next: T): T {
  return previous !== undefined && sameValue(previous, next) ? previous : next;
}
