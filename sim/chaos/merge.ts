/**
 * `vngshift chaos --merge`: the JSON summaries of a sharded sweep (one per Indexed Job pod) read back and put together. A
 * file may be a pod's log as `kubectl logs` returns it: the container's standard error (the progress lines, "shrinking run
 * ...") is in the same log as the summary on standard output, so the summary is taken from the first line that is `{` alone
 * (the pretty-printed JSON's first line) to the last line that is `}` alone. Each shard keeps its own figures (seeds, runs,
 * runs per second, workers), which the merged report lists, with any shard of the sweep missing from the files.
 */
import { z } from 'zod';
import { InputError } from '../../src/model/errors.js';
import { PROFILES, type ChaosProfile } from './draw.js';
import type { RunRecord } from './run.js';
import type { ShardFigures, ShrunkLine } from './summary.js';
import { schemaFieldPath } from '../../src/model/schema-path.js';

export interface ShardSummary<S extends ShrunkLine> {
  readonly profile: ChaosProfile;
  readonly results: readonly RunRecord[];
  readonly shrunk: readonly S[];
  readonly figures: ShardFigures;
}

/** The JSON document in a summary file or pod log (see the module comment), parsed. */
export function summaryDocument(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (whole) {
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.trimEnd() === '{');
    let last = -1;
    for (let i = lines.length - 1; i > first && first >= 0; i--) {
      if (lines[i]?.trimEnd() === '}') {
        last = i;
        break;
      }
    }
    if (first < 0 || last < 0) throw new InputError(file, '', '', `not a JSON chaos summary: ${message(whole)}`);
    try {
      return JSON.parse(lines.slice(first, last + 1).join('\n'));
    } catch (e) {
      throw new InputError(file, '', '', `not a JSON chaos summary: ${message(e)}`);
    }
  }
}

const message = (e: unknown): string => (e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e));
/**
 * The fields a merge reads, checked with their paths (e.g. `results[3].seed`); the rest of each run record is carried as it
 * is (it was written by the same program).
 */
const runSchema = z.looseObject({
  seed: z.number().int().nonnegative(),
  status: z.string(),
  violations: z.array(z.looseObject({ invariant: z.number(), message: z.string() })),
  error: z.string().nullable(),
  faults: z.array(z.string()),
});
const summarySchema = z.looseObject({
  profile: z.enum(PROFILES),
  results: z.array(runSchema),
  shrunk: z.array(z.looseObject({})).optional(),
  seed: z.number().nullable().optional(),
  runsPerSecond: z.number().nullable().optional(),
  elapsedSeconds: z.number().nullable().optional(),
  workers: z.number().nullable().optional(),
  shard: z.object({ index: z.number().int().nonnegative(), of: z.number().int().positive() }).optional(),
});


/** One file of a merge: its summary's runs, shrunk runs and figures. */
export function readShard<S extends ShrunkLine>(text: string, file: string): ShardSummary<S> {
  const parsed = summarySchema.safeParse(summaryDocument(text, file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(file, 'chaos summary', issue ? schemaFieldPath(issue.path) : '', `${issue?.message ?? 'invalid'} (expected the JSON that \`vngshift chaos -o json\` prints)`);
  }
  const d = parsed.data;
  const results = d.results as unknown as RunRecord[];
  const seeds = results.map((r) => r.seed);
  return {
    profile: d.profile,
    results,
    shrunk: (d.shrunk ?? []) as unknown as S[],
    figures: {
      file,
      shard: d.shard ? { index: d.shard.index, of: d.shard.of } : null,
      seed: d.seed ?? (seeds.length > 0 ? Math.min(...seeds) : 0),
      runs: results.length,
      runsPerSecond: d.runsPerSecond ?? null,
      elapsedSeconds: d.elapsedSeconds ?? null,
      workers: d.workers ?? null,
    },
  };
}

/** Shard indexes of the sweep that none of the files holds (only known when the files say which shard they are). */
export function missingShards(figures: readonly ShardFigures[]): number[] {
  const counts = new Set(figures.flatMap((f) => (f.shard ? [f.shard.of] : [])));
  if (counts.size !== 1) return [];
  const of = [...counts][0] as number;
  const seen = new Set(figures.flatMap((f) => (f.shard ? [f.shard.index] : [])));
  const out: number[] = [];
  for (let i = 0; i < of; i++) if (!seen.has(i)) out.push(i);
  return out;
}
