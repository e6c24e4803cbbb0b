/**
 * `vngshift run`: the plan executed against a live cluster. Everything is validated before the cluster is touched; then the
 * run reads the persisted state (resuming a migration that is under way), plans against what it reads and refuses an
 * infeasible plan, takes the leader Lease, and drives the same MigrationEngine the simulator drives, through the live ports.
 *
 * Exit codes (src/cli/exit-codes.ts): 0 Completed; 1 bad input or the cluster unreachable before anything started; 2 refused,
 * nothing done: the plan is not feasible or predicts a failure (--allow-infeasible / --allow-predicted-failure override); 3 Failed or Stopped (as `simulate`); 4 interrupted (SIGINT/SIGTERM) or the Lease lost: the state is
 * persisted and the same command resumes.
 */
import { appendFileSync } from 'node:fs';
import { withMigrationFlags } from './migration-flags.js';
import { Command, Option } from 'commander';
import { z } from 'zod';
import type { AllocatableOptions } from '../catalog/allocatable.js';
import { catalogFor, type Catalog } from '../catalog/catalog.js';
import { MigrationEngine } from '../engine/engine.js';
import { enginePlanOf } from '../engine/engine-plan.js';
import { PortError, type ClusterSnapshot, type EngineEvent, type TracePort } from '../engine/ports.js';
import type { LiveWorld } from '../live/index.js';
import { DEFAULT_ENGINE_SETTINGS, initialState, isTerminal, type EngineSettings, oceanExecution, type EnginePlan, type MigrationState } from '../engine/state.js';
import { migrationStatus } from '../engine/status.js';
import { InputError } from '../model/errors.js';
import { parseParams, type MigrationParams, type RawParams } from '../model/params.js';
import type { Cluster, Vng } from '../model/types.js';
import { parseVngText } from '../model/vng/parse-vngs.js';
import { buildPlan, type Plan } from '../planner/plan.js';
import { renderMigrationStatusText } from '../report/migration-status.js';
import { verdict, type VerdictInput } from '../report/plan-groups.js';
import {
  flushInputNotices,
  checkMigrationId,
  checkNamespace,
  DEFAULT_MIGRATION_ID,
  DEFAULT_NAMESPACE,
  liveInputError,
  loadKubeConfig,
  parseSingleDocument,
  readCluster,
  readInput,
  readLiveCluster,
  readPersistedState,
  type LoadedKubeConfig,
} from './inputs.js';
import { checkOceanFlags, oceanVngText, vngInput } from './ocean-source.js';
import { parseDuration } from './durations.js';
import { DEFAULT_TIMING } from '../planner/timing.js';
import { atClientRate, clientRateFrom, type ClientRate } from './client-rate.js';
import { CAPACITY_GRACE_HELP, engineSettingsFrom, type EngineFlagOptions } from './engine-flags.js';
import { migrationRequest, type OceanMigrations } from '../live/spot/migration.js';
import { allocatableFromFlags, checkSelection, MAX_PODS_FLAG_LIMIT, paramsFrom, withOceanFlags, type PlanOptions } from './plan-command.js';
import { makeReporter, withProgressFlags, type Reporter } from './progress.js';
import { schemaFieldPath } from '../model/schema-path.js';

export interface RunOptions extends PlanOptions, EngineFlagOptions {
  plan?: string;
  kubeconfig?: string;
  context?: string;
  namespace: string;
  migrationId: string;
  capacity: string;
  dryRun?: boolean;
  allowInfeasible?: boolean;
  allowPredictedFailure?: boolean;
  idleAfterEnd?: boolean;
  traceOut?: string;
  /** false with --no-progress; --log-format (text or json). */
  progress?: boolean;
  logFormat?: string;
  cloud: string;
  clusterName?: string;
  region?: string;
  profile?: string;
  allowLowerMinSize?: boolean;
  executor: string;
  oceanPollInterval?: string;
  qps?: string;
  burst?: string;
}

export const EXIT_COMPLETED = 0;
export const EXIT_INFEASIBLE = 2;
export const EXIT_FAILED_OR_STOPPED = 3;
export const EXIT_INTERRUPTED = 4;

/** Flags that set migration parameters: a plan file fixes those, so they are refused beside --plan. */
const PARAM_FLAGS: readonly (keyof PlanOptions)[] = [
  'params',
  'nodes',
  'nodeNames',
  'instanceIds',
  'batchSizePercentage',
  'batchMinHealthyPercentage',
  'respectPdb',
  'forcePodEvictionOnPdbFailure',
  'shouldEvictStandAlonePods',
  'shouldTerminateDrainedNodes',
  'respectDoNotDisrupt',
  'respectRestrictScaleDown',
  'drainTimeThreshold',
  'batchTimeBudget',
  'cordonAllAtStart',
  'vmMemoryOverheadPercent',
  'maxPods',
  'allowArchitectureChange',
];
const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const planFileSchema = z.looseObject({
  apiVersion: z.literal('vngshift.io/v1alpha1'),
  kind: z.literal('MigrationPlan'),
  feasible: z.boolean(),
  verdict: z.enum(['FEASIBLE', 'FAILURE_PREDICTED', 'NOT_FEASIBLE']).optional(),
  params: z.looseObject({ nodes: z.looseObject({ kind: z.enum(['all', 'labelSelector', 'nodeNames', 'instanceIds']) }) }),
  oldNodes: z.array(z.looseObject({ name: z.string().min(1), instanceId: z.string().nullable() })),
  batches: z.array(z.looseObject({ nodes: z.array(z.string().min(1)) })),
  boundSeconds: z.number().positive(),
  predictedFailure: z.looseObject({ code: z.string(), message: z.string() }).nullable(),
  summary: z.looseObject({ unschedulablePods: z.number(), movingPods: z.number() }),
  launchedBy: z.enum(['autoscaler', 'vngshift']).optional(),
  allocatable: z
    .looseObject({ maxPods: z.number().int().min(1).max(MAX_PODS_FLAG_LIMIT).optional(), vmMemoryOverheadPercent: z.number().min(0).lt(0.5).optional() })
    .optional(),
});

