import { describe, expect, it } from 'vitest';
import { ByClass, idSpan } from '../../../src/planner/pack/by-class.js';
import type { PodClass } from '../../../src/planner/pod-classes.js';

/** A stand-in class: ByClass reads only the id (and the object's identity). */
function cls(id: number): PodClass {
  return { id } as unknown as PodClass;
}

describe('ByClass', () => {
  it('keeps a value per class object, classes sharing an id, odd ids and ids past the first size included', () => {
    const a = cls(0);
    const b = cls(0);
    const c = cls(5);
    const d = cls(-1);
    const e = cls(1.5);
    const t = new ByClass<string>(2);
    t.set(a, 'a');
    t.set(b, 'b');
    t.set(c, 'c');
    t.set(d, 'd');
    t.set(e, 'e');
    expect([a, b, c, d, e].map((x) => t.get(x))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(t.get(cls(5))).toBeUndefined();
    t.set(a, 'a2');
    expect(t.get(a)).toBe('a2');
    expect(t.get(b)).toBe('b');
    t.clear();
    expect([a, b, c, d, e].map((x) => t.get(x))).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('idSpan is one more than the largest id', () => {
    expect(idSpan([])).toBe(0);
    expect(idSpan([cls(3), cls(1)])).toBe(4);
  });
});
