import { topologyValue } from '../plan-node.js';
import { fail, type Predicate } from './types.js';

/**
 * PodTopologySpread (DoNotSchedule constraints): placing the pod must keep count(domain) - min(count over eligible domains)
 * within maxSkew. As kube-scheduler, both the domains and the matching pods counted in them come only from nodes the
 * constraint includes: nodes carrying every topology key of the pod's constraints, matching its nodeSelector / required node
 * affinity (nodeAffinityPolicy Honor, the default) and, with nodeTaintsPolicy Honor, whose taints it tolerates. Fewer domains
 * than minDomains make the minimum 0. ScheduleAnyway constraints are scoring only and do not filter.
 */
export const podTopologySpread: Predicate = {
  name: 'PodTopologySpread',
  filter(ctx, cls, node) {
    for (let i = 0; i < cls.spread.length; i++) {
      const rule = cls.spread[i];
      if (!rule) continue;
      const c = rule.constraint;
      const domain = topologyValue(node, c.topologyKey);
      if (domain === undefined) {
        return fail('PodTopologySpread', "node(s) didn't match pod topology spread constraints (missing required label)");
      }
      const domains = ctx.spreadDomains(cls, i);
      const counts = ctx.spreadCounts(cls, i);
      let min = Number.POSITIVE_INFINITY;
      if (c.minDomains !== null && domains.size < c.minDomains) min = 0;
      else {
        for (const d of domains) {
          const n = counts.get(d) ?? 0;
          if (n < min) min = n;
          if (min === 0) break;
        }
      }
      if (!Number.isFinite(min)) min = 0;
      const skew = (counts.get(domain) ?? 0) + (rule.selfMatch ? 1 : 0) - min;
      if (skew > c.maxSkew) return fail('PodTopologySpread', "node(s) didn't match pod topology spread constraints");
    }
    return null;
  },
};
