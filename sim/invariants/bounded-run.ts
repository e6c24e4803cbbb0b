/**
 * Invariant 9: every run ends (Completed, Failed or Stopped) within the bound the plan states.
 *
 * The plan's boundSeconds is every batch at its time budget plus one drain threshold (the final wait for replacements, or
 * the wait of the stop path). The engine only notices a limit at a reconcile, and a reconcile is only possible while it can
 * reach the API and is alive, so the bound checked here is
 *
 *   plan.boundSeconds
 *   + (batches + 3) x (reconcile interval + 1 s)                  one late reconcile per batch, the start, the end, a stop
 *   + connectivityLostSeconds + interval   if an api-disconnect, api-errors or api-throttling fault was injected
 *   + (engineRestartSeconds + interval + 1 s) per engine crash or failed start (engine.crashed / engine.start-failed)
 *   + extraBoundSeconds (a check parameter, default 0)
 *
 * with the end taken as the last migration.completed / migration.failed / migration.stopped of the trace. A run that hit the
 * simulator's maxSeconds (timedOut) or whose status is not terminal violates it too.
 */
import type { Checker, Violation } from './types.js';

const TERMINAL = new Set(['migration.completed', 'migration.failed', 'migration.stopped']);
const API_FAULTS = ['api-disconnect@', 'api-errors@', 'api-throttling@'];

/** The bound (virtual seconds) invariant 9 checks for this run, and how it was made up. */
export function runBound(input: Parameters<Checker>[0], extra = 0): { seconds: number; parts: string } {
  const { plan, result } = input;
  const s = result.options.engineSettings;
  const step = s.intervalSeconds + 1;
  const reconciles = (plan.batches.length + 3) * step;
  const apiCut = result.options.faults.some((f) => API_FAULTS.some((p) => f.startsWith(p))) ? s.connectivityLostSeconds + s.intervalSeconds : 0;
  const crashes = result.events.filter((e) => e.kind === 'engine.crashed' || e.kind === 'engine.start-failed').length;
  const restarts = crashes * (result.options.timing.engineRestartSeconds + step);
  return {
    seconds: plan.boundSeconds + reconciles + apiCut + restarts + extra,
    parts: `plan ${plan.boundSeconds}s + reconciles ${reconciles}s + API faults ${apiCut}s + ${crashes} restart(s) ${restarts}s + extra ${extra}s`,
  };
}

export const checkBoundedRun: Checker = (input, params) => {
  const { result } = input;
  const out: Violation[] = [];
  const bound = runBound(input, params.extraBoundSeconds);
  const terminal = result.status === 'Completed' || result.status === 'Failed' || result.status === 'Stopped';
  if (!terminal || result.timedOut) {
    out.push({
      invariant: 9,
      message: `the run did not end: status ${result.status}${result.timedOut ? `, cut at maxSeconds ${result.options.maxSeconds}s` : ''} (bound ${bound.seconds}s: ${bound.parts})`,
      t: result.durationSeconds,
      objects: [`Migration ${result.options.migrationId}`],
    });
    return out;
  }
  let end: number | null = null;
  for (const e of result.events) if (TERMINAL.has(e.kind)) end = e.t;
  if (end === null) {
    out.push({ invariant: 9, message: `status ${result.status} but the trace has no migration.completed/failed/stopped event`, objects: [`Migration ${result.options.migrationId}`] });
    return out;
  }
  if (end > bound.seconds) {
    out.push({
      invariant: 9,
      message: `the run ended (${result.status}) at ${end}s, past its bound of ${bound.seconds}s (${bound.parts})`,
      t: end,
      objects: [`Migration ${result.options.migrationId}`],
    });
  }
  return out;
};
