import { describe, expect, it } from 'vitest';
import { GIB, MIB, nodeResources, type NodeResources } from '../../../src/catalog/allocatable.js';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { ephemeralStorageOf, familyMaxPods, newNodeShape } from '../../../src/catalog/new-node.js';
import type { InstanceType, ResourceList } from '../../../src/model/types.js';
import { vng } from '../../helpers/sched.js';

const catalog = loadCatalog();
const type = (name: string): InstanceType => {
  const it = catalog.byName.get(name);
  if (!it) throw new Error(`no ${name} in the catalog`);
  return it;
};

/** What an old node of `name` reports when its kubelet runs `pods` max pods (nodeadm's formulas) on a `rootGiB` disk. */
function reported(name: string, pods: number, rootGiB = 100): NodeResources {
  return nodeResources(type(name), { maxPods: pods, rootVolumeSizeGiB: rootGiB });
}

const at = (list: ResourceList, key: string): number => list[key] ?? Number.NaN;

describe('max pods of a new node', () => {
  it('takes what old nodes of the same family report when it is not their own EKS value (VPC CNI prefix delegation: 110 on an m5.large)', () => {
    const observed = new Map([['m5.xlarge', reported('m5.xlarge', 110)]]);
    const shape = newNodeShape(vng({ name: 'g', instanceTypes: ['m5.large'] }), type('m5.large'), catalog, observed);
    expect(type('m5.large').maxPods).toBe(29);
    expect([shape.maxPods, shape.maxPodsSource]).toEqual([110, 'observed-family']);
    expect(at(shape.allocatable, 'pods')).toBe(110);
    // Kube-reserved memory follows max pods (11 MiB each): the 110-pod node has 81 x 11 MiB less than the 29-pod one.
    const eni = nodeResources(type('m5.large'));
    expect(at(eni.allocatable, 'memory') - at(shape.allocatable, 'memory')).toBe((110 - 29) * 11 * MIB);
  });

  it('keeps the EKS ENI value when old nodes of the family report their own EKS value', () => {
    const observed = new Map([['m5.xlarge', reported('m5.xlarge', type('m5.xlarge').maxPods)]]);
    const shape = newNodeShape(vng({ name: 'g' }), type('m5.large'), catalog, observed);
    expect([shape.maxPods, shape.maxPodsSource]).toEqual([29, 'eni-formula']);
    expect(familyMaxPods('m5', catalog, observed)).toBeNull();
    // Another family's setting does not carry over.
    const other = new Map([['c5.xlarge', reported('c5.xlarge', 110)]]);
    expect(newNodeShape(vng({ name: 'g' }), type('m5.large'), catalog, other).maxPodsSource).toBe('eni-formula');
  });

  it('takes the value most observed types of the family report, ties to the larger', () => {
    const observed = new Map([
      ['m5.2xlarge', reported('m5.2xlarge', 110)],
      ['m5.4xlarge', reported('m5.4xlarge', 250)],
      ['m5.xlarge', reported('m5.xlarge', 110)],
    ]);
    expect(familyMaxPods('m5', catalog, observed)).toBe(110);
    observed.delete('m5.2xlarge');
    expect(familyMaxPods('m5', catalog, observed)).toBe(250);
  });

  it('prefers the flag, then the VNG maxPods, then what old nodes of the same type report', () => {
    const observed = new Map([['m5.large', reported('m5.large', 110)]]);
    const it5 = type('m5.large');
    expect(newNodeShape(vng({ name: 'g' }), it5, catalog, observed)).toMatchObject({ maxPods: 110, maxPodsSource: 'observed-type' });
    expect(newNodeShape(vng({ name: 'g', maxPods: 58 }), it5, catalog, observed)).toMatchObject({ maxPods: 58, maxPodsSource: 'vng' });
    expect(newNodeShape(vng({ name: 'g', maxPods: 58 }), it5, catalog, observed, { maxPods: 17 })).toMatchObject({
      maxPods: 17,
      maxPodsSource: 'flag',
    });
  });

  it('moves observed memory by 11 MiB per pod when max pods differs from what the observed node runs', () => {
    const seen = reported('m5.large', 110);
    const observed = new Map([['m5.large', seen]]);
    const shape = newNodeShape(vng({ name: 'g', maxPods: 29 }), type('m5.large'), catalog, observed);
    expect(at(shape.allocatable, 'memory')).toBe(at(seen.allocatable, 'memory') + (110 - 29) * 11 * MIB);
    // cpu stays what the old node reports.
    expect(at(shape.allocatable, 'cpu')).toBe(at(seen.allocatable, 'cpu'));
    // And equals nodeadm's figure for a 29-pod node.
    expect(at(shape.allocatable, 'memory')).toBe(at(nodeResources(type('m5.large'), { maxPods: 29 }).allocatable, 'memory'));
  });
});

describe('ephemeral storage of a new node', () => {
  it('is the root volume less 1Gi kube-reserved and the 10% nodefs.available eviction threshold', () => {
    expect(ephemeralStorageOf(20)).toEqual({ capacity: 20 * GIB, allocatable: 20 * GIB - GIB - 2 * GIB });
    expect(ephemeralStorageOf(50).allocatable).toBe(50 * GIB - GIB - 5 * GIB);
  });

  it("comes from the VNG's root volume, not from what old nodes of the type report", () => {
    const observed = new Map([['m5.large', reported('m5.large', 29, 200)]]);
    const small = newNodeShape(vng({ name: 'g', rootVolumeSizeGiB: 20 }), type('m5.large'), catalog, observed);
    expect(at(small.allocatable, 'ephemeral-storage')).toBe(17 * GIB);
    expect(at(small.capacity, 'ephemeral-storage')).toBe(20 * GIB);
    expect(small.rootVolumeSizeGiB).toBe(20);
  });

  it('uses the 20 GiB default root volume when the VNG sets none', () => {
    const shape = newNodeShape(vng({ name: 'g' }), type('m5.large'), catalog, new Map());
    expect([shape.rootVolumeSizeGiB, at(shape.allocatable, 'ephemeral-storage')]).toEqual([20, 17 * GIB]);
  });
});
