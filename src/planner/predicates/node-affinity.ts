import { nodeAffinityMatches } from '../selectors.js';
import { fail, type Predicate } from './types.js';

/** NodeAffinity: spec.nodeSelector and required node affinity against the node's labels. */
export const nodeAffinity: Predicate = {
  name: 'NodeAffinity',
  filter(_ctx, cls, node) {
    return nodeAffinityMatches(cls.spec, node.name, node.labels)
      ? null
      : fail('NodeAffinity', "node(s) didn't match Pod's node affinity/selector");
  },
};
