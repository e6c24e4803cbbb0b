/**
 * Seeding new nodes with pods that each need a node of their own (hostname anti-affinity to their own class): when such
 * pods outnumber the nodes the rest needs, every node opened takes one, so no node ends up full of other pods before their
 * turn.
 */
import { describe, expect, it } from 'vitest';
import { solve } from '../../../src/planner/pack.js';
import { packInput, type PackClassSpec, type PackSpec } from '../../arbitraries/index.js';

const plain: PackClassSpec = {
  count: 1,
  cpu: 1000,
  memoryMi: 1024,
  gpus: 0,
  priority: 0,
  app: 0,
  hostPort: false,
  anti: null,
  zoneSpread: false,
  hostSpread: false,
  affinityTo: null,
  dedicated: false,
};

function spec(classes: PackClassSpec[]): PackSpec {
  return {
    types: [{ vcpu: 4, memoryGiB: 16, maxPods: 40, reservedCpu: 0, gpus: 0 }],
    classes,
    zones: 1,
    maxInstanceCount: null,
    dedicatedVng: false,
    staying: [],
    daemonSet: false,
    order: 0,
  };
}

describe('one-per-node pods seeded onto new nodes', () => {
  it('8 pods of 1 cpu and 3 smaller pods that repel each other per hostname fit on 3 nodes of 4 cpu, one of the 3 on each', () => {
    // First fit alone takes the larger pods first and fills two nodes with 4 each; the 3 others would then open a node each.
    const input = packInput(spec([{ ...plain, count: 8 }, { ...plain, count: 3, cpu: 500, memoryMi: 512, app: 1, anti: { to: 1, zone: false } }]));
    const r = solve(input);
    expect(r.unschedulable.size).toBe(0);
    expect(r.newNodes).toHaveLength(3);
    const repelling = (i: number): boolean => input.movingPods[i]?.labels['app'] === 'app-1';
    expect(r.newNodes.map((n) => n.pods.filter(repelling).length)).toEqual([1, 1, 1]);
  });

  it('leaves first fit alone when the pods that repel each other are fewer than the nodes the others need', () => {
    // 12 pods of 1 cpu need 3 nodes; the single pod that wants a node of its own finds room on the last one.
    const input = packInput(spec([{ ...plain, count: 11 }, { ...plain, count: 1, cpu: 500, memoryMi: 512, app: 1, anti: { to: 1, zone: false } }]));
    const r = solve(input);
    expect(r.newNodes.map((n) => n.pods.length)).toEqual([4, 4, 4]);
    expect(r.newNodes[2]?.pods.some((i) => input.movingPods[i]?.labels['app'] === 'app-1')).toBe(true);
  });
});
