/**
 * WaitQueue.merge: the one-sweep merge of two ordered lists gives what a stable sort of both together gives (ties keep the
 * pods already queued first), and lists out of order are sorted together.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WaitQueue } from '../../../src/planner/wait-queue.js';

interface Item {
  readonly classId: number;
  readonly cpu: number;
  readonly memory: number;
  readonly priority: number;
  readonly arrival: number;
  readonly tag: string;
}

const order = (a: Item, b: Item): number => b.priority - a.priority || a.arrival - b.arrival;
const itemArb = fc.record({
  classId: fc.nat(20),
  cpu: fc.nat(4000),
  memory: fc.nat(1 << 20),
  priority: fc.integer({ min: 0, max: 3 }),
  arrival: fc.nat(10),
  tag: fc.string({ maxLength: 3 }),
});

function merged(a: Item[], b: Item[]): WaitQueue<Item> {
  const q = new WaitQueue<Item>(a);
  q.merge(b, order);
  return q;
}

describe('WaitQueue.moveRestAndTruncate', () => {
  it('equals moving each pod from `from` on down to `to` onward, then keeping what was moved', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 30 }), fc.nat(40), fc.nat(40), (list, x, y) => {
        const from = Math.min(x, list.length);
        const to = Math.min(y, from);
        const one = new WaitQueue<Item>([...list]);
        let kept = to;
        for (let j = from; j < one.length; j++) one.move(j, kept++);
        one.truncate(kept);
        const block = new WaitQueue<Item>([...list]);
        block.moveRestAndTruncate(from, to);
        expect(block.toArray()).toEqual(one.toArray());
        expect(block.length).toBe(to + list.length - from);
        for (const field of ['ids', 'cpu', 'memory'] as const) {
          expect(Array.from(block[field].slice(0, block.length))).toEqual(Array.from(one[field].slice(0, one.length)));
        }
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});

describe('WaitQueue.merge', () => {
  it('equals a stable sort of the queue followed by the new pods, typed arrays included', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 40 }), fc.array(itemArb, { minLength: 1, maxLength: 40 }), fc.boolean(), (a, b, sortFirst) => {
        const first = sortFirst ? [...a].sort(order) : [...a];
        const second = sortFirst ? [...b].sort(order) : [...b];
        const expected = [...first, ...second].sort(order);
        const q = merged([...first], second);
        expect(q.toArray()).toEqual(expected);
        expect(Array.from(q.ids.slice(0, q.length))).toEqual(expected.map((e) => e.classId));
        expect(Array.from(q.cpu.slice(0, q.length))).toEqual(expected.map((e) => e.cpu));
        expect(Array.from(q.memory.slice(0, q.length))).toEqual(expected.map((e) => e.memory));
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('leaves the queue as it is when nothing is added', () => {
    const a = { classId: 1, cpu: 1, memory: 1, priority: 0, arrival: 5, tag: 'a' };
    const b = { classId: 2, cpu: 1, memory: 1, priority: 1, arrival: 5, tag: 'b' };
    expect(merged([a, b], []).toArray().map((e) => e.tag)).toEqual(['a', 'b']);
  });

  it('keeps the pod already queued before an equal newcomer', () => {
    const old = { classId: 1, cpu: 1, memory: 1, priority: 0, arrival: 5, tag: 'queued' };
    const fresh = { classId: 2, cpu: 1, memory: 1, priority: 0, arrival: 5, tag: 'new' };
    const higher = { classId: 3, cpu: 1, memory: 1, priority: 1, arrival: 9, tag: 'higher' };
    expect(merged([old], [higher, fresh]).toArray().map((e) => e.tag)).toEqual(['higher', 'queued', 'new']);
  });
});