/** A plan written by `plan --plan-out`: the fields the run uses are checked, the parameters validated as a --params file. */
export function readPlanFile(file: string): Plan {
  const doc = parseSingleDocument(readInput(file), file);
  const parsed = planFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(file, 'MigrationPlan', issue ? schemaFieldPath(issue.path) : '', `${issue?.message ?? 'invalid'} (expected the JSON that plan --plan-out writes)`);
  }
  const p = parsed.data.params as unknown as MigrationParams & Record<string, unknown>;
  const raw: Record<string, unknown> = { ...p };
  delete raw['nodes'];
  const sel = p.nodes;
  if (sel.kind === 'labelSelector') raw['nodes'] = sel.text;
  if (sel.kind === 'nodeNames') raw['nodeNames'] = sel.names;
  if (sel.kind === 'instanceIds') raw['instanceIds'] = sel.ids;
  const params = parseParams(raw as RawParams, file, 'MigrationPlan params');
  const names = new Set(parsed.data.oldNodes.map((n) => n.name));
  parsed.data.batches.forEach((b, i) => {
    for (const n of b.nodes) if (!names.has(n)) throw new InputError(file, 'MigrationPlan', `batches[${i}].nodes`, `node ${n} is not one of the plan's oldNodes`);
  });
  // A plan written before the verdict had three values: derived from the fields it has.
  const d = parsed.data;
  const planVerdict = d.verdict ?? (!d.feasible ? 'NOT_FEASIBLE' : d.predictedFailure !== null ? 'FAILURE_PREDICTED' : 'FEASIBLE');
  // A plan written before plans recorded who launches was made for an autoscaler (every plan was then).
  return { ...(d as unknown as Plan), verdict: planVerdict, launchedBy: d.launchedBy ?? 'autoscaler', params };
}

/** Everything checked before the cluster is touched. */
interface Validated {
  readonly kube: LoadedKubeConfig;
  readonly catalog: Catalog;
  readonly vngs: readonly Vng[];
  readonly vngsSource: string;
  readonly planFile: Plan | null;
  readonly clusterFile: { cluster: Cluster; source: string } | null;
  readonly params: MigrationParams | null;
  readonly capacity: 'kwok' | 'external' | 'ec2';
  /** How drained old nodes are terminated. */
  readonly cloud: CloudChoice;
  /** With --capacity ec2: the AWS settings and the cluster name new instances are tagged with. */
  readonly ec2: AwsChoice | null;
  /** Node options of --vm-memory-overhead-percent and --max-pods. */
  readonly allocatable: AllocatableOptions | undefined;
  /** With --executor ocean: Ocean's migration calls for the cluster, and how often its status is read. */
  readonly ocean: OceanTarget | null;
  /** Engine settings from the flags (--capacity-grace); a resumed migration keeps the ones it started with. */
  readonly engine: Partial<EngineSettings>;
  /** --qps and --burst: the live adapters' token bucket (src/live/etiquette.ts). */
  readonly rate: ClientRate;
}

export interface OceanTarget {
  readonly api: OceanMigrations;
  readonly apiUrl: string | null;
  readonly pollSeconds: number;
}

