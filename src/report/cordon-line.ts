/** What the plan says about cordoning: all selected old nodes at the start (a pod moves once), or batch by batch with its estimate of second moves. */
import { plural } from './plural.js';
import { duration } from './format.js';
import type { Plan } from '../planner/plan.js';

export function cordonLine(plan: Pick<Plan, 'params' | 'summary' | 'cordonAllSeconds'>): string {
  if (plan.params.cordonAllAtStart) {
    const c = plan.cordonAllSeconds;
    const took = c !== undefined ? `, an estimated ${c < 1 ? 'under 1s' : duration(c)} before the first batch, counted in the estimate above` : '';
    return `Cordon: all selected old nodes are cordoned when the migration starts (cordonAllAtStart${took}); each moving pod moves once. Their spare capacity is not used meanwhile.`;
  }
  const n = plan.summary.predictedSecondMoves ?? 0;
  return `Cordon: batch by batch (cordonAllAtStart off). Estimate: ~${plural(n, 'eviction')} of pods that already moved once (pods of a batch that kube-scheduler can place on the not yet cordoned old nodes of later batches, counted with the planner's scheduler over existing nodes only, so it leans high).`;
}

/** The batch's note, when some of its pods are expected to have moved there from an earlier batch. */
export function repeatMovesNote(b: { readonly repeatMoves?: number }): string[] {
  const n = b.repeatMoves ?? 0;
  return n > 0 ? [`~${plural(n, 'pod')} moving a second time (estimate)`] : [];
}
