/** The plan's JSON in pieces (src/report/json-chunks.ts) is JSON.stringify's text, character for character. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../../src/report/json-chunks.js';

const joined = (value: unknown, depth?: number): string => [...jsonChunks(value, depth)].join('');

describe('jsonChunks', () => {
  it('gives JSON.stringify(value, null, 2) for any JSON value, split at any depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, depth) => {
        expect(joined(value, depth)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves out what JSON.stringify leaves out, and writes null where it does', () => {
    const fn = (): number => 1;
    const values: unknown[] = [
      { a: undefined, b: fn, c: Symbol('s'), d: 1, e: [undefined, fn, 2], f: {}, g: [], h: { x: undefined } },
      { when: new Date(0), nested: { toJSON: () => ({ made: [1, 'two'] }) }, n: Number.NaN, inf: -Infinity },
      [{ toJSON: (key: string) => `at ${key}` }, { toJSON: () => undefined }],
      'text with\nnewline and "quotes"',
      null,
      [],
      {},
    ];
    for (const value of values) for (const depth of [0, 1, 2, 3]) expect(joined(value, depth)).toBe(JSON.stringify(value, null, 2));
    expect(joined(undefined)).toBe('');
  });

  it('writes long lists of leaves (written in batches) as JSON.stringify does, toJSON called with the index in the whole list', () => {
    const fn = (): number => 1;
    const items: unknown[] = Array.from({ length: 1203 }, (_, i) => ({ i, name: `p-${i}`, tags: ['a', { deep: [i, null] }], gone: undefined }));
    items[3] = undefined;
    items[501] = fn;
    items[999] = 'text with\nnewline';
    const withToJson = [...items];
    withToJson[700] = { toJSON: (key: string) => `at ${key}` };
    for (const list of [items, withToJson]) {
      for (const value of [list, { pods: list, n: 1 }, { a: { b: list } }]) {
        for (const depth of [1, 2, 3, 4]) expect(joined(value, depth)).toBe(JSON.stringify(value, null, 2));
      }
    }
    expect(joined({ pods: withToJson }, 2)).toContain('"at 700"');
  });
});
