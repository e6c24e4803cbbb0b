/**
 * The class cache keeps the node-local verdicts of every class; for a pod whose verdicts read other nodes (a placed pod's
 * anti-affinity selecting the class, or constraints of the pod's own that count other nodes' pods) the filters that read
 * them run in every cycle; a node's answer is redone once its pods change.
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
  it("runs the filters that read other nodes for a class once a placed pod's anti-affinity selects it", () => {
    const { cache, classes } = world();
    const web = (n: string) => pod(n, { labels: { app: 'web' }, requests: { cpu: 100, pods: 1 } });
    const first = cache.snapshot();
    expect(schedule(web('w1'), first, new Prng(1), undefined, classes.answers('web', web('w1'), first)).kind).toBe('scheduled');
    // A guard on b repels web pods from the whole zone; a's NodeState is unchanged.
    cache.addPod(pod('guard', { podAntiAffinity: [term({ app: 'web' }, 'zone')] }), 'b');
    const now = cache.snapshot();
    const local = classes.answers('web', web('w2'), now);
    expect(local.second).not.toBeNull();
    expect(schedule(web('w2'), now, new Prng(1), undefined, local).kind).toBe('unschedulable');
    expect(schedule(web('w2'), now, new Prng(1)).kind).toBe('unschedulable');
  });

  it('runs the filters that read other nodes for a pod with topology spread or pod (anti-)affinity of its own, and only then', () => {
    const { cache, classes } = world();
    const s = cache.snapshot();
    expect(classes.answers('s', pod('s', { topologySpread: [spread({ topologyKey: 'zone', labels: { app: 'x' } })] }), s).second).not.toBeNull();
    expect(classes.answers('a', pod('a', { podAntiAffinity: [term({ app: 'x' }, 'zone')] }), s).second).not.toBeNull();
    expect(classes.answers('p', pod('p'), s).second).toBeNull();
  });

  it('runs the volume filters per pod for a pod with a claim only, not for emptyDir, hostPath or projected volumes', () => {
    const { cache, classes } = world();
    const s = cache.snapshot();
    const plain = pod('v', {
      volumes: [
        { name: 'kube-api-access-x7k2p', kind: 'other' },
        { name: 'scratch', kind: 'emptyDir', medium: '' },
        { name: 'logs', kind: 'hostPath', path: '/var/log' },
      ],
    });
    expect(classes.answers('v', plain, s).second).toBeNull();
    const claimed = pod('c', { volumes: [...plain.volumes, { name: 'data', kind: 'pvc', claimName: 'data-c' }] });
    expect(classes.answers('c', claimed, s).second).not.toBeNull();
  });

  it('answers a known failure for pods without claims from their shared store, whatever other volumes they carry', () => {
    const { cache, classes } = world();
    const huge = (n: string, token: string) =>
      pod(n, { requests: { cpu: 1_000_000, pods: 1 }, volumes: [{ name: `kube-api-access-${token}`, kind: 'other' }, { name: 'scratch', kind: 'emptyDir', medium: '' }] });
    const s = cache.snapshot();
    const h1 = huge('h1', 'aaaaa');
    expect(schedule(h1, s, new Prng(1), undefined, classes.answers('h', h1, s)).kind).toBe('unschedulable');
    const message = classes.knownFailure(huge('h2', 'bbbbb'), () => s);
    expect(message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
    // The answer is the store's one for the node-local key: the same object for every such pod while the cache is unchanged.
    expect(classes.knownFailure(huge('h3', 'ccccc'), () => s)).toBe(message);
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
