import { describe, expect, it } from 'vitest';
import { podTopologySpreadScore } from '../../../../sim/scheduler/plugins/pod-topology-spread.js';
import { node, pod, snapshot, spread, state } from './fixtures.js';

const web = (name: string) => pod(name, { labels: { app: 'web' } });

describe('PodTopologySpread score (ScheduleAnyway)', () => {
  const n1 = state(node('n1', { labels: { zone: 'a' } }), [web('w1'), web('w2')]);
  const n2 = state(node('n2', { labels: { zone: 'b' } }), [web('w3')]);
  const n3 = state(node('n3', { labels: { zone: 'b' } }));
  const n4 = state(node('n4'));
  const all = snapshot([n1, n2, n3, n4]);
  const p = pod('p', { labels: { app: 'web' }, topologySpread: [spread({ topologyKey: 'zone', labels: { app: 'web' }, whenUnsatisfiable: 'ScheduleAnyway' })] });

  it('scores count * ln(domains + 2) + (maxSkew - 1), rounded; ignores nodes missing the key', () => {
    // 2 zones -> weight ln 4 = 1.386: zone a 2 pods -> 2.77 -> 3; zone b 1 pod -> 1.39 -> 1.
    expect(podTopologySpreadScore.score(p, [n1, n2, n3, n4], all)).toEqual([3, 1, 1, -1]);
  });

  it('normalises as 100 * (max + min - s) / max; ignored nodes get 0', () => {
    // max 3, min 1: n1 100 * 1 / 3 = 33; n2, n3 100 * 3 / 3 = 100.
    expect(podTopologySpreadScore.normalize?.([3, 1, 1, -1])).toEqual([33, 100, 100, 0]);
  });

  it('is skipped (0 everywhere) for a pod without soft constraints', () => {
    const raw = podTopologySpreadScore.score(pod('q'), [n1, n2], all);
    expect(podTopologySpreadScore.normalize?.(raw)).toEqual([0, 0]);
  });

  it('gives 100 everywhere when no domain holds a matching pod', () => {
    const q = pod('q', { topologySpread: [spread({ topologyKey: 'zone', labels: { app: 'none' }, whenUnsatisfiable: 'ScheduleAnyway' })] });
    const raw = podTopologySpreadScore.score(q, [n1, n2], all);
    expect(raw).toEqual([0, 0]);
    expect(podTopologySpreadScore.normalize?.(raw)).toEqual([100, 100]);
  });
});
