/**
 * The class cache answers only for pods whose verdicts read one node: a placed pod's anti-affinity selecting the class, or
 * constraints of the pod's own that count other nodes' pods, turn it off; a node's answer is redone once its pods change.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../src/gen/prng.js';
import { SchedulerCache } from '../../../../sim/scheduler/cache.js';
import { ClassCache } from '../../../../sim/scheduler/class-cache.js';
import { schedule } from '../../../../sim/scheduler/framework.js';
import { node, pod, spread, term } from './fixtures.js';

function world() {
  const cache = new SchedulerCache({ namespaceLabels: {}, pdbs: () => [] });
  cache.setNode(node('a', { labels: { zone: 'z' } }));
  cache.setNode(node('b', { labels: { zone: 'z' } }));
  return { cache, classes: new ClassCache(cache) };
}

describe('ClassCache', () => {
  it("turns off for a class once a placed pod's anti-affinity selects it (verdicts then read other nodes)", () => {
    const { cache, classes } = world();
    const web = (n: string) => pod(n, { labels: { app: 'web' }, requests: { cpu: 100, pods: 1 } });
    const first = cache.snapshot();
    expect(schedule(web('w1'), first, new Prng(1), undefined, classes.answers('web', web('w1'), first)).kind).toBe('scheduled');
    // A guard on b repels web pods from the whole zone; a's NodeState is unchanged.
    cache.addPod(pod('guard', { podAntiAffinity: [term({ app: 'web' }, 'zone')] }), 'b');
    const now = cache.snapshot();
    expect(classes.answers('web', web('w2'), now)).toBeNull();
    expect(schedule(web('w2'), now, new Prng(1)).kind).toBe('unschedulable');
  });

  it('gives no answers to a pod with topology spread or pod (anti-)affinity of its own', () => {
    const { cache, classes } = world();
    const s = cache.snapshot();
    expect(classes.answers('s', pod('s', { topologySpread: [spread({ topologyKey: 'zone', labels: { app: 'x' } })] }), s)).toBeNull();
    expect(classes.answers('a', pod('a', { podAntiAffinity: [term({ app: 'x' }, 'zone')] }), s)).toBeNull();
    expect(classes.answers('p', pod('p'), s)).not.toBeNull();
  });

  it("redoes a node's verdict when its pods change", () => {
    const { cache, classes } = world();
    const big = (n: string) => pod(n, { requests: { cpu: 3000, pods: 1 } });
    let s = cache.snapshot();
    const r1 = schedule(big('b1'), s, new Prng(1), undefined, classes.answers('big', big('b1'), s));
    expect(r1.kind).toBe('scheduled');
    if (r1.kind !== 'scheduled') return;
    cache.addPod(big('b1'), r1.node);
    s = cache.snapshot();
    const r2 = schedule(big('b2'), s, new Prng(1), undefined, classes.answers('big', big('b2'), s));
    expect(r2).toMatchObject({ kind: 'scheduled', node: r1.node === 'a' ? 'b' : 'a' });
    if (r2.kind === 'scheduled') cache.addPod(big('b2'), r2.node);
    s = cache.snapshot();
    expect(schedule(big('b3'), s, new Prng(1), undefined, classes.answers('big', big('b3'), s))).toMatchObject({
      kind: 'unschedulable',
      message: '0/2 nodes are available: 2 Insufficient cpu.',
    });
  });
});
