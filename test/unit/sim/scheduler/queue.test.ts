import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from '../../../../sim/scheduler/queue.js';
import { pod } from './fixtures.js';

describe('scheduling queue (PrioritySort)', () => {
  it('pops higher priority first, then earlier arrival, then insertion order', () => {
    const q = new SchedulingQueue();
    q.add(pod('low-early', { priority: 0 }), 1);
    q.add(pod('high-late', { priority: 1000 }), 9);
    q.add(pod('low-earliest', { priority: 0 }), 0);
    q.add(pod('high-early', { priority: 1000 }), 2);
    q.add(pod('low-early-second', { priority: 0 }), 1);
    const order: string[] = [];
    for (let p = q.pop(); p !== null; p = q.pop()) order.push(p.name);
    expect(order).toEqual(['high-early', 'high-late', 'low-earliest', 'low-early', 'low-early-second']);
    expect(q.length).toBe(0);
  });
});