export async function validateRun(opts: RunOptions): Promise<Validated> {
  if (opts.capacity !== 'kwok' && opts.capacity !== 'external' && opts.capacity !== 'ec2') {
    throw new InputError('flag --capacity', '', '', `expected kwok, external or ec2; found "${opts.capacity}"`);
  }
  if (!['text', 'json'].includes(opts.output)) throw new InputError('flag --output', '', '', `expected text or json; found "${opts.output}"`);
  const cloud = cloudChoice(opts);
  const engine = engineSettingsFrom(opts);
  const ocean = await oceanTarget(opts);
  checkNamespace(opts.namespace);
  checkMigrationId(opts.migrationId);
  if (opts.plan !== undefined && opts.cluster !== undefined) {
    throw new InputError('flag --plan', '', '', 'give either --plan or --cluster (or neither, to read the cluster through the kubeconfig), not both');
  }
  if (opts.cluster === '-') throw new InputError('flag --cluster', '', '', 'run cannot read the cluster from standard input; give a file');
  let planFile: Plan | null = null;
  let params: MigrationParams | null = null;
  if (opts.plan !== undefined) {
    // --no-should-terminate-drained-nodes has no positive form: commander defaults it to true, so only false was given.
    const given = PARAM_FLAGS.filter((k) => opts[k] !== undefined && !(k === 'shouldTerminateDrainedNodes' && opts[k] === true));
    if (given.length > 0) {
      throw new InputError(`flag --${kebab(String(given[0]))}`, '', '', 'the plan file fixes the migration parameters; drop this flag or plan again');
    }
  } else {
    if (opts.vngs === undefined && opts.oceanCluster === undefined) {
      throw new InputError('flag --vngs', '', '', 'required (a file of Ocean launch specs, or --ocean-cluster) unless --plan is given');
    }
    params = paramsFrom(opts);
  }
  const allocatable = allocatableFromFlags(opts);
  const catalog = catalogFor(opts.catalog);
  checkOceanFlags(opts);
  const fromOcean = await oceanVngText(opts);
  if (fromOcean !== null) opts.vngText = fromOcean;
  let vngs: readonly Vng[] = [];
  const vngSource = vngInput(opts, readInput);
  if (vngSource !== null) {
    vngs = parseVngText(vngSource.text, vngSource.source, catalog).vngs;
    if (vngs.length === 0) throw new InputError(vngSource.source, '', '', 'no launch specs found; expected at least one VNG');
  }
  if ((opts.capacity === 'kwok' || opts.capacity === 'ec2') && vngs.length === 0) {
    throw new InputError('flag --vngs', '', '', `required with --capacity ${opts.capacity}: the ${opts.capacity} provider launches nodes of these VNGs`);
  }
  const ec2 = opts.capacity === 'ec2' ? ec2Choice(opts, vngs, vngSource?.source ?? '') : null;
  if (opts.plan !== undefined) planFile = readPlanFile(opts.plan);
  const planCatalog = planFile?.catalog;
  if (planCatalog !== undefined && opts.catalog === undefined) {
    throw new InputError('flag --catalog', '', '', `the plan was made with the catalog ${planCatalog.file} (refreshed ${planCatalog.refreshedAt}); give --catalog with that file so the run sees the same instance types and zones`);
  }
  const rate = clientRateFrom(opts);
  if (opts.traceOut !== undefined) {
    try {
      appendFileSync(opts.traceOut, '');
    } catch (e) {
      throw new InputError('flag --trace-out', '', '', `cannot write ${opts.traceOut}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const clusterFile = opts.cluster !== undefined ? { cluster: readCluster(opts.cluster), source: opts.cluster } : null;
  const kube = await loadKubeConfig(opts.kubeconfig, opts.context);
  return { kube, catalog, vngs, vngsSource: vngSource?.source ?? '', planFile, clusterFile, params, capacity: opts.capacity, cloud, ec2, allocatable, ocean, engine, rate };
}

/** --executor and the flags that go with it; with ocean, the Spot client (credentials read now, nothing called yet). */
async function oceanTarget(opts: RunOptions): Promise<OceanTarget | null> {
  const executor = opts.executor ?? 'own';
  if (executor !== 'own' && executor !== 'ocean') throw new InputError('flag --executor', '', '', `expected own or ocean; found "${executor}"`);
  if (executor === 'own') {
    if (opts.oceanPollInterval !== undefined) throw new InputError('flag --ocean-poll-interval', '', '', 'only with --executor ocean');
    return null;
  }
  if (opts.oceanCluster === undefined) {
    throw new InputError('flag --executor', '', '', 'ocean needs --ocean-cluster o-...: the Ocean cluster whose Workload Migration API runs the batches');
  }
  if (opts.capacity === 'kwok' || opts.capacity === 'ec2') throw new InputError('flag --capacity', '', '', `${opts.capacity} does not go with --executor ocean: Ocean launches the new nodes`);
  if (opts.cloud === 'aws') throw new InputError('flag --cloud', '', '', 'aws does not go with --executor ocean: Ocean terminates the old instances');
  if (opts.capacityGrace !== undefined) throw new InputError('flag --capacity-grace', '', '', 'does not go with --executor ocean: Ocean decides when a migration lacks capacity');
  let pollSeconds = 10;
  if (opts.oceanPollInterval !== undefined) {
    const d = parseDuration(opts.oceanPollInterval);
    if (d === null || d < 1 || d > 600) throw new InputError('flag --ocean-poll-interval', '', '', `expected a duration from 1s to 10m; found "${opts.oceanPollInterval}"`);
    pollSeconds = d;
  }
  checkOceanFlags(opts);
  const { spotCredentials, SpotCredentialsError } = await import('../live/spot/credentials.js');
  const { SpotClient } = await import('../live/spot/client.js');
  const { OceanMigrations } = await import('../live/spot/migration.js');
  try {
    const client = new SpotClient({ credentials: spotCredentials(), ...(opts.spotApiUrl !== undefined ? { baseUrl: opts.spotApiUrl } : {}) });
    return { api: new OceanMigrations(client, opts.oceanCluster), apiUrl: opts.spotApiUrl ?? null, pollSeconds };
  } catch (e) {
    if (e instanceof SpotCredentialsError) throw new InputError('flag --executor', '', '', `ocean: ${e.message}`);
    throw e;
  }
}

/** --cloud and the flags that go with it. */
export type CloudChoice =
  | { readonly kind: 'nodes' }
  | { readonly kind: 'aws'; readonly clusterName: string; readonly region?: string; readonly profile?: string; readonly allowLowerMinSize: boolean };

/** An EKS cluster name: 1-100 letters, digits, hyphens and underscores, starting with a letter or digit. */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** The AWS flags shared by --cloud aws and --capacity ec2. */
export interface AwsChoice {
  readonly clusterName: string;
  readonly region?: string;
  readonly profile?: string;
}

function awsChoice(opts: RunOptions, needs: string, why: string): AwsChoice {
  if (opts.clusterName === undefined) throw new InputError('flag --cluster-name', '', '', `required with ${needs}: ${why}`);
  if (!CLUSTER_NAME.test(opts.clusterName)) throw new InputError('flag --cluster-name', '', '', `not a cluster name: "${opts.clusterName}"`);
  if (opts.region !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(opts.region)) throw new InputError('flag --region', '', '', `not an AWS region: "${opts.region}"`);
  return {
    clusterName: opts.clusterName,
    ...(opts.region !== undefined ? { region: opts.region } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
  };
}

export function cloudChoice(opts: RunOptions): CloudChoice {
  const cloud = opts.cloud ?? 'nodes';
  if (cloud !== 'nodes' && cloud !== 'aws') throw new InputError('flag --cloud', '', '', `expected nodes or aws; found "${cloud}"`);
  if (cloud === 'nodes') {
    // --capacity ec2 takes the AWS flags too; --allow-lower-min-size is about terminating only.
    const shared = opts.capacity === 'ec2' ? [] : (['clusterName', 'region', 'profile'] as const);
    const stray = [...shared, 'allowLowerMinSize' as const].find((k) => opts[k] !== undefined);
    if (stray !== undefined) {
      throw new InputError(`flag --${kebab(stray)}`, '', '', stray === 'allowLowerMinSize' ? 'only with --cloud aws (it says how EC2 instances are terminated)' : 'only with --cloud aws or --capacity ec2');
    }
    return { kind: 'nodes' };
  }
  const aws = awsChoice(opts, '--cloud aws', 'only instances tagged for this cluster (kubernetes.io/cluster/NAME or eks:cluster-name) are terminated');
  return { kind: 'aws', ...aws, allowLowerMinSize: opts.allowLowerMinSize === true };
}

/**
 * --capacity ec2: the AWS flags (the cluster name tags the instances it launches), and on every VNG (the scale-up may pick
 * any) a launch template and subnets to launch into. One line naming the VNG otherwise.
 */
export function ec2Choice(opts: RunOptions, vngs: readonly Vng[], vngsFile: string): AwsChoice {
  const aws = awsChoice(opts, '--capacity ec2', 'the instances it launches are tagged kubernetes.io/cluster/NAME=owned');
  for (const v of vngs) {
    if (v.launchTemplate === undefined || v.launchTemplate === null) {
      throw new InputError(vngsFile, `VNG ${v.name}`, 'launchTemplate', "required with --capacity ec2: the EC2 launch template its nodes are launched from ({id: lt-..., version: $Default} or {name: ...})");
    }
    if (v.subnetIds.length === 0) throw new InputError(vngsFile, `VNG ${v.name}`, 'subnetIds', 'required with --capacity ec2: the subnets its nodes are launched into');
  }
  return aws;
}

const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** One line per batch step and per change of the migration's status (and per node given back, or not, after a failure). */
export function progressLine(ev: EngineEvent, batches: number): string | null {
  const d = ev.detail ?? {};
  const b = /^Batch (\d+)$/.exec(ev.object)?.[1];
  const of = b !== undefined ? `batch ${b}/${batches}` : '';
  switch (ev.kind) {
    case 'batch.started':
      return `${of}: started, ${String(d['nodes'] ?? '?')} node(s) cordoned and draining`;
    case 'migration.cordoned-all':
      if (d['laterBatches'] === true) return `${String(d['nodes'] ?? '?')} old node(s) of the later batches cordoned at the start (cordonAllAtStart; Ocean cordons each batch's own)`;
      return `all ${String(d['nodes'] ?? '?')} selected old node(s) cordoned at the start (cordonAllAtStart); pods are evicted batch by batch`;
    case 'batch.drained':
      return `${of}: drained, ${String(d['evicted'] ?? '?')} pod(s) evicted`;
    case 'batch.healthy':
      return `${of}: ${String(d['replaced'] ?? '?')} of ${String(d['evicted'] ?? '?')} pods Ready elsewhere (${String(d['healthyPercent'] ?? '?')}%)`;
    case 'batch.completed':
      return `${of}: done`;
    case 'migration.started':
    case 'migration.resumed':
    case 'migration.stop-requested':
    case 'migration.stopping':
    case 'migration.stopped':
    case 'migration.completed':
      return `migration ${ev.kind.slice('migration.'.length)}`;
    case 'migration.failed':
      return `migration failed: ${String(d['code'] ?? '')}: ${String(d['why'] ?? '')}`;
    case 'api.lost':
      return `API unreachable (${String(d['message'] ?? d['error'] ?? '')}); retrying`;
    case 'api.restored':
      return `API reachable again after ${String(d['lostSeconds'] ?? '?')}s`;
    case 'ocean.submitted':
      return `${of}: submitted to Ocean as migration ${String(d['migrationId'] ?? '?')} (${String(d['instances'] ?? '?')} instance(s))`;
    case 'ocean.adopted':
      return `${of}: Ocean's migration ${String(d['migrationId'] ?? '?')} was submitted before the restart: read again, not submitted again`;
    case 'ocean.status':
      return `${of}: Ocean says ${String(d['status'] ?? '?')} (migration ${String(d['migrationId'] ?? '?')})`;
    case 'ocean.stop-sent':
      return `${of}: stop sent to Ocean for migration ${String(d['migrationId'] ?? '?')} (terminate drained: ${d['terminateDrained'] === true ? 'yes' : 'no'})`;
    case 'ocean.stopped-outside':
      return `${of}: Ocean's migration ${String(d['migrationId'] ?? '?')} was stopped outside vngshift`;
    case 'capacity.trouble':
      return `capacity: ${String(d['unplaceable'] ?? 0)} unplaceable pod(s), ${String(d['launchErrors'] ?? 0)} launch error(s)`;
    case 'node.uncordoned':
      return d['reason'] === 'migration failed' ? `${ev.object} uncordoned: cordoned at the start, its batch never started (migration failed)` : null;
    case 'node.uncordon-failed':
      return `could not uncordon ${ev.object} (${String(d['error'] ?? '')}: ${String(d['message'] ?? '')}): it stays cordoned; kubectl uncordon ${ev.object.replace(/^Node /, '')}`;
    default:
      return null;
  }
}

function dryRunLine(ev: EngineEvent): string | null {
  switch (ev.kind) {
    case 'node.cordoned':
      return `would cordon ${ev.object}`;
    case 'pod.evicted':
    case 'pod.gone':
      return `would evict ${ev.object}${ev.detail?.['node'] ? ` from ${String(ev.detail['node'])}` : ''}`;
    case 'pod.deleted':
      return `would delete ${ev.object}`;
    case 'pod.evict-blocked':
      return `would be refused: eviction of ${ev.object} (${String(ev.detail?.['message'] ?? 'PodDisruptionBudget')})`;
    case 'node.terminated':
      return `would terminate ${ev.object}`;
    default:
      return null;
  }
}

export function exitCodeOf(state: Pick<MigrationState, 'status'>): number {
  if (state.status === 'Completed') return EXIT_COMPLETED;
  if (state.status === 'Failed' || state.status === 'Stopped') return EXIT_FAILED_OR_STOPPED;
  return EXIT_INTERRUPTED;
}

const EMPTY: ClusterSnapshot = { nodes: [], pods: [] };

/**
 * Why `run` will not start this plan, or null. A plan that moves nothing is refused outright; one whose pods do not all fit
 * needs --allow-infeasible; one that predicts a failure needs --allow-predicted-failure, exactly as an infeasible one.
 */
export function refusalOf(
  plan: VerdictInput & Pick<Plan, 'oldNodes'>,
  opts: Pick<RunOptions, 'allowInfeasible' | 'allowPredictedFailure'>,
): string | null {
  if (plan.oldNodes.length === 0) return 'no old node matches the selection';
  if (plan.verdict === 'NOT_FEASIBLE' && opts.allowInfeasible !== true) return `the plan is ${verdict(plan)}; --allow-infeasible runs it anyway`;
  if (plan.verdict === 'FAILURE_PREDICTED' && opts.allowPredictedFailure !== true) {
    return `the plan predicts a failure (${verdict(plan)}); --allow-predicted-failure runs it anyway`;
  }
  return null;
}

export function runCommand(): Command {
  const cmd = new Command('run')
    .description('run the migration against a live cluster (plan, take the leader Lease, drive the engine); resumable')
    .option('--plan <file>', 'a plan written by plan --plan-out (its batches and parameters are run)')
    .option('--cluster <file>', 'plan against this cluster file instead of reading the live cluster')
    .option('--vngs <file>', 'Ocean launch specs (required unless --plan; required with --capacity kwok or ec2)')
    .option('--catalog <file>', 'a catalog file written by catalog refresh (instance types, zones offered, Spot prices) instead of the bundled one')
    .option('--kubeconfig <file>', 'the cluster to act on (default: $KUBECONFIG, ~/.kube/config, or the pod service account)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--namespace <ns>', 'where the state, the stop request and the leader Lease live', DEFAULT_NAMESPACE)
    .option('--migration-id <id>', 'names the migration; the same id resumes it', DEFAULT_MIGRATION_ID)
    .addOption(new Option('--capacity <provider>', 'who launches new nodes: kwok (test clusters), external (Ocean or another autoscaler), ec2 (vngshift itself, RunInstances from each VNG\'s launchTemplate; needs --cluster-name)').default('external'))
    .addOption(
      new Option('--cloud <how>', 'how drained old nodes are terminated: aws (their EC2 instances, through their Auto Scaling group or EC2), nodes (delete the Node objects: KWOK, Karpenter)')
        .choices(['nodes', 'aws'])
        .default('nodes'),
    )
    .option('--cluster-name <name>', 'with --cloud aws or --capacity ec2: the name the cluster\'s instances are tagged with (kubernetes.io/cluster/NAME or eks:cluster-name)')
    .option('--region <region>', 'with --cloud aws or --capacity ec2: the AWS region (default: the SDK\'s, e.g. AWS_REGION or the profile\'s)')
    .option('--profile <name>', 'with --cloud aws or --capacity ec2: the AWS shared-config profile (default: the SDK\'s credential chain)')
    .option('--allow-lower-min-size', "with --cloud aws: lower an Auto Scaling group's MinSize when terminating its drained instances would go below it")
    .addOption(new Option('--executor <name>', "who executes the batches: own (vngshift's engine) or ocean (Ocean's Workload Migration API, one migration per batch; needs --ocean-cluster)").choices(['own', 'ocean']).default('own'))
    .option('--capacity-grace <duration>', CAPACITY_GRACE_HELP)
    .option('--ocean-poll-interval <duration>', "with --executor ocean: how often Ocean's migration status is read (default 10s)")
    .option('--dry-run', 'plan, check and print what the first batch would do (server-side dry run); change nothing')
    .option('--allow-infeasible', 'start even when the plan says some pods fit no VNG')
    .option('--allow-predicted-failure', 'start even when the plan predicts that the migration will fail (e.g. TechnicalTimeout)')
    .option('--idle-after-end', 'once the migration has ended, stay up until signalled (for a Deployment)')
    .option('--trace-out <file>', "append the engine's trace (what it decided and did) to this file, one JSON object per line")
    .option('--qps <n>', 'client-side rate limit: Kubernetes API requests per second, sustained (default 20)')
    .option('--burst <n>', 'client-side rate limit: requests allowed at once after a quiet spell (default 40)');
  withOceanFlags(withMigrationFlags(cmd))
    .option('--vm-memory-overhead-percent <pct>', 'memory the hypervisor hides from computed node types (default 7.5)')
    .option('--max-pods <n>', "max pods per new node, over the VNG's maxPods, the old nodes' and the catalog's (EKS ENI) value")
    .addOption(new Option('-o, --output <format>', 'final status format').choices(['text', 'json']).default('text'));
  return withProgressFlags(cmd)
    .action(async (opts: RunOptions) => {
      process.exitCode = await executeRun(opts);
    });
}

export async function executeRun(opts: RunOptions): Promise<number> {
  const reporter = makeReporter('run', opts);
  try {
    return await executeRunWith(opts, reporter);
  } finally {
    reporter.end();
  }
}

async function executeRunWith(opts: RunOptions, reporter: Reporter): Promise<number> {
  const v = await validateRun(opts);
  const out = (line: string): void => {
    (opts.output === 'json' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  // Text lines keep their place (stdout, or stderr with -o json) unless a bar is drawn on stderr or JSON lines are asked for.
  const log = (line: string): void => (reporter.mode === 'lines' ? out(`${stamp()} ${line}`) : reporter.log(line));
  const { kube } = v;

  // First contact with the cluster, read only: a migration already under way resumes from its persisted state.
  const saved = await readPersistedState(kube, opts.namespace, opts.migrationId);
  let fresh: MigrationState;
  // The plan's estimate, for the ETA until the first batch is done (a resumed run has none: it has batches to learn from).
  let plannedSeconds: number | null = null;
  if (saved !== null) {
    checkExecutorOf(saved, opts);
    if (isTerminal(saved.status)) log(`migration ${opts.migrationId} has already ended: ${saved.status}`);
    else log(`resuming migration ${opts.migrationId} from its persisted state (${saved.status}, batch ${Math.min(saved.current + 1, saved.batches.length)} of ${saved.batches.length})`);
    fresh = saved;
  } else {
    const plan = await planForRun(v, opts, log);
    plannedSeconds = plan.estimatedSeconds;
    flushInputNotices();
    const refusal = refusalOf(plan, opts);
    if (refusal !== null) {
      process.stderr.write(`vngshift: refusing to start: ${refusal}\n`);
      if (plan.predictedFailure) process.stdout.write(`Predicted failure: ${plan.predictedFailure.code}: ${plan.predictedFailure.message}\n`);
      return EXIT_INFEASIBLE;
    }
    if (plan.verdict !== 'FEASIBLE') {
      const flagUsed = plan.verdict === 'NOT_FEASIBLE' ? '--allow-infeasible' : '--allow-predicted-failure';
      log(`warning: ${verdict(plan)}; starting anyway (${flagUsed})`);
    }
    log(`plan: ${verdict(plan)}; ${plan.oldNodes.length} old node(s) in ${plan.batches.length} batch(es), ${plan.summary.movingPods} pod(s) to move`);
    fresh = initialState(opts.migrationId, enginePlanOf(plan) satisfies EnginePlan, Date.now() / 1000, { ...DEFAULT_ENGINE_SETTINGS, ...v.engine });
    if (v.ocean !== null) {
      // Ocean migrates instances: every old node needs its EC2 instance id (spec.providerID).
      const without = plan.oldNodes.filter((n) => n.instanceId === null).map((n) => n.name);
      if (without.length > 0) {
        process.stderr.write(`vngshift: refusing to start: --executor ocean migrates EC2 instances, and ${without.length} old node(s) have no instance id in spec.providerID: ${without.slice(0, 5).join(', ')}\n`);
        return EXIT_INFEASIBLE;
      }
      fresh.ocean = oceanExecution(v.ocean.api.clusterId, v.ocean.apiUrl, fresh.batches.length);
      if (fresh.params.cordonAllAtStart && fresh.batches.length > 1) {
        log('cordonAllAtStart: Ocean cordons only the instances of the migration in flight; vngshift cordons the old nodes of the later batches itself before the first batch goes to Ocean, and uncordons those whose batch never went if the run stops or fails');
      }
    }
  }

  const { LeaderElector, defaultIdentity, kubeLeaseClient, leaseName } = await import('../live/leader.js');

  let interrupted: string | null = null;
  let wakeUp: () => void = () => undefined;
  const interruptedPromise = new Promise<void>((resolve) => {
    wakeUp = resolve;
  });
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted !== null) {
      process.stderr.write(`vngshift: ${sig} again: exiting now; the state persisted at the last reconcile stands\n`);
      process.exit(130);
    }
    interrupted = sig;
    log(`${sig}: stopping at the next safe point (the migration stays ${fresh.status === 'Running' ? 'Running' : fresh.status}; the same command resumes it)`);
    wakeUp();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const cleanupSignals = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  if (opts.dryRun === true) {
    try {
      if (v.ocean !== null) return oceanDryRun(opts, fresh, log);
      return await dryRun(v, opts, fresh, log);
    } finally {
      cleanupSignals();
    }
  }

  const name = leaseName(opts.migrationId);
  const identity = defaultIdentity();
  const leader = new LeaderElector(kubeLeaseClient(kube.kc, opts.namespace, name), { namespace: opts.namespace, name, migrationId: opts.migrationId }, identity, {
    onWaiting: (holder) => log(`waiting for the Lease ${opts.namespace}/${name}, held by ${holder}`),
    onLost: (why) => log(`lost the Lease ${opts.namespace}/${name} (${why}): stopping at once`),
    onError: (message) => log(`the Lease ${opts.namespace}/${name}: ${message}; retrying`),
  });
  await ensureNamespace(kube, opts.namespace, log);
  let world: LiveWorld | null = null;
  try {
    const got = await leader.acquire(() => interrupted !== null);
    if (!got) {
      log('interrupted before taking the Lease: nothing was done');
      return EXIT_INTERRUPTED;
    }
    log(`holding the Lease ${opts.namespace}/${name} as ${identity}`);
    const batches = fresh.batches.length;
    let batchesDone = fresh.batches.filter((b) => b.phase === 'done').length;
    if (reporter.mode !== 'lines') reporter.step({ phase: 'migrate', done: batchesDone, total: batches, unit: 'batches' });
    const trace: TracePort = {
      record(ev) {
        if (opts.traceOut !== undefined) appendFileSync(opts.traceOut, `${JSON.stringify(ev)}\n`);
        const line = progressLine(ev, batches);
        if (line !== null) log(line);
        if (ev.kind === 'batch.completed' && reporter.mode !== 'lines') reporter.step({ phase: 'migrate', done: Math.min(++batchesDone, batches), total: batches, unit: 'batches' });
      },
    };
    if (v.ocean !== null) {
      const { runThroughOcean } = await import('./ocean-run.js');
      const state = await runThroughOcean({
        kube,
        namespace: opts.namespace,
        target: v.ocean,
        fresh,
        resumed: saved !== null,
        trace,
        output: opts.output === 'json' ? 'json' : 'text',
        stopNow: () => interrupted !== null || !leader.isLeader(),
        interruptedPromise,
      });
      if (!isTerminal(state.status)) {
        log(leader.lost !== null ? `stepped down: ${leader.lost}; another executor continues` : 'interrupted at a safe point; run the same command to resume');
        return EXIT_INTERRUPTED;
      }
      await leader.release();
      if (opts.idleAfterEnd === true && interrupted === null) await idleUntilSignalled(interruptedPromise, log);
      return exitCodeOf(state);
    }
    world = await openWorld(v, opts, false, trace, log, fresh);
    const ports = world.ports;
    const engine = await MigrationEngine.resumeOrStart(ports, fresh);
    const interval = engine.current.settings.intervalSeconds;
    // What calibrate needs to know of this executor, first in the trace file (sim/calibrate.ts reads it).
    if (opts.traceOut !== undefined) {
      const settings = { t: ports.clock.now(), kind: 'executor.settings', object: 'Executor', detail: { qps: v.rate.qps, burst: v.rate.burst, intervalSeconds: interval, minHealthyPercent: engine.current.params.batchMinHealthyPercentage, capacity: v.capacity } };
      appendFileSync(opts.traceOut, `${JSON.stringify(settings)}\n`);
    }
    const { estimateEta } = await import('../engine/eta.js');
    const { etaLine } = await import('../report/eta-line.js');
    const doneNow = (): number => engine.current.batches.filter((b) => b.phase === 'done').length;
    let doneSeen = doneNow();
    while (!isTerminal(engine.current.status)) {
      if (interrupted !== null || !leader.isLeader()) break;
      await engine.step();
      if (isTerminal(engine.current.status)) break;
      // After every batch, the ETA learnt from the batches done so far.
      if (doneNow() > doneSeen) {
        doneSeen = doneNow();
        log(etaLine(estimateEta(engine.current, ports.clock.now(), plannedSeconds), true));
      }
      await Promise.race([ports.clock.sleep(interval), interruptedPromise]);
    }
    // An ended migration's last duties (a Failed one uncordons the nodes cordoned at the start whose batch never started),
    // and its final save; also when the saved state had already ended, so a rerun finishes a cleanup cut short.
    if (isTerminal(engine.current.status) && leader.isLeader()) await engine.finish();
    const state = engine.current;
    let snap = EMPTY;
    try {
      snap = ports.cluster.snapshot();
    } catch {
      snap = EMPTY;
    }
    const view = migrationStatus(state as MigrationState, snap);
    const eta = estimateEta(state, ports.clock.now(), plannedSeconds);
    if (opts.output === 'json') process.stdout.write(JSON.stringify({ ...view, failure: state.failure, eta }, null, 2) + '\n');
    else {
      process.stdout.write('\n' + renderMigrationStatusText(view));
      if (state.failure) process.stdout.write(`  Why: ${state.failure.why}\n  Do: ${state.failure.remedy}\n`);
    }
    if (!isTerminal(state.status)) {
      log(leader.lost !== null ? `stepped down: ${leader.lost}; another executor continues` : 'interrupted at a safe point; run the same command to resume');
      return EXIT_INTERRUPTED;
    }
    await leader.release();
    await world.close();
    world = null;
    if (opts.idleAfterEnd === true && interrupted === null) await idleUntilSignalled(interruptedPromise, log);
    return exitCodeOf(state);
  } finally {
    await leader.release();
    if (world !== null) await world.close();
    cleanupSignals();
  }
}

/** A migration keeps the executor it started with: the own engine and Ocean never take over each other's state. */
function checkExecutorOf(saved: MigrationState, opts: RunOptions): void {
  const ocean = (opts.executor ?? 'own') === 'ocean';
  if (saved.ocean !== undefined && !ocean) {
    throw new InputError('flag --executor', '', '', `migration ${saved.id} runs through Ocean (cluster ${saved.ocean.clusterId}): resume it with --executor ocean --ocean-cluster ${saved.ocean.clusterId}`);
  }
  if (saved.ocean === undefined && ocean) {
    throw new InputError('flag --executor', '', '', `migration ${saved.id} was started by vngshift's own engine: resume it without --executor ocean`);
  }
  if (saved.ocean !== undefined && opts.oceanCluster !== saved.ocean.clusterId) {
    throw new InputError('flag --ocean-cluster', '', '', `migration ${saved.id} runs through Ocean cluster ${saved.ocean.clusterId}, not ${opts.oceanCluster ?? '(none)'}`);
  }
}

/** --dry-run with --executor ocean: the migration each batch would be, as its create call's body; nothing is called. */
function oceanDryRun(opts: RunOptions, fresh: MigrationState, log: (line: string) => void): number {
  const ocean = fresh.ocean;
  if (ocean === undefined) return 0;
  log(`dry run: nothing is submitted; the state would be kept in ${opts.namespace} under migration id ${opts.migrationId}`);
  const ids = new Map(fresh.oldNodes.map((n) => [n.name, n.instanceId]));
  fresh.batches.forEach((b, i) => {
    if (i < fresh.current) return;
    const instanceIds = b.nodes.map((n) => ids.get(n) ?? n);
    const body = { migration: migrationRequest(instanceIds, fresh.params) };
    log(`dry run: batch ${i + 1}/${fresh.batches.length} would be POST /ocean/aws/k8s/cluster/${ocean.clusterId}/migration ${JSON.stringify(body)}${i > fresh.current ? ' (once Ocean reports the previous one Completed)' : ''}`);
  });
  return 0;
}

/** --idle-after-end: once the migration has ended, stay up until a signal (a Deployment would restart an exited pod). */
async function idleUntilSignalled(signalled: Promise<void>, log: (line: string) => void): Promise<void> {
  log('the migration has ended; idling until signalled (--idle-after-end)');
  // Nothing else keeps the event loop alive now (watches closed, Lease released): without this timer Node would exit at
  // once with an unsettled await, and a Deployment would restart the pod in a loop.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    await signalled;
  } finally {
    clearInterval(keepAlive);
  }
}

/** The state namespace must exist before the Lease can: created when missing (deploy/namespace.yaml creates it in-cluster). */
async function ensureNamespace(kube: LoadedKubeConfig, namespace: string, log: (line: string) => void): Promise<void> {
  const { ApiException, CoreV1Api } = await import('@kubernetes/client-node');
  const core = kube.kc.makeApiClient(CoreV1Api);
  try {
    await core.readNamespace({ name: namespace });
    return;
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 404)) throw liveInputError(e, kube, `reading namespace ${namespace}`);
  }
  try {
    await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'vngshift' } } } });
    log(`created namespace ${namespace}`);
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw liveInputError(e, kube, `creating namespace ${namespace}`);
  }
}

