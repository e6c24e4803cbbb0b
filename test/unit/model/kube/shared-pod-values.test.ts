import { describe, expect, it } from 'vitest';
import { ClusterBuilder, parseClusterObjects } from '../../../../src/model/kube/cluster.js';
import { sameValue } from '../../../../src/model/kube/same-value.js';
import { container, list, pod } from './helpers.js';

const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }];
const spec = (cpu: string): Record<string, unknown> => ({ nodeName: 'n1', tolerations, containers: [container('app', { cpu, memory: '1Gi' })] });
const meta = (labels: Record<string, string>): Record<string, unknown> => ({ namespace: 'shop', labels });

describe('pods read one after another share the values equal to the previous pod', () => {
  const objects = [
    pod('web-1', spec('100m'), meta({ app: 'web', tier: 'front' })),
    pod('web-2', spec('100m'), meta({ app: 'web', tier: 'front' })),
    // Same labels in another order: not shared (the order of entries is part of the value).
    pod('web-3', spec('200m'), meta({ tier: 'front', app: 'web' })),
  ];

  for (const [name, read] of [
    ['whole input', () => parseClusterObjects([list(...objects)], 'c.json').pods],
    [
      'object by object',
      () => {
        const b = new ClusterBuilder('c.json');
        objects.forEach((value, i) => b.add({ value, where: `objects[${i}]` }));
        return b.finish().pods;
      },
    ],
  ] as const) {
    it(name, () => {
      const [a, b, c] = read();
      expect(a?.name).toBe('web-1');
      expect(b?.labels).toBe(a?.labels);
      expect(b?.tolerations).toBe(a?.tolerations);
      expect(b?.requests).toBe(a?.requests);
      expect(c?.tolerations).toBe(b?.tolerations);
      expect(c?.labels).not.toBe(b?.labels);
      expect(Object.keys(c?.labels ?? {})).toEqual(['tier', 'app']);
      expect(c?.requests).not.toBe(b?.requests);
      expect(c?.requests['cpu']).toBe(200);
    });
  }
});

describe('sameValue', () => {
  it('compares data, arrays by element and objects by entries in order', () => {
    expect(sameValue({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null })).toBe(true);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1, 2], [1, 2, 3])).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(sameValue({}, [])).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue('1', 1)).toBe(false);
  });
});
