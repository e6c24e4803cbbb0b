/**
 * The world scheduler's unschedulable pool (sim/world/scheduling-queue.ts, scheduler-part.ts): a pod that found no node
 * waits until an event may let it fit - a pod gone from its node, a pod its affinity needs placed - and is then tried at
 * once, not at the pool's flush five minutes later.
 */
import { describe, expect, it } from 'vitest';
import { MAX_IN_UNSCHEDULABLE_SECONDS, SchedulingQueue } from '../../../sim/world/scheduling-queue.js';
import type { SimPod } from '../../../sim/world/types.js';
import type { World } from '../../../sim/cluster.js';
import type { Pod } from '../../../src/model/types.js';
import { simPod } from './sim-pod.js';
import { bareWorld as world, runUntil } from './bare-world.js';
import { cluster, deployment, oldNode } from './tiny-world.js';

function pending(name: string, cpu: number): Pod {
  const base = deployment({ name, replicas: 1, nodes: [''], cpu }).pods[0] as Pod;
  return { ...base, name, uid: `uid-${name}`, owner: null, workload: null, nodeName: null, phase: 'Pending', ready: false };
}

function boundAt(w: World, name: string): number | undefined {
  return w.events.find((e) => e.kind === 'pod.bound' && e.object === `Pod default/${name}`)?.t;
}

describe('the unschedulable pool and its wake-ups', () => {
  it('tries a parked pod again as soon as a pod gone frees room on a node, not at the flush', () => {
    const c = cluster([oldNode('n-1', 'i-01')], []);
    const big = { ...pending('big', 1500), nodeName: 'n-1', phase: 'Running' as const, ready: true };
    const w = world({ ...c, pods: [big, pending('small', 1000)] });
    runUntil(w, 60);
    expect(w.events.some((e) => e.kind === 'pod.unschedulable' && e.object === 'Pod default/small')).toBe(true);
    const victim = w.podByUid('uid-big');
    expect(victim).toBeDefined();
    w.deletePod(victim as SimPod, 'test');
    runUntil(w, 200);
    const gone = w.events.find((e) => e.kind === 'pod.terminated' && e.object === 'Pod default/big')?.t;
    expect(gone).toBeDefined();
    const bound = boundAt(w, 'small');
    expect(bound).toBeDefined();
    expect((bound as number) - (gone as number)).toBeLessThan(5);
  });

  it('tries a pod whose required affinity found no pod again once such a pod is placed (in the same pass)', () => {
    const c = cluster([oldNode('n-1', 'i-01')], []);
    const follower: Pod = {
      ...pending('follower', 100),
      podAffinity: [{ labelSelector: { matchLabels: { app: 'leader' }, matchExpressions: [] }, namespaces: [], namespaceSelector: null, topologyKey: 'kubernetes.io/hostname' }],
    };
    // Equal priority and age: the follower comes first by name, finds no leader placed, and waits in the pool.
    const w = world({ ...c, pods: [follower, pending('leader', 100)] });
    runUntil(w, 60);
    expect(w.events.some((e) => e.kind === 'pod.unschedulable' && e.object === 'Pod default/follower')).toBe(true);
    expect(boundAt(w, 'leader')).toBeDefined();
    expect(boundAt(w, 'follower')).toBeLessThan(10);
  });

  it('keeps a parked pod Pending through an event that cannot help it, and binds it after one that can', () => {
    const c = cluster([oldNode('n-1', 'i-01'), oldNode('n-2', 'i-02')], []);
    const big = { ...pending('big', 1500), nodeName: 'n-1', phase: 'Running' as const, ready: true };
    // Fits nowhere: n-1 is full, n-2 is cordoned below; a pod gone from n-2 does not help it, a pod gone from n-1 does.
    const other = { ...pending('other', 100), nodeName: 'n-2', phase: 'Running' as const, ready: true };
    const w = world({ ...c, nodes: c.nodes.map((n) => (n.name === 'n-2' ? { ...n, unschedulable: true } : n)), pods: [big, other, pending('small', 1000)] });
    runUntil(w, 20);
    const small = w.pendingPods().find((p) => p.name === 'small');
    expect(small?.unschedulable).toBe('0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.');
    w.deletePod(w.podByUid('uid-other') as SimPod, 'test');
    runUntil(w, 120);
    expect(boundAt(w, 'small')).toBeUndefined();
    w.deletePod(w.podByUid('uid-big') as SimPod, 'test');
    runUntil(w, 240);
    expect(boundAt(w, 'small')).toBeDefined();
  });
});

describe('SchedulingQueue', () => {
  const pod = (name: string, priority: number, createdAt: number): SimPod => {
    const p = simPod('ns', name);
    return { ...p, base: { ...p.base, priority } as SimPod['base'], createdAt };
  };

  it('hands the active pods in queue order (priority, then age, then name) and empties the active queue', () => {
    const q = new SchedulingQueue();
    const pods = [pod('c', 0, 5), pod('b', 0, 5), pod('a', 0, 9), pod('z', 10, 20)];
    for (const p of pods) q.activate(p);
    expect(q.takeActive().map((p) => p.name)).toEqual(['z', 'b', 'c', 'a']);
    expect(q.activeCount).toBe(0);
  });

  it('parks pods by group and class, wakes a class at once, and flushes only pods parked before the cutoff', () => {
    const q = new SchedulingQueue();
    const [a, b, c] = [pod('a', 0, 1), pod('b', 0, 2), pod('c', 0, 3)] as [SimPod, SimPod, SimPod];
    q.park(a, 'g1', 'l1', 'e1', 0);
    q.park(b, 'g1', 'l1', 'e1', 10);
    q.park(c, 'g1', 'l1', 'e2', 100);
    expect(q.parkedCount).toBe(3);
    const [group] = q.parkedGroups();
    expect(group === undefined ? 0 : q.wake(group, 'e1')).toBe(2);
    expect(q.takeActive().map((p) => p.name)).toEqual(['a', 'b']);
    q.park(a, 'g1', 'l1', 'e1', 200);
    // c entered at 100, a again at 200: a cutoff of 150 takes c only (a's first entry at 0 is no longer current).
    expect(q.flush(150)).toBe(1);
    expect(q.takeActive().map((p) => p.name)).toEqual(['c']);
    expect(q.flush(200 + MAX_IN_UNSCHEDULABLE_SECONDS)).toBe(1);
    expect(q.parkedCount).toBe(0);
    expect(q.parkedGroups()).toEqual([]);
  });

  it("keeps a pod's place on the pod for its own queue only, and drops it when the pod leaves the queue", () => {
    const [q, other] = [new SchedulingQueue(), new SchedulingQueue()];
    const a = pod('a', 0, 1);
    q.park(a, 'g1', 'l1', 'e1', 0);
    expect(q.isParked(a)).toBe(true);
    expect(other.isParked(a)).toBe(false);
    // The other queue neither sees nor moves the place.
    other.remove(a);
    expect(q.isParked(a)).toBe(true);
    q.remove(a);
    expect(q.isParked(a)).toBe(false);
    expect(a.queued).toBeUndefined();
    expect(q.parkedCount).toBe(0);
    expect(q.parkedGroups()).toEqual([]);
  });
});