/** The live ports (watch caches synced). Unreachable or refused: one line, exit 1. */
async function openWorld(v: Validated, opts: RunOptions, dryRun: boolean, trace: TracePort, say: (line: string) => void, state: MigrationState): Promise<LiveWorld> {
  const { openLiveWorld } = await import('../live/index.js');
  const debug = process.env['VNGSHIFT_DEBUG'] !== undefined;
  // The adapters' own log: everything with VNGSHIFT_DEBUG; in a dry run, the nodes a capacity provider would create (the
  // engine's trace already says what would be cordoned and evicted).
  const adapterLog = (line: string): void => {
    if (debug) process.stderr.write(`vngshift: live: ${line}\n`);
    else if (dryRun && /^dry run: create /.test(line)) say(`dry run: would ${line.slice('dry run: '.length)}`);
    else if (dryRun && /^dry run: would terminate /.test(line)) say(line);
    else if (!dryRun && v.cloud.kind === 'aws' && /^(terminate|Auto Scaling group)/.test(line)) say(line);
    else if (!dryRun && v.capacity === 'ec2' && /^(launched|could not launch|VNG )/.test(line)) say(line);
  };
  const cloud = v.cloud;
  try {
    return await openLiveWorld({
      kubeconfig: v.kube.kc,
      namespace: opts.namespace,
      migrationId: opts.migrationId,
      capacity: v.capacity,
      ...(cloud.kind === 'aws'
        ? {
            cloud: 'aws' as const,
            aws: {
              settings: { ...(cloud.region !== undefined ? { region: cloud.region } : {}), ...(cloud.profile !== undefined ? { profile: cloud.profile } : {}) },
              clusterName: cloud.clusterName,
              allowLowerMinSize: cloud.allowLowerMinSize,
              oldNodes: state.oldNodes,
            },
          }
        : {}),
      ...(v.ec2 !== null
        ? {
            ec2: {
              settings: { ...(v.ec2.region !== undefined ? { region: v.ec2.region } : {}), ...(v.ec2.profile !== undefined ? { profile: v.ec2.profile } : {}) },
              clusterName: v.ec2.clusterName,
            },
          }
        : {}),
      vngs: v.vngs,
      catalog: v.catalog,
      dryRun,
      trace,
      etiquette: { qps: v.rate.qps, burst: v.rate.burst },
      log: adapterLog,
      allowArchitectureChange: v.planFile?.allowArchitectureChange ?? opts.allowArchitectureChange === true,
      ...(allocatableForWorld(v) ? { allocatable: allocatableForWorld(v) } : {}),
    });
  } catch (e) {
    throw liveInputError(e, v.kube, 'opening the live cluster');
  }
}

