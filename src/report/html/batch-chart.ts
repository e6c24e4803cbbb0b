/**
 * The batch plan as a Gantt-like chart: one bar per batch from its estimated start to its estimated end (batches run one
 * after another), cut into its PDB rounds, with the batch time budget marked from the batch's start. A batch a PDB blocks
 * for good runs to the edge, hatched; the batches after it are never reached. Static SVG: each bar carries its figures as
 * data attributes and a <title>.
 */
import { scaleLinear } from 'd3-scale';
import type { Plan } from '../../planner/plan.js';
import { duration } from '../format.js';
import { esc, num } from './escape.js';

export interface BatchBar {
  readonly batch: number;
  readonly nodes: number;
  readonly pods: number;
  /** Estimated start in seconds from the migration's start; null when an earlier batch never ends. */
  readonly start: number | null;
  /** Estimated seconds; null when blocked. */
  readonly seconds: number | null;
  /** PDB rounds (the most any PDB of the batch needs; 1 when none serialises it); null when a PDB allows no eviction. */
  readonly rounds: number | null;
  readonly overBudget: boolean;
}

export function batchBars(plan: Pick<Plan, 'batches'> & { readonly cordonAllSeconds?: number }): BatchBar[] {
  // With cordonAllAtStart the first batch starts once every old node is cordoned.
  let at: number | null = plan.cordonAllSeconds ?? 0;
  return plan.batches.map((b, i) => {
    // A PDB that allows no eviction has no rounds (the plan's JSON says null, in memory it is Infinity): the batch is
    // blocked, or with forcePodEvictionOnPdbFailure waits the drain threshold and then deletes.
    const finite = b.serialisedBy.map((s) => s.rounds).filter((r): r is number => r !== null && Number.isFinite(r));
    const rounds = b.serialisedBy.some((s) => s.allowed === 0) ? null : Math.max(1, ...finite);
    const bar = { batch: i + 1, nodes: b.nodes.length, pods: b.pods, start: at, seconds: b.estimatedSeconds, rounds, overBudget: b.overBudget };
    at = at === null || b.estimatedSeconds === null ? null : at + b.estimatedSeconds;
    return bar;
  });
}

const W = 960;
const LEFT = 90;
const RIGHT = 20;
const TOP = 24;
const ROW = 26;
const BAR = 16;

export function batchChart(plan: Pick<Plan, 'batches' | 'params' | 'estimatedSeconds' | 'boundSeconds'>): string {
  const bars = batchBars(plan);
  const budget = plan.params.batchTimeBudgetSeconds;
  const ends = bars.flatMap((b) => (b.start === null ? [] : [b.start + (b.seconds ?? 0), b.start + budget]));
  const x = scaleLinear()
    .domain([0, Math.max(60, ...ends)])
    .range([LEFT, W - RIGHT])
    .nice();
  const [, maxT] = x.domain() as [number, number];
  const height = TOP + bars.length * ROW + 30;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart batch-chart" role="img" aria-labelledby="batch-chart-title" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" data-batches="${bars.length}" data-budget="${budget}" data-estimated="${plan.estimatedSeconds ?? ''}" data-bound="${plan.boundSeconds}">`,
  );
  out.push(`<title id="batch-chart-title">Batch plan: ${bars.length} batch(es), estimated ${esc(duration(plan.estimatedSeconds))}, budget ${esc(duration(budget))} per batch</title>`);
  out.push(
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4c7c3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b3261e" stroke-width="2"/></pattern></defs>',
  );
  // Time axis along the bottom, with grid lines.
  const axisY = TOP + bars.length * ROW + 4;
  out.push(`<g class="axis">`);
  out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${axisY}" y2="${axisY}"/>`);
  for (const t of x.ticks(8)) {
    out.push(`<line x1="${num(x(t))}" x2="${num(x(t))}" y1="${TOP - 6}" y2="${axisY + 4}" stroke-dasharray="2 3" stroke-opacity="0.5"/>`);
    out.push(`<text x="${num(x(t))}" y="${axisY + 16}" text-anchor="middle">${esc(duration(t))}</text>`);
  }
  out.push('</g>');
  bars.forEach((b, i) => {
    const y = TOP + i * ROW;
    out.push(`<text x="${LEFT - 8}" y="${y + BAR - 3}" text-anchor="end">batch ${b.batch}</text>`);
    if (b.start === null) {
      out.push(
        `<g class="batch not-reached" data-batch="${b.batch}" data-start="" data-seconds="" data-nodes="${b.nodes}" data-pods="${b.pods}"><title>batch ${b.batch}: ${b.nodes} node(s), ${b.pods} pod(s); not reached (an earlier batch is blocked)</title><text x="${LEFT + 4}" y="${y + BAR - 3}" fill="#5b6472">not reached</text></g>`,
      );
      return;
    }
    const x0 = x(b.start);
    const blocked = b.seconds === null;
    const x1 = blocked ? x(maxT) : x(b.start + (b.seconds ?? 0));
    const fill = blocked ? 'url(#hatch)' : b.overBudget ? '#e8a33d' : '#4f7cc4';
    const what = blocked
      ? 'blocked: a PDB allows no eviction'
      : `estimated ${duration(b.seconds)}${b.rounds !== null && b.rounds > 1 ? ` in ${b.rounds} PDB rounds` : ''}${b.overBudget ? ', over budget' : ''}`;
    out.push(
      `<g class="batch" data-batch="${b.batch}" data-start="${b.start}" data-seconds="${b.seconds === null ? '' : b.seconds}" data-rounds="${b.rounds ?? ''}" data-nodes="${b.nodes}" data-pods="${b.pods}" data-over-budget="${b.overBudget}">`,
    );
    out.push(`<title>batch ${b.batch}: ${b.nodes} node(s), ${b.pods} pod(s); starts at ${esc(duration(b.start))}, ${esc(what)}</title>`);
    out.push(`<rect x="${num(x0)}" y="${y}" width="${num(Math.max(1, x1 - x0))}" height="${BAR}" fill="${fill}" rx="2"/>`);
    if (!blocked && b.rounds !== null && b.rounds > 1) {
      for (let r = 1; r < b.rounds; r++) {
        const xr = x0 + ((x1 - x0) * r) / b.rounds;
        out.push(`<line class="round" x1="${num(xr)}" x2="${num(xr)}" y1="${y}" y2="${y + BAR}" stroke="#fff" stroke-width="1.5"/>`);
      }
    }
    const xb = x(b.start + budget);
    out.push(`<line class="budget" x1="${num(xb)}" x2="${num(xb)}" y1="${y - 3}" y2="${y + BAR + 3}" stroke="#b3261e" stroke-width="2" data-t="${b.start + budget}"/>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}
