/**
 * A simulation as a terminal report: a timeline, batch by batch (cordoned, evicted, launched, ready, terminated, with virtual
 * times), then the final status, the failure code, Ocean's message and the remedy.
 */
import { plural } from './plural.js';
import { duration, listSome, table } from './format.js';

export interface SimulationView {
  readonly status: string;
  readonly failure: { code: string; message: string; why: string; remedy: string; objects: readonly string[] } | null;
  readonly timedOut: boolean;
  readonly durationSeconds: number;
  readonly batches: readonly { nodes: readonly string[]; phase: string; startedAt: number | null; drainedAt: number | null; finishedAt: number | null; evicted: number }[];
  readonly instances: { readonly old: readonly { nodeName: string; state: string }[]; readonly new: readonly { nodeName: string; vng: string; instanceType: string; state: string }[] };
  readonly events: readonly { readonly t: number; readonly kind: string; readonly object: string; readonly [detail: string]: string | number | boolean | null }[];
  readonly seed: number;
  readonly options: { readonly faults: readonly string[] };
  readonly counts: { newInstances: number; podsLaunched: number; podsRemaining: number; unscheduledPods: number };
  readonly unscheduledPods: readonly string[];
  readonly engineRestarts: number;
}

const clock = (t: number | null): string => (t === null ? '-' : `t+${duration(Math.max(0, t))}`);

/** The Spot events (sim/world/spot.ts) the text lists with the faults: the signals and what Ocean made of them. */
const SPOT_SIGNALS: ReadonlySet<string> = new Set(['spot.interruption-notice', 'spot.rebalance-recommendation', 'spot.replacement', 'spot.replacement-failed', 'spot.no-target']);

function spotDetail(e: SimulationView['events'][number]): string {
  switch (e.kind) {
    case 'spot.interruption-notice':
      return ` (reclaimed at ${clock(Number(e['terminationAt']))})`;
    case 'spot.replacement':
      return ` (replaced by ${String(e['replacement'])})`;
    case 'spot.replacement-failed':
    case 'spot.no-target':
      return ` (${String(e['reason'])})`;
    case 'instance.shutting-down':
      return ` (${String(e['node'])}, by ${String(e['by'])})`;
    default:
      return '';
  }
}

export function renderSimulationText(r: SimulationView, replay: string): string {
  const out: string[] = [];
  out.push(`vngshift simulate: ${r.status}${r.failure ? ` (${r.failure.code})` : ''} after ${duration(r.durationSeconds)} of virtual time; seed ${r.seed}`);
  if (r.options.faults.length > 0) out.push(`  faults: ${r.options.faults.join(' ')}`);
  out.push('', 'Timeline');
  const allDone = r.events.find((e) => e.kind === 'migration.cordoned-all');
  if (allDone) {
    const atStart = r.events.filter((e) => e.kind === 'node.cordoned' && e.t <= allDone.t).length;
    out.push(`  at ${clock(allDone.t)}: ${plural(atStart, 'old node')} cordoned at the start (cordonAllAtStart); the batches below only evict`);
  }
  r.batches.forEach((b, i) => {
    if (b.startedAt === null) {
      out.push(`  batch ${i + 1}: not started (${plural(b.nodes.length, 'node')})`);
      return;
    }
    out.push(`  batch ${i + 1} at ${clock(b.startedAt)}: ${listSome(b.nodes, 3)}${b.nodes.length > 3 ? ` (${b.nodes.length} nodes)` : ''}`);
    const next = r.batches[i + 1]?.startedAt ?? null;
    out.push(...table(batchRows(r, b, next ?? Number.POSITIVE_INFINITY), '    '));
  });
  const faults = r.events.filter(
    (e) =>
      e.kind.startsWith('fault.') ||
      e.kind === 'engine.crashed' ||
      e.kind === 'engine.restarted' ||
      e.kind === 'api.lost' ||
      e.kind === 'api.restored' ||
      SPOT_SIGNALS.has(e.kind) ||
      (e.kind === 'instance.shutting-down' && typeof e['by'] === 'string'),
  );
  if (faults.length > 0) {
    out.push('', 'Faults and recoveries');
    for (const e of faults.slice(0, 30)) out.push(`  ${clock(e.t)}  ${e.kind}  ${e.object}${spotDetail(e)}`);
    if (faults.length > 30) out.push(`  ... and ${faults.length - 30} more`);
  }
  out.push('', 'Final status');
  out.push(
    `  ${r.status}; new instances ${r.counts.newInstances}, pods launched ${r.counts.podsLaunched}, pods remaining on old nodes ${r.counts.podsRemaining}, unscheduled pods ${r.counts.unscheduledPods}${r.engineRestarts > 0 ? `, engine restarts ${r.engineRestarts}` : ''}`,
  );
  const oldStates = new Map<string, number>();
  for (const o of r.instances.old) oldStates.set(o.state, (oldStates.get(o.state) ?? 0) + 1);
  out.push(`  old instances: ${[...oldStates].map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`);
  const newByVng = new Map<string, number>();
  for (const n of r.instances.new) newByVng.set(`${n.vng}/${n.instanceType}`, (newByVng.get(`${n.vng}/${n.instanceType}`) ?? 0) + 1);
  out.push(`  new instances: ${[...newByVng].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`);
  if (r.unscheduledPods.length > 0) out.push(`  unscheduled: ${listSome(r.unscheduledPods, 6)}`);
  if (r.timedOut) out.push('  the run was cut short at its time limit before the migration ended');
  if (r.failure) {
    out.push('', `Failure: ${r.failure.code}`, `  Ocean: ${r.failure.message}`, `  Why: ${r.failure.why}`, `  Do: ${r.failure.remedy}`);
    if (r.failure.objects.length > 0) out.push(`  Objects: ${listSome(r.failure.objects, 8)}`);
  }
  out.push('', `Replay: ${replay}`);
  return out.join('\n') + '\n';
}