/** Node options for the nodes the KWOK provider creates: the plan file's, else the flags'. */
function allocatableForWorld(v: Validated): AllocatableOptions | undefined {
  return v.planFile !== null ? v.planFile.allocatable : v.allocatable;
}

/**
 * A plan made for one launcher run with the other (Plan.launchedBy against --capacity): the run's new nodes may not be the
 * plan's expected fleet. Null when they agree.
 */
export function launcherMismatch(plan: Pick<Plan, 'launchedBy'>, capacity: 'kwok' | 'external' | 'ec2'): string | null {
  const planned = plan.launchedBy;
  const running = capacity === 'external' ? 'autoscaler' : 'vngshift';
  if (planned === running) return null;
  const how = (by: 'autoscaler' | 'vngshift'): string =>
    by === 'autoscaler' ? 'an autoscaler launching them on its own loop (plan --capacity external)' : "vngshift's executor launching them at each reconcile (plan --capacity kwok or ec2)";
  return `warning: the plan's new nodes were predicted for ${how(planned)}; this run's --capacity ${capacity} means ${how(running)}: the nodes launched may differ from the plan's fleet (plan again with --capacity ${capacity})`;
}

/** A plan paced at another client rate than the run's (--qps, --burst): its batch times and the ETA it seeds are off. */
export function clientRateMismatch(plan: Pick<Plan, 'timing'>, rate: ClientRate): string | null {
  // A hand-made plan file may lack the timing model (the file's schema does not require it): nothing to compare.
  const t = (plan as { readonly timing?: Partial<Plan['timing']> }).timing;
  if (t === undefined || t.clientQps === undefined || t.clientBurst === undefined || (t.clientQps === rate.qps && t.clientBurst === rate.burst)) return null;
  return `warning: the plan's batch times were made for a client rate of ${t.clientQps} requests/s (burst ${t.clientBurst}); this run's --qps ${rate.qps} --burst ${rate.burst} paces its requests otherwise (plan again with --qps ${rate.qps} --burst ${rate.burst})`;
}

