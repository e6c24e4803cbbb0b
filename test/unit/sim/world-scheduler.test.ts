/**
 * The simulated world schedules with its own kube-scheduler (sim/world/scheduler-part.ts over sim/scheduler/): spreading by
 * LeastAllocated where a first-fit packer would fill one node, preemption of lower-priority pods, NotReady nodes taken as
 * tainted, and kube-scheduler's message for a pod that fits nowhere.
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/types.js';
import { bareWorld as world, runUntil } from './bare-world.js';
import { cluster, deployment, oldNode } from './tiny-world.js';


function pending(name: string, cpu: number, priority = 0): Pod {
  const base = deployment({ name, replicas: 1, nodes: [''], cpu }).pods[0] as Pod;
  return { ...base, name, uid: `uid-${name}`, owner: null, workload: null, nodeName: null, phase: 'Pending', ready: false, priority };
}

describe("the world's kube-scheduler", () => {
  it('spreads pending pods over empty nodes (LeastAllocated), where first-fit would fill the first node', () => {
    const c = cluster([oldNode('n-1', 'i-01'), oldNode('n-2', 'i-02'), oldNode('n-3', 'i-03')], []);
    const pods = ['a', 'b', 'c'].map((n) => pending(n, 400));
    const w = world({ ...c, pods });
    runUntil(w, 60);
    const bound = w.events.filter((e) => e.kind === 'pod.bound').map((e) => e['node']);
    expect(bound).toHaveLength(3);
    expect(new Set(bound).size).toBe(3);
  });

  it('preempts a lower-priority pod for a higher-priority one that fits nowhere, and binds it once the victim is gone', () => {
    const c = cluster([oldNode('n-1', 'i-01')], []);
    const low = { ...pending('low', 1500, 0), nodeName: 'n-1', phase: 'Running' as const, ready: true };
    const high = pending('high', 1000, 1000);
    const w = world({ ...c, pods: [low, high] });
    runUntil(w, 120);
    const kinds = w.events.filter((e) => e.object === 'Pod default/high' || e.object === 'Pod default/low').map((e) => `${e.kind} ${e.object}`);
    expect(kinds).toContain('pod.preempting Pod default/high');
    expect(kinds.indexOf('pod.terminating Pod default/low')).toBeGreaterThan(kinds.indexOf('pod.preempting Pod default/high'));
    expect(kinds).toContain('pod.bound Pod default/high');
    expect(w.events.find((e) => e.kind === 'pod.terminating' && e.object === 'Pod default/low')?.['reason']).toBe('preempted');
  });

  it('does not preempt pods of equal priority: the pod stays Pending with the FitError', () => {
    const c = cluster([oldNode('n-1', 'i-01')], []);
    const low = { ...pending('first', 1500, 0), nodeName: 'n-1', phase: 'Running' as const, ready: true };
    const w = world({ ...c, pods: [low, pending('second', 1000, 0)] });
    runUntil(w, 120);
    expect(w.events.some((e) => e.kind === 'pod.preempting')).toBe(false);
    const why = w.events.find((e) => e.kind === 'pod.unschedulable' && e.object === 'Pod default/second');
    expect(why?.['reason']).toBe('0/1 nodes are available: 1 Insufficient cpu.');
  });

  it('takes a NotReady node as carrying the not-ready taint', () => {
    const c = cluster([{ ...oldNode('n-1', 'i-01'), ready: false }], []);
    const w = world({ ...c, pods: [pending('p', 100)] });
    runUntil(w, 60);
    const why = w.events.find((e) => e.kind === 'pod.unschedulable');
    expect(why?.['reason']).toBe('0/1 nodes are available: 1 node(s) had untolerated taint(s).');
  });
});
