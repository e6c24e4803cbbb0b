import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../../../src/model/types.js';
import { SchedulerCache } from '../../../../sim/scheduler/cache.js';
import { nodesVersion, versionLog } from '../../../../sim/scheduler/overlay.js';
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

  it("keeps a log of its node changes: from any version's position, the entries lead to any other's node set, either way", () => {
    const step = fc.record({ kind: fc.constantFrom('set', 'relabel', 'remove', 'pod'), at: fc.nat(7) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 10 }), (steps, pairs) => {
        const c = cache();
        // The node set after each step, as the snapshot shows it, with the position its version stands for.
        const seen: { pos: number; nodes: Map<string, Node> }[] = [];
        steps.forEach(({ kind, at }, i) => {
          const name = `n${at}`;
          if (kind === 'set') c.setNode(node(name));
          else if (kind === 'relabel' && c.hasNode(name)) c.setNode(node(name, { labels: { step: String(i) } }));
          else if (kind === 'remove') c.removeNode(name);
          else c.addPod(pod(`p${i}`), name);
          const s = c.snapshot();
          const log = versionLog(nodesVersion(s));
          expect(log).toBeDefined();
          seen.push({ pos: log?.end ?? -1, nodes: new Map(s.nodes.map((n) => [n.node.name, n.node])) });
        });
        const log = versionLog(nodesVersion(c.snapshot()));
        if (log === undefined) throw new Error('no log');
        for (const [a, b] of pairs) {
          const from = seen[a % seen.length] as (typeof seen)[number];
          const to = seen[b % seen.length] as (typeof seen)[number];
          const nodes = new Map(from.nodes);
          const put = (name: string, n: Node | undefined): void => void (n === undefined ? nodes.delete(name) : nodes.set(name, n));
          for (let p = from.pos; p < to.pos; p++) put(log.nameAt(p), log.afterAt(p));
          for (let p = from.pos; p > to.pos; p--) put(log.nameAt(p - 1), log.beforeAt(p - 1));
          expect([...nodes].sort()).toEqual([...to.nodes].sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives a snapshot a new node-set version at a node change only, one log for the cache', () => {
    const c = cache();
    const v0 = nodesVersion(c.snapshot());
    c.setNode(node('a'));
    const v1 = nodesVersion(c.snapshot());
    c.addPod(pod('p'), 'a');
    expect(nodesVersion(c.snapshot())).toBe(v1);
    expect(v1).not.toBe(v0);
    expect(versionLog(v1)).toBe(versionLog(v0));
    expect(versionLog(v1)?.end).toBe(1);
    expect(versionLog(nodesVersion(cache().snapshot()))).not.toBe(versionLog(v0));
  });
});
