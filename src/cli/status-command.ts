/** `vngshift status`: the migration as Ocean's console shows it, from the state persisted in the cluster and the cluster now. */
import { Command, Option } from 'commander';
import type { ClusterSnapshot, NodeView, PodView } from '../engine/ports.js';
import { isTerminal, type MigrationState } from '../engine/state.js';
import { migrationStatus, oceanMigrationStatus } from '../engine/status.js';
import { InputError } from '../model/errors.js';
import { renderMigrationStatusText } from '../report/migration-status.js';
import { renderMigrationStatusHtml } from '../report/html/status-html.js';
import { checkHtmlOut, writeHtmlOut } from './html-out.js';
import {
  checkMigrationId,
  checkNamespace,
  DEFAULT_MIGRATION_ID,
  DEFAULT_NAMESPACE,
  liveInputError,
  loadKubeConfig,
  readPersistedState,
  type LoadedKubeConfig,
} from './inputs.js';

interface StatusOptions {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  migrationId: string;
  output: string;
  spotApiUrl?: string;
  htmlOut?: string;
}

/** Nodes and pods now, read once (paged), as the engine sees them. */
export async function readSnapshot(kube: LoadedKubeConfig): Promise<ClusterSnapshot> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const { toNodeView, toPodView } = await import('../live/views.js');
  const core = kube.kc.makeApiClient(CoreV1Api);
  const nodes: NodeView[] = [];
  const pods: PodView[] = [];
  try {
    let cont: string | undefined;
    do {
      const page = await core.listNode({ limit: 500, ...(cont !== undefined ? { _continue: cont } : {}) });
      nodes.push(...page.items.map((n) => toNodeView(n)));
      cont = page.metadata?._continue || undefined;
    } while (cont !== undefined);
    cont = undefined;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 500, ...(cont !== undefined ? { _continue: cont } : {}) });
      pods.push(...page.items.map((p) => toPodView(p)));
      cont = page.metadata?._continue || undefined;
    } while (cont !== undefined);
  } catch (e) {
    throw liveInputError(e, kube, 'reading nodes and pods');
  }
  return { nodes, pods };
}

/**
 * A migration Ocean executes: its last submitted batch as Ocean reports it now (the state is not written); when Ocean
 * cannot be read, the state as the executor last saved it, with a line on standard error saying why.
 */
async function withOceanNow(state: MigrationState, opts: StatusOptions): Promise<MigrationState> {
  const ocean = state.ocean;
  if (ocean === undefined) return state;
  const { lastSubmitted, oceanMigrationsOf } = await import('./ocean-target.js');
  const last = lastSubmitted(ocean);
  if (last === null) return state;
  try {
    const api = await oceanMigrationsOf(ocean, opts.spotApiUrl);
    const st = await api.status(last.migrationId);
    const batches = ocean.batches.map((b, i) =>
      i === last.index
        ? { ...b, status: st.status, oldInstances: [...st.oldInstances], newInstances: [...st.newInstances], unscheduledPods: [...st.unscheduledPods], message: st.message }
        : b,
    );
    return { ...state, ocean: { ...ocean, batches } };
  } catch (e) {
    process.stderr.write(`vngshift: Ocean's migration ${last.migrationId} not read (${e instanceof Error ? e.message : String(e)}); showing what the executor last saved\n`);
    return state;
  }
}

export function statusCommand(): Command {
  return new Command('status')
    .description("the migration's status as Ocean's console shows it: batch, new instances, pods launched and remaining, unscheduled pods")
    .option('--kubeconfig <file>', 'the cluster (default: $KUBECONFIG, ~/.kube/config, or the pod service account)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--namespace <ns>', 'where the migration keeps its state', DEFAULT_NAMESPACE)
    .option('--migration-id <id>', 'the migration', DEFAULT_MIGRATION_ID)
    .option('--spot-api-url <url>', "a migration run with --executor ocean: the Spot API to read Ocean's migration from (default: the run's)")
    .addOption(new Option('-o, --output <format>', 'format').choices(['text', 'json', 'html']).default('text'))
    .option('--html-out <file>', 'also write the status as one self-contained HTML file (batch timeline, instances)')
    .action(async (opts: StatusOptions) => {
      checkNamespace(opts.namespace);
      checkMigrationId(opts.migrationId);
      checkHtmlOut(opts.htmlOut);
      const kube = await loadKubeConfig(opts.kubeconfig, opts.context);
      const state = await readPersistedState(kube, opts.namespace, opts.migrationId);
      if (state === null) {
        throw new InputError('flag --migration-id', '', '', `no migration "${opts.migrationId}" in namespace ${opts.namespace} (${kube.source})`);
      }
      const snap = await readSnapshot(kube);
      const view = state.ocean !== undefined ? oceanMigrationStatus(await withOceanNow(state, opts), snap) : migrationStatus(state, snap);
      // A stop written by `vngshift stop` that the executor has not read yet is still worth showing.
      let stop = state.stop;
      if (stop === null && !isTerminal(state.status)) {
        const { readStopRequest } = await import('../live/state-store.js');
        stop = await readStopRequest(kube.kc, opts.namespace, opts.migrationId).catch(() => null);
      }
      // The ETA, learnt from the batches done so far (src/engine/eta.ts), on the wall clock the state's times are on.
      const { estimateEta } = await import('../engine/eta.js');
      const { WallClock } = await import('../live/clock.js');
      const wallNow = new WallClock().now();
      const eta = estimateEta(state, wallNow);
      // The timeline runs to the migration's end, or to now while it runs (the CLI's clock; the report itself reads none).
      const now = state.completedAt ?? state.stoppedAt ?? state.erroredAt ?? wallNow;
      const html = (): string => renderMigrationStatusHtml(view, { ...state, stop }, now);
      writeHtmlOut(opts.htmlOut, html);
      if (opts.output === 'json') {
        process.stdout.write(JSON.stringify({ ...view, failure: state.failure, stop, eta }, null, 2) + '\n');
        return;
      }
      if (opts.output === 'html') {
        process.stdout.write(html());
        return;
      }
      process.stdout.write(renderMigrationStatusText(view));
      const { etaLine } = await import('../report/eta-line.js');
      process.stdout.write(`${etaLine(eta, true)}\n`);
      if (state.failure) process.stdout.write(`  Why: ${state.failure.why}\n  Do: ${state.failure.remedy}\n`);
      if (stop && state.status !== 'Stopped') process.stdout.write(`\nA stop was requested (terminate drained: ${stop.terminateDrained ? 'yes' : 'no'}).\n`);
    });
}
