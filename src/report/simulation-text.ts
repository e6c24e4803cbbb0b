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
  const count = (kind: string, from: number, to: number): number =>
    r.events.filter((e) => e.kind === kind && e.t >= from && e.t < to).length;
  r.batches.forEach((b, i) => {
    const start = b.startedAt ?? Number.POSITIVE_INFINITY;
    const next = r.batches[i + 1]?.startedAt ?? Number.POSITIVE_INFINITY;
    const end = Number.isFinite(next) ? next : Number.POSITIVE_INFINITY;
    if (b.startedAt === null) {
      out.push(`  batch ${i + 1}: not started (${plural(b.nodes.length, 'node')})`);
      return;
    }
    out.push(`  batch ${i + 1} at ${clock(b.startedAt)}: ${listSome(b.nodes, 3)}`);
    const rows = [
      ['cordoned', String(count('node.cordoned', start, end))],
      ['evicted', String(b.evicted)],
      ['PDB refusals', String(count('pod.evict-blocked', start, end))],
      ['nodes launched', String(count('node.launched', start, end))],
      ['pods Ready', String(count('pod.ready', start, end))],
      ['terminated', String(count('node.terminated', start, end))],
      // Nodes kept by pods that are not evicted (stand-alone, or asking not to be disrupted); shown when there are any.
      ...(count('node.kept', start, end) > 0 ? [['kept', String(count('node.kept', start, end))]] : []),
      ['drained', clock(b.drainedAt)],
      ['finished', b.finishedAt === null ? `no (${b.phase})` : clock(b.finishedAt)],
    ];
    out.push(...table(rows, '    '));
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
