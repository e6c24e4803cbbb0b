import { fail, type Predicate } from './types.js';

const TOPOLOGY_KEYS = [
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
];
const GA_OF_BETA: Readonly<Record<string, string>> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
};

/**
 * VolumeZone: a bound PV labelled with a zone or region only attaches to nodes in it. As upstream: a node with no zone or
 * region label at all passes; otherwise the node must carry each of the PV's keys (a beta key may be matched by the GA label).
 */
export const volumeZone: Predicate = {
  name: 'VolumeZone',
  filter(_ctx, cls, node) {
    if (cls.volumes.zoneLabels.length === 0) return null;
    if (!TOPOLOGY_KEYS.some((k) => node.labels[k] !== undefined)) return null;
    for (const need of cls.volumes.zoneLabels) {
      const ga = GA_OF_BETA[need.key];
      const have = node.labels[need.key] ?? (ga === undefined ? undefined : node.labels[ga]);
      if (have === undefined || !need.values.includes(have)) return fail('VolumeZone', 'node(s) had no available volume zone');
    }
    return null;
  },
};
