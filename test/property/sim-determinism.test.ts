/**
 * Invariant 7: the same inputs and seed give the same run, byte for byte: sha256 of JSON.stringify(result) (trace, instances,
 * final fields) is equal over two runs, for generated worlds with random faults (engine crashes and stops included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { worldSpecArb } from '../arbitraries/index.js';
import { buildWorld, faultsFor, run, sha256 } from './sim-world.js';

describe('property (invariant 7): same inputs and seed, same result', () => {
  it('two runs of a world with the same sim seed and faults give byte-identical JSON (sha256), over 24 seeds', async () => {
    const hashes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(worldSpecArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 3 }), async (spec, seed, count) => {
        const w = buildWorld({ ...spec, nodes: Math.min(spec.nodes, 8), pods: Math.min(spec.pods, 120) });
        const faults = faultsFor(w, seed ^ 0x5eed, count);
        const a = await run(w, seed, faults);
        const b = await run(w, seed, faults);
        expect(sha256(b)).toBe(sha256(a));
        hashes.add(sha256(a));
      }),
      { numRuns: 24, endOnFailure: true },
    );
    // Not a constant: different worlds and seeds give different runs.
    expect(hashes.size).toBeGreaterThan(20);
  });
});
