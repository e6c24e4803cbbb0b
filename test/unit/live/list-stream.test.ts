/** Taking a list answer apart as its bytes arrive: the same items and metadata as one JSON.parse, however it is cut. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonListStream } from '../../../src/live/list-stream.js';

function run(text: string, cut: (n: number) => number[]): { items: unknown[]; rest: Record<string, unknown> } {
  const bytes = Buffer.from(text);
  const items: unknown[] = [];
  const s = new JsonListStream((i) => items.push(i));
  let at = 0;
  for (const end of [...cut(bytes.length), bytes.length]) {
    if (end > at) s.feed(bytes.subarray(at, end));
    at = Math.max(at, end);
  }
  return { items, rest: s.end() };
}

const TRICKY = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '12', continue: 'eyJ2Ijoi]}"[{' },
  items: [
    { metadata: { name: 'a', annotations: { x: 'quote " and brace } and bracket ] and backslash \\\\', y: '{"nested":[1,2]}' } }, spec: { list: [[1, [2]], { a: [] }] } },
    { metadata: { name: 'ünïcødé-✓', labels: { 'a/b': '日本語' } } },
    { metadata: { name: 'c' }, status: { conditions: [] } },
  ],
  trailer: { after: ['items'] },
};

describe('JsonListStream', () => {
  const text = JSON.stringify(TRICKY, null, 1);
  const expected = { items: TRICKY.items, rest: { ...TRICKY, items: [] } };

  it('gives every item and the rest, in one chunk', () => {
    expect(run(text, () => [])).toEqual(expected);
    expect(run(JSON.stringify(TRICKY), () => [])).toEqual(expected);
  });

  it('whatever the cut: every single byte boundary, multi-byte characters split included', () => {
    const n = Buffer.byteLength(text);
    for (let at = 1; at < n; at++) expect(run(text, () => [at])).toEqual(expected);
    expect(run(text, (len) => Array.from({ length: len }, (_, i) => i + 1))).toEqual(expected);
  });

  it('an empty list, and the metadata after the items', () => {
    expect(run('{"kind":"List","items":[],"metadata":{"continue":"x"}}', () => [3, 20])).toEqual({ items: [], rest: { kind: 'List', items: [], metadata: { continue: 'x' } } });
  });

  it('fails on an answer cut short or not a list of objects', () => {
    expect(() => run(text.slice(0, 200), () => [])).toThrow(/ended in the middle/);
    expect(() => run('{"items":[[1]]}', () => [])).toThrow(/list of objects/);
    expect(() => run('{"items":[{"a":1,}]}', () => [])).toThrow(SyntaxError);
    expect(() => run('<html>nope</html>', () => [])).toThrow(SyntaxError);
  });

  it('strings full of quotes and backslash runs, cut anywhere (the quote search skips escaped quotes only)', () => {
    // Runs of backslashes before a quote decide whether it closes the string; chunk edges may fall inside such a run.
    const tricky = fc.stringMatching(/^[\\"a{}\[\]é✓]{0,12}$/);
    const item = fc.record({ name: tricky, labels: fc.dictionary(tricky, tricky, { maxKeys: 3 }), list: fc.array(tricky, { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), (items, cuts) => {
        const doc = { kind: 'List', metadata: { continue: 'c\\"' }, items };
        const text = JSON.stringify(doc);
        const n = Buffer.byteLength(text);
        const at = [...new Set(cuts.map((c) => (n === 0 ? 0 : c % n)))].sort((a, b) => a - b);
        expect(run(text, () => at)).toEqual({ items, rest: { ...doc, items: [] } });
      }),
      { numRuns: 300 },
    );
  });
});

