import { describe, expect, it } from 'vitest';
import type { Cluster, NodeSelectorTerm, PersistentVolumeClaim } from '../../../../src/model/types.js';
import { volumeBinding } from '../../../../src/planner/predicates/volume-binding.js';
import { req, term, verdict, world, ZONE } from '../../../helpers/sched.js';

const claim = (name: string, volumeName: string | null, storageClassName: string | null = 'gp3'): PersistentVolumeClaim => ({
  namespace: 'default',
  name,
  volumeName,
  storageClassName,
  phase: volumeName === null ? 'Pending' : 'Bound',
});
const pv = (name: string, nodeAffinity: NodeSelectorTerm[] | null) => ({
  name,
  nodeAffinity,
  labels: {},
  claimRef: { namespace: 'default', name: 'data' },
});
const withClaim = { volumes: [{ name: 'data', kind: 'pvc' as const, claimName: 'data' }] };
const classes: Cluster['storageClasses'] = [
  { name: 'gp3', volumeBindingMode: 'WaitForFirstConsumer' },
  { name: 'fast', volumeBindingMode: 'Immediate' },
];

function run(cluster: Partial<Pick<Cluster, 'pvcs' | 'pvs' | 'storageClasses'>>, nodeZone = 'us-east-1a') {
  const w = world({ nodes: [{ name: 'n1', zone: nodeZone }], incoming: [withClaim], cluster });
  return verdict(w.check(volumeBinding, 0, 'n1'));
}

describe('VolumeBinding', () => {
  it('a pod without claims passes', () => {
    const w = world({ nodes: [{ name: 'n1' }], incoming: [{ volumes: [{ name: 'tmp', kind: 'emptyDir', medium: '' }] }] });
    expect(w.check(volumeBinding, 0, 'n1')).toBeNull();
  });
  it('a missing claim fails with the kube-scheduler message', () => {
    expect(run({ pvcs: [] })).toEqual(['persistentvolumeclaim "data" not found']);
  });
  it('a claim in another namespace does not count', () => {
    expect(run({ pvcs: [{ ...claim('data', null), namespace: 'other' }] })).toEqual(['persistentvolumeclaim "data" not found']);
  });
  it('an unbound WaitForFirstConsumer claim is fine', () => {
    expect(run({ pvcs: [claim('data', null, 'gp3')], storageClasses: classes })).toBe('pass');
  });
  it('an unbound Immediate claim fails everywhere', () => {
    expect(run({ pvcs: [claim('data', null, 'fast')], storageClasses: classes })).toEqual([
      'pod has unbound immediate PersistentVolumeClaims',
    ]);
  });
  it('a bound PV with node affinity passes matching nodes and fails others, in kube-scheduler 1.36 volumebinding words', () => {
    const cluster = {
      pvcs: [claim('data', 'pv-1')],
      pvs: [pv('pv-1', [term([req(ZONE, 'In', 'us-east-1a')])])],
      storageClasses: classes,
    };
    expect(run(cluster, 'us-east-1a')).toBe('pass');
    expect(run(cluster, 'us-east-1b')).toEqual(["node(s) didn't match PersistentVolume's node affinity"]);
  });
  it('a bound PV without node affinity passes', () => {
    expect(run({ pvcs: [claim('data', 'pv-1')], pvs: [pv('pv-1', null)] })).toBe('pass');
  });
  it('names the plugin', () => {
    const w = world({ nodes: [{ name: 'n1' }], incoming: [withClaim] });
    expect(w.check(volumeBinding, 0, 'n1')?.plugin).toBe('VolumeBinding');
  });
});
