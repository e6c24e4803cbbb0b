/**
 * `vngshift calibrate`: fits the rehearsal's timing figures to what a real run did, from the engine's trace (`run
 * --trace-out`, one JSON event per line). Pure: events in, figures out. What the trace shows, and the figure it fits:
 *
 * - Eviction time. The engine evicts a batch's pods one request after the other, so the gaps between consecutive
 *   eviction attempts of one reconcile are each one request: its round trip while the client-side rate limit has tokens
 *   (the burst), 1/qps once they are spent. `evictLatencySeconds` is the median of the gaps shorter than 0.8/qps (those
 *   that waited for no token); `clientQps`/`clientBurst` are the run's own (the `executor.settings` event `run` writes
 *   first), else fitted from the gaps: the median gap, when the gaps are mostly far above the latency, is one token's wait.
 * - Any other request's time (`apiLatencySeconds`): an eviction costs the API server several times a patch, and a loaded
 *   server stretches it more, so the rehearsal charges the two apart. The gaps between consecutive cordons of one
 *   reconcile, with no eviction or batch step between them, are each one patch (its Event goes out beside it): the median
 *   of those that waited for no token when there are two (the gaps below 0.8/qps, and the first gaps between the cordons
 *   of the run's start while the stated burst covers them, however slow), else of all when they are far slower than the
 *   limit's pace (2 tokens a gap), else the base model's figure (never above the eviction's).
 * - Replacement readiness. The health gate passes once batchMinHealthyPercentage of a batch's evicted pods have Ready
 *   replacements, and the engine reads it once per reconcile: from the eviction at that rank to `batch.healthy` is the
 *   replacements' readiness rounded up to a reconcile (with `run --capacity kwok|ec2`, from the reconcile after that
 *   eviction's, where the executor launched its node: rehearse such a run with `simulate --capacity kwok|ec2`). Its median over the batches, less half a reconcile (the rounding's
 *   mean), is what a replacement took (when the gate passed at its first reading, an upper bound): a new node's launch chain
 *   when one was needed, then the pod's start. Of it, the launch chain keeps the base model's share when that fits in it
 *   (the rest is `podStartSeconds`, `podReadySeconds` 0); when the base model's chain alone is longer, every part of the
 *   chain is scaled down to fit.
 * - The executor's own time per reconcile (`reconcileSeconds`): from a batch's end to the next one's start, less the
 *   engine's interval and two requests.
 * - Spread: the batches' cycle times (start to start) around their median: half the range between the 10th and the 90th
 *   percentile over the median, between 0.05 and 0.5.
 *
 * Figures the trace does not show keep the base model's (`--base eks|kwok|FILE`): EC2 shutdown, taint eviction, etc.
 */
import type { EngineEvent } from '../src/engine/ports.js';
import type { SimTiming } from './timing.js';

/** What `run` records of itself at the start of its trace (kind `executor.settings`). */
export interface ExecutorSettings {
  readonly qps: number;
  readonly burst: number;
  readonly intervalSeconds: number;
  /** batchMinHealthyPercentage: the share of a batch's evicted pods whose replacements the health gate waits for. */
  readonly minHealthyPercent: number;
  /** kwok and ec2: vngshift launches at its own reconcile; external: an autoscaler does. */
  readonly capacity: string;
}

export interface CalibrationFit {
  readonly timing: Partial<SimTiming>;
  readonly spread: number;
  /** What each figure was fitted from (written into the timing file's `fit`). */
  readonly evidence: {
    readonly batches: number;
    readonly evictionGaps: number;
    readonly unthrottledGaps: number;
    /** Gaps between consecutive cordons the request time was fitted from (0: the base model's figure). */
    readonly patchGaps: number;
    readonly replacementSeconds: number | null;
    readonly batchCycleSeconds: number | null;
    readonly runSeconds: number | null;
    readonly settings: ExecutorSettings | null;
  };
}

const ATTEMPT = new Set(['pod.evicted', 'pod.gone', 'pod.deleted', 'pod.evict-blocked']);
/**
 * One patch of a node each: the engine cordons nodes one request after the other, each with its Event sent beside it. Not
 * the uncordons: after a stop each is followed by a state save, so their gaps are two round trips.
 */
