import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { nodeTemplateLabels } from '../../../src/catalog/template.js';
import type { InstanceType, Vng } from '../../../src/model/types.js';

const catalog = loadCatalog();
const m6g = catalog.byName.get('m6g.large') as InstanceType;

const vng: Vng = {
  id: null,
  name: 'general',
  labels: { team: 'platform', 'kubernetes.io/arch': 'amd64', 'topology.kubernetes.io/zone': 'us-east-1f' },
  taints: [],
  instanceTypes: ['m6g.large'],
  zones: [],
  subnetIds: [],
  minInstanceCount: 0,
  maxInstanceCount: null,
  maxVCpu: null,
  maxMemoryGiB: null,
  rootVolumeSizeGiB: null,
  preferredSpotTypes: [],
};

describe('nodeTemplateLabels', () => {
  it('sets the well-known labels and keeps the VNG labels', () => {
    expect(nodeTemplateLabels(vng, m6g, 'us-east-1b', 'us-east-1')).toEqual({
      'beta.kubernetes.io/arch': 'arm64',
      'beta.kubernetes.io/instance-type': 'm6g.large',
      'beta.kubernetes.io/os': 'linux',
      'failure-domain.beta.kubernetes.io/region': 'us-east-1',
      'failure-domain.beta.kubernetes.io/zone': 'us-east-1b',
      'kubernetes.io/arch': 'arm64',
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': 'm6g.large',
      team: 'platform',
      'topology.kubernetes.io/region': 'us-east-1',
      'topology.kubernetes.io/zone': 'us-east-1b',
    });
  });

  it('lets well-known labels win over VNG labels', () => {
    const labels = nodeTemplateLabels(vng, m6g, 'us-east-1b', 'us-east-1');
    expect(labels['kubernetes.io/arch']).toBe('arm64');
    expect(labels['topology.kubernetes.io/zone']).toBe('us-east-1b');
  });

  it('omits zone labels when the zone is unknown', () => {
    const labels = nodeTemplateLabels(vng, m6g, null, 'us-east-1');
    expect(labels['topology.kubernetes.io/zone']).toBeUndefined();
    expect(labels['failure-domain.beta.kubernetes.io/zone']).toBeUndefined();
    expect(labels['topology.kubernetes.io/region']).toBe('us-east-1');
    expect(labels['kubernetes.io/hostname']).toBeUndefined();
  });

  it('returns keys in sorted order', () => {
    const keys = Object.keys(nodeTemplateLabels(vng, m6g, 'us-east-1a', 'us-east-1'));
    expect(keys).toEqual([...keys].sort());
  });
});
