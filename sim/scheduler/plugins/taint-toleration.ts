/**
 * TaintToleration (kube-scheduler plugins/tainttoleration/taint_toleration.go).
 * Filter: every NoSchedule/NoExecute taint must be tolerated (unresolvable). The reason is kube-scheduler 1.36's
 * "node(s) had untolerated taint(s)": since kubernetes/kubernetes#134740 (v1.35) it keeps taint keys and values out of pod
 * statuses and events; earlier releases named the first untolerated taint ("node(s) had untolerated taint {key: value}"),
 * as the planner still does (its report names the taint on purpose).
 * Score: the number of PreferNoSchedule taints not tolerated by the pod's tolerations whose effect is PreferNoSchedule or
 * empty; normalised by the framework's default normaliser, reversed (fewest intolerable taints -> 100).
 */
import { tolerates, untoleratedHardTaint } from '../match.js';
import { OK, unresolvable } from '../types.js';
import type { Toleration } from '../../../src/model/types.js';
import type { FilterPlugin, NodeState, SchedPod, ScorePlugin } from '../types.js';
import { defaultNormalize } from './normalize.js';

export const REASON_UNTOLERATED_TAINT = 'node(s) had untolerated taint(s)';

const UNTOLERATED = unresolvable(REASON_UNTOLERATED_TAINT);

export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter(pod, { node }) {
    const t = untoleratedHardTaint(pod.tolerations, node.taints);
    return t === null ? OK : UNTOLERATED;
  },
};

/** The soft tolerations per tolerations list (the pods of a workload share theirs), not per pod. */
const softOf = new WeakMap<readonly Toleration[], readonly Toleration[]>();
function softTolerations(pod: SchedPod): readonly Toleration[] {
  let soft = softOf.get(pod.tolerations);
  if (soft === undefined) {
    soft = pod.tolerations.filter((t) => t.effect === '' || t.effect === 'PreferNoSchedule');
    softOf.set(pod.tolerations, soft);
  }
  return soft;
}

function intolerable(pod: SchedPod, { node }: NodeState): number {
  let n = 0;
  for (const taint of node.taints) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!softTolerations(pod).some((tol) => tolerates(tol, taint))) n++;
  }
  return n;
}

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  score: (pod, feasible) => feasible.map((n) => intolerable(pod, n)),
  scoreNode: intolerable,
  normalize: (scores) => defaultNormalize(scores, true),
};
