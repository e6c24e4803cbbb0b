import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../src/gen/prng.js';
import { schedule } from '../../../../sim/scheduler/framework.js';
import { preempt } from '../../../../sim/scheduler/preemption.js';
import type { SchedPod, Snapshot } from '../../../../sim/scheduler/types.js';
import { node, pod, snapshot, state } from './fixtures.js';

const cpu = (m: number) => ({ cpu: m, pods: 1 });

function preemptFor(p: SchedPod, s: Snapshot) {
  const r = schedule(p, s, new Prng(7));
  if (r.kind !== 'unschedulable') throw new Error('expected the pod not to fit');
  return preempt(p, s, r.diagnosis);
}

describe('preemption (DefaultPreemption)', () => {
  it('a higher-priority pod evicts a lower-priority one to fit', () => {
    const s = snapshot([state(node('a'), [pod('low', { priority: 10, requests: cpu(3000) })])]);
    const c = preemptFor(pod('high', { priority: 100, requests: cpu(2000) }), s);
    expect(c).toMatchObject({ node: 'a', pdbViolations: 0 });
    expect(c?.victims.map((v) => v.name)).toEqual(['low']);
  });

  it('never evicts a pod of equal or higher priority', () => {
    const s = snapshot([state(node('a'), [pod('same', { priority: 100, requests: cpu(2000) }), pod('higher', { priority: 200, requests: cpu(1000) })])]);
    expect(preemptFor(pod('p', { priority: 100, requests: cpu(2000) }), s)).toBeNull();
  });

  it('evicts only as many as needed, reprieving the most important first', () => {
    const s = snapshot([
      state(node('a'), [
        pod('l1', { priority: 1, requests: cpu(1000) }),
        pod('l5', { priority: 5, requests: cpu(1000) }),
        pod('l3', { priority: 3, requests: cpu(1000) }),
        pod('l2', { priority: 2, requests: cpu(1000) }),
      ]),
    ]);
    const c = preemptFor(pod('p', { priority: 100, requests: cpu(2000) }), s);
    expect(c?.victims.map((v) => v.name)).toEqual(['l2', 'l1']);
  });

  it('prefers the node whose victims violate no PodDisruptionBudget', () => {
    const guarded = state(node('a'), [pod('g', { priority: 1, labels: { app: 'g' }, requests: cpu(4000) })]);
    const free = state(node('b'), [pod('f', { priority: 1, labels: { app: 'f' }, requests: cpu(4000) })]);
    const pdb = { namespace: 'default', name: 'g', selector: { matchLabels: { app: 'g' }, matchExpressions: [] }, minAvailable: null, maxUnavailable: null, disruptionsAllowed: 0 };
    const c = preemptFor(pod('p', { priority: 100, requests: cpu(1000) }), snapshot([guarded, free], { pdbs: [pdb] }));
    expect(c).toMatchObject({ node: 'b', pdbViolations: 0 });
  });

  it('prefers the node whose most important victim has the lower priority, even with more victims', () => {
    const a = state(node('a'), [pod('a9', { priority: 9, requests: cpu(4000) })]);
    const b = state(node('b'), [pod('b1', { priority: 1, requests: cpu(2000) }), pod('b2', { priority: 2, requests: cpu(2000) })]);
    const c = preemptFor(pod('p', { priority: 100, requests: cpu(4000) }), snapshot([a, b]));
    expect(c?.node).toBe('b');
  });

  it('with equal top priorities prefers fewer victims, then the victims that started latest', () => {
    const two = state(node('a'), [pod('a1', { priority: 1, requests: cpu(2000) }), pod('a2', { priority: 1, requests: cpu(2000) })]);
    const one = state(node('b'), [pod('b1', { priority: 1, requests: cpu(4000) })]);
    expect(preemptFor(pod('p', { priority: 100, requests: cpu(4000) }), snapshot([two, one]))?.node).toBe('b');
    const old = state(node('c'), [pod('c1', { priority: 1, requests: cpu(4000), startTime: 10 })]);
    const young = state(node('d'), [pod('d1', { priority: 1, requests: cpu(4000), startTime: 50 })]);
    expect(preemptFor(pod('p', { priority: 100, requests: cpu(4000) }), snapshot([old, young]))?.node).toBe('d');
  });

  it('counts a PDB violation when no node can avoid one', () => {
    const g = state(node('a'), [pod('g', { priority: 1, labels: { app: 'g' }, requests: cpu(4000) })]);
    const pdb = { namespace: 'default', name: 'g', selector: { matchLabels: { app: 'g' }, matchExpressions: [] }, minAvailable: null, maxUnavailable: null, disruptionsAllowed: 0 };
    expect(preemptFor(pod('p', { priority: 100, requests: cpu(1000) }), snapshot([g], { pdbs: [pdb] }))).toMatchObject({ node: 'a', pdbViolations: 1 });
  });

  it('does not preempt for a pod with preemptionPolicy Never, nor on nodes it cannot use at all', () => {
    const s = snapshot([state(node('a'), [pod('low', { priority: 1, requests: cpu(4000) })])]);
    expect(preemptFor(pod('p', { priority: 100, requests: cpu(1000), preemptionPolicy: 'Never' }), s)).toBeNull();
    const tainted = snapshot([state(node('t', { taints: [{ key: 'x', value: '', effect: 'NoSchedule' }] }), [pod('low', { priority: 1, requests: cpu(4000) })])]);
    expect(preemptFor(pod('p', { priority: 100, requests: cpu(1000) }), tainted)).toBeNull();
  });
});
