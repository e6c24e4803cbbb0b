/**
 * Ocean's instance-type categories (instanceTypesFilters.categories), derived from the letters that start an EC2 family name.
 *
 *   General_purpose        m, t, a (Graviton 1), mac
 *   Compute_optimized      c, and hpc (all of AWS's HPC families are compute-heavy; Ocean has no HPC category)
 *   Memory_optimized       r, x, z, u (high-memory)
 *   Accelerated_computing  p, g, gr, inf, trn, dl, f, vt
 *   Storage_optimized      i, d, h, im, is
 *
 * The prefix is every letter before the first digit or dash: "im4gn" -> "im", "dl1" -> "dl", "u-6tb1" -> "u",
 * "p6-b200" -> "p". A family with an unlisted prefix has no category and never passes a categories filter.
 */

export type InstanceCategory =
  | 'General_purpose'
  | 'Compute_optimized'
  | 'Memory_optimized'
  | 'Accelerated_computing'
  | 'Storage_optimized';

export const INSTANCE_CATEGORIES: readonly InstanceCategory[] = [
  'Accelerated_computing',
  'Compute_optimized',
  'General_purpose',
  'Memory_optimized',
  'Storage_optimized',
];

const CATEGORY_BY_PREFIX: ReadonlyMap<string, InstanceCategory> = new Map<string, InstanceCategory>([
  ['m', 'General_purpose'],
  ['t', 'General_purpose'],
  ['a', 'General_purpose'],
  ['mac', 'General_purpose'],
  ['c', 'Compute_optimized'],
  ['hpc', 'Compute_optimized'],
  ['r', 'Memory_optimized'],
  ['x', 'Memory_optimized'],
  ['z', 'Memory_optimized'],
  ['u', 'Memory_optimized'],
  ['p', 'Accelerated_computing'],
  ['g', 'Accelerated_computing'],
  ['gr', 'Accelerated_computing'],
  ['inf', 'Accelerated_computing'],
  ['trn', 'Accelerated_computing'],
  ['dl', 'Accelerated_computing'],
  ['f', 'Accelerated_computing'],
  ['vt', 'Accelerated_computing'],
  ['i', 'Storage_optimized'],
  ['d', 'Storage_optimized'],
  ['h', 'Storage_optimized'],
  ['im', 'Storage_optimized'],
  ['is', 'Storage_optimized'],
]);

export function isInstanceCategory(v: string): v is InstanceCategory {
  return (INSTANCE_CATEGORIES as readonly string[]).includes(v);
}

/** The letters that open a family name, lower-cased. */
export function familyPrefix(family: string): string {
  return /^[a-z]*/i.exec(family)?.[0]?.toLowerCase() ?? '';
}

export function instanceCategory(family: string): InstanceCategory | null {
  return CATEGORY_BY_PREFIX.get(familyPrefix(family)) ?? null;
}
