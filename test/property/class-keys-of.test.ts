/**
 * classKeysOf: the class key the packing's classes hand to the expected fleet must be, for every moving and staying pod,
 * the key the expected fleet would derive itself (classKey without architectures); a pod given another class's key would
 * be scheduled as that class.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classKeysOf, packClasses } from '../../src/planner/pack.js';
import { classKey } from '../../src/planner/pod-classes.js';
import { packInput, packSpecArb } from '../arbitraries/index.js';

describe('property: classKeysOf', () => {
  it('gives every moving and staying pod its own class key, and no other pod one', () => {
    let withStaying = 0;
    let multiMember = 0;
    fc.assert(
      fc.property(packSpecArb, (spec) => {
        const input = packInput(spec);
        const classes = packClasses(input);
        const keys = classKeysOf(classes, input.movingPods);
        const pods = new Set([...input.movingPods, ...classes.stayingPods]);
        expect(keys.size).toBe(pods.size);
        for (const p of pods) expect(keys.get(p)).toBe(classKey(p.namespace, p.labels, p));
        if (classes.stayingPods.length > 0) withStaying += 1;
        if (classes.movingClasses.some((c) => c.members.length > 1)) multiMember += 1;
      }),
      { numRuns: 200 },
    );
    // The generator must give staying pods and classes of several pods, or the members' indexes are not put to the test.
    expect(withStaying).toBeGreaterThan(20);
    expect(multiMember).toBeGreaterThan(20);
  });
});
