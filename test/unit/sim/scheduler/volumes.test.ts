import { describe, expect, it } from 'vitest';
import { schedule } from '../../../../sim/scheduler/framework.js';
import { volumeBinding } from '../../../../sim/scheduler/plugins/volume-binding.js';
import { volumeZone } from '../../../../sim/scheduler/plugins/volume-zone.js';
import type { Snapshot, VolumeObjects } from '../../../../sim/scheduler/types.js';
import { Prng } from '../../../../src/gen/prng.js';
import { node, pod, snapshot, state } from './fixtures.js';

const claim = (name: string, volumeName: string | null, storageClassName: string | null = 'gp3') => ({ namespace: 'default', name, volumeName, storageClassName, phase: volumeName ? 'Bound' : 'Pending' });
const withClaim = (claimName: string) => pod('p', { volumes: [{ name: 'data', kind: 'pvc', claimName }] });
const zoneTerm = (zone: string) => [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In' as const, values: [zone] }], matchFields: [] }];

const volumes: VolumeObjects = {
  pvcs: [claim('bound-a', 'pv-a'), claim('wffc', null), claim('immediate', null, 'fast'), claim('labelled', 'pv-l')],
  pvs: [
    { name: 'pv-a', nodeAffinity: zoneTerm('us-east-1a'), labels: {}, claimRef: { namespace: 'default', name: 'bound-a' } },
    { name: 'pv-l', nodeAffinity: null, labels: { 'failure-domain.beta.kubernetes.io/zone': 'us-east-1b__us-east-1c' }, claimRef: null },
  ],
  storageClasses: [{ name: 'fast', volumeBindingMode: 'Immediate' }, { name: 'gp3', volumeBindingMode: 'WaitForFirstConsumer' }],
};
const a = state(node('a', { labels: { 'topology.kubernetes.io/zone': 'us-east-1a' } }));
const b = state(node('b', { labels: { 'topology.kubernetes.io/zone': 'us-east-1b' } }));
const bare = state(node('bare'));
const snap = (over: Partial<Snapshot> = {}): Snapshot => snapshot([a, b, bare], { volumes, ...over });

describe('VolumeBinding and VolumeZone', () => {
  it('PreFilter rejects a missing claim and an unbound Immediate claim for the whole pod, reason once without a count', () => {
    const missing = schedule(withClaim('nope'), snap(), new Prng(1));
    expect(missing).toMatchObject({ kind: 'unschedulable', message: '0/3 nodes are available: persistentvolumeclaim "nope" not found.' });
    const immediate = schedule(withClaim('immediate'), snap(), new Prng(1));
    expect(immediate).toMatchObject({ kind: 'unschedulable', message: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.' });
    expect(volumeBinding.preFilter?.(withClaim('wffc'), snap())).toEqual({ code: 'Success' });
  });

  it("a bound PV's node affinity: only nodes it matches (unresolvable, 1.36's wording)", () => {
    const p = withClaim('bound-a');
    expect(volumeBinding.filter(p, a, snap())).toEqual({ code: 'Success' });
    expect(volumeBinding.filter(p, b, snap())).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match PersistentVolume's node affinity"] });
    expect(schedule(p, snap(), new Prng(1))).toMatchObject({ kind: 'scheduled', node: 'a' });
  });

  it('a PV zone label (beta key, several zones): nodes without zone labels pass, others must be in one of the zones', () => {
    const p = withClaim('labelled');
    expect(volumeZone.filter(p, a, snap())).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had no available volume zone'] });
    expect(volumeZone.filter(p, b, snap()).code).toBe('Success');
    expect(volumeZone.filter(p, bare, snap()).code).toBe('Success');
  });

  it('without storage objects in the snapshot, claims are not checked', () => {
    expect(schedule(withClaim('nope'), snapshot([a]), new Prng(1))).toMatchObject({ kind: 'scheduled', node: 'a' });
  });
});
