/**
 * `run --executor ocean` once the Lease is held: the OceanExecutor (src/live/spot/ocean-executor.ts) reconciles every
 * poll interval until the migration ends or the run is interrupted, saving its state in the migration's ConfigMap as the
 * own engine does; then the status is printed in the shape of the own executor's, with Ocean's migrations.
 */
import type { TracePort } from '../engine/ports.js';
import { isTerminal, type MigrationState } from '../engine/state.js';
import { oceanMigrationStatus } from '../engine/status.js';
import { renderMigrationStatusText } from '../report/migration-status.js';
import type { LoadedKubeConfig } from './inputs.js';
import type { OceanTarget } from './run-command.js';
import { readSnapshot } from './status-command.js';

export interface OceanRunOptions {
  readonly kube: LoadedKubeConfig;
  readonly namespace: string;
  readonly target: OceanTarget;
  readonly fresh: MigrationState;
  readonly resumed: boolean;
  readonly trace: TracePort;
  readonly output: 'text' | 'json';
  /** True once the run must stop at a safe point (signal, Lease lost). */
  readonly stopNow: () => boolean;
  readonly interruptedPromise: Promise<void>;
}

export async function runThroughOcean(o: OceanRunOptions): Promise<MigrationState> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const { ApiEtiquette } = await import('../live/etiquette.js');
  const { StateStore } = await import('../live/state-store.js');
  const { WallClock } = await import('../live/clock.js');
  const { OceanExecutor } = await import('../live/spot/ocean-executor.js');
  const { oceanNodeCordon } = await import('../live/spot/node-cordon.js');
  const core = o.kube.kc.makeApiClient(CoreV1Api);
  const etiquette = new ApiEtiquette();
  const store = new StateStore(core, etiquette, { namespace: o.namespace });
  if (o.resumed) await store.loadState(o.fresh.id);
  const clock = new WallClock();
  const executor = new OceanExecutor({ api: o.target.api, store, clock, trace: o.trace, nodes: oceanNodeCordon(core, etiquette) }, o.fresh, o.resumed);
  while (!isTerminal(executor.current.status)) {
    if (o.stopNow()) break;
    await executor.step();
    if (isTerminal(executor.current.status)) break;
    await Promise.race([clock.sleep(o.target.pollSeconds), o.interruptedPromise]);
  }
  clock.wakeAll();
  if (isTerminal(executor.current.status) && !o.stopNow()) await executor.finish();
  const state = executor.current as MigrationState;
  const snap = await readSnapshot(o.kube).catch(() => ({ nodes: [], pods: [] }));
  const view = oceanMigrationStatus(state, snap);
  if (o.output === 'json') process.stdout.write(JSON.stringify({ ...view, failure: state.failure }, null, 2) + '\n');
  else {
    process.stdout.write('\n' + renderMigrationStatusText(view));
    if (state.failure) process.stdout.write(`  Why: ${state.failure.why}\n  Do: ${state.failure.remedy}\n`);
  }
  return state;
}
