/**
 * A rehearsal as one self-contained HTML page: its outcome and failure (Ocean's message, why, what to do) first, the
 * timeline chart (pods pending and Running, old and new nodes, batches, faults, the failure), the batches as they ran, the
 * instances as Ocean's console lists them, then the plan it rehearsed (when given). Pure: the caller writes the file.
 */
import type { MigrationStatusView } from '../../engine/status.js';
import type { Plan } from '../../planner/plan.js';
import { duration, listSome } from '../format.js';
import type { SimulationView } from '../simulation-text.js';
import { esc, htmlTable, para, section } from './escape.js';
import { instancesSection, type InstancesView } from './instances-section.js';
import { htmlDocument } from './page.js';
import { planSections, type PlanHtmlOptions } from './plan-html.js';
import { timelineChart } from './timeline-chart.js';
import { timelineMarks, timelineSeries } from './timeline-series.js';
import { failureBlock, headline } from './verdict-section.js';

export interface SimulationHtmlView extends SimulationView {
  readonly instances: {
    readonly old: readonly { readonly instanceId: string; readonly nodeName: string; readonly state: string; readonly runningPods: number }[];
    readonly new: readonly {
      readonly instanceId: string;
      readonly nodeName: string;
      readonly vng: string;
      readonly instanceType: string;
      readonly zone: string;
      readonly state: string;
      readonly runningPods: number;
    }[];
  };
  readonly migration: MigrationStatusView | null;
}

const clock = (t: number | null): string => (t === null ? '-' : `t+${duration(Math.max(0, t))}`);

export function simulationSections(r: SimulationHtmlView, replay: string): string[] {
  const out: string[] = [];
  out.push(para(`Seed ${r.seed}; ${r.options.faults.length === 0 ? 'no fault injected' : `faults: ${r.options.faults.join(' ')}`}. Replay: ${replay}`, 'meta'));
  if (r.failure !== null) {
    const at = r.events.find((e) => e.kind === 'migration.failed');
    out.push(failureBlock('Failure', { ...r.failure, where: at !== undefined ? `at ${clock(at.t)}` : undefined }));
  }
  if (r.timedOut) out.push(para('The run was cut short at its time limit before the migration ended.', 'note'));
  const series = timelineSeries(r);
  const marks = timelineMarks(r);
  const batches = r.batches.map((b, i) => ({ batch: i + 1, startedAt: b.startedAt, finishedAt: b.finishedAt }));
  out.push(
    section(
      'timeline',
      'Timeline',
      [
        '<figure>',
        timelineChart(series, batches, marks.faults, marks.end, r.durationSeconds),
        '<figcaption>Pods pending (created, not bound to a node yet) and Running on the old and new instances; old nodes not terminated yet, new nodes (from their launch until terminated or reclaimed) and those Ready; the batches as bands (b1, b2, ...); faults in orange (a bar above the chart while one lasts); the failure or stop in red. Virtual time from the start of the rehearsal.</figcaption>',
        '</figure>',
        htmlTable(
          ['series', 'max', 'at the end'],
          series.map((s) => [s.label, s.max, s.final]),
          [1, 2],
          'series',
        ),
        marks.faults.length > 0 ? `<h3>Faults (${marks.faults.length})</h3>` + htmlTable(['from', 'until', 'fault'], marks.faults.map((f) => [clock(f.t), f.until === null ? '-' : clock(f.until), f.label]), [], 'faults') : '',
      ].join('\n'),
    ),
  );
  out.push(
    section(
      'batches-run',
      'Batches as they ran',
      htmlTable(
        ['#', 'nodes', 'started', 'drained', 'finished', 'evicted', 'phase'],
        r.batches.map((b, i) => [i + 1, listSome(b.nodes, 3), clock(b.startedAt), clock(b.drainedAt), b.finishedAt === null ? 'no' : clock(b.finishedAt), b.evicted, b.phase]),
        [0, 5],
        'batches-run',
      ),
    ),
  );
  const view: InstancesView =
    r.migration ?? {
      counts: r.counts,
      oldInstances: r.instances.old,
      newInstances: r.instances.new,
      unscheduledPods: r.unscheduledPods,
    };
  out.push(instancesSection(view, new Map(r.instances.new.map((n) => [n.nodeName, { vng: n.vng, instanceType: n.instanceType, zone: n.zone }]))));
  return out;
}

export function renderSimulationHtml(r: SimulationHtmlView, replay: string, plan?: Plan, opts: PlanHtmlOptions = {}): string {
  const title = `${r.status}${r.failure !== null ? ` (${r.failure.code})` : ''} after ${duration(r.durationSeconds)} of virtual time`;
  const body = ['<header>', '<h1>vngshift rehearsal</h1>', headline(r.status, title), '</header>', '<main>', ...simulationSections(r, replay)];
  if (plan !== undefined) {
    body.push(`<h2 id="plan">The plan rehearsed: ${esc(plan.verdict)}</h2>`, ...planSections(plan, opts));
  }
  body.push('</main>');
  return htmlDocument(`vngshift simulate: ${title}`, body);
}
