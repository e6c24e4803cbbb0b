/**
 * `node dist-bench/bench/live-audit.js DIR`: what bounded a bench:live run, read from the API server's audit log that
 * `npm run bench:live -- --save DIR` keeps (Metadata level: who asked what, when, and the answer's code). Printed:
 * - each client's requests in the run's window (the executor, kube-scheduler, each controller of kube-controller-manager,
 *   KWOK) with its busiest second and its mean rate while active, so a client-side rate limit shows as a ceiling;
 * - the pipeline of a migrated pod, pairing the k-th event of each stage in time order: an eviction the API server
 *   accepted, the ReplicaSet controller's replacement, kube-scheduler's Binding, KWOK's first status write of the new
 *   pod (Running and Ready at once); each stage's lag as median, 90th percentile and maximum;
 * - the evictions one after the other: the API server's time on each, the gap between two, and the executor's own time
 *   between one's answer and the next one's arrival.
 * Nothing here is asserted; it is how the figures of the KWOK timing model (sim/timing-file.ts) were read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printTable } from './util.js';

interface AuditEvent {
  stage?: string;
  userAgent?: string;
  verb?: string;
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  responseStatus?: { code?: number };
  user?: { username?: string };
}

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: live-audit DIR (a folder bench:live --save wrote)');
const NS = 'bench';

const live = JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')) as { wallSeconds: number };

const events = readFileSync(join(dir, 'audit.log'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as AuditEvent)
  .filter((e) => e.stage === 'ResponseComplete');

const t = (e: AuditEvent): number => Date.parse(e.requestReceivedTimestamp ?? '') / 1000;
const done = (e: AuditEvent): number => Date.parse(e.stageTimestamp ?? '') / 1000;

/** The client: a controller's service account, else the user agent's program name. */
function client(e: AuditEvent): string {
  const u = e.user?.username ?? '';
  const sa = /^system:serviceaccount:kube-system:(.+)$/.exec(u);
  if (sa?.[1] !== undefined) return `kcm/${sa[1]}`;
  return (e.userAgent ?? '?').split('/')[0] ?? '?';
}

// The run's window: from the executor's first request in the bench namespace's migration to its last.
const executorEvents = events.filter((e) => /^(vngshift|node)/.test((e.userAgent ?? '').toLowerCase()) || client(e) === 'vngshift');
const evictions = events.filter((e) => e.verb === 'create' && e.objectRef?.subresource === 'eviction' && e.objectRef.namespace === NS);
const start = Math.min(...evictions.map(t));
const end = start + live.wallSeconds;
const inRun = events.filter((e) => t(e) >= start - 5 && t(e) <= end + 5);
process.stdout.write(`run window: ${new Date(start * 1000).toISOString()} + ${live.wallSeconds.toFixed(1)} s; ${inRun.length} requests; executor-looking requests in all: ${executorEvents.length}\n\n`);

