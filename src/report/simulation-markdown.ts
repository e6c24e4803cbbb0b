/**
 * A rehearsal as Markdown, for a pull request: the outcome and the failure first, then the HTML report's sections as tables
 * (the timeline's series and faults, the batches as they ran, the instances as Ocean's console lists them), then the plan
 * it rehearsed.
 */
import type { MigrationStatusView } from '../engine/status.js';
import type { Plan } from '../planner/plan.js';
import { duration, listSome } from './format.js';
import { timelineMarks, timelineSeries } from './html/timeline-series.js';
import type { SimulationHtmlView } from './html/simulation-html.js';
import { renderPlanMarkdown } from './markdown.js';
import type { PriceOf } from './fleet.js';

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;');
const clock = (t: number | null): string => (t === null ? '-' : `t+${duration(Math.max(0, t))}`);
const row = (cells: readonly (string | number)[]): string => `| ${cells.map((c) => esc(String(c))).join(' | ')} |`;

function instances(title: string, list: MigrationStatusView['oldInstances']): string[] {
  const out = ['', `### ${title} (${list.length})`, ''];
  if (list.length === 0) return [...out, 'None.'];
  return [...out, '| node | instance | state | running pods |', '|---|---|---|---:|', ...list.map((i) => row([i.nodeName, i.instanceId ?? '-', i.state, i.runningPods]))];
}

export function renderSimulationMarkdown(r: SimulationHtmlView, replay: string, plan?: Plan, opts: { readonly priceOf?: PriceOf } = {}): string {
  const out: string[] = [`# Rehearsal: ${r.status}${r.failure !== null ? ` (${r.failure.code})` : ''} after ${duration(r.durationSeconds)} of virtual time`, ''];
  out.push(`Seed ${r.seed}; ${r.options.faults.length === 0 ? 'no fault injected' : `faults: \`${r.options.faults.join(' ')}\``}. Replay: \`${replay}\``);
  if (r.failure !== null) {
    const at = r.events.find((e) => e.kind === 'migration.failed');
    out.push('', `## Failure: \`${r.failure.code}\`${at !== undefined ? ` at ${clock(at.t)}` : ''}`, '', `> ${r.failure.message}`, '', `- **Why:** ${esc(r.failure.why)}`, `- **Do:** ${esc(r.failure.remedy)}`);
    if (r.failure.objects.length > 0) out.push(`- **Objects:** ${esc(listSome(r.failure.objects, 10))}`);
  }
  if (r.timedOut) out.push('', 'The run was cut short at its time limit before the migration ended.');
  out.push('', '## Timeline', '', '| series | max | at the end |', '|---|---:|---:|');
  for (const s of timelineSeries(r)) out.push(row([s.label, s.max, s.final]));
  const marks = timelineMarks(r);
  if (marks.faults.length > 0) {
    out.push('', '| fault from | until | fault |', '|---|---|---|');
    for (const f of marks.faults) out.push(row([clock(f.t), f.until === null ? '-' : clock(f.until), f.label]));
  }
  if (marks.end !== null) out.push('', `${marks.end.label} at ${clock(marks.end.t)}.`);
  out.push('', '## Batches as they ran', '', '| # | nodes | started | drained | finished | evicted | phase |', '|---:|---|---|---|---|---:|---|');
  r.batches.forEach((b, i) => out.push(row([i + 1, listSome(b.nodes, 3), clock(b.startedAt), clock(b.drainedAt), b.finishedAt === null ? 'no' : clock(b.finishedAt), b.evicted, b.phase])));
  const v = r.migration ?? { counts: r.counts, oldInstances: r.instances.old, newInstances: r.instances.new, unscheduledPods: r.unscheduledPods };
  out.push('', "## Instances, as Ocean's console lists them", '', '| new instances | pods launched | pods remaining | unscheduled pods |', '|---:|---:|---:|---:|');
  out.push(row([v.counts.newInstances, v.counts.podsLaunched, v.counts.podsRemaining, v.counts.unscheduledPods]));
  out.push(...instances('Old instances', v.oldInstances), ...instances('New instances', v.newInstances));
  if (v.unscheduledPods.length > 0) out.push('', `Unscheduled pods: ${esc(listSome(v.unscheduledPods, 20))}`);
  if (plan !== undefined) out.push('', renderPlanMarkdown(plan, opts).replace(/^(#+) /gm, '#$1 ').replace(/^## Migration plan:/, '## The plan rehearsed:').trimEnd());
  return out.join('\n') + '\n';
}
