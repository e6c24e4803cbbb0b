import { topologyValue } from '../plan-node.js';
import { fail, type Predicate } from './types.js';

/**
 * InterPodAffinity, both directions: the pod's required affinity and anti-affinity terms against the pods placed in the
 * node's topology domain, and the required anti-affinity terms of placed pods against this pod.
 */
export const interPodAffinity: Predicate = {
  name: 'InterPodAffinity',
  filter(ctx, cls, node) {
    const terms = ctx.terms;
    // kube-scheduler's order: the pod's affinity, its anti-affinity, then existing pods' anti-affinity.
    if (cls.affinityTermIds.length > 0) {
      let satisfied = true;
      for (const id of cls.affinityTermIds) {
        const term = terms.terms[id];
        if (!term) continue;
        const domain = topologyValue(node, term.topologyKey);
        if (domain === undefined) return fail('InterPodAffinity', "node(s) didn't match pod affinity rules");
        if (terms.count(id, domain) === 0) satisfied = false;
      }
      if (!satisfied) {
        // The first pod of a group that selects itself may go anywhere, as long as no matching pod exists yet.
        const firstOfGroup = cls.selfAffine && cls.affinityTermIds.every((id) => (terms.totals[id] ?? 0) === 0);
        if (!firstOfGroup) return fail('InterPodAffinity', "node(s) didn't match pod affinity rules");
      }
    }
    for (const id of cls.antiTermIds) {
      const term = terms.terms[id];
      if (!term) continue;
      const domain = topologyValue(node, term.topologyKey);
      if (domain !== undefined && terms.count(id, domain) > 0) {
        return { ...fail('InterPodAffinity', "node(s) didn't match pod anti-affinity rules"), monotone: true };
      }
    }
    for (const id of cls.matchedAntiTermIds) {
      const term = terms.terms[id];
      if (!term) continue;
      const domain = topologyValue(node, term.topologyKey);
      if (domain !== undefined && (terms.antiOwners[id]?.get(domain) ?? 0) > 0) {
        return { ...fail('InterPodAffinity', "node(s) didn't satisfy existing pods anti-affinity rules"), monotone: true };
      }
    }
    return null;
  },
};
