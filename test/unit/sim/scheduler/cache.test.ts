import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../../../../sim/scheduler/cache.js';
import { requested } from '../../../../sim/scheduler/plugins/node-resources-fit.js';
import { node, pod } from './fixtures.js';

const cache = () => new SchedulerCache({ namespaceLabels: {}, pdbs: () => [] });

describe('SchedulerCache', () => {
  it('lists nodes in name order with the pods bound to them; a moved pod leaves its old node', () => {
    const c = cache();
    c.setNode(node('b'));
    c.setNode(node('a'));
    c.addPod(pod('p', { requests: { cpu: 500 } }), 'b');
    c.addPod(pod('p', { requests: { cpu: 500 } }), 'a');
    const s = c.snapshot();
    expect(s.nodes.map((n) => [n.node.name, n.pods.map((p) => p.name)])).toEqual([['a', ['p']], ['b', []]]);
    expect(c.nodeOf('uid-p')).toBe('a');
  });

  it('never mutates a NodeState or pods array handed out: a change makes new ones, and the sums follow', () => {
    const c = cache();
    c.setNode(node('a'));
    c.addPod(pod('p1', { requests: { cpu: 500 } }), 'a');
    const first = c.snapshot();
    const firstState = first.nodes[0];
    const firstPods = firstState?.pods ?? [];
    expect(requested(firstPods, 'cpu', false)).toBe(500);
    c.addPod(pod('p2', { requests: { cpu: 300 } }), 'a');
    expect(firstState?.pods.length).toBe(1);
    expect(firstPods.length).toBe(1);
    expect(requested(firstPods, 'cpu', false)).toBe(500);
    const second = c.snapshot();
    expect(requested(second.nodes[0]?.pods ?? [], 'cpu', false)).toBe(800);
    c.removePod('uid-p1');
    expect(requested(c.snapshot().nodes[0]?.pods ?? [], 'cpu', false)).toBe(300);
  });

  it('replacing a node object keeps its pods; removing it forgets them; unknown nodes take no pods', () => {
    const c = cache();
    c.setNode(node('a'));
    c.addPod(pod('p'), 'a');
    c.setNode(node('a', { unschedulable: true }));
    const s = c.snapshot();
    expect(s.nodes[0]?.node.unschedulable).toBe(true);
    expect(s.nodes[0]?.pods.map((p) => p.name)).toEqual(['p']);
    c.removeNode('a');
    expect(c.snapshot().nodes).toEqual([]);
    expect(c.nodeOf('uid-p')).toBeNull();
    c.addPod(pod('q'), 'ghost');
    expect(c.nodeOf('uid-q')).toBeNull();
  });

  it('reads PDBs only when asked (preemption), once per snapshot', () => {
    let reads = 0;
    const c = new SchedulerCache({ namespaceLabels: {}, pdbs: () => { reads++; return []; } });
    const s = c.snapshot();
    expect(reads).toBe(0);
    expect(s.pdbs).toEqual([]);
    expect(s.pdbs).toEqual([]);
    expect(reads).toBe(1);
  });
});
