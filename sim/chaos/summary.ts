/**
 * The report of a chaos sweep, built from the run records in seed order: it does not depend on how many workers made them.
 * Timing (runs per second) is added by the caller, which owns the wall clock.
 */
import type { ChaosProfile } from './draw.js';
import type { RunRecord } from './run.js';

export interface ChaosViolation {
  readonly seed: number;
  readonly invariant: number;
  readonly message: string;
  readonly t?: number;
  readonly replay: string;
}

export interface ChaosError {
  readonly seed: number;
  readonly message: string;
  readonly replay: string;
}

export interface ChaosSummary {
  readonly profile: ChaosProfile;
  readonly seed: number;
  readonly runs: number;
  readonly outcomes: {
    /** Runs by final status (Completed, Failed, Stopped; Running/Stopping if a run did not end; Error if it threw). */
    readonly byStatus: Record<string, number>;
    /** Failed and Stopped runs by failure code. */
    readonly byFailure: Record<string, number>;
    /** Runs cut at the simulator's maxSeconds. */
    readonly timedOut: number;
    /** Runs whose plan was feasible. */
    readonly planFeasible: number;
  };
  /** How many runs had each fault kind turned on. */
  readonly faultKinds: Record<string, number>;
  readonly violations: readonly ChaosViolation[];
  readonly errors: readonly ChaosError[];
  /** Seeds with at least one violation or error. */
  readonly failingSeeds: readonly number[];
  /** Every run with the options drawn from its seed, so any of them can be rebuilt. */
  readonly results: readonly RunRecord[];
}

export function replayCommand(seed: number, profile: ChaosProfile): string {
  return `vngshift chaos --runs 1 --seed ${seed} --profile ${profile}`;
}

const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

