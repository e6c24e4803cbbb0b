/** The VNG sets chaos draws from ship in data/vngs/ and stay equal to the repository's example and scenario VNG files. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { VNG_SETS, vngSet } from '../../../sim/chaos/draw.js';

describe('chaos VNG sets', () => {
  it('data/vngs/general.json equals scenarios/vngs/general.json', () => {
    expect(readFileSync(`data/${VNG_SETS.general}`, 'utf8')).toBe(readFileSync('scenarios/vngs/general.json', 'utf8'));
  });

  it('data/vngs/full.json equals examples/vngs.json', () => {
    expect(readFileSync(`data/${VNG_SETS.full}`, 'utf8')).toBe(readFileSync('examples/vngs.json', 'utf8'));
  });

  it('are read beside the program, not from the working folder', () => {
    const cwd = process.cwd();
    process.chdir('/');
    try {
      const s = vngSet('full', loadCatalog());
      expect(s.file).toBe('data/vngs/full.json');
      expect(s.vngs.length).toBeGreaterThan(1);
    } finally {
      process.chdir(cwd);
    }
  });
});
