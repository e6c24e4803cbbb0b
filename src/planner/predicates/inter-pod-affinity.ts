import { topologyValue } from '../plan-node.js';
import { fail, type Predicate } from './types.js';

/**
 * InterPodAffinity, both directions: the pod's required affinity and anti-affinity terms against the pods placed in the
 * node's topology domain, and the required anti-affinity terms of placed pods against this pod.
 *
 * Required affinity terms are one group, as kube-scheduler counts them: only a pod matching ALL of the terms counts, in the
 * domain of each term's topology key; every term's domain on the node must hold such a pod. The first-pod rule (a pod that
 * matches all of its own terms may go anywhere) applies only while no placed pod matches all the terms (on a node carrying
 * one of their topology keys).
 */
export const interPodAffinity: Predicate = {
  name: 'InterPodAffinity',
  filter(ctx, cls, node) {
    const terms = ctx.terms;
    // kube-scheduler's order: the pod's affinity, its anti-affinity, then existing pods' anti-affinity.
    const group = cls.affinityGroupId;
    if (group !== null) {
      let satisfied = true;
      for (const id of cls.affinityTermIds) {
        const term = terms.terms[id];
        if (!term) continue;
        const domain = topologyValue(node, term.topologyKey);
        if (domain === undefined) return fail('InterPodAffinity', "node(s) didn't match pod affinity rules");
        if (terms.groupCount(group, term.topologyKey, domain) <= 0) satisfied = false;
      }
      if (!satisfied && !(cls.selfAffine && !terms.groupHasPods(group))) {
        return fail('InterPodAffinity', "node(s) didn't match pod affinity rules");
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
