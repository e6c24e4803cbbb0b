/**
 * NodesByKind: as nodes are set (added, replaced by a cordoned copy) and deleted in any order, its map holds what a Map would,
 * and each kind lists exactly the names of its nodes, sorted - what the scale-up view used to find by sorting every node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../../src/model/types.js';
import { kindText, NodesByKind } from '../../../src/planner/nodes-by-kind.js';

function node(name: string, pool: string, unschedulable: boolean): Node {
  return {
    name,
    uid: `uid-${name}`,
    labels: { 'kubernetes.io/hostname': name, pool },
    annotations: {},
    taints: [],
    capacity: {},
    allocatable: { cpu: 1000 },
    unschedulable,
    providerID: '',
    instanceType: null,
    zone: null,
    instanceId: null,
    ready: true,
  };
}

const nameArb = fc.constantFrom('a', 'b', 'b-1', 'c', 'a0', 'z', 'm-10', 'm-9');
const opArb = fc.oneof(
  fc.record({ op: fc.constant('set' as const), name: nameArb, pool: fc.constantFrom('x', 'y'), cordoned: fc.boolean() }),
  fc.record({ op: fc.constant('delete' as const), name: nameArb }),
);

describe('NodesByKind', () => {
  it('keeps the nodes as a Map does and each kind its names sorted', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const index = new NodesByKind();
        const reference = new Map<string, Node>();
        for (const o of ops) {
          if (o.op === 'set') {
            const n = node(o.name, o.pool, o.cordoned);
            index.set(o.name, n);
            reference.set(o.name, n);
          } else expect(index.delete(o.name)).toBe(reference.delete(o.name));
        }
        expect([...index.values()]).toEqual([...reference.values()]);
        expect(index.size).toBe(reference.size);
        const expected = new Map<string, string[]>();
        for (const n of reference.values()) {
          const k = kindText(n);
          expected.set(k, [...(expected.get(k) ?? []), n.name]);
          expect(index.kindOf(n.name)).toBe(k);
          expect(index.get(n.name)).toBe(n);
        }
        for (const names of expected.values()) names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const got = new Map([...index.kinds()].map(([k, names]) => [k, [...names]]));
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('tells nodes of the same labels but the hostname, taints and state apart from the others', () => {
    expect(kindText(node('a', 'x', false))).toBe(kindText(node('b', 'x', false)));
    expect(kindText(node('a', 'x', false))).not.toBe(kindText(node('a', 'x', true)));
    expect(kindText(node('a', 'x', false))).not.toBe(kindText(node('a', 'y', false)));
  });
});
