/**
 * A live migration's status as one self-contained HTML page: status and failure first, a timeline of its batches (from the
 * state the executor persists: when each started, drained and finished, and when it failed or stopped), then the instances
 * as Ocean's console lists them. The state keeps no pod history, so this timeline has no pod or node curves.
 */
import { scaleLinear } from 'd3-scale';
import type { MigrationStatusView, OceanStatusPart } from '../../engine/status.js';
import type { MigrationState } from '../../engine/state.js';
import { duration } from '../format.js';
import { esc, htmlTable, num, para, section } from './escape.js';
import { instancesSection } from './instances-section.js';
import { htmlDocument } from './page.js';
import { failureBlock, headline } from './verdict-section.js';

export type StatusStatePart = Pick<MigrationState, 'batches' | 'createdAt' | 'failure' | 'stop' | 'stoppedAt' | 'completedAt' | 'erroredAt'>;

/** Engine times are seconds on its clock: epoch seconds live, virtual seconds in a rehearsal. */
function when(t: number | null): string {
  if (t === null) return '-';
  if (t > 1e9) return new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return `t+${duration(Math.max(0, t))}`;
}

const W = 960;
const LEFT = 90;
const RIGHT = 20;
const TOP = 20;
const ROW = 24;

/** The batches on a time axis from the migration's creation to `now` (its end, or the time of the status). */
export function statusTimeline(state: StatusStatePart, now: number): string {
  const t0 = state.createdAt;
  const end = Math.max(now, ...state.batches.flatMap((b) => [b.startedAt ?? t0, b.finishedAt ?? t0]));
  const x = scaleLinear().domain([0, Math.max(60, end - t0)]).range([LEFT, W - RIGHT]).nice();
  const height = TOP + state.batches.length * ROW + 30;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart status-timeline" role="img" aria-labelledby="status-timeline-title" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" data-batches="${state.batches.length}" data-created="${t0}">`,
    `<title id="status-timeline-title">Batches from ${esc(when(t0))}: ${state.batches.filter((b) => b.finishedAt !== null).length} finished of ${state.batches.length}</title>`,
  ];
  const axisY = TOP + state.batches.length * ROW + 2;
  out.push('<g class="axis">', `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${axisY}" y2="${axisY}"/>`);
  for (const t of x.ticks(8)) out.push(`<text x="${num(x(t))}" y="${axisY + 16}" text-anchor="middle">+${esc(duration(t))}</text>`);
  out.push('</g>');
  state.batches.forEach((b, i) => {
    const y = TOP + i * ROW;
    out.push(`<text x="${LEFT - 8}" y="${y + 13}" text-anchor="end">batch ${i + 1}</text>`);
    if (b.startedAt === null) return;
    const x0 = x(b.startedAt - t0);
    const x1 = x((b.finishedAt ?? now) - t0);
    const xd = b.drainedAt === null ? null : x(b.drainedAt - t0);
    out.push(
      `<g class="batch" data-batch="${i + 1}" data-start="${b.startedAt - t0}" data-end="${b.finishedAt === null ? '' : b.finishedAt - t0}" data-phase="${esc(b.phase)}" data-evicted="${b.evictedCount}"><title>batch ${i + 1}: started ${esc(when(b.startedAt))}, drained ${esc(when(b.drainedAt))}, finished ${esc(when(b.finishedAt))}; ${b.evictedCount} pod(s) evicted</title><rect x="${num(x0)}" y="${y}" width="${num(Math.max(1, x1 - x0))}" height="16" fill="${b.finishedAt === null ? '#e8a33d' : '#4f7cc4'}" rx="2"/>${xd === null ? '' : `<line x1="${num(xd)}" x2="${num(xd)}" y1="${y}" y2="${y + 16}" stroke="#fff" stroke-width="2"/>`}</g>`,
    );
  });
  const mark = (t: number | null, kind: string, color: string): void => {
    if (t === null) return;
    out.push(`<g class="end-mark" data-kind="${kind}" data-t="${t - t0}"><title>${kind} ${esc(when(t))}</title><line x1="${num(x(t - t0))}" x2="${num(x(t - t0))}" y1="${TOP - 6}" y2="${axisY}" stroke="${color}" stroke-width="2.5"/></g>`);
  };
  mark(state.failure?.at ?? state.erroredAt, 'failed', '#b3261e');
  mark(state.stoppedAt, 'stopped', '#a15c00');
  mark(state.stop?.requestedAt ?? null, 'stop-requested', '#a15c00');
  out.push('</svg>');
  return out.join('\n');
}

export function renderMigrationStatusHtml(v: MigrationStatusView & { readonly ocean?: OceanStatusPart }, state: StatusStatePart, now: number): string {
  const batch = v.currentBatch === null ? (v.batches === 0 ? 'no batches' : `all ${v.batches} batches done`) : `batch ${v.currentBatch} of ${v.batches}`;
  const body = ['<header>', '<h1>vngshift migration status</h1>', headline(v.status, `Migration ${v.id}: ${v.status} (${batch})`), '</header>', '<main>'];
  const f = state.failure;
  if (f !== null) body.push(failureBlock('Failure', { code: f.code, message: f.message, why: f.why, remedy: f.remedy, objects: f.objects, where: `at ${when(f.at)}` }));
  if (state.stop !== null && v.status !== 'Stopped') body.push(para(`A stop was requested at ${when(state.stop.requestedAt)} (terminate drained: ${state.stop.terminateDrained ? 'yes' : 'no'}).`));
  body.push(
    section(
      'timeline',
      'Timeline',
      [
        para(`Created ${when(v.createdAt)}${v.completedAt !== null ? `, completed ${when(v.completedAt)}` : ''}${v.stoppedAt !== null ? `, stopped ${when(v.stoppedAt)}` : ''}${v.erroredAt !== null ? `, failed ${when(v.erroredAt)}` : ''}.`),
        '<figure>',
        statusTimeline(state, now),
        '<figcaption>Each bar is a batch from its start to its end (orange: not finished); the white tick is when it was drained; red: the failure; brown: a stop. The executor keeps no pod history, so pods and nodes over time are shown only by a rehearsal (simulate).</figcaption>',
        '</figure>',
      ].join('\n'),
    ),
  );
  if (v.ocean !== undefined) {
    body.push(
      section(
        'ocean',
        `Executed by Ocean (cluster ${v.ocean.clusterId})`,
        htmlTable(['batch', 'Ocean migration', 'status', 'message'], v.ocean.migrations.map((m) => [m.batch, m.migrationId, m.status ?? '-', m.message ?? '']), [0]),
      ),
    );
  }
  body.push(instancesSection(v), '</main>');
  return htmlDocument(`vngshift status: ${v.id} ${v.status}`, body);
}
