/**
 * The executor's client-side rate limit (`run --qps/--burst`; `plan --qps/--burst` plans for it): the token bucket of the
 * live adapters (src/live/etiquette.ts) and the pace the planner gives a batch's evictions (TimingModel clientQps,
 * clientBurst). Checked before anything touches the cluster.
 */
import { InputError } from '../model/errors.js';
import { DEFAULT_TIMING, type TimingModel } from '../planner/timing.js';

export interface ClientRate {
  readonly qps: number;
  readonly burst: number;
}

/** The flags over a default (the timing model's when planning, else the executor's default of 20 requests/s, burst 40). */
export function clientRateFrom(opts: { qps?: string; burst?: string }, base: ClientRate = { qps: DEFAULT_TIMING.clientQps, burst: DEFAULT_TIMING.clientBurst }): ClientRate {
  const qps = opts.qps === undefined ? base.qps : Number(opts.qps);
  if (!Number.isFinite(qps) || qps <= 0 || qps > 10000) throw new InputError('flag --qps', '', '', `expected requests per second above 0 (at most 10000), found "${opts.qps ?? ''}"`);
  const burst = opts.burst === undefined ? base.burst : Number(opts.burst);
  if (!Number.isInteger(burst) || burst < 1 || burst > 100000) throw new InputError('flag --burst', '', '', `expected a whole number of requests of at least 1, found "${opts.burst ?? ''}"`);
  return { qps, burst };
}

/** A timing model paced at a client rate. */
export function atClientRate(timing: TimingModel, rate: ClientRate): TimingModel {
  return timing.clientQps === rate.qps && timing.clientBurst === rate.burst ? timing : { ...timing, clientQps: rate.qps, clientBurst: rate.burst };
}
