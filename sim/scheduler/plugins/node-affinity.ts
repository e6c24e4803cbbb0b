/**
 * NodeAffinity (kube-scheduler plugins/nodeaffinity/node_affinity.go).
 * Filter: nodeSelector and the required node affinity terms (unresolvable).
 * Score: the sum of the weights of the preferred terms the node matches; default-normalised (highest -> 100).
 */
import { nodeTermMatches, podNodeAffinityMatches } from '../match.js';
import { OK, unresolvable } from '../types.js';
import type { FilterPlugin, NodeState, SchedPod, ScorePlugin } from '../types.js';
import { defaultNormalize } from './normalize.js';

export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

const MISMATCH = unresolvable(REASON_NODE_AFFINITY);

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  filter(pod, { node }) {
    return podNodeAffinityMatches(pod, node) ? OK : MISMATCH;
  },
};

function preferredWeight(pod: SchedPod, { node }: NodeState): number {
  const preferred = pod.preferredNodeAffinity ?? [];
  return preferred.reduce((sum, p) => (p.weight !== 0 && nodeTermMatches(p.term, node) ? sum + p.weight : sum), 0);
}

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  score: (pod, feasible) => feasible.map((n) => preferredWeight(pod, n)),
  scoreNode: preferredWeight,
  normalize: (scores) => defaultNormalize(scores, false),
};
