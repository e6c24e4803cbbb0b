import { insufficient } from '../resources.js';
import { fail, type Predicate } from './types.js';

/** NodeResourcesFit: every requested resource and one pod slot must fit in allocatable minus what is already requested. */
export const nodeResourcesFit: Predicate = {
  name: 'NodeResourcesFit',
  filter(_ctx, cls, node) {
    const short = insufficient(node.allocatable, node.requested, cls.spec.requests);
    if (short.length === 0) return null;
    return fail('NodeResourcesFit', ...short.map((r) => (r === 'pods' ? 'Too many pods' : `Insufficient ${r}`)));
  },
};
