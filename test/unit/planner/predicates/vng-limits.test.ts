import { describe, expect, it } from 'vitest';
import { vngLimits } from '../../../../src/planner/predicates/vng-limits.js';
import { verdict, vng, world } from '../../../helpers/sched.js';

const SIZES = { 'm5.large': { vcpu: 2, memoryGiB: 8 }, 'm5.2xlarge': { vcpu: 8, memoryGiB: 32 } };

function setup(limits: { maxInstanceCount?: number | null; maxVCpu?: number | null; maxMemoryGiB?: number | null }, opened: number) {
  const nodes = Array.from({ length: opened }, (_, i) => ({ name: `g-${i}`, origin: 'new' as const, vng: 'g', instanceType: 'm5.large' }));
  return world({
    vngs: [vng({ name: 'g', maxInstanceCount: null, maxVCpu: null, maxMemoryGiB: null, ...limits })],
    nodes,
    templates: [
      { name: 'g/m5.large', vng: 'g', instanceType: 'm5.large' },
      { name: 'g/m5.2xlarge', vng: 'g', instanceType: 'm5.2xlarge' },
    ],
    incoming: [{}],
    typeSizes: SIZES,
  });
}

describe('VngLimits', () => {
  it('passes while the VNG is under maxInstanceCount', () => {
    expect(verdict(setup({ maxInstanceCount: 2 }, 1).check(vngLimits, 0, 'g/m5.large'))).toBe('pass');
  });
  it('fails a template once maxInstanceCount nodes are open', () => {
    expect(verdict(setup({ maxInstanceCount: 2 }, 2).check(vngLimits, 0, 'g/m5.large'))).toEqual(['VNG g reached maxInstanceCount 2']);
  });
  it('maxInstanceCount 0 allows no node', () => {
    expect(verdict(setup({ maxInstanceCount: 0 }, 0).check(vngLimits, 0, 'g/m5.large'))).toEqual(['VNG g reached maxInstanceCount 0']);
  });
  it('only constrains opening nodes: an open node of the VNG still passes', () => {
    expect(setup({ maxInstanceCount: 1 }, 1).check(vngLimits, 0, 'g-0')).toBeNull();
  });
  it('maxVCpu counts the vCPU of the open nodes plus the new one', () => {
    const w = setup({ maxVCpu: 10 }, 1); // 2 vCPU open
    expect(w.check(vngLimits, 0, 'g/m5.2xlarge')).toBeNull(); // 2 + 8 = 10
    const w2 = setup({ maxVCpu: 9 }, 1);
    expect(verdict(w2.check(vngLimits, 0, 'g/m5.2xlarge'))).toEqual(['VNG g reached maxVCpu 9']);
    expect(w2.check(vngLimits, 0, 'g/m5.large')).toBeNull(); // 2 + 2 = 4
  });
  it('maxMemoryGiB likewise', () => {
    expect(verdict(setup({ maxMemoryGiB: 39 }, 1).check(vngLimits, 0, 'g/m5.2xlarge'))).toEqual(['VNG g reached maxMemoryGiB 39']);
  });
  it('no limits: always passes', () => {
    expect(setup({}, 50).check(vngLimits, 0, 'g/m5.2xlarge')).toBeNull();
  });
});
