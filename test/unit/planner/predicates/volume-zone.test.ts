import { describe, expect, it } from 'vitest';
import type { Cluster, Labels } from '../../../../src/model/types.js';
import { volumeZone } from '../../../../src/planner/predicates/volume-zone.js';
import { verdict, world } from '../../../helpers/sched.js';

const REASON = ['node(s) had no available volume zone'];
const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const GA_ZONE = 'topology.kubernetes.io/zone';
const GA_REGION = 'topology.kubernetes.io/region';

function run(pvLabels: Labels, nodeLabels: Labels) {
  const cluster: Partial<Pick<Cluster, 'pvcs' | 'pvs'>> = {
    pvcs: [{ namespace: 'default', name: 'data', volumeName: 'pv-1', storageClassName: 'gp2', phase: 'Bound' }],
    pvs: [{ name: 'pv-1', nodeAffinity: null, labels: pvLabels, claimRef: { namespace: 'default', name: 'data' } }],
  };
  const w = world({
    nodes: [{ name: 'n1', labels: nodeLabels }],
    incoming: [{ volumes: [{ name: 'data', kind: 'pvc', claimName: 'data' }] }],
    cluster,
  });
  return verdict(w.check(volumeZone, 0, 'n1'));
}

describe('VolumeZone', () => {
  it('passes a node in the PV zone', () => {
    expect(run({ [GA_ZONE]: 'us-east-1a' }, { [GA_ZONE]: 'us-east-1a' })).toBe('pass');
  });
  it('fails a node in another zone with the kube-scheduler reason', () => {
    expect(run({ [GA_ZONE]: 'us-east-1a' }, { [GA_ZONE]: 'us-east-1b' })).toEqual(REASON);
  });
  it('a PV zone list joined by __ allows each zone', () => {
    expect(run({ [GA_ZONE]: 'us-east-1a__us-east-1b' }, { [GA_ZONE]: 'us-east-1b' })).toBe('pass');
    expect(run({ [GA_ZONE]: 'us-east-1a__us-east-1b' }, { [GA_ZONE]: 'us-east-1c' })).toEqual(REASON);
  });
  it('a node with no topology label at all passes', () => {
    expect(run({ [GA_ZONE]: 'us-east-1a' }, {})).toBe('pass');
  });
  it('a beta-labelled PV is checked against the GA zone label of the node', () => {
    expect(run({ [BETA_ZONE]: 'us-east-1a' }, { [GA_ZONE]: 'us-east-1b' })).toEqual(REASON);
    expect(run({ [BETA_ZONE]: 'us-east-1a' }, { [GA_ZONE]: 'us-east-1a' })).toBe('pass');
  });
  it('region labels are checked as well', () => {
    expect(run({ [GA_REGION]: 'us-east-1' }, { [GA_REGION]: 'us-west-2', [GA_ZONE]: 'us-west-2a' })).toEqual(REASON);
  });
  it('a node with a zone label but without the PV key (region) fails, as upstream', () => {
    expect(run({ [GA_REGION]: 'us-east-1' }, { [GA_ZONE]: 'us-east-1a' })).toEqual(REASON);
  });
  it('a PV without topology labels passes any node', () => {
    expect(run({ other: 'x' }, { [GA_ZONE]: 'us-east-1b' })).toBe('pass');
  });
});
