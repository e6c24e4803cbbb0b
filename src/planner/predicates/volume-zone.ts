import { fail, type Predicate } from './types.js';

/** VolumeZone: a bound PV labelled with a zone or region only attaches to nodes in it (nodes without the label pass). */
export const volumeZone: Predicate = {
  name: 'VolumeZone',
  filter(_ctx, cls, node) {
    for (const need of cls.volumes.zoneLabels) {
      const have = node.labels[need.key];
      if (have === undefined) continue;
      if (!need.values.includes(have)) return fail('VolumeZone', 'node(s) had no available volume zone');
    }
    return null;
  },
};
