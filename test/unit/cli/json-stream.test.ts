/** The streamed JSON writer gives a document equal to the value, whatever the array holds, in pieces below the chunk size. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJsonStreamingArray } from '../../../src/cli/json-stream.js';

function written(value: Record<string, unknown>, key: string): { text: string; pieces: string[] } {
  const pieces: string[] = [];
  writeJsonStreamingArray((s) => pieces.push(s), value, key);
  return { text: pieces.join(''), pieces };
}

describe('writeJsonStreamingArray', () => {
  it('parses back to the same value (arrays empty or not, other fields before and after)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue(), { maxLength: 30 }), (rest, events) => {
        const value = { a: 1, ...rest, events, z: 'end' };
        expect(JSON.parse(written(value, 'events').text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('writes one element per line and a large array in several pieces', () => {
    const events = Array.from({ length: 40_000 }, (_, i) => ({ t: i, kind: 'pod.bound', object: `Pod ns/p-${i}`, node: 'n-1' }));
    const { text, pieces } = written({ status: 'Completed', events, seed: 1 }, 'events');
    expect(pieces.length).toBeGreaterThan(1);
    expect(text.split('\n').filter((l) => l.startsWith('    {"t":')).length).toBe(40_000);
    expect((JSON.parse(text) as { events: unknown[] }).events).toHaveLength(40_000);
  });

  it('falls back to plain pretty JSON when the field is not an array', () => {
    expect(written({ a: 1 }, 'events').text).toBe(`${JSON.stringify({ a: 1 }, null, 2)}\n`);
  });
});
