import { nodeSelectorTermsMatch } from '../selectors.js';
import { fail, type Predicate } from './types.js';

/** VolumeBinding: claims must exist; a bound PV's node affinity must match; unbound WaitForFirstConsumer claims are fine. */
export const volumeBinding: Predicate = {
  name: 'VolumeBinding',
  filter(_ctx, cls, node) {
    const needs = cls.volumes;
    if (needs.errors.length > 0) return fail('VolumeBinding', ...needs.errors);
    for (const terms of needs.nodeAffinity) {
      if (!nodeSelectorTermsMatch(terms, node.name, node.labels)) {
        return fail('VolumeBinding', "node(s) didn't match PersistentVolume's node affinity");
      }
    }
    return null;
  },
};
