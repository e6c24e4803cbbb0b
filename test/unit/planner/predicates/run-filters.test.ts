import { describe, expect, it } from 'vitest';
import { PREDICATES, runFilters } from '../../../../src/planner/predicates/index.js';
import { taint, world } from '../../../helpers/sched.js';

describe('runFilters', () => {
  it("runs kube-scheduler's filter order and stops at the first failing plugin", () => {
    expect(PREDICATES.map((p) => p.name)).toEqual([
      'TaintToleration',
      'NodeAffinity',
      'NodePorts',
      'NodeResourcesFit',
      'VolumeBinding',
      'VolumeZone',
      'PodTopologySpread',
      'InterPodAffinity',
      'VngLimits',
    ]);
    const w = world({
      nodes: [{ name: 'n1', taints: [taint('a', 'b')], labels: { pool: 'x' }, allocatable: { cpu: 100, pods: 1 } }],
      incoming: [{ nodeSelector: { pool: 'y' }, requests: { cpu: 1000 } }, { requests: { cpu: 1000 }, tolerations: [{ key: '', operator: 'Exists', value: '', effect: '' }] }],
    });
    expect(runFilters(w.ctx, w.classes[0]!, w.node('n1'))?.plugin).toBe('TaintToleration');
    expect(runFilters(w.ctx, w.classes[1]!, w.node('n1'))).toEqual({ plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu'] });
  });
});