/** The plan the run starts from: the --plan file (checked against the live nodes), else planned on what it reads. */
async function planForRun(v: Validated, opts: RunOptions, log: (line: string) => void): Promise<Plan> {
  if (v.planFile !== null) {
    const live = await readLiveCluster(v.kube);
    const names = new Set(live.nodes.map((n) => n.name));
    const missing = v.planFile.oldNodes.filter((n) => !names.has(n.name)).map((n) => n.name);
    if (missing.length === v.planFile.oldNodes.length && missing.length > 0) {
      throw new InputError(opts.plan ?? '', 'MigrationPlan', 'oldNodes', `none of the plan's ${missing.length} old nodes exists in the cluster (${v.kube.source}); plan again`);
    }
    if (missing.length > 0) log(`warning: ${missing.length} old node(s) of the plan are no longer in the cluster: ${missing.slice(0, 5).join(', ')}`);
    for (const warning of [launcherMismatch(v.planFile, v.capacity), clientRateMismatch(v.planFile, v.rate)]) if (warning !== null) log(warning);
    return v.planFile;
  }
  // A consistent read, whole objects (readLiveCluster's default): run acts on what it reads (see live/read-cluster.ts).
  const source = v.clusterFile ?? { cluster: await readLiveCluster(v.kube), source: v.kube.source };
  checkSelection(source.cluster, v.params ?? parseParams({}, 'flags'), opts, source.source);
  const allocatable = v.allocatable;
  return buildPlan({
    cluster: source.cluster,
    vngs: v.vngs,
    catalog: v.catalog,
    params: v.params ?? parseParams({}, 'flags'),
    sources: { cluster: source.source, vngs: v.vngsSource },
    allowArchitectureChange: opts.allowArchitectureChange === true,
    ...(v.capacity !== 'external' ? { launcher: 'engine' as const } : {}),
    // The batch times at the run's own client rate (--qps, --burst).
    timing: atClientRate(DEFAULT_TIMING, v.rate),
    ...(allocatable !== undefined ? { allocatable } : {}),
  });
}

