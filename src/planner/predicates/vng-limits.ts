import { fail, type Predicate } from './types.js';

/** VngLimits (ours): opening one more node must keep the VNG within maxInstanceCount and its vCPU / memory caps. */
export const vngLimits: Predicate = {
  name: 'VngLimits',
  filter(ctx, _cls, node) {
    if (node.origin !== 'template' || node.vng === null || node.instanceType === null) return null;
    const reason = ctx.vngLimitReason(node.vng, node.instanceType);
    return reason === null ? null : fail('VngLimits', reason);
  },
};
