/**
 * Pods that ask not to be disrupted, in the words of the autoscalers that defined the keys:
 * - Karpenter's `karpenter.sh/do-not-disrupt: "true"` annotation,
 * - cluster-autoscaler's `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"` annotation,
 * - Ocean's `spotinst.io/restrict-scale-down: "true"` label (Ocean honours it in a migration when respectRestrictScaleDown).
 * The planner, the engine's two adapters (live and simulated) and the reports all decide through these two functions, so a
 * plan, a rehearsal and a live run keep the same pods.
 */
import type { MigrationParams } from '../params.js';

export const DO_NOT_DISRUPT_ANNOTATION = 'karpenter.sh/do-not-disrupt';
export const SAFE_TO_EVICT_ANNOTATION = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
export const RESTRICT_SCALE_DOWN_LABEL = 'spotinst.io/restrict-scale-down';

export type DisruptionOptOut = typeof DO_NOT_DISRUPT_ANNOTATION | typeof SAFE_TO_EVICT_ANNOTATION | typeof RESTRICT_SCALE_DOWN_LABEL;

/** The opt-outs a pod carries, whatever the parameters, in this fixed order: do-not-disrupt, safe-to-evict, restrict-scale-down. */
export function disruptionOptOutsOf(pod: { readonly labels: Readonly<Record<string, string>>; readonly annotations: Readonly<Record<string, string>> }): DisruptionOptOut[] {
  const out: DisruptionOptOut[] = [];
  // Exact values, as Karpenter, cluster-autoscaler and Ocean compare them.
  if (pod.annotations[DO_NOT_DISRUPT_ANNOTATION] === 'true') out.push(DO_NOT_DISRUPT_ANNOTATION);
  if (pod.annotations[SAFE_TO_EVICT_ANNOTATION] === 'false') out.push(SAFE_TO_EVICT_ANNOTATION);
  if (pod.labels[RESTRICT_SCALE_DOWN_LABEL] === 'true') out.push(RESTRICT_SCALE_DOWN_LABEL);
  return out;
}

export type OptOutParams = Pick<MigrationParams, 'respectDoNotDisrupt' | 'respectRestrictScaleDown'>;

/**
 * The opt-out that keeps the pod where it is under these parameters (the first honoured one), or null when the migration
 * evicts it. The two annotations follow respectDoNotDisrupt, Ocean's label respectRestrictScaleDown. A parameter missing
 * (a state saved by an older version) counts as true, the default.
 */
export function honouredOptOut(optOuts: readonly DisruptionOptOut[], params: OptOutParams): DisruptionOptOut | null {
  for (const k of optOuts) {
    const respected = k === RESTRICT_SCALE_DOWN_LABEL ? params.respectRestrictScaleDown !== false : params.respectDoNotDisrupt !== false;
    if (respected) return k;
  }
  return null;
}

/** Does this pod opt out of the migration, and by which key: the one decision the planner and the engine share. */
export function disruptionOptOut(
  pod: { readonly labels: Readonly<Record<string, string>>; readonly annotations: Readonly<Record<string, string>> },
  params: OptOutParams,
): DisruptionOptOut | null {
  return honouredOptOut(disruptionOptOutsOf(pod), params);
}

/** The key as the pod carries it, for reports: `annotation karpenter.sh/do-not-disrupt: "true"`. */
export function optOutText(k: DisruptionOptOut): string {
  switch (k) {
    case DO_NOT_DISRUPT_ANNOTATION:
      return `annotation ${k}: "true"`;
    case SAFE_TO_EVICT_ANNOTATION:
      return `annotation ${k}: "false"`;
    case RESTRICT_SCALE_DOWN_LABEL:
      return `label ${k}: "true"`;
  }
}