/** Keys in a fixed order so the JSON is the same byte for byte. */
function sorted(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function summarize(records: readonly RunRecord[], profile: ChaosProfile, seed: number): ChaosSummary {
  const byStatus: Record<string, number> = {};
  const byFailure: Record<string, number> = {};
  const kinds: Record<string, number> = {};
  const violations: ChaosViolation[] = [];
  const errors: ChaosError[] = [];
  const failing: number[] = [];
  let timedOut = 0;
  let feasible = 0;
  const ordered = [...records].sort((a, b) => a.seed - b.seed);
  for (const r of ordered) {
    bump(byStatus, r.status);
    if (r.failure !== null) bump(byFailure, r.failure);
    if (r.timedOut) timedOut += 1;
    if (r.plan?.feasible) feasible += 1;
    for (const k of r.faultKinds) bump(kinds, k);
    const replay = replayCommand(r.seed, r.profile);
    for (const v of r.violations) violations.push({ seed: r.seed, invariant: v.invariant, message: v.message, ...(v.t !== undefined ? { t: v.t } : {}), replay });
    if (r.error !== null) errors.push({ seed: r.seed, message: r.error, replay });
    if (r.violations.length > 0 || r.error !== null) failing.push(r.seed);
  }
  return {
    profile,
    seed,
    runs: ordered.length,
    outcomes: { byStatus: sorted(byStatus), byFailure: sorted(byFailure), timedOut, planFeasible: feasible },
    faultKinds: sorted(kinds),
    violations,
    errors,
    failingSeeds: failing,
    results: ordered,
  };
}

/** A failing run after shrinking (see sim/chaos/shrink.ts), as the command line reports it. */
export interface ShrunkLine {
  readonly seed: number;
  readonly summary: string;
  readonly faults: readonly string[];
  readonly file: string | null;
  readonly replay: string;
}

/** One shard's summary as merged: its figures, for the report's per-shard lines. */
export interface ShardFigures {
  readonly file: string;
  /** The shard's index and the sweep's shard count, when it ran as a shard (--shards with --shard-index-env). */
  readonly shard: { readonly index: number; readonly of: number } | null;
  readonly seed: number;
  readonly runs: number;
  readonly runsPerSecond: number | null;
  readonly elapsedSeconds: number | null;
  readonly workers: number | null;
}

/** A merge's shards, for the report: each shard's own figures, and the shard indexes of the sweep no file held. */
export interface MergedShards {
  readonly shards: readonly ShardFigures[];
  readonly missing: readonly number[];
}

/** One shard of a merge: which, its seeds, and its rate as it measured it. */
function shardText(f: ShardFigures): string {
  const which = f.shard ? `shard ${f.shard.index}/${f.shard.of}` : 'summary';
  const seeds = `seeds ${f.seed}-${f.seed + f.runs - 1}`;
  const rate =
    f.runsPerSecond !== null && f.elapsedSeconds !== null
      ? `${f.runs} run(s) in ${f.elapsedSeconds.toFixed(1)} s on ${f.workers ?? '?'} worker(s): ${f.runsPerSecond.toFixed(1)} runs/s`
      : `${f.runs} run(s)`;
  return `${which} ${seeds}: ${rate} (${f.file})`;
}

/** The text report. `timing` (runs per second, seconds) comes from the caller's clock; null for a merge. */
export function renderChaosText(
  s: ChaosSummary,
  timing: { seconds: number; runsPerSecond: number; workers: number } | null,
  shrunk: readonly ShrunkLine[] = [],
  merged: MergedShards | null = null,
): string {
  const lines: string[] = [];
  const last = s.seed + s.runs - 1;
  lines.push(`vngshift chaos: ${s.runs} run(s), profile ${s.profile}, seeds ${s.seed}${s.runs > 1 ? `-${last}` : ''}`);
  lines.push('');
  lines.push('Outcomes');
  for (const [k, n] of Object.entries(s.outcomes.byStatus)) lines.push(`  ${k.padEnd(22)} ${String(n).padStart(6)}`);
  if (Object.keys(s.outcomes.byFailure).length > 0) {
    lines.push('Failure codes');
    for (const [k, n] of Object.entries(s.outcomes.byFailure)) lines.push(`  ${k.padEnd(22)} ${String(n).padStart(6)}`);
  }
  lines.push(`Plans feasible           ${String(s.outcomes.planFeasible).padStart(6)}`);
  if (s.outcomes.timedOut > 0) lines.push(`Cut at maxSeconds        ${String(s.outcomes.timedOut).padStart(6)}`);
  if (Object.keys(s.faultKinds).length > 0) {
    lines.push('Fault kinds (runs that drew each)');
    for (const [k, n] of Object.entries(s.faultKinds)) lines.push(`  ${k.padEnd(26)} ${String(n).padStart(6)}`);
  }
  lines.push('');
  if (s.violations.length === 0 && s.errors.length === 0) {
    lines.push('Invariants 1-6 and 9 (and 7 on every replayed run): no violation.');
  } else {
    lines.push(`Invariant violations: ${s.violations.length} in ${s.failingSeeds.length} run(s)`);
    for (const v of s.violations) {
      lines.push(`  seed ${v.seed}: invariant ${v.invariant}${v.t !== undefined ? ` @${v.t}s` : ''}: ${v.message}`);
      lines.push(`    replay: ${v.replay}`);
    }
    for (const e of s.errors) {
      lines.push(`  seed ${e.seed}: the run threw: ${e.message}`);
      lines.push(`    replay: ${e.replay}`);
    }
  }
  if (shrunk.length > 0) {
    lines.push('');
    lines.push('Shrunk to minimal scenarios');
    for (const x of shrunk) {
      lines.push(`  seed ${x.seed}: ${x.summary}`);
      lines.push(`    faults: ${x.faults.join(' ') || '(none)'}`);
      if (x.file !== null) lines.push(`    wrote ${x.file}`);
      lines.push(`    replay: ${x.replay}`);
    }
  }
  lines.push('');
  if (timing !== null) lines.push(`${s.runs} run(s) in ${timing.seconds.toFixed(1)} s on ${timing.workers} worker(s): ${timing.runsPerSecond.toFixed(1)} runs/s`);
  else {
    if (merged !== null) {
      lines.push('Shards');
      for (const f of merged.shards) lines.push(`  ${shardText(f)}`);
      if (merged.missing.length > 0) lines.push(`  missing: shard(s) ${merged.missing.join(', ')} (no file holds them)`);
    }
    lines.push(`${s.runs} run(s) merged${merged !== null ? ` from ${merged.shards.length} file(s)` : ''}`);
  }
  if (s.runs === 1) {
    const r = s.results[0];
    if (r) {
      lines.push('');
      lines.push(`Run ${r.seed}: ${r.status}${r.failure ? ` (${r.failure})` : ''} after ${r.durationSeconds}s, ${r.engineRestarts} engine restart(s)`);
      lines.push(`  world: ${JSON.stringify(r.world.generate)} seed ${r.world.clusterSeed}, VNGs ${r.world.vngSet}`);
      lines.push(`  params: ${JSON.stringify(r.params)}`);
      lines.push(`  faults: ${r.faults.join(' ') || '(none)'}`);
    }
  }
  return lines.join('\n') + '\n';
}
