/** `vngshift stop`: asks the executor of a migration to stop (it uncordons what it did not drain; see README). */
import { Command } from 'commander';
import { isTerminal } from '../engine/state.js';
import { InputError } from '../model/errors.js';
import {
  checkMigrationId,
  checkNamespace,
  DEFAULT_MIGRATION_ID,
  DEFAULT_NAMESPACE,
  liveInputError,
  loadKubeConfig,
  readPersistedState,
} from './inputs.js';

interface StopOptions {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  migrationId: string;
  terminateDrained?: boolean;
  spotApiUrl?: string;
}

export function stopCommand(): Command {
  return new Command('stop')
    .description('ask the running migration to stop: pods already evicted get scheduled, undrained old nodes are uncordoned')
    .option('--kubeconfig <file>', 'the cluster (default: $KUBECONFIG, ~/.kube/config, or the pod service account)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--namespace <ns>', 'where the migration keeps its state', DEFAULT_NAMESPACE)
    .option('--migration-id <id>', 'the migration to stop', DEFAULT_MIGRATION_ID)
    .option('--terminate-drained', 'also terminate old nodes that are already drained (default: leave them running)')
    .option('--spot-api-url <url>', "a migration run with --executor ocean: the Spot API to stop Ocean's migration through (default: the run's)")
    .action(async (opts: StopOptions) => {
      checkNamespace(opts.namespace);
      checkMigrationId(opts.migrationId);
      const kube = await loadKubeConfig(opts.kubeconfig, opts.context);
      const state = await readPersistedState(kube, opts.namespace, opts.migrationId);
      if (state === null) {
        throw new InputError('flag --migration-id', '', '', `no migration "${opts.migrationId}" in namespace ${opts.namespace} (${kube.source})`);
      }
      if (isTerminal(state.status)) {
        process.stdout.write(`migration ${opts.migrationId} has already ended: ${state.status}; nothing to stop\n`);
        return;
      }
      const { requestStop } = await import('../live/state-store.js');
      try {
        await requestStop(kube.kc, opts.namespace, opts.migrationId, opts.terminateDrained === true);
      } catch (e) {
        throw liveInputError(e, kube, `writing the stop request of migration ${opts.migrationId}`);
      }
      if (state.ocean !== undefined) {
        // Ocean's migration in flight is stopped now; the stop request written above keeps the executor from submitting
        // the next batch (and it sends the stop again if this call does not get through).
        const { lastSubmitted, oceanMigrationsOf } = await import('./ocean-target.js');
        const current = state.ocean.batches[state.current];
        const last = lastSubmitted(state.ocean);
        if (current !== undefined && last !== null && last.index === state.current) {
          try {
            const api = await oceanMigrationsOf(state.ocean, opts.spotApiUrl);
            await api.stop(last.migrationId, opts.terminateDrained === true);
          } catch (e) {
            throw new InputError(
              'flag --migration-id',
              '',
              '',
              `the stop request is written, but Ocean's migration ${last.migrationId} was not stopped (${e instanceof Error ? e.message : String(e)}); the executor sends the stop at its next reconcile`,
            );
          }
          process.stdout.write(
            `stop sent to Ocean for migration ${last.migrationId} (batch ${state.current + 1} of ${state.batches.length}, Ocean cluster ${state.ocean.clusterId}); ` +
              `drained old nodes will be ${opts.terminateDrained === true ? 'terminated' : 'left running'}; no later batch is submitted. Follow with vngshift status\n`,
          );
          return;
        }
        process.stdout.write(
          `stop requested for migration ${opts.migrationId}: no Ocean migration is in flight (batch ${Math.min(state.current + 1, state.batches.length)} of ${state.batches.length} not submitted yet); no later batch is submitted\n`,
        );
        return;
      }
      process.stdout.write(
        `stop requested for migration ${opts.migrationId} (${state.status}, batch ${Math.min(state.current + 1, state.batches.length)} of ${state.batches.length}); ` +
          `drained old nodes will be ${opts.terminateDrained === true ? 'terminated' : 'left running'}. ` +
          `The executor acts on it at its next reconcile: follow with vngshift status\n`,
      );
    });
}
