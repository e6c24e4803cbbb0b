/**
 * A rehearsal's timeline as static SVG: pods pending and Running (top panel), old nodes and new nodes launched and Ready
 * (bottom panel) over virtual time, the batches as bands, faults as orange marks and the failure or stop in red. Scales from
 * d3-scale, step lines from d3-shape, all drawn here at report time: the page runs no script. Every series carries its
 * maximum and final value as data attributes, every mark its time.
 */
import { max } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';
import { duration } from '../format.js';
import { esc, num } from './escape.js';
import type { Mark, Series } from './timeline-series.js';

export interface TimelineBatch {
  readonly batch: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

const W = 960;
const LEFT = 56;
const RIGHT = 200;
const PANEL = 170;
const GAP = 36;
const TOP = 44;
const COLORS: Readonly<Record<string, string>> = {
  podsPending: '#d9822b',
  podsRunning: '#2b7bd9',
  oldNodes: '#6b6f76',
  newNodes: '#8a5cc2',
  newNodesReady: '#2e9a5a',
};

export function timelineChart(series: readonly Series[], batches: readonly TimelineBatch[], faults: readonly Mark[], end: Mark | null, durationSeconds: number): string {
  const tMax = Math.max(60, durationSeconds, ...series.flatMap((s) => s.points.map((p) => p[0])));
  const x = scaleLinear().domain([0, tMax]).range([LEFT, W - RIGHT]).nice();
  const [, xEnd] = x.domain() as [number, number];
  const panels = [
    { title: 'pods', names: ['podsPending', 'podsRunning'], y0: TOP },
    { title: 'nodes', names: ['oldNodes', 'newNodes', 'newNodesReady'], y0: TOP + PANEL + GAP },
  ];
  const height = TOP + 2 * PANEL + GAP + 34;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline-chart" role="img" aria-labelledby="timeline-title" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" data-duration="${durationSeconds}" data-batches="${batches.length}" data-faults="${faults.length}">`,
  );
  out.push(`<title id="timeline-title">Timeline over ${esc(duration(durationSeconds))} of virtual time: ${series.map((s) => `${esc(s.label)} max ${s.max}, at the end ${s.final}`).join('; ')}</title>`);
  const bottom = TOP + 2 * PANEL + GAP;
  // Batches as alternating bands behind both panels.
  out.push('<g class="batches">');
  for (const b of batches) {
    if (b.startedAt === null) continue;
    const x0 = x(b.startedAt);
    const x1 = x(b.finishedAt ?? durationSeconds);
    out.push(
      `<g class="batch-band" data-batch="${b.batch}" data-start="${b.startedAt}" data-end="${b.finishedAt === null ? '' : b.finishedAt}"><title>batch ${b.batch}: ${esc(duration(b.startedAt))} to ${b.finishedAt === null ? 'not finished' : esc(duration(b.finishedAt))}</title><rect x="${num(x0)}" y="${TOP}" width="${num(Math.max(1, x1 - x0))}" height="${bottom - TOP}" fill="${b.batch % 2 === 0 ? '#eef2f8' : '#f6f8fb'}"/><line x1="${num(x0)}" x2="${num(x0)}" y1="${TOP}" y2="${bottom}" stroke="#9aa3ae" stroke-dasharray="3 3"/><text x="${num(x0 + 2)}" y="${TOP - 4}" font-size="10">b${b.batch}</text></g>`,
    );
  }
  out.push('</g>');
  for (const p of panels) {
    const own = series.filter((s) => p.names.includes(s.name));
    const yMax = Math.max(1, max(own, (s) => s.max) ?? 1);
    const y = scaleLinear().domain([0, yMax]).range([p.y0 + PANEL, p.y0]).nice();
    out.push(`<g class="panel" data-panel="${p.title}">`);
    out.push(`<g class="axis"><line x1="${LEFT}" x2="${LEFT}" y1="${p.y0}" y2="${p.y0 + PANEL}"/><line x1="${LEFT}" x2="${W - RIGHT}" y1="${p.y0 + PANEL}" y2="${p.y0 + PANEL}"/>`);
    for (const v of y.ticks(4)) {
      out.push(`<line x1="${LEFT - 4}" x2="${W - RIGHT}" y1="${num(y(v))}" y2="${num(y(v))}" stroke-opacity="0.25"/><text x="${LEFT - 6}" y="${num(y(v) + 4)}" text-anchor="end">${v}</text>`);
    }
    out.push(`<text x="${LEFT - 44}" y="${p.y0 - 8}">${p.title}</text></g>`);
    const path = line<readonly [number, number]>()
      .x((d) => x(d[0]))
      .y((d) => y(d[1]))
      .curve(curveStepAfter);
    // One decimal is enough on a 960-wide chart and keeps the path of a long trace small.
    const short = (d: string | null): string => (d ?? '').replace(/-?\d+\.\d+/g, (n) => String(Math.round(Number(n) * 10) / 10));
    own.forEach((s, i) => {
      const color = COLORS[s.name] ?? '#333';
      out.push(
        `<g class="series" data-series="${s.name}" data-max="${s.max}" data-final="${s.final}" data-points="${s.points.length}"><title>${esc(s.label)}: max ${s.max}, at the end ${s.final}</title><path d="${short(path(s.points))}" fill="none" stroke="${color}" stroke-width="1.8"/><line x1="${W - RIGHT + 10}" x2="${W - RIGHT + 26}" y1="${p.y0 + 10 + i * 16}" y2="${p.y0 + 10 + i * 16}" stroke="${color}" stroke-width="3"/><text x="${W - RIGHT + 30}" y="${p.y0 + 14 + i * 16}">${esc(s.label)} (${s.final})</text></g>`,
      );
    });
    out.push('</g>');
  }
  // Time axis.
  out.push('<g class="axis">');
  for (const t of x.ticks(8)) out.push(`<text x="${num(x(t))}" y="${bottom + 16}" text-anchor="middle">${esc(duration(t))}</text>`);
  out.push(`<text x="${W - RIGHT}" y="${bottom + 30}" text-anchor="end">virtual time</text></g>`);
  out.push('<g class="marks">');
  faults.forEach((f, i) => {
    const xf = x(Math.min(f.t, xEnd));
    // A fault that lasts is a thin bar from its start to its end along the top of the pods panel.
    const span = f.until === null ? '' : `<rect x="${num(xf)}" y="${TOP - 30 + (i % 3) * 5}" width="${num(Math.max(1, x(Math.min(f.until, xEnd)) - xf))}" height="4" fill="#e07b00" fill-opacity="0.7"/>`;
    out.push(
      `<g class="fault" data-kind="${esc(f.kind)}" data-t="${f.t}" data-until="${f.until === null ? '' : f.until}"><title>${esc(duration(f.t))}${f.until === null ? '' : ` to ${esc(duration(f.until))}`}: ${esc(f.label)}</title>${span}<line x1="${num(xf)}" x2="${num(xf)}" y1="${TOP - 8}" y2="${bottom}" stroke="#e07b00" stroke-width="1.5"/><path d="M${num(xf - 5)},${TOP - 16}L${num(xf + 5)},${TOP - 16}L${num(xf)},${TOP - 8}Z" fill="#e07b00"/></g>`,
    );
  });
  if (end !== null) {
    const xe = x(end.t);
    out.push(
      `<g class="end-mark" data-kind="${esc(end.kind)}" data-t="${end.t}"><title>${esc(duration(end.t))}: ${esc(end.label)}</title><line x1="${num(xe)}" x2="${num(xe)}" y1="${TOP - 34}" y2="${bottom}" stroke="#b3261e" stroke-width="2.5"/><text x="${num(xe - 4)}" y="${TOP - 36}" text-anchor="end" fill="#b3261e">${esc(end.label)}</text></g>`,
    );
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}
