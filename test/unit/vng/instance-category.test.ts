import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { familyPrefix, instanceCategory } from '../../../src/model/vng/instance-category.js';

describe('instanceCategory', () => {
  it.each([
    ['m5', 'General_purpose'],
    ['t4g', 'General_purpose'],
    ['a1', 'General_purpose'],
    ['c7i-flex', 'Compute_optimized'],
    ['hpc7g', 'Compute_optimized'],
    ['r6i', 'Memory_optimized'],
    ['x2iedn', 'Memory_optimized'],
    ['z1d', 'Memory_optimized'],
    ['u-6tb1', 'Memory_optimized'],
    ['u7in-32tb', 'Memory_optimized'],
    ['p6-b200', 'Accelerated_computing'],
    ['g5', 'Accelerated_computing'],
    ['gr6', 'Accelerated_computing'],
    ['inf2', 'Accelerated_computing'],
    ['trn1n', 'Accelerated_computing'],
    ['dl1', 'Accelerated_computing'],
    ['f2', 'Accelerated_computing'],
    ['vt1', 'Accelerated_computing'],
    ['i4i', 'Storage_optimized'],
    ['d3en', 'Storage_optimized'],
    ['h1', 'Storage_optimized'],
    ['im4gn', 'Storage_optimized'],
    ['is4gen', 'Storage_optimized'],
  ])('%s is %s', (family, category) => {
    expect(instanceCategory(family)).toBe(category);
  });

  it('returns null for an unknown prefix', () => {
    expect(instanceCategory('q9')).toBeNull();
    expect(familyPrefix('im4gn')).toBe('im');
  });

  it('gives every family in the bundled catalog a category', () => {
    const missing = [...new Set(loadCatalog().types.map((t) => t.family))].filter((f) => instanceCategory(f) === null);
    expect(missing).toEqual([]);
  });
});