const PATCH = new Set(['node.cordoned']);
/**
 * Requests the executor may make before its first cordon besides the state save's node patches (the lease, the state read
 * and saved, the informers' lists): the cordons at a run's start find the bucket holding at least its burst less these
 * and one patch per node cordoned then.
 */
const REQUESTS_BEFORE_CORDONS = 16;

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

function batchIndex(object: string): number | null {
  const m = /^Batch (\d+)$/.exec(object);
  return m ? Number(m[1]) : null;
}

/** The `executor.settings` event, if the trace has one. */
export function settingsOf(events: readonly EngineEvent[]): ExecutorSettings | null {
  const ev = events.find((e) => e.kind === 'executor.settings');
  const d = ev?.detail;
  if (!d) return null;
  const num = (k: string, dflt: number): number => (typeof d[k] === 'number' ? (d[k] as number) : dflt);
  return { qps: num('qps', 20), burst: num('burst', 40), intervalSeconds: num('intervalSeconds', 5), minHealthyPercent: num('minHealthyPercent', 50), capacity: typeof d['capacity'] === 'string' ? d['capacity'] : 'external' };
}

/**
 * The gaps between consecutive events of the `counted` kinds, in time order, shorter than `within`; an event whose kind
 * `breaks` starts a new run (other events between two counted ones are passed over).
 */
