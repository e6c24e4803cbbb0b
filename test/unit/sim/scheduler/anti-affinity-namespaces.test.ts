/**
 * The anti-affinity groups by the namespaces their terms can select (sim/scheduler/anti-affinity-namespaces.ts): a term
 * without a namespaceSelector reaches its namespaces (its own pod's when it names none), one with a selector any namespace.
 */
import { describe, expect, it } from 'vitest';
import { AntiAffinityNamespaces } from '../../../../sim/scheduler/anti-affinity-namespaces.js';
import type { PodGroup } from '../../../../sim/scheduler/placed-index.js';
import type { SchedPod } from '../../../../sim/scheduler/types.js';
import type { PodAffinityTerm } from '../../../../src/model/types.js';

function group(namespace: string, terms: Partial<PodAffinityTerm>[]): PodGroup {
  const podAntiAffinity = terms.map((t) => ({ labelSelector: { matchLabels: {}, matchExpressions: [] }, namespaces: [], namespaceSelector: null, topologyKey: 'zone', ...t }));
  return { namespace, rep: { namespace, podAntiAffinity } as unknown as SchedPod, nodes: new Map() };
}

describe('AntiAffinityNamespaces', () => {
  it("lists a group under its own namespace, the namespaces its terms name, or any namespace for a namespaceSelector, and follows the source list as it grows", () => {
    const all: PodGroup[] = [];
    const index = new AntiAffinityNamespaces(() => all);
    const own = group('a', [{}]);
    const named = group('a', [{ namespaces: ['b', 'c'] }, {}]);
    const wide = group('d', [{ namespaceSelector: { matchLabels: { team: 'x' }, matchExpressions: [] } }]);
    all.push(own, named);
    expect(index.candidates('a')).toEqual({ own: [own, named], any: [] });
    expect(index.candidates('b')).toEqual({ own: [named], any: [] });
    expect(index.candidates('d').own).toEqual([]);
    all.push(wide);
    expect(index.candidates('c')).toEqual({ own: [named], any: [wide] });
    expect(index.candidates('zzz')).toEqual({ own: [], any: [wide] });
  });
});
