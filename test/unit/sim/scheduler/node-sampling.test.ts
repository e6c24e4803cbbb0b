/**
 * Node sampling as kube-scheduler does it (schedule_one.go numFeasibleNodesToFind / findNodesThatPassFilters): how many
 * feasible nodes a cycle looks for, how many nodes it evaluates, and where the next cycle starts; below 100 nodes every node
 * is evaluated and the answers are those of a scheduler that does not sample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../src/gen/prng.js';
import { nodeSampling, numFeasibleNodesToFind, schedule } from '../../../../sim/scheduler/framework.js';
import type { NodeState, SchedPod } from '../../../../sim/scheduler/types.js';
import { node, pod, snapshot, state } from './fixtures.js';
import { makeIncoming, makeNode, makePod, NAMESPACE_LABELS, VOLUMES, worldArb } from './world-gen.js';

const name = (i: number): string => `n${String(i).padStart(4, '0')}`;
/** `n` nodes; those for which `cordoned(i)` holds are unschedulable. */
function nodes(n: number, cordoned: (i: number) => boolean = () => false): NodeState[] {
  return Array.from({ length: n }, (_, i) => state(node(name(i), { unschedulable: cordoned(i) })));
}
const small = pod('p', { requests: { cpu: 10, pods: 1 } });

describe('numFeasibleNodesToFind', () => {
  it("follows kube-scheduler's adaptive percentage: 50% - 1% per 125 nodes, at least 5%, at least 100 nodes", () => {
    const table: [number, number][] = [
      [0, 0],
      [1, 1],
      [99, 99],
      [100, 100], // 50% of 100 = 50 -> at least 100
      [150, 100], // 49% = 73
      [250, 120], // 48%
      [500, 230], // 46%
      [1000, 420], // 42%
      [2000, 680], // 34%
      [5000, 500], // 10%
      [5625, 281], // 5%
      [15000, 750], // 50 - 120 < 5 -> 5%
    ];
    for (const [all, want] of table) expect([all, numFeasibleNodesToFind(0, all)]).toEqual([all, want]);
  });

  it('takes a configured percentage as it is, still at least 100 nodes, and every node below 100', () => {
    expect(numFeasibleNodesToFind(100, 5000)).toBe(5000);
    expect(numFeasibleNodesToFind(30, 1000)).toBe(300);
    expect(numFeasibleNodesToFind(1, 1000)).toBe(100);
    expect(numFeasibleNodesToFind(30, 60)).toBe(60);
  });
});

describe('findNodesThatPassFilters with a NodeSampling', () => {
  it('evaluates nodes until it found enough feasible ones, then starts the next cycle after the last node it evaluated', () => {
    const all = nodes(250);
    const s = snapshot(all);
    const sampling = nodeSampling();
    // 250 nodes: 48% -> 120 feasible nodes per cycle, all feasible here.
    schedule(small, s, new Prng(1), sampling);
    expect(sampling.nextStartNodeIndex).toBe(120);
    schedule(small, s, new Prng(1), sampling);
    expect(sampling.nextStartNodeIndex).toBe(240);
    // Wraps around the node list.
    schedule(small, s, new Prng(1), sampling);
    expect(sampling.nextStartNodeIndex).toBe((240 + 120) % 250);
  });

  it('counts the nodes that failed among those evaluated', () => {
    // The first 30 nodes are cordoned: the first cycle evaluates 30 failing + 120 feasible nodes.
    const s = snapshot(nodes(250, (i) => i < 30));
    const sampling = nodeSampling();
    schedule(small, s, new Prng(1), sampling);
    expect(sampling.nextStartNodeIndex).toBe(150);
  });

  it('picks among the sampled nodes only, and evaluates every node when nothing fits (the start stays)', () => {
    const s = snapshot(nodes(250));
    const sampling = nodeSampling();
    sampling.nextStartNodeIndex = 200;
    const r = schedule(small, s, new Prng(5), sampling);
    // Sampled: nodes 200..249 and 0..69.
    expect(r.kind).toBe('scheduled');
    if (r.kind === 'scheduled') {
      const at = Number(r.node.slice(1));
      expect(at >= 200 || at < 70).toBe(true);
      expect(r.scores).toHaveLength(120);
    }
    const huge = pod('huge', { requests: { cpu: 1_000_000, pods: 1 } });
    const before = sampling.nextStartNodeIndex;
    const fail = schedule(huge, s, new Prng(5), sampling);
    expect(fail).toMatchObject({ kind: 'unschedulable', message: '0/250 nodes are available: 250 Insufficient cpu.' });
    expect(sampling.nextStartNodeIndex).toBe(before);
  });

  it('a percentageOfNodesToScore of 100 evaluates every node, as a scheduler that does not sample', () => {
    const s = snapshot(nodes(300));
    const sampling = nodeSampling(100);
    const r = schedule(small, s, new Prng(9), sampling);
    expect(r.kind === 'scheduled' ? r.scores.length : 0).toBe(300);
    expect(sampling.nextStartNodeIndex).toBe(0);
    expect(schedule(small, s, new Prng(9), sampling)).toEqual(schedule(small, s, new Prng(9)));
  });

  it('below 100 nodes, gives the answers of a scheduler that does not sample, and the start stays at 0', () => {
    fc.assert(
      fc.property(worldArb(12), fc.nat(), (w, seed) => {
        const built = w.nodes.map((d, i) => makeNode(name(i), d));
        const pods: SchedPod[][] = built.map(() => []);
        w.placed.forEach(({ at, pod: d }, i) => pods[at % built.length]?.push(makePod(`p${i}`, d)));
        const s = { nodes: built.map((n, i) => ({ node: n, pods: pods[i] ?? [] })), namespaceLabels: NAMESPACE_LABELS, pdbs: [], volumes: VOLUMES };
        const incoming = makeIncoming('incoming', w.incoming);
        const sampling = nodeSampling();
        const sampled = schedule(incoming, s, new Prng(seed), sampling);
        const every = schedule(incoming, s, new Prng(seed));
        expect(sampled.kind).toBe(every.kind);
        if (sampled.kind === 'scheduled' && every.kind === 'scheduled') expect(sampled.node).toBe(every.node);
        if (sampled.kind === 'unschedulable' && every.kind === 'unschedulable') expect(sampled.message).toBe(every.message);
        expect(sampling.nextStartNodeIndex).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
