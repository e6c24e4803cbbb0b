/**
 * traceEntry (the API store's trace entries, written in one literal) makes the same entry as the rule written one entry at
 * a time (traceEntryByKey): the same keys in the same order, the same values, renamed keys and long details included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceEntry, traceEntryByKey } from '../../../sim/world/api-store.js';
import type { DetailValue } from '../../../sim/world/types.js';

const KEYS = ['node', 'reason', 'uid', 'owner', 't', 'kind', 'object', 'detail.kind', 'toString', 'constructor', '__proto__', '0', '7', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
const value: fc.Arbitrary<DetailValue> = fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.integer(), fc.boolean(), fc.constant(null));

describe('traceEntry', () => {
  it('equals the entry written key by key, whatever the detail', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 12 }), fc.array(value, { minLength: 12, maxLength: 12 }), (t, keys, values) => {
        const detail: Record<string, DetailValue> = Object.fromEntries(keys.map((k, i) => [k, values[i] as DetailValue]));
        const fast = traceEntry(t, 'pod.running', 'Pod ns/a', detail);
        const slow = traceEntryByKey(t, 'pod.running', 'Pod ns/a', detail);
        expect(Object.keys(fast)).toEqual(Object.keys(slow));
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
        expect(fast).toStrictEqual(slow);
        expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
      }),
    );
  });

  it('renames a detail key the entry has, and rounds numbers to the millisecond', () => {
    expect(JSON.stringify(traceEntry(1.5, 'k', 'o', { kind: 'x', at: 2.00049, node: 'n' }))).toBe('{"t":1.5,"kind":"k","object":"o","detail.kind":"x","at":2,"node":"n"}');
    expect(JSON.stringify(traceEntry(0, 'k', 'o', { at: 1.0006 }))).toBe('{"t":0,"kind":"k","object":"o","at":1.001}');
  });
});
