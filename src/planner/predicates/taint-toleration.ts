import { firstUntoleratedTaint, formatTaint } from '../selectors.js';
import { fail, type Predicate } from './types.js';

/** TaintToleration: every NoSchedule and NoExecute taint of the node must be tolerated. */
export const taintToleration: Predicate = {
  name: 'TaintToleration',
  filter(_ctx, cls, node) {
    const taint = firstUntoleratedTaint(node.taints, cls.spec.tolerations);
    return taint === null ? null : fail('TaintToleration', `node(s) had untolerated taint ${formatTaint(taint)}`);
  },
};
