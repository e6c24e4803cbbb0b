import { fail, type Predicate } from './types.js';

/**
 * Architecture (the planner's policy, not a kube-scheduler plugin): a pod with no kubernetes.io/arch constraint of its own
 * stays on the CPU architecture it runs on today, since nothing says its images exist for another one. Off with
 * --allow-architecture-change.
 */
export const architecture: Predicate = {
  name: 'Architecture',
  filter(_ctx, cls, node) {
    if (cls.archs === null) return null;
    const arch = node.labels['kubernetes.io/arch'];
    if (arch === undefined || cls.archs.includes(arch)) return null;
    return fail('Architecture', `node(s) are ${arch} but the pod's images are only known to run on ${cls.archs.join('/')}`);
  },
};
