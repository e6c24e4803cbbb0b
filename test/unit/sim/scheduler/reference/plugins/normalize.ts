/**
 * [Oracle] sim/scheduler as it was before its fast paths: every node evaluated, every plugin walking every pod of every
 * node. The property tests compare the scheduler with it; nothing else uses it.
 *
 * The framework's default score normaliser (kube-scheduler plugins/helper/normalize_score.go): scale so the highest raw score
 * maps to 100 (integer division); `reverse` maps s to 100 - s. When every raw score is 0, all become 0, or 100 if reversed.
 */
import { MAX_NODE_SCORE } from '../types.js';

export function defaultNormalize(scores: readonly number[], reverse: boolean): number[] {
  const max = scores.reduce((m, s) => Math.max(m, s), 0);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const scaled = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}
