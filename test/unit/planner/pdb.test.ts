import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Labels, LabelSelector, Pod, PodDisruptionBudget, PodPhase } from '../../../src/model/types.js';
import { pdbStates } from '../../../src/planner/pdb.js';
import { selectorMatches } from '../../../src/planner/selectors.js';
import { podSpec } from '../../helpers/pod-spec.js';

const NAMESPACES = ['a', 'b', 'c'];
const KEYS = ['app', 'tier', 'team'];
const VALUES = ['x', 'y'];

function pod(i: number, namespace: string, labels: Labels, phase: PodPhase, ready: boolean): Pod {
  return {
    ...podSpec({ namespace, labels }),
    uid: `u${i}`,
    namespace,
    name: `p${i}`,
    labels,
    annotations: {},
    nodeName: null,
    phase,
    owner: null,
    workload: null,
    isMirror: false,
    ready,
  };
}

const labelsArb: fc.Arbitrary<Labels> = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const podArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels: labelsArb,
  phase: fc.constantFrom<PodPhase>('Running', 'Running', 'Pending', 'Succeeded', 'Failed'),
  ready: fc.boolean(),
});
const selectorArb: fc.Arbitrary<LabelSelector | null> = fc.option(
  fc.record({
    matchLabels: labelsArb,
    matchExpressions: fc.array(
      fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In' as const, 'NotIn' as const, 'Exists' as const, 'DoesNotExist' as const), values: fc.subarray(VALUES) }),
      { maxLength: 2 },
    ),
  }),
  { freq: 6 },
);
const pdbArb = fc.record({ namespace: fc.constantFrom(...NAMESPACES), selector: selectorArb, minAvailable: fc.nat({ max: 3 }) });

describe('pdbStates', () => {
  it('selects, per PDB, every live pod of its namespace its selector matches, in pod order (and none for a null selector)', () => {
    fc.assert(
      fc.property(fc.array(podArb, { maxLength: 40 }), fc.array(pdbArb, { maxLength: 8 }), (podDraws, pdbDraws) => {
        const pods = podDraws.map((d, i) => pod(i, d.namespace, d.labels, d.phase, d.ready));
        const pdbs: PodDisruptionBudget[] = pdbDraws.map((d, k) => ({
          namespace: d.namespace,
          name: `pdb${k}`,
          selector: d.selector,
          minAvailable: { kind: 'int', value: d.minAvailable },
          maxUnavailable: null,
          disruptionsAllowed: null,
        }));
        const states = pdbStates(pdbs, pods);
        pdbs.forEach((pdb, k) => {
          const selector = pdb.selector;
          const want =
            selector === null
              ? []
              : pods.flatMap((p, i) =>
                  p.phase !== 'Succeeded' && p.phase !== 'Failed' && p.namespace === pdb.namespace && selectorMatches(selector, p.labels) ? [i] : [],
                );
          const healthy = want.filter((i) => pods[i]?.phase === 'Running' && pods[i]?.ready).length;
          expect(states[k]?.pods).toEqual(want);
          expect(states[k]?.expected).toBe(want.length);
          expect(states[k]?.healthy).toBe(healthy);
          expect(states[k]?.disruptionsAllowed).toBe(Math.max(0, healthy - (pdbDraws[k]?.minAvailable ?? 0)));
        });
      }),
      { numRuns: 300 },
    );
  });
});