/**
 * --dry-run: the engine's first reconcile through ports that only ask the API server (server-side dry run) and write
 * nothing, then what the later batches would do. No Lease is taken.
 */
async function dryRun(v: Validated, opts: RunOptions, fresh: MigrationState, log: (line: string) => void): Promise<number> {
  const trace: TracePort = {
    record(ev) {
      const line = dryRunLine(ev);
      if (line !== null) log(`dry run: ${line}`);
    },
  };
  const world = await openWorld(v, opts, true, trace, log, fresh);
  try {
    const ports = world.ports;
    log(`dry run: nothing is written; the state would be kept in ${opts.namespace} under migration id ${opts.migrationId}, the leader Lease would be ${opts.namespace}/vngshift-${opts.migrationId}`);
    const engine = await MigrationEngine.resumeOrStart(ports, fresh);
    if (!isTerminal(engine.current.status)) await engine.step();
    const s = engine.current;
    const first = s.current;
    s.batches.forEach((b, i) => {
      if (i <= first) return;
      log(`dry run: batch ${i + 1}/${s.batches.length} would then cordon and drain ${b.nodes.join(', ')}`);
    });
    // With --capacity ec2: RunInstances with DryRun for each VNG (its launch template, first type and subnet), so a missing
    // permission or a bad launch template shows now.
    if (world.ec2 !== null) {
      try {
        for (const line of await world.ec2.checkLaunches()) log(`dry run: ${line}`);
      } catch (e) {
        if (!(e instanceof PortError)) throw e;
        log(`dry run: launching new instances would fail: ${e.code ?? e.kind}: ${e.message}`);
        return EXIT_FAILED_OR_STOPPED;
      }
    }
    if (s.params.shouldTerminateDrainedNodes) {
      const ids = s.oldNodes.map((n) => n.instanceId ?? n.name);
      log(`dry run: drained old instances would be terminated (${ids.length}): ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', ...' : ''}`);
      // With --cloud aws: each instance's path and the guard rails, asked of EC2 and Auto Scaling now (DryRun where EC2 has it).
      if (world.aws !== null) {
        const withIds = s.oldNodes.flatMap((n) => (n.instanceId !== null ? [n.instanceId] : []));
        try {
          await world.ports.cloud.terminateInstances(withIds);
        } catch (e) {
          if (!(e instanceof PortError)) throw e;
          log(`dry run: terminating them would fail: ${e.code ?? e.kind}: ${e.message}`);
          return EXIT_FAILED_OR_STOPPED;
        }
      }
    } else log('dry run: drained old instances would be left running (shouldTerminateDrainedNodes is off)');
    return 0;
  } finally {
    await world.close();
  }
}
