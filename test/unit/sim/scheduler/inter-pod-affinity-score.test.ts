import { describe, expect, it } from 'vitest';
import { interPodAffinityScore } from '../../../../sim/scheduler/plugins/inter-pod-affinity.js';
import { node, pod, snapshot, state, term } from './fixtures.js';

describe('InterPodAffinity score', () => {
  const n1 = state(node('n1', { labels: { zone: 'a' } }), [pod('db', { labels: { app: 'db' } })]);
  const n2 = state(node('n2', { labels: { zone: 'b' } }), [pod('web', { labels: { app: 'web' } })]);
  const n3 = state(node('n3', { labels: { zone: 'c' } }));
  const all = snapshot([n1, n2, n3]);

  it('adds preferred affinity weights, subtracts anti-affinity weights per domain, normalises min..max to 0..100', () => {
    const p = pod('p', {
      preferredPodAffinity: [{ weight: 10, term: term({ app: 'db' }, 'zone') }],
      preferredPodAntiAffinity: [{ weight: 4, term: term({ app: 'web' }, 'zone') }],
    });
    const raw = interPodAffinityScore.score(p, [n1, n2, n3], all);
    expect(raw).toEqual([10, -4, 0]);
    // diff 14: n3 100 * 4 / 14 = 28.
    expect(interPodAffinityScore.normalize?.(raw)).toEqual([100, 0, 28]);
  });

  it('counts an existing pod whose required affinity selects the incoming pod with weight 1', () => {
    const e = state(node('n1', { labels: { zone: 'a' } }), [pod('fan', { podAffinity: [term({ app: 'p' }, 'zone')] })]);
    const s = snapshot([e, n3]);
    expect(interPodAffinityScore.score(pod('p', { labels: { app: 'p' } }), [e, n3], s)).toEqual([1, 0]);
  });

  it('gives 0 everywhere when all nodes score the same', () => {
    expect(interPodAffinityScore.normalize?.([0, 0, 0])).toEqual([0, 0, 0]);
  });
});
