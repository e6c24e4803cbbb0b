import { describe, expect, it } from 'vitest';
import { PREDICATES, runFilters } from '../../../../src/planner/predicates/index.js';
import { taint, world } from '../../../helpers/sched.js';

describe('runFilters', () => {
  it("runs kube-scheduler's filter order and stops at the first failing plugin", () => {
    // kube-scheduler's plugins keep their upstream relative order (plugins of our own may sit between them)
    const upstream = [
      'TaintToleration',
      'NodeAffinity',
      'NodePorts',
      'NodeResourcesFit',
      'VolumeBinding',
      'VolumeZone',
      'PodTopologySpread',
      'InterPodAffinity',
    ];
    const names: string[] = PREDICATES.map((p) => p.name);
    expect(upstream.map((n) => names.indexOf(n))).toEqual(upstream.map((n) => names.indexOf(n)).sort((a, b) => a - b));
    expect(upstream.every((n) => names.includes(n))).toBe(true);
    expect(names[names.length - 1]).toBe('VngLimits');
    const w = world({
      nodes: [{ name: 'n1', taints: [taint('a', 'b')], labels: { pool: 'x' }, allocatable: { cpu: 100, pods: 1 } }],
      incoming: [{ nodeSelector: { pool: 'y' }, requests: { cpu: 1000 } }, { requests: { cpu: 1000 }, tolerations: [{ key: '', operator: 'Exists', value: '', effect: '' }] }],
    });
    expect(runFilters(w.ctx, w.classes[0]!, w.node('n1'))?.plugin).toBe('TaintToleration');
    expect(runFilters(w.ctx, w.classes[1]!, w.node('n1'))).toEqual({ plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu'] });
  });
});