/** The events of one kind in a batch's window, as a count with the first and last virtual times. */
interface Span {
  readonly n: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly events: SimulationView['events'];
}

/** What a batch's row shows beside a count: how the events split (VNG/type of launches, error codes of failed launches). */
function breakdown(events: SimulationView['events'], of: (e: SimulationView['events'][number]) => string): string {
  const by = new Map<string, number>();
  for (const e of events) by.set(of(e), (by.get(of(e)) ?? 0) + 1);
  const parts = [...by].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${n} ${k}`);
  return listSome(parts, 4);
}

/**
 * One row per kind of event in the batch's window (from its start to the next batch's) that happened there, in the order
 * they began: the count, the first and last virtual times, and for some kinds how they split; then when the batch drained
 * and finished, in time order with the rest. Aggregated per kind, so a batch of thousands of pods stays a dozen lines.
 */
function batchRows(r: SimulationView, b: SimulationView['batches'][number], end: number): string[][] {
  const from = b.startedAt ?? 0;
  const spans = new Map<string, SimulationView['events'][number][]>();
  for (const e of r.events) {
    if (e.t < from || e.t >= end) continue;
    let list = spans.get(e.kind);
    if (!list) spans.set(e.kind, (list = []));
    list.push(e);
  }
  const span = (kind: string): Span => {
    const events = spans.get(kind) ?? [];
    return { n: events.length, first: events[0]?.t ?? null, last: events[events.length - 1]?.t ?? null, events };
  };
  const row = (label: string, count: number, s: Span, note = ''): { at: number; cells: string[] } => ({
    at: s.first ?? from,
    cells: [label, String(count), s.first === null ? '' : clock(s.first), s.last === null || s.first === null || clock(s.last) === clock(s.first) ? '' : `to ${clock(s.last)}`, note],
  });
  const evicted = span('pod.evicted');
  const refused = span('pod.evict-blocked');
  const launched = span('node.launched');
  const failed = span('launch.failed');
  const kept = span('node.kept');
  const rows = [
    row('cordoned', span('node.cordoned').n, span('node.cordoned')),
    row('pods evicted', b.evicted, evicted),
    row('PDB refusals', refused.n, refused, refused.n > 0 ? `${new Set(refused.events.map((e) => e.object)).size} pod(s)` : ''),
    row('nodes launched', launched.n, launched, breakdown(launched.events, (e) => `${String(e['vng'] ?? '?')}/${String(e['instanceType'] ?? '?')}`)),
    row('launch failures', failed.n, failed, breakdown(failed.events, (e) => String(e['error'] ?? '?'))),
    row('nodes Ready', span('node.ready').n, span('node.ready')),
    row('pods Ready', span('pod.ready').n, span('pod.ready')),
    row('nodes terminated', span('node.terminated').n, span('node.terminated')),
    // Nodes kept by pods that are not evicted (stand-alone, or asking not to be disrupted).
    row('nodes kept', kept.n, kept),
  ].filter((x) => x.cells[1] !== '0' || x.cells[0] === 'pods evicted');
  const width = Math.max(...rows.map((x) => (x.cells[1] ?? '').length));
  for (const x of rows) x.cells[1] = (x.cells[1] ?? '').padStart(width);
  const blank = ''.padStart(width);
  rows.push({ at: b.drainedAt ?? Number.POSITIVE_INFINITY, cells: ['drained', blank, b.drainedAt === null ? 'no' : clock(b.drainedAt), '', ''] });
  rows.push({ at: b.finishedAt ?? Number.POSITIVE_INFINITY, cells: ['finished', blank, b.finishedAt === null ? `no (${b.phase})` : clock(b.finishedAt), '', ''] });
  // In the order they began (evictions that did not happen at the batch's start).
  return rows
    .map((x, i) => ({ ...x, i }))
    .sort((x, y) => x.at - y.at || x.i - y.i)
    .map((x) => x.cells);
}