const byClient = new Map<string, AuditEvent[]>();
for (const e of inRun) {
  const c = client(e);
  const list = byClient.get(c) ?? [];
  list.push(e);
  byClient.set(c, list);
}
const rows: string[][] = [];
for (const [c, list] of [...byClient].sort((a, b) => b[1].length - a[1].length)) {
  const perSecond = new Map<number, number>();
  for (const e of list) perSecond.set(Math.floor(t(e)), (perSecond.get(Math.floor(t(e))) ?? 0) + 1);
  const busiest = Math.max(...perSecond.values());
  const latency = list.map((e) => done(e) - t(e)).sort((a, b) => a - b);
  const kinds = new Map<string, number>();
  for (const e of list) {
    const k = `${e.verb ?? '?'} ${e.objectRef?.resource ?? '?'}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''}`;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const top = [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} ${n}`).join(', ');
  rows.push([c, String(list.length), String(busiest), (list.length / Math.max(1, perSecond.size)).toFixed(1), `${(q(latency, 0.5) * 1000).toFixed(0)}/${(q(latency, 0.9) * 1000).toFixed(0)} ms`, top]);
}
printTable('requests in the run window by client', ['client', 'requests', 'busiest second', 'per active second', 'latency p50/p90', 'mostly'], rows);

// The pipeline, stage by stage, k-th with k-th.
const accepted = evictions.filter((e) => e.responseStatus?.code === 201).map(t).sort((a, b) => a - b);
const refused = evictions.filter((e) => e.responseStatus?.code === 429).length;
const creates = inRun.filter((e) => e.verb === 'create' && e.objectRef?.resource === 'pods' && e.objectRef.subresource === undefined && e.objectRef.namespace === NS && t(e) >= start).map(t).sort((a, b) => a - b);
const bindings = inRun.filter((e) => e.verb === 'create' && e.objectRef?.subresource === 'binding' && e.objectRef.namespace === NS && t(e) >= start);
const bound = new Map<string, number>();
for (const b of bindings) if (b.objectRef?.name !== undefined) bound.set(b.objectRef.name, t(b));
const firstStatus = new Map<string, number>();
for (const e of inRun) {
  if (e.objectRef?.subresource !== 'status' || e.objectRef.resource !== 'pods' || e.objectRef.namespace !== NS || (e.verb !== 'patch' && e.verb !== 'update')) continue;
  // KWOK's write after the Binding (kube-scheduler's own status write, PodScheduled=False, comes before it).
  const n = e.objectRef.name ?? '';
  const at = bound.get(n);
  if (at !== undefined && client(e) === 'kwok' && t(e) >= at && !firstStatus.has(n)) firstStatus.set(n, t(e));
}
const bindTimes = [...bound.values()].sort((a, b) => a - b);
const startLag = [...firstStatus].map(([n, s]) => s - (bound.get(n) ?? s)).sort((a, b) => a - b);
process.stdout.write(`\nevictions accepted ${accepted.length}, refused (429, PDB) ${refused}; replacements created ${creates.length}; bound ${bindTimes.length}; first status write ${firstStatus.size}\n`);
const lag = (a: number[], b: number[]): number[] => {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) out.push((b[i] as number) - (a[i] as number));
  return out.sort((x, y) => x - y);
};
const stages: [string, number[]][] = [
  ['eviction accepted -> replacement created (k-th with k-th)', lag(accepted, creates)],
  ['replacement created -> bound (k-th with k-th)', lag(creates, bindTimes)],
  ['bound -> KWOK status (same pod)', startLag],
];
printTable(
  'the pipeline of a moved pod',
  ['stage', 'pairs', 'median', 'p90', 'max'],
  stages.map(([name, l]) => [name, String(l.length), `${q(l, 0.5).toFixed(2)} s`, `${q(l, 0.9).toFixed(2)} s`, `${(l[l.length - 1] ?? NaN).toFixed(2)} s`]),
);
const rate = (ts: number[]): string => {
  if (ts.length < 2) return '-';
  return `${((ts.length - 1) / ((ts[ts.length - 1] as number) - (ts[0] as number))).toFixed(1)}/s over the run; busiest second ${Math.max(...countBySecond(ts).values())}`;
};
// The evictions one after the other: the API server's time on each, the gap between two, and the executor's own time
// between one's answer and the next one's arrival (the figures of the KWOK model's request time and of the connection pool).
const evs = evictions.filter((e) => t(e) >= start).sort((a, b) => t(a) - t(b));
const serverTime = evs.map((e) => done(e) - t(e)).sort((a, b) => a - b);
const gaps: number[] = [];
const between: number[] = [];
for (let i = 1; i < evs.length; i++) {
  const g = t(evs[i] as AuditEvent) - t(evs[i - 1] as AuditEvent);
  if (g >= 1) continue; // a reconcile's end, not a request
  gaps.push(g);
  between.push(t(evs[i] as AuditEvent) - done(evs[i - 1] as AuditEvent));
}
gaps.sort((a, b) => a - b);
between.sort((a, b) => a - b);
const ms = (l: number[]): string => `${(q(l, 0.5) * 1000).toFixed(0)} ms median, ${(q(l, 0.9) * 1000).toFixed(0)} ms p90`;
process.stdout.write(`\neviction: API server ${ms(serverTime)}; gap between two ${ms(gaps)}; executor's own time between them ${ms(between)}\n`);
process.stdout.write(`\nevictions accepted: ${rate(accepted)}\nreplacements created: ${rate(creates)}\nbindings: ${rate(bindTimes)}\n`);

function countBySecond(ts: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const x of ts) m.set(Math.floor(x), (m.get(Math.floor(x)) ?? 0) + 1);
  return m;
}

function q(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}