function gapsBetween(evs: readonly EngineEvent[], counted: ReadonlySet<string>, breaks: (kind: string) => boolean, within: number): number[] {
  const gaps: number[] = [];
  let prev: number | null = null;
  for (const e of evs) {
    if (counted.has(e.kind)) {
      if (prev !== null && e.t - prev < within) gaps.push(e.t - prev);
      prev = e.t;
    } else if (breaks(e.kind)) prev = null;
  }
  return gaps;
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Fits the figures. `base` is the model the figures the trace does not show come from (the defaults for EC2, the KWOK
 * model for a test cluster); its launch chain splits a replacement's time into launch and pod start.
 */
export function fitTiming(events: readonly EngineEvent[], base: SimTiming): CalibrationFit {
  const evs = [...events].sort((a, b) => a.t - b.t);
  const settings = settingsOf(evs);
  const interval = settings?.intervalSeconds ?? 5;
  const minHealthy = settings?.minHealthyPercent ?? 50;

  // Eviction request gaps, within one reconcile (a gap of half a reconcile or more is a sleep between reconciles).
  const gaps = gapsBetween(evs, ATTEMPT, (kind) => kind.startsWith('batch.'), interval / 2);
  const qps = settings?.qps ?? null;
  const unthrottled = gaps.filter((g) => qps === null || g < 0.8 / qps);
  let fittedQps = qps ?? base.clientQps;
  if (qps === null && gaps.length >= 10) {
    // Without the run's settings: gaps that cluster well above the shortest ones are one token's wait each.
    // (or gaps all alike: a steady pace, as a token bucket gives, not the spread of round trips).
    const median = quantile(gaps, 0.5);
    const steady = quantile(gaps, 0.9) < 1.2 * quantile(gaps, 0.1);
    if (median > 2 * quantile(gaps, 0.05) || steady) fittedQps = 1 / median;
  }
  const unthrottledFitted = unthrottled.length > 0 || qps !== null ? unthrottled : gaps.filter((g) => g < 0.8 / fittedQps);
  // Requests slower than the limit allows waited for no token: each gap is a round trip. Else the gaps below the limit's
  // pace are; when every request waited for a token, the round trip is hidden under 1/qps: the base's, capped there.
  const latency =
    gaps.length >= 3 && quantile(gaps, 0.5) > 1.2 / fittedQps
      ? quantile(gaps, 0.5)
      : unthrottledFitted.length >= 3
        ? quantile(unthrottledFitted, 0.5)
        : Math.min(base.evictLatencySeconds, 1 / fittedQps);
  const burst = settings?.burst ?? base.clientBurst;

  // Patches: consecutive cordons with no eviction or batch step between them (the world's own events, as a rehearsal's
  // trace holds them, may be), within one reconcile. Each cordon spends two tokens (its Event goes out beside it,
  // unawaited), so a throttled gap is 2/qps. A gap waited for no token when it is below 0.8/qps, or, however slow, when it
  // is one of the first between the cordons of the run's start while the stated burst covers them: before them the
  // executor made at most REQUESTS_BEFORE_CORDONS requests and the state save's patch of each of those nodes. Gaps all
  // well above 2/qps are round trips slower than the limit.
  const breaksPatch = (kind: string): boolean => ATTEMPT.has(kind) || kind.startsWith('batch.');
  const patchGaps = gapsBetween(evs, PATCH, breaksPatch, interval / 2);
  const atStart = (e: EngineEvent): boolean => e.kind === 'node.cordoned' && e.detail?.['atStart'] === true;
  const startCordons = evs.filter(atStart).length;
  const paced = (g: number): boolean => g < 0.8 / fittedQps;
  const startGaps = gapsBetween(evs.filter((e) => e.kind !== 'node.cordoned' || atStart(e)), PATCH, breaksPatch, interval / 2);
  const laterGaps = gapsBetween(evs.filter((e) => !atStart(e)), PATCH, breaksPatch, interval / 2);
  const covered = (k: number): boolean => settings !== null && REQUESTS_BEFORE_CORDONS + startCordons + 2 * (k + 2) <= settings.burst;
  const freePatchGaps = [...startGaps.filter((g, k) => covered(k) || paced(g)), ...laterGaps.filter(paced)];
  const slowPatches = freePatchGaps.length < 2 && patchGaps.length >= 2 && quantile(patchGaps, 0.5) > 2.4 / fittedQps;
  const patchLatency = freePatchGaps.length >= 2 ? quantile(freePatchGaps, 0.5) : slowPatches ? quantile(patchGaps, 0.5) : Math.min(base.apiLatencySeconds, latency);
  const patchEvidence = freePatchGaps.length >= 2 ? freePatchGaps.length : slowPatches ? patchGaps.length : 0;

  // Per batch: its start, its evictions, when its health gate passed, its end.
  const batches = new Map<number, { started?: number; healthy?: number; completed?: number; evictions: number[] }>();
  let current: number | null = null;
  for (const e of evs) {
    const b = batchIndex(e.object);
    if (b !== null) {
      const rec = batches.get(b) ?? { evictions: [] };
      if (e.kind === 'batch.completed') rec.completed ??= e.t;
      if (e.kind === 'batch.started') {
        rec.started ??= e.t;
        current = b;
      }
      if (e.kind === 'batch.healthy') rec.healthy ??= e.t;
      batches.set(b, rec);
    } else if (ATTEMPT.has(e.kind) && current !== null) {
      const rec = batches.get(current) ?? { evictions: [] };
      if (e.kind !== 'pod.evict-blocked') rec.evictions.push(e.t);
      batches.set(current, rec);
    }
  }
  const waits: number[] = [];
  const starts: number[] = [];
  // With --capacity kwok|ec2 the executor launches at the start of a reconcile, so a pod evicted in one reconcile gets its
  // node at the next: the end of that reconcile's evictions (the last of the run of gaps shorter than the interval) plus the
  // interval. The replacement's time is counted from there; with an autoscaler of its own, from the eviction.
  const vngshiftLaunches = settings !== null && settings.capacity !== 'external';
  for (const [, r] of [...batches].sort((a, b) => a[0] - b[0])) {
    if (r.started !== undefined) starts.push(r.started);
    // The health gate passes once minHealthy% of the evicted pods have Ready replacements: the replacement of the eviction
    // at that rank was Ready by batch.healthy, and (the gate is read once a reconcile) half a reconcile before on average.
    if (r.healthy !== undefined && r.evictions.length > 0) {
      const sorted = [...r.evictions].sort((a, b) => a - b);
      let rank = Math.max(0, Math.ceil((minHealthy / 100) * r.evictions.length) - 1);
      let at = sorted[rank] as number;
      if (vngshiftLaunches) {
        while (rank + 1 < sorted.length && (sorted[rank + 1] as number) - (sorted[rank] as number) < interval) rank += 1;
        at = (sorted[rank] as number) + interval;
      }
      if (r.healthy >= at) waits.push(r.healthy - at);
    }
  }
  const timing: Partial<Record<keyof SimTiming, number>> = {
    apiLatencySeconds: round(Math.max(0.001, patchLatency), 4),
    evictLatencySeconds: round(Math.max(0.001, latency), 4),
    clientQps: round(fittedQps, 3),
    clientBurst: burst,
  };
  let replacement: number | null = null;
  if (waits.length > 0) {
    replacement = Math.max(0, quantile(waits, 0.5) - interval / 2);
    // The launch's own wait: none when the executor launches (counted above), half the autoscaler's loop on average else.
    const reaction = vngshiftLaunches ? 0 : base.autoscalerIntervalSeconds / 2;
    if (vngshiftLaunches) timing.autoscalerIntervalSeconds = interval;
    const chain = reaction + base.instanceBootSeconds + base.nodeJoinSeconds + base.nodeReadySeconds;
    const podBase = base.podStartSeconds + base.podReadySeconds;
    if (replacement >= chain) {
      timing.podStartSeconds = round(replacement - chain, 2);
      timing.podReadySeconds = 0;
    } else {
      const f = chain + podBase > 0 ? replacement / (chain + podBase) : 0;
      timing.instanceBootSeconds = round(base.instanceBootSeconds * f, 2);
      timing.nodeJoinSeconds = round(base.nodeJoinSeconds * f, 2);
      timing.nodeReadySeconds = round(base.nodeReadySeconds * f, 2);
      timing.podStartSeconds = round(podBase * f, 2);
      timing.podReadySeconds = 0;
    }
  }
  // The executor's own time per reconcile: from a batch's end to the next one's start is one sleep of the interval and
  // what the reconciles around it did besides (about two requests: the state saved, the next batch's cordon).
  const between: number[] = [];
  for (const [b, r] of batches) {
    const next = batches.get(b + 1);
    if (r.completed !== undefined && next?.started !== undefined && next.started >= r.completed) between.push(next.started - r.completed);
  }
  if (between.length > 0) timing.reconcileSeconds = round(Math.max(0, quantile(between, 0.5) - interval - 2 * (timing.apiLatencySeconds ?? 0)), 3);
  const cycles = starts.slice(1).map((t, i) => t - (starts[i] as number));
  let spread = 0.25;
  if (cycles.length >= 2) {
    const med = quantile(cycles, 0.5);
    spread = med > 0 ? Math.min(0.5, Math.max(0.05, (quantile(cycles, 0.9) - quantile(cycles, 0.1)) / 2 / med)) : 0.25;
  }
  const first = evs.find((e) => e.kind === 'migration.started' || e.kind === 'migration.resumed');
  const end = evs.find((e) => e.kind === 'migration.completed' || e.kind === 'migration.failed' || e.kind === 'migration.stopped');
  return {
    timing,
    spread: round(spread, 3),
    evidence: {
      batches: batches.size,
      evictionGaps: gaps.length,
      unthrottledGaps: unthrottled.length,
      patchGaps: patchEvidence,
      replacementSeconds: replacement === null ? null : round(replacement, 2),
      batchCycleSeconds: cycles.length > 0 ? round(quantile(cycles, 0.5), 2) : null,
      runSeconds: first && end ? round(end.t - first.t, 2) : null,
      settings,
    },
  };
}

/** Parses a trace file's text (JSON lines of engine events); a bad line is reported with its number. */
export function parseTrace(text: string): { events: EngineEvent[]; bad: { line: number; problem: string } | null } {
  const events: EngineEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] as string).trim();
    if (l === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      return { events, bad: { line: i + 1, problem: 'not JSON' } };
    }
    if (typeof v !== 'object' || v === null) return { events, bad: { line: i + 1, problem: 'expected an event object' } };
    const o = v as Record<string, unknown>;
    if (typeof o['t'] !== 'number' || !Number.isFinite(o['t'])) return { events, bad: { line: i + 1, problem: 'field t: expected a number of seconds' } };
    if (typeof o['kind'] !== 'string') return { events, bad: { line: i + 1, problem: 'field kind: expected a string' } };
    // run --trace-out nests the detail; simulate --trace-out flattens it beside t, kind and object.
    let detail: Record<string, string | number | boolean | null> = {};
    if (typeof o['detail'] === 'object' && o['detail'] !== null) detail = o['detail'] as Record<string, string | number | boolean | null>;
    else {
      for (const [k, x] of Object.entries(o)) {
        if (k === 't' || k === 'kind' || k === 'object') continue;
        if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') detail[k] = x;
      }
    }
    events.push({ t: o['t'], kind: o['kind'], object: typeof o['object'] === 'string' ? o['object'] : '', detail });
  }
  return { events, bad: null };
}
