/**
 * The final save of an ended migration: `vngshift status`, `stop` and a restarted executor read the state in the cluster, so
 * it is tried again each interval while the API is away, until connectivityLostSeconds after `since`; past that, or on an
 * error that will not pass, the run ends with the state unsaved (`unsaved` says so), since nothing else is left to do.
 * Shared by the own engine and the Ocean executor.
 */
import { PortError, type Clock } from './ports.js';
import type { MigrationState } from './state.js';

export async function saveFinalState(
  save: () => Promise<void>,
  clock: Clock,
  settings: Pick<MigrationState['settings'], 'connectivityLostSeconds' | 'intervalSeconds'>,
  since: number,
  unsaved: (e: PortError) => void,
): Promise<void> {
  for (;;) {
    try {
      await save();
      return;
    } catch (e) {
      if (!(e instanceof PortError)) throw e;
      if (!e.transient || clock.now() - since > settings.connectivityLostSeconds) {
        unsaved(e);
        return;
      }
    }
    await clock.sleep(settings.intervalSeconds);
  }
}
