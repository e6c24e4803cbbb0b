/**
 * The placed-pod index's selections (sim/scheduler/placed-index.ts selected): the groups of a namespace a selector matches,
 * in the order the groups appeared, kept up to date as groups appear between asks - whether the selection looks through
 * every group of the namespace or only those carrying a label the selector requires. The oracle scans the pods added so
 * far with its own matcher.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelSelector, Labels } from '../../../../src/model/types.js';
import { PlacedIndex } from '../../../../sim/scheduler/placed-index.js';
import { pod } from './fixtures.js';

const KEYS = ['app', 'tier', 'pod-name'] as const;
const VALUES = ['a', 'b', 'c', ''] as const;
const NAMESPACES = ['ns1', 'ns2'] as const;

const labelsArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const selectorArb: fc.Arbitrary<LabelSelector> = fc.record({
  matchLabels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }),
  matchExpressions: fc.array(
    fc.record({
      key: fc.constantFrom(...KEYS),
      operator: fc.constantFrom('In' as const, 'NotIn' as const, 'Exists' as const, 'DoesNotExist' as const),
      values: fc.uniqueArray(fc.constantFrom(...VALUES), { maxLength: 2 }),
    }),
    { maxLength: 2 },
  ),
});

type Op = { readonly kind: 'add'; readonly namespace: string; readonly labels: Labels } | { readonly kind: 'ask'; readonly namespace: string; readonly selector: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), namespace: fc.constantFrom(...NAMESPACES), labels: labelsArb }),
  fc.record({ kind: fc.constant('ask' as const), namespace: fc.constantFrom(...NAMESPACES), selector: fc.nat(3) }),
);

/** metav1.LabelSelector semantics, written out again for the oracle. */
function matches(s: LabelSelector, labels: Labels): boolean {
  const ok = Object.entries(s.matchLabels).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
  return (
    ok &&
    s.matchExpressions.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      if (r.operator === 'Exists') return has;
      if (r.operator === 'DoesNotExist') return !has;
      const inValues = has && r.values.includes(labels[r.key] as string);
      return r.operator === 'In' ? inValues : !inValues;
    })
  );
}

describe('PlacedIndex.selected', () => {
  it('gives the groups of the namespace the selector matches, in the order they appeared, as groups keep appearing', () => {
    fc.assert(
      fc.property(fc.array(selectorArb, { minLength: 4, maxLength: 4 }), fc.array(opArb, { maxLength: 60 }), (selectors, ops) => {
        const index = new PlacedIndex(() => undefined);
        /** The distinct label sets added per namespace, in the order they first came (one group each). */
        const seen = new Map<string, Labels[]>();
        let n = 0;
        for (const op of ops) {
          if (op.kind === 'add') {
            index.add(pod(`p${n++}`, { namespace: op.namespace, labels: op.labels }), 'node-1');
            const list = seen.get(op.namespace) ?? [];
            if (!list.some((l) => JSON.stringify(l) === JSON.stringify(op.labels))) list.push(op.labels);
            seen.set(op.namespace, list);
            continue;
          }
          const s = selectors[op.selector] as LabelSelector;
          const want = (seen.get(op.namespace) ?? []).filter((l) => matches(s, l));
          expect(index.selected(op.namespace, s).map((g) => g.rep.labels)).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});
