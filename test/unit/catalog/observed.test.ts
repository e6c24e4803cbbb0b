import { describe, expect, it } from 'vitest';
import { observedResources } from '../../../src/catalog/observed.js';
import type { Node, ResourceList } from '../../../src/model/types.js';

function node(name: string, instanceType: string | null, allocatable: ResourceList): Node {
  return {
    name,
    uid: `uid-${name}`,
    labels: {},
    annotations: {},
    taints: [],
    capacity: { ...allocatable, marker: name.length },
    allocatable,
    unschedulable: false,
    providerID: '',
    instanceType,
    zone: null,
    instanceId: null,
    ready: true,
  };
}

const A = { cpu: 1930, memory: 100, pods: 29 };
const B = { cpu: 1930, memory: 90, pods: 29 };

describe('observedResources', () => {
  it('takes the most common allocatable of a type', () => {
    const out = observedResources([node('n1', 'm5.large', B), node('n2', 'm5.large', A), node('n3', 'm5.large', A)]);
    expect(out.get('m5.large')?.allocatable).toEqual(A);
    // The representative is the first node by name within the winning group (n2).
    expect(out.get('m5.large')?.capacity.marker).toBe(2);
  });

  it('breaks ties by the smallest node name, whatever the input order', () => {
    const nodes = [node('b', 'm5.large', A), node('a', 'm5.large', B)];
    expect(observedResources(nodes).get('m5.large')?.allocatable).toEqual(B);
    expect(observedResources([...nodes].reverse()).get('m5.large')?.allocatable).toEqual(B);
  });

  it('treats key order inside a resource list as irrelevant', () => {
    const reordered = { pods: 29, memory: 100, cpu: 1930 };
    const out = observedResources([node('a', 't3.large', B), node('b', 't3.large', A), node('c', 't3.large', reordered)]);
    expect(out.get('t3.large')?.allocatable).toEqual(A);
  });

  it('skips nodes without an instance type and lists types in name order', () => {
    const out = observedResources([node('x', 'r5.large', A), node('y', null, B), node('z', 'c5.large', B)]);
    expect([...out.keys()]).toEqual(['c5.large', 'r5.large']);
  });

  it('returns copies, not the nodes own objects', () => {
    const n = node('a', 'm5.large', { ...A });
    const out = observedResources([n]);
    const got = out.get('m5.large');
    expect(got?.allocatable).not.toBe(n.allocatable);
    expect(got?.allocatable).toEqual(n.allocatable);
  });
});
