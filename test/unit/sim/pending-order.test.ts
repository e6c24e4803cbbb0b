/**
 * The scheduler's queue order kept from one call to the next (sim/world/pending-order.ts) equals a sort of every unbound
 * pod at each call, for random sequences of pods stored, bound, removed and stored again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PendingOrder, queueOrder } from '../../../sim/world/pending-order.js';
import type { SimPod } from '../../../sim/world/types.js';
import { simPod } from './sim-pod.js';

function pod(i: number, priority: number, createdAt: number): SimPod {
  const p = simPod(`ns${i % 3}`, `p${(i * 7919) % 101}-${i}`);
  return { ...p, base: { ...p.base, priority } as SimPod['base'], createdAt };
}

const step = fc.oneof(
  fc.record({ kind: fc.constant('store' as const), priority: fc.integer({ min: 0, max: 2 }), later: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constantFrom('bind' as const, 'remove' as const, 'again' as const, 'list' as const, 'assume' as const), pick: fc.nat() }),
);

describe('PendingOrder', () => {
  it('lists the unbound pods it was told of in queue order, as a full sort does', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const order = new PendingOrder();
        const stored = new Set<SimPod>();
        const all: SimPod[] = [];
        let t = 0;
        const keep = (p: SimPod): boolean => p.assumed === null;
        const expected = (): SimPod[] => [...stored].filter((p) => p.nodeName === null && keep(p)).sort(queueOrder);
        for (const s of steps) {
          if (s.kind === 'store') {
            t += s.later;
            const p = pod(all.length, s.priority, t);
            all.push(p);
            stored.add(p);
            order.add(p);
            continue;
          }
          const p = all.length === 0 ? undefined : all[s.pick % all.length];
          if (s.kind === 'list') expect(order.list(keep)).toEqual(expected());
          else if (p === undefined) continue;
          else if (s.kind === 'bind' && stored.has(p) && p.nodeName === null) {
            // As the pod table does: a Binding tells nothing; the next list drops the pod.
            p.nodeName = 'n1';
          } else if (s.kind === 'remove' && stored.delete(p)) order.remove(p);
          else if (s.kind === 'again' && !stored.has(p) && p.nodeName === null) {
            stored.add(p);
            order.add(p);
          } else if (s.kind === 'assume') p.assumed = p.assumed === null ? 'n2' : null;
        }
        expect(order.list(keep)).toEqual(expected());
      }),
      { numRuns: 300 },
    );
  });
});
