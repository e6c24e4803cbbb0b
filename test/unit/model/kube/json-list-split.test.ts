import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitJsonListItems } from '../../../../src/model/kube/json-list-split.js';
import { InputError } from '../../../../src/model/errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('splitJsonListItems', () => {
  it('returns the items of a v1 List, whatever keys come before them, with tricky strings intact', () => {
    const items = [
      { kind: 'Pod', metadata: { name: 'a', annotations: { note: 'braces } ] { [ and "quotes" and \\ backslash' } } },
      { kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '4' } } },
      42,
      'plain',
      null,
    ];
    const doc = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
    expect(splitJsonListItems(enc(JSON.stringify(doc, null, 4)), 'f')).toEqual(items);
    expect(splitJsonListItems(enc(JSON.stringify(items)), 'f')).toEqual(items);
  });

  it('agrees with JSON.parse on any list of JSON values', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.boolean(), (items, pretty) => {
        const text = JSON.stringify({ kind: 'List', items }, null, pretty ? 2 : 0);
        expect(splitJsonListItems(enc(text), 'f')).toEqual(JSON.parse(text).items);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with JSON.parse in the layouts whose item ends it guesses (one item per line, indented, tabs, CRLF)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.constantFrom('line', 'crlf', 4, '\t'), (items, layout) => {
        const text =
          layout === 'line' || layout === 'crlf'
            ? `{"kind":"List","items":[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]}`.replace(/\n/g, layout === 'crlf' ? '\r\n' : '\n')
            : JSON.stringify({ kind: 'List', items }, null, layout);
        expect(splitJsonListItems(enc(text), 'f')).toEqual(JSON.parse(text).items);
      }),
      { numRuns: 200 },
    );
  });

  it('says null for what is not a List, and names the item that is not JSON', () => {
    expect(splitJsonListItems(enc('{"kind": "Pod", "metadata": {}}'), 'f')).toBeNull();
    expect(splitJsonListItems(enc('kind: List'), 'f')).toBeNull();
    try {
      splitJsonListItems(enc('{"items": [{"a": 1}, {"b": nope}]}'), 'big.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).object).toBe('items[1]');
    }
  });
});
