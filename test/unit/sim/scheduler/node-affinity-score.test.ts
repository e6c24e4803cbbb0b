import { describe, expect, it } from 'vitest';
import { nodeAffinityScore } from '../../../../sim/scheduler/plugins/node-affinity.js';
import { node, pod, snapshot, state } from './fixtures.js';

const req = (key: string, value: string) => ({ matchExpressions: [{ key, operator: 'In' as const, values: [value] }], matchFields: [] });

describe('NodeAffinity score', () => {
  it('sums the weights of matching preferred terms and scales the highest to 100', () => {
    const a = state(node('a', { labels: { zone: 'z1', disk: 'ssd' } }));
    const b = state(node('b', { labels: { zone: 'z1' } }));
    const c = state(node('c'));
    const p = pod('p', { preferredNodeAffinity: [{ weight: 5, term: req('zone', 'z1') }, { weight: 3, term: req('disk', 'ssd') }] });
    const raw = nodeAffinityScore.score(p, [a, b, c], snapshot([a, b, c]));
    expect(raw).toEqual([8, 5, 0]);
    // 100 * 5 / 8 = 62.5 -> 62.
    expect(nodeAffinityScore.normalize?.(raw)).toEqual([100, 62, 0]);
  });

  it('scores 0 everywhere without preferred terms', () => {
    const a = state(node('a'));
    expect(nodeAffinityScore.normalize?.(nodeAffinityScore.score(pod('p'), [a], snapshot([a])))).toEqual([0]);
  });
});
