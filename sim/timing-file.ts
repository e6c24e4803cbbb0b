/**
 * Timing files: the rehearsal's timing figures for one cluster, written by `vngshift calibrate` from a real run's trace (or
 * by hand) and read by `plan --timing` and `simulate --timing`. One JSON or YAML document:
 *
 *   apiVersion: vngshift.io/v1alpha1
 *   kind: TimingModel
 *   timing: { apiLatencySeconds: 0.004, clientQps: 20, podStartSeconds: 2.5, ... }   # any field of SimTiming
 *   spread: 0.2                                                                         # optional, a fraction in [0, 1)
 *   source: ...                                                                         # optional, free text
 *   fit: { ... }                                                                        # optional, what calibrate saw
 *
 * `--timing` also takes the name of a built-in model: `eks` (the defaults, sim/timing.ts) or `kwok` (KWOK nodes on a local
 * control plane, as bench:live and the e2e tier run them).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../src/model/errors.js';
import { parseYamlDocument } from '../src/model/yaml-input.js';
import { DEFAULT_SIM_TIMING, resolveTiming, type SimTiming } from './timing.js';
import { schemaFieldPath } from '../src/model/schema-path.js';

export const TIMING_API_VERSION = 'vngshift.io/v1alpha1';
export const TIMING_KIND = 'TimingModel';

/**
 * KWOK's lifecycle on the local control plane: no instance boots (a node object is created and KWOK reports it Ready
 * within about a second), pods turn Running and Ready as soon as they are bound, and the kwok capacity provider launches
 * at the engine's reconcile (every 5 s), not on an autoscaler's 10 s loop (rehearse such a run with `--capacity kwok`:
 * the launches then wait for the reconcile, as they do in the run). The client-side rate limit is the executor's (20/40).
 *
 * An eviction takes 90 ms: measured here, the median gap between two consecutive evictions of `run` on the local control
 * plane (bench:live, bench/live-audit.ts over the API server's audit log): 76-85 ms at 10 nodes / 200 pods, 98 ms at
 * 100 nodes / 3,000 pods, nearly all of it the API server's own (an eviction reads the PodDisruptionBudgets, may update one
 * and deletes the pod: 60-94 ms at the median on the 2-core machine that also runs etcd, the controllers, kube-scheduler
 * and KWOK). Any other request takes 25 ms: the gaps between `run`'s consecutive cordons in the e2e calibration run's
 * traces (test/e2e/run-calibrate.test.ts, 4 nodes, two runs: 20-45 ms, medians 20 and 24 ms).
 */
export const KWOK_SIM_TIMING: Partial<SimTiming> = {
  apiLatencySeconds: 0.025,
  evictLatencySeconds: 0.09,
  ec2LatencySeconds: 0.01,
  schedulerDelaySeconds: 0.05,
  autoscalerIntervalSeconds: 5,
  instanceBootSeconds: 0,
  acceleratedInstanceBootSeconds: 0,
  nodeJoinSeconds: 0,
  nodeReadySeconds: 1,
  podStartSeconds: 1,
  podReadySeconds: 0,
  maxTerminationSeconds: 1,
  instanceShutdownSeconds: 0,
  nodeDeleteSeconds: 0,
};

export interface TimingFile {
  /** Where the figures came from: a file name, or a built-in model's name. */
  readonly source: string;
  /** Figures over the defaults of sim/timing.ts. */
  readonly timing: Partial<SimTiming>;
  /** How far real durations stray from the figures, as a fraction (the plan's range); null: the planner's default. */
  readonly spread: number | null;
}

const figure = z.number().finite().nonnegative();
const timingShape = Object.fromEntries(Object.keys(DEFAULT_SIM_TIMING).map((k) => [k, figure.optional()])) as Record<keyof SimTiming, z.ZodOptional<typeof figure>>;

const schema = z
  .object({
    apiVersion: z.literal(TIMING_API_VERSION),
    kind: z.literal(TIMING_KIND),
    source: z.string().optional(),
    timing: z.object(timingShape).strict(),
    spread: z.number().finite().min(0).lt(1).optional(),
    fit: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Parses a timing file's text; bad input is one InputError naming the file, `TimingModel` and the field path. */
export function parseTimingText(text: string, file: string): TimingFile {
  const raw = parseYamlDocument(text, file);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue !== undefined ? schemaFieldPath(issue.path) : '');
    let problem = issue?.message ?? 'invalid';
    if (issue?.code === 'unrecognized_keys') {
      problem = `unknown field(s) ${issue.keys.join(', ')}${path === 'timing' ? `; expected any of ${Object.keys(DEFAULT_SIM_TIMING).join(', ')}` : ''}`;
    }
    if (issue?.code === 'invalid_value' && (path === 'apiVersion' || path === 'kind')) problem = `expected ${path === 'kind' ? TIMING_KIND : TIMING_API_VERSION}`;
    throw new InputError(file, TIMING_KIND, path, problem);
  }
  const timing: Partial<Record<keyof SimTiming, number>> = {};
  for (const [k, v] of Object.entries(parsed.data.timing)) if (v !== undefined) timing[k as keyof SimTiming] = v;
  try {
    resolveTiming(timing);
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    const field = /^timing (\w+)/.exec(m)?.[1] ?? '';
    throw new InputError(file, TIMING_KIND, field === '' ? 'timing' : `timing.${field}`, m.replace(/^timing \w+ /, ''));
  }
  return { source: parsed.data.source ?? file, timing, spread: parsed.data.spread ?? null };
}

/** `--timing NAME|FILE`: a built-in model (`eks`, `kwok`) or a timing file. */
export function loadTiming(spec: string): TimingFile {
  if (spec === 'eks' || spec === 'default') return { source: 'eks', timing: {}, spread: null };
  if (spec === 'kwok') return { source: 'kwok', timing: { ...KWOK_SIM_TIMING }, spread: null };
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError('flag --timing', '', '', `${spec}: ${code === 'ENOENT' ? 'no such file (expected a timing file written by vngshift calibrate, or eks, or kwok)' : `cannot read (${code ?? String(e)})`}`);
  }
  return parseTimingText(text, spec);
}

/** The document `calibrate` writes. */
export function timingDocument(timing: Partial<SimTiming>, spread: number | null, source: string, fit: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: TIMING_API_VERSION, kind: TIMING_KIND, source, timing, ...(spread !== null ? { spread } : {}), fit };
}
