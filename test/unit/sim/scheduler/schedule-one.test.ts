import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../src/gen/prng.js';
import { scheduleOne } from '../../../../sim/scheduler/schedule-one.js';
import { node, pod, snapshot, state } from './fixtures.js';

describe('scheduleOne: a scheduling cycle, then preemption when nothing fits', () => {
  const full = snapshot([state(node('a'), [pod('low', { priority: 0, requests: { cpu: 4000, pods: 1 } })])]);

  it('binds when a node fits', () => {
    expect(scheduleOne(pod('p', { requests: { cpu: 100, pods: 1 } }), snapshot([state(node('a'))]), new Prng(3))).toEqual({ kind: 'scheduled', node: 'a' });
  });

  it('preempts lower-priority pods, naming the victims and the FitError', () => {
    const r = scheduleOne(pod('p', { priority: 10, requests: { cpu: 1000, pods: 1 } }), full, new Prng(3));
    expect(r).toMatchObject({ kind: 'preempt', node: 'a', message: '0/1 nodes are available: 1 Insufficient cpu.' });
    if (r.kind === 'preempt') expect(r.victims.map((v) => v.name)).toEqual(['low']);
  });

  it('stays unschedulable when only equal-priority pods could make room', () => {
    expect(scheduleOne(pod('p', { priority: 0, requests: { cpu: 1000, pods: 1 } }), full, new Prng(3))).toMatchObject({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 Insufficient cpu.',
    });
  });
});
