/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * NodeAffinity (kube-scheduler plugins/nodeaffinity/node_affinity.go).
 * Filter: nodeSelector and the required node affinity terms (unresolvable).
 * Score: the sum of the weights of the preferred terms the node matches; default-normalised (highest -> 100).
 */
import { nodeTermMatches, podNodeAffinityMatches } from '../match.js';
import { OK, unresolvable } from '../types.js';
import type { FilterPlugin, ScorePlugin } from '../types.js';
import { defaultNormalize } from './normalize.js';

export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  filter(pod, { node }) {
    return podNodeAffinityMatches(pod, node) ? OK : unresolvable(REASON_NODE_AFFINITY);
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  score(pod, feasible) {
    const preferred = pod.preferredNodeAffinity ?? [];
    return feasible.map(({ node }) => preferred.reduce((sum, p) => (p.weight !== 0 && nodeTermMatches(p.term, node) ? sum + p.weight : sum), 0));
  },
  normalize: (scores) => defaultNormalize(scores, false),
};
