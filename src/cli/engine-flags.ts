import type { EngineSettings } from '../engine/state.js';
import { InputError } from '../model/errors.js';
import { parseDuration } from './durations.js';

/** The engine settings a user may set on run and simulate (the rehearsal must run with the same ones as the run). */
export interface EngineFlagOptions {
  capacityGrace?: string;
}

export const CAPACITY_GRACE_HELP =
  'how long the autoscaler may report pods it cannot host, or launches may fail, before the run fails with InsufficientCapacity (default 5m)';

/** The overrides the flags ask for; a bad value is one InputError naming the flag. */
export function engineSettingsFrom(opts: EngineFlagOptions): Partial<EngineSettings> {
  if (opts.capacityGrace === undefined) return {};
  const s = parseDuration(opts.capacityGrace);
  if (s === null || s < 10 || s > 86_400) {
    throw new InputError('flag --capacity-grace', '', '', `expected a duration from 10s to 24h; found "${opts.capacityGrace}"`);
  }
  return { capacityGraceSeconds: s };
}
