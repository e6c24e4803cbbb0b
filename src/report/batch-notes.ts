/** What every renderer says about the batches: the line above them and the notes of each batch. */
import type { Plan } from '../planner/plan.js';
import { repeatMovesNote } from './cordon-line.js';
import { duration } from './format.js';
import { plural } from './plural.js';

type Batch = Plan['batches'][number];

/** One note per PDB that serialises or blocks the batch: "PDB shop/web: 6 evictions, 2 at a time (3 rounds)". */
export function pdbNote(x: Batch['serialisedBy'][number]): string {
  if (x.allowed === 0) return `PDB ${x.pdb} allows no eviction (${plural(x.evictions, 'eviction')} needed)`;
  const rounds = x.rounds !== null && Number.isFinite(x.rounds) && x.rounds > 1 ? ` (${x.rounds} rounds)` : '';
  return `PDB ${x.pdb}: ${plural(x.evictions, 'eviction')}, ${x.allowed} at a time${rounds}`;
}

export function batchNotes(plan: Pick<Plan, 'params'>, b: Batch): string[] {
  return [...b.serialisedBy.map(pdbNote), ...(b.overBudget ? [`over the ${duration(plan.params.batchTimeBudgetSeconds)} budget`] : []), ...repeatMovesNote(b)];
}

/** "8 batches at batchSizePercentage 20 (...); estimated 1h10m, bound 4h15m". */
export function batchesLine(plan: Pick<Plan, 'batches' | 'batchSizePercentage' | 'batchSizeChosen' | 'batchSizeNote' | 'estimatedSeconds' | 'boundSeconds'> & { readonly estimatedRange?: Plan['estimatedRange'] }): string {
  return `${plural(plan.batches.length, 'batch', 'batches')} at batchSizePercentage ${plan.batchSizePercentage}${plan.batchSizeChosen === 'auto' ? ' (chosen by the planner)' : ''}${plan.batchSizeNote !== null ? ` (${plan.batchSizeNote})` : ''}; estimated ${duration(plan.estimatedSeconds)}${rangeOf(plan.estimatedRange ?? null)}, bound ${duration(plan.boundSeconds)}`;
}

/** The plan's time as a range (a plan file from before ranges has none). */
export function rangeOf(r: { readonly lowSeconds: number; readonly highSeconds: number } | null): string {
  return r === null ? '' : ` (range ${duration(r.lowSeconds)} to ${duration(r.highSeconds)})`;
}
