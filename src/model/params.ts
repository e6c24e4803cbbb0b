/**
 * Migration parameters, named as Ocean's migration and roll APIs name them, with Ocean's defaults where Ocean has one.
 * They come from flags or from a YAML/JSON file; both go through `parseParams`.
 */
import { z } from 'zod';
import { InputError } from './errors.js';
import { parseLabelSelectorString, SelectorSyntaxError } from './label-selector-string.js';
import type { LabelSelector } from './types.js';
import { schemaFieldPath } from './schema-path.js';

export type NodeSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'labelSelector'; readonly text: string; readonly selector: LabelSelector }
  | { readonly kind: 'nodeNames'; readonly names: readonly string[] }
  | { readonly kind: 'instanceIds'; readonly ids: readonly string[] };

export interface MigrationParams {
  readonly nodes: NodeSelection;
  /** Share of the old nodes drained per batch, 1-100, or 'auto' for the planner's choice. Ocean's default: 20. */
  readonly batchSizePercentage: number | 'auto';
  /** Share of a batch's pods that must run and be Ready before the next batch. Ocean's default: 50. */
  readonly batchMinHealthyPercentage: number;
  readonly respectPdb: boolean;
  readonly forcePodEvictionOnPdbFailure: boolean;
  readonly shouldEvictStandAlonePods: boolean;
  readonly shouldTerminateDrainedNodes: boolean;
  /**
   * Keep pods annotated karpenter.sh/do-not-disrupt: "true" or cluster-autoscaler.kubernetes.io/safe-to-evict: "false"
   * where they are (not evicted; their node stays). Ours; default true.
   */
  readonly respectDoNotDisrupt: boolean;
  /** Ocean's: keep pods labelled spotinst.io/restrict-scale-down: "true" where they are (their node stays). Default true. */
  readonly respectRestrictScaleDown: boolean;
  /** Time after which pods still unscheduled or unready fail the migration (PodsUnschedulable). */
  readonly drainTimeThresholdSeconds: number;
  /** Time budget of one batch (TechnicalTimeout past it). */
  readonly batchTimeBudgetSeconds: number;
  /**
   * Ours, not Ocean's: cordon every selected old node when the migration starts (evicting still goes batch by batch), so an
   * evicted pod never lands on an old node of a later batch and moves once. Default true.
   */
  readonly cordonAllAtStart: boolean;
}

export const DEFAULT_PARAMS: MigrationParams = {
  nodes: { kind: 'all' },
  batchSizePercentage: 20,
  batchMinHealthyPercentage: 50,
  respectPdb: true,
  forcePodEvictionOnPdbFailure: false,
  shouldEvictStandAlonePods: false,
  shouldTerminateDrainedNodes: true,
  respectDoNotDisrupt: true,
  respectRestrictScaleDown: true,
  drainTimeThresholdSeconds: 900,
  batchTimeBudgetSeconds: 1800,
  cordonAllAtStart: true,
};

const percent = z.number().int().min(1).max(100);
const schema = z
  .object({
    nodes: z.string().optional(),
    nodeNames: z.array(z.string().min(1)).optional(),
    instanceIds: z.array(z.string().regex(/^i-[0-9a-f]{8,17}$/, 'an EC2 instance id like i-0123456789abcdef0')).optional(),
    batchSizePercentage: z.union([percent, z.literal('auto')]).optional(),
    batchMinHealthyPercentage: percent.optional(),
    respectPdb: z.boolean().optional(),
    forcePodEvictionOnPdbFailure: z.boolean().optional(),
    shouldEvictStandAlonePods: z.boolean().optional(),
    shouldTerminateDrainedNodes: z.boolean().optional(),
    respectDoNotDisrupt: z.boolean().optional(),
    respectRestrictScaleDown: z.boolean().optional(),
    drainTimeThresholdSeconds: z.number().int().positive().optional(),
    batchTimeBudgetSeconds: z.number().int().positive().optional(),
    cordonAllAtStart: z.boolean().optional(),
  })
  .strict();

export type RawParams = z.input<typeof schema>;

/** Validates raw parameters (from a file or flags) over the defaults. `object` names where they came from. */
export function parseParams(raw: unknown, file: string, object = 'migration parameters'): MigrationParams {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? schemaFieldPath(issue.path) : '';
    let problem = issue?.message ?? 'invalid';
    if (issue?.code === 'unrecognized_keys') problem = `unknown field(s) ${issue.keys.join(', ')}; expected ${Object.keys(schema.shape).join(', ')}`;
    throw new InputError(file, object, field, problem);
  }
  const p = parsed.data;
  const selections = [p.nodes, p.nodeNames, p.instanceIds].filter((x) => x !== undefined);
  if (selections.length > 1) throw new InputError(file, object, 'nodes', 'give one of nodes (a label selector), nodeNames or instanceIds, not several');
  let nodes: NodeSelection = { kind: 'all' };
  if (p.nodes !== undefined) {
    try {
      nodes = { kind: 'labelSelector', text: p.nodes, selector: parseLabelSelectorString(p.nodes) };
    } catch (e) {
      if (e instanceof SelectorSyntaxError) throw new InputError(file, object, 'nodes', `label selector: ${e.message}`);
      throw e;
    }
  } else if (p.nodeNames !== undefined) nodes = { kind: 'nodeNames', names: [...p.nodeNames].sort() };
  else if (p.instanceIds !== undefined) nodes = { kind: 'instanceIds', ids: [...p.instanceIds].sort() };
  return {
    nodes,
    batchSizePercentage: p.batchSizePercentage ?? DEFAULT_PARAMS.batchSizePercentage,
    batchMinHealthyPercentage: p.batchMinHealthyPercentage ?? DEFAULT_PARAMS.batchMinHealthyPercentage,
    respectPdb: p.respectPdb ?? DEFAULT_PARAMS.respectPdb,
    forcePodEvictionOnPdbFailure: p.forcePodEvictionOnPdbFailure ?? DEFAULT_PARAMS.forcePodEvictionOnPdbFailure,
    shouldEvictStandAlonePods: p.shouldEvictStandAlonePods ?? DEFAULT_PARAMS.shouldEvictStandAlonePods,
    shouldTerminateDrainedNodes: p.shouldTerminateDrainedNodes ?? DEFAULT_PARAMS.shouldTerminateDrainedNodes,
    respectDoNotDisrupt: p.respectDoNotDisrupt ?? DEFAULT_PARAMS.respectDoNotDisrupt,
    respectRestrictScaleDown: p.respectRestrictScaleDown ?? DEFAULT_PARAMS.respectRestrictScaleDown,
    drainTimeThresholdSeconds: p.drainTimeThresholdSeconds ?? DEFAULT_PARAMS.drainTimeThresholdSeconds,
    batchTimeBudgetSeconds: p.batchTimeBudgetSeconds ?? DEFAULT_PARAMS.batchTimeBudgetSeconds,
    cordonAllAtStart: p.cordonAllAtStart ?? DEFAULT_PARAMS.cordonAllAtStart,
  };
}
