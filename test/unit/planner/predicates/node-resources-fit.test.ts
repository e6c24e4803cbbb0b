import { describe, expect, it } from 'vitest';
import type { ResourceList } from '../../../../src/model/types.js';
import { nodeResourcesFit } from '../../../../src/planner/predicates/node-resources-fit.js';
import { GI, verdict, world } from '../../../helpers/sched.js';

const ALLOC: ResourceList = { cpu: 2000, memory: 4 * GI, 'ephemeral-storage': 10 * GI, pods: 3 };

function run(used: ResourceList[], want: ResourceList, allocatable: ResourceList = ALLOC) {
  const w = world({
    nodes: [{ name: 'n1', allocatable }],
    existing: used.map((requests) => ({ node: 'n1', pod: { requests } })),
    incoming: [{ requests: want }],
  });
  return verdict(w.check(nodeResourcesFit, 0, 'n1'));
}

describe('NodeResourcesFit', () => {
  it('passes when everything fits, exactly at allocatable included', () => {
    expect(run([{ cpu: 1000 }], { cpu: 1000, memory: 4 * GI })).toBe('pass');
  });
  it('Insufficient cpu / memory / ephemeral-storage', () => {
    expect(run([{ cpu: 1500 }], { cpu: 501 })).toEqual(['Insufficient cpu']);
    expect(run([], { memory: 4 * GI + 1 })).toEqual(['Insufficient memory']);
    expect(run([], { 'ephemeral-storage': 11 * GI })).toEqual(['Insufficient ephemeral-storage']);
  });
  it('Too many pods counts the pods already on the node', () => {
    expect(run([{}, {}], {})).toBe('pass');
    expect(run([{}, {}, {}], {})).toEqual(['Too many pods']);
  });
  it('lists every short resource, pods first as kube-scheduler does', () => {
    expect(run([{}, {}, {}], { cpu: 3000, memory: 5 * GI })).toEqual(['Too many pods', 'Insufficient cpu', 'Insufficient memory']);
  });
  it('an extended resource the node does not offer is insufficient', () => {
    expect(run([], { 'nvidia.com/gpu': 1 })).toEqual(['Insufficient nvidia.com/gpu']);
  });
  it('an extended resource is counted against what is already requested', () => {
    const gpuNode = { ...ALLOC, 'nvidia.com/gpu': 1 };
    expect(run([], { 'nvidia.com/gpu': 1 }, gpuNode)).toBe('pass');
    expect(run([{ 'nvidia.com/gpu': 1 }], { 'nvidia.com/gpu': 1 }, gpuNode)).toEqual(['Insufficient nvidia.com/gpu']);
  });
  it('a zero request of a resource the node lacks does not fail', () => {
    expect(run([], { 'nvidia.com/gpu': 0, cpu: 0 })).toBe('pass');
  });
  it('placing pods fills the node', () => {
    const w = world({ nodes: [{ name: 'n1', allocatable: ALLOC }], incoming: [{ requests: { cpu: 1000 } }] });
    expect(w.check(nodeResourcesFit, 0, 'n1')).toBeNull();
    w.place(0, 'n1');
    w.place(0, 'n1');
    expect(w.check(nodeResourcesFit, 0, 'n1')?.reasons).toEqual(['Insufficient cpu']);
  });
});
