/** `vngshift plan`: read the cluster, the VNGs and the migration parameters; print the feasibility plan. */
import { withMigrationFlags } from './migration-flags.js';
import { Command, Option } from 'commander';
import type { AllocatableOptions } from '../catalog/allocatable.js';
import { catalogFor } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import { parseParams, type MigrationParams, type RawParams } from '../model/params.js';
import type { Cluster } from '../model/types.js';
import { parseVngText } from '../model/vng/parse-vngs.js';
import { buildPlan, type Plan } from '../planner/plan.js';
import { DEFAULT_TIMING, timingModelFromFigures, type TimingModel } from '../planner/timing.js';
import { atClientRate, clientRateFrom } from './client-rate.js';
import { loadTiming, type TimingFile } from '../../sim/timing-file.js';
import { renderPlanMarkdown } from '../report/markdown.js';
import { renderPlanHtml } from '../report/html/plan-html.js';
import { checkHtmlOut, priceOfCatalog, writeHtmlOut } from './html-out.js';
import { renderPlanText } from '../report/text.js';
import { parseDuration } from './durations.js';
import { planExitCode } from './exit-codes.js';
import { selectionProblem } from '../planner/selection-check.js';
import { writeJsonFile, writeJsonTo } from './json-out.js';
import { oceanDiscovery, oceanVngText, vngInput, type VngText } from './ocean-source.js';
import { compareDiscovery, type OceanDiscoveryComparison } from '../report/discovery-compare.js';
import { discoveryMarkdownLines, discoveryTextLines } from '../report/discovery-text.js';
import { flushInputNotices, loadKubeConfig, parseSingleDocument, readCluster, readInput, readLiveCluster } from './inputs.js';
import type { ProgressStep } from '../model/progress.js';
import { makeReporter, withProgressFlags, type ProgressFlags, type Reporter } from './progress.js';

export interface PlanOptions {
  cluster?: string;
  /** Read the cluster live through this kubeconfig instead of --cluster (plan and simulate; read only). */
  kubeconfig?: string;
  context?: string;
  vngs?: string;
  /** Read the VNGs from this Ocean cluster through the Spot API instead of --vngs. */
  oceanCluster?: string;
  spotApiUrl?: string;
  /** The VNGs read from --ocean-cluster, as a VNG file's text (set by the command before planning). */
  vngText?: VngText;
  params?: string;
  nodes?: string;
  nodeNames?: string;
  instanceIds?: string;
  batchSizePercentage?: string;
  batchMinHealthyPercentage?: string;
  respectPdb?: boolean;
  forcePodEvictionOnPdbFailure?: boolean;
  shouldEvictStandAlonePods?: boolean;
  shouldTerminateDrainedNodes?: boolean;
  respectDoNotDisrupt?: boolean;
  respectRestrictScaleDown?: boolean;
  drainTimeThreshold?: string;
  batchTimeBudget?: string;
  cordonAllAtStart?: boolean;
  /** Who launches the new nodes in the run planned, as run's --capacity: external (default), kwok or ec2. */
  capacity?: string;
  /** plan and simulate: a timing file written by calibrate, or a built-in model (eks, kwok). */
  timing?: string;
  /** The client rate of the run planned (run's --qps, --burst): the pace of the planned evictions. */
  qps?: string;
  burst?: string;
  vmMemoryOverheadPercent?: string;
  /** Max pods for every new node (over the VNG's maxPods, the old nodes' and the catalog's). */
  maxPods?: string;
  allowArchitectureChange?: boolean;
  output: string;
  planOut?: string;
  /** Also write the HTML report to this file. */
  htmlOut?: string;
  /** A catalog file from `catalog refresh` instead of the bundled catalog. */
  catalog?: string;
}

const flag = (name: string): string => `flag --${name}`;

function intFlag(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(flag(name), '', '', `expected a whole number from ${min} to ${max}, found "${value}"`);
  }
  return Number(value);
}

function durationFlag(value: string, name: string): number {
  const s = parseDuration(value);
  if (s === null || s <= 0) throw new InputError(flag(name), '', '', `expected seconds or a duration like 90s, 15m, 1h; found "${value}"`);
  return s;
}

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

/** Migration parameters: the --params file first, flags over it. */
export function paramsFrom(opts: PlanOptions): ReturnType<typeof parseParams> {
  let raw: Record<string, unknown> = {};
  if (opts.params !== undefined) {
    const doc = parseSingleDocument(readInput(opts.params), opts.params);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new InputError(opts.params, '', '', 'expected an object of migration parameters (batchSizePercentage, respectPdb, ...)');
    }
    raw = { ...(doc as Record<string, unknown>) };
  }
  const over: RawParams = {};
  if (opts.nodes !== undefined) over.nodes = opts.nodes;
  if (opts.nodeNames !== undefined) over.nodeNames = list(opts.nodeNames);
  if (opts.instanceIds !== undefined) over.instanceIds = list(opts.instanceIds);
  if (over.nodes !== undefined || over.nodeNames !== undefined || over.instanceIds !== undefined) {
    delete raw['nodes'];
    delete raw['nodeNames'];
    delete raw['instanceIds'];
  }
  if (opts.batchSizePercentage !== undefined) {
    over.batchSizePercentage = opts.batchSizePercentage === 'auto' ? 'auto' : intFlag(opts.batchSizePercentage, 'batch-size-percentage', 1, 100);
  }
  if (opts.batchMinHealthyPercentage !== undefined) {
    over.batchMinHealthyPercentage = intFlag(opts.batchMinHealthyPercentage, 'batch-min-healthy-percentage', 1, 100);
  }
  if (opts.respectPdb !== undefined) over.respectPdb = opts.respectPdb;
  if (opts.forcePodEvictionOnPdbFailure !== undefined) over.forcePodEvictionOnPdbFailure = opts.forcePodEvictionOnPdbFailure;
  if (opts.shouldEvictStandAlonePods !== undefined) over.shouldEvictStandAlonePods = opts.shouldEvictStandAlonePods;
  if (opts.shouldTerminateDrainedNodes !== undefined) over.shouldTerminateDrainedNodes = opts.shouldTerminateDrainedNodes;
  if (opts.respectDoNotDisrupt !== undefined) over.respectDoNotDisrupt = opts.respectDoNotDisrupt;
  if (opts.respectRestrictScaleDown !== undefined) over.respectRestrictScaleDown = opts.respectRestrictScaleDown;
  if (opts.drainTimeThreshold !== undefined) over.drainTimeThresholdSeconds = durationFlag(opts.drainTimeThreshold, 'drain-time-threshold');
  if (opts.batchTimeBudget !== undefined) over.batchTimeBudgetSeconds = durationFlag(opts.batchTimeBudget, 'batch-time-budget');
  if (opts.cordonAllAtStart !== undefined) over.cordonAllAtStart = opts.cordonAllAtStart;
  return parseParams({ ...raw, ...over }, opts.params ?? 'flags');
}

/** Everything `plan` does short of printing: validated inputs in, plan out. Throws InputError on bad input. */
export function planFromOptions(opts: PlanOptions, live?: () => Cluster, reporter?: Reporter): Plan {
  const cluster = (): Cluster => (live !== undefined ? live() : readCluster(opts.cluster ?? '-'));
  if (opts.cluster === undefined && live === undefined) {
    throw new InputError(flag('cluster'), '', '', 'required: a kubectl List (YAML or JSON) or - for standard input (or --kubeconfig to read the cluster live)');
  }
  const vngSource = vngInput(opts, readInput);
  if (vngSource === null) throw new InputError(flag('vngs'), '', '', 'required: a file of Ocean launch specs (JSON or YAML), or --ocean-cluster');
  if (!['text', 'json', 'markdown', 'html'].includes(opts.output)) {
    throw new InputError(flag('output'), '', '', `expected text, json, markdown or html; found "${opts.output}"`);
  }
  const allocatable = allocatableFromFlags(opts);
  const params = paramsFrom(opts);
  const catalog = catalogFor(opts.catalog);
  const { vngs } = parseVngText(vngSource.text, vngSource.source, catalog);
  if (vngs.length === 0) throw new InputError(vngSource.source, '', '', 'no launch specs found; expected at least one VNG');
  const timingOfFile = opts.timing !== undefined ? plannerTimingOf(loadTiming(opts.timing)) : undefined;
  const base = timingOfFile ?? DEFAULT_TIMING;
  const timing = opts.qps !== undefined || opts.burst !== undefined ? atClientRate(base, clientRateFrom(opts, { qps: base.clientQps, burst: base.clientBurst })) : timingOfFile;
  const read = cluster();
  checkSelection(read, params, opts, opts.cluster ?? liveSource(opts));
  // Logged only once the input is known good: bad input prints its one error line and nothing else.
  reporter?.log(`read ${read.nodes.length} node(s), ${read.pods.length} pod(s); ${vngs.length} VNG(s)`);
  return buildPlan({
    ...(timing !== undefined ? { timing } : {}),
    cluster: read,
    vngs,
    catalog,
    params,
    sources: { cluster: opts.cluster ?? liveSource(opts), vngs: vngSource.source },
    allowArchitectureChange: opts.allowArchitectureChange === true,
    ...(opts.capacity === 'kwok' || opts.capacity === 'ec2' ? { launcher: 'engine' as const } : {}),
    ...(allocatable !== undefined ? { allocatable } : {}),
    ...(reporter !== undefined ? { onProgress: (s: ProgressStep) => reporter.step(s) } : {}),
  });
}

/** The planner's timing model from a timing file's figures (and its spread, when it states one). */
export function plannerTimingOf(file: TimingFile): TimingModel {
  return timingModelFromFigures(file.timing, file.spread ?? undefined);
}

/** Where the node selection came from, for an error message: the flag that gave it, else the --params file. */
export function selectionSource(opts: Pick<PlanOptions, 'nodes' | 'nodeNames' | 'instanceIds' | 'params'>): string {
  if (opts.nodes !== undefined) return flag('nodes');
  if (opts.nodeNames !== undefined) return flag('node-names');
  if (opts.instanceIds !== undefined) return flag('instance-ids');
  return opts.params ?? 'flags';
}

/**
 * Bad input, not a plan: a cluster without nodes, a selection that matches no node or names nodes/instances the cluster lacks.
 * Checked before anything else happens (and, for run, before the cluster is changed).
 */
export function checkSelection(cluster: Cluster, params: MigrationParams, opts: Pick<PlanOptions, 'nodes' | 'nodeNames' | 'instanceIds' | 'params'>, clusterSource: string): void {
  const problem = selectionProblem(cluster, params.nodes);
  if (problem === null) return;
  if (problem.subject === 'cluster') throw new InputError(clusterSource, 'cluster', problem.field, problem.problem);
  const where = selectionSource(opts);
  throw new InputError(where, where.startsWith('flag ') ? '' : 'migration parameters', where.startsWith('flag ') ? '' : problem.field, problem.problem);
}

/** Highest --max-pods accepted: the kubelet refuses nothing, but no EC2 type runs more pods than this on one node. */
export const MAX_PODS_FLAG_LIMIT = 1000;

/** The node options of --vm-memory-overhead-percent and --max-pods (undefined when neither is given). */
export function allocatableFromFlags(opts: Pick<PlanOptions, 'vmMemoryOverheadPercent' | 'maxPods'>): AllocatableOptions | undefined {
  let overhead: number | undefined;
  if (opts.vmMemoryOverheadPercent !== undefined) {
    const v = Number(opts.vmMemoryOverheadPercent);
    if (!Number.isFinite(v) || v < 0 || v >= 50) {
      throw new InputError(flag('vm-memory-overhead-percent'), '', '', `expected a percentage from 0 to 50, found "${opts.vmMemoryOverheadPercent}"`);
    }
    overhead = v / 100;
  }
  const maxPods = opts.maxPods === undefined ? undefined : intFlag(opts.maxPods, 'max-pods', 1, MAX_PODS_FLAG_LIMIT);
  if (overhead === undefined && maxPods === undefined) return undefined;
  return { ...(overhead !== undefined ? { vmMemoryOverheadPercent: overhead } : {}), ...(maxPods !== undefined ? { maxPods } : {}) };
}

const liveSource = (opts: PlanOptions): string => `kubeconfig ${opts.kubeconfig ?? ''}${opts.context !== undefined ? ` (context ${opts.context})` : ''}`;

/**
 * `plan` (or `simulate`) with --kubeconfig: the flags and files are checked first (a dry pass with an empty cluster), then the
 * cluster is read live, read only. Without --kubeconfig, the cluster file as before.
 */
export async function clusterForPlan(opts: PlanOptions): Promise<(() => Cluster) | undefined> {
  if (opts.kubeconfig === undefined) {
    if (opts.context !== undefined) throw new InputError(flag('context'), '', '', 'needs --kubeconfig');
    return undefined;
  }
  if (opts.cluster !== undefined) throw new InputError(flag('kubeconfig'), '', '', 'give either --cluster FILE or --kubeconfig, not both');
  const kube = await loadKubeConfig(opts.kubeconfig, opts.context);
  // Every flag and file is checked before the cluster is contacted: a pass that stops short of reading the cluster.
  const checked = new Error('checked');
  try {
    planFromOptions(opts, () => {
      throw checked;
    });
  } catch (e) {
    if (e !== checked) throw e;
  }
  // One read to plan from: the watch cache will do, and only the fields the planner reads are kept (see read-cluster.ts).
  const cluster = await readLiveCluster(kube, { fromCache: true, keepFields: true });
  return () => cluster;
}

/** --ocean-cluster and --spot-api-url (plan, simulate, run). */
export function withOceanFlags(cmd: Command): Command {
  return cmd
    .option('--ocean-cluster <id>', 'read the VNGs (launch specs) of this Ocean cluster from the Spot API instead of --vngs (SPOTINST_TOKEN / SPOTINST_ACCOUNT or ~/.spotinst/credentials; subnet zones from EC2)')
    .option('--spot-api-url <url>', 'the Spot API (default https://api.spotinst.io)');
}

/**
 * The plan as printed: with --ocean-cluster, beside it Ocean's discovery compared (JSON: the plan's fields and
 * `oceanDiscovery`, or `oceanDiscoveryError` when the Spot API did not answer it).
 */
export type PlanReport = Plan & { readonly oceanDiscovery?: OceanDiscoveryComparison; readonly oceanDiscoveryError?: string };

export function renderPlan(plan: PlanReport, output: string, catalogFile?: string): string {
  if (output === 'json') return JSON.stringify(plan, null, 2) + '\n';
  const d = plan.oceanDiscovery;
  if (output === 'markdown') return renderPlanMarkdown(plan, { priceOf: priceOfCatalog(catalogFor(catalogFile)) }) + (d !== undefined ? `${discoveryMarkdownLines(d).join('\n')}\n` : '');
  if (output === 'html') return renderPlanHtml(plan, { priceOf: priceOfCatalog(catalogFor(catalogFile)), ...(d !== undefined ? { discovery: d } : {}) });
  return renderPlanText(plan) + (d !== undefined ? `${discoveryTextLines(d).join('\n')}\n` : '');
}

/** The plan with Ocean's discovery beside it (the plan alone without --ocean-cluster). */
export function withDiscovery(plan: Plan, opts: PlanOptions, read: Awaited<ReturnType<typeof oceanDiscovery>>): PlanReport {
  if (read === null || opts.oceanCluster === undefined || opts.vngText === undefined) return plan;
  if ('error' in read) return { ...plan, oceanDiscoveryError: read.error };
  const { vngs } = parseVngText(opts.vngText.text, opts.vngText.source, catalogFor(opts.catalog));
  return { ...plan, oceanDiscovery: compareDiscovery(plan, vngs, read.nodes, opts.oceanCluster) };
}

export function planCommand(): Command {
  const cmd = new Command('plan')
    .description('feasibility report: will the pods fit the VNGs, on which new nodes, at what cost, in which batches')
    .option('--cluster <file>', 'cluster objects: kubectl get ... -A -o yaml|json output (a v1 List) or a YAML stream; - for stdin')
    .option('--kubeconfig <file>', 'read the cluster live through this kubeconfig instead of --cluster (read only)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--vngs <file>', 'Ocean launch specs (bare array, {launchSpecs: [...]} or {response: {items: [...]}}), JSON or YAML')
    .option('--catalog <file>', 'a catalog file written by catalog refresh (instance types, zones offered, Spot prices) instead of the bundled one');
  withOceanFlags(withMigrationFlags(cmd))
    .option('--vm-memory-overhead-percent <pct>', 'memory the hypervisor hides from computed node types (default 7.5)')
    .option('--max-pods <n>', "max pods per new node, over the VNG's maxPods, the old nodes' and the catalog's (EKS ENI) value")
    .addOption(new Option('-o, --output <format>', 'report format').choices(['text', 'json', 'markdown', 'html']).default('text'))
    .option('--plan-out <file>', 'also write the versioned plan (JSON) that simulate and run read')
    .option('--html-out <file>', 'also write the report as one self-contained HTML file (charts included, nothing loaded from the network)')
    .option('--timing <file>', 'the timing model for the batch times: a file written by vngshift calibrate, or eks (default) or kwok')
    .option('--qps <n>', "the client rate of the run planned (run's --qps): API requests per second, paces the planned evictions (default: the timing model's, 20)")
    .option('--burst <n>', "the client burst of the run planned (run's --burst; default: the timing model's, 40)")
    .addOption(
      new Option('--capacity <provider>', "who launches the new nodes in the run planned, as for run: external (Ocean or another autoscaler, on its own loop) or kwok/ec2 (the executor, at each reconcile); the expected fleet follows")
        .choices(['external', 'kwok', 'ec2'])
        .default('external'),
    );
  return withProgressFlags(cmd)
    .action(async (opts: PlanOptions & ProgressFlags) => {
      const reporter = makeReporter('plan', opts);
      const fromOcean = await oceanVngText(opts);
      if (fromOcean !== null) opts.vngText = fromOcean;
      checkHtmlOut(opts.htmlOut);
      const live = await clusterForPlan(opts);
      let planned: Plan;
      try {
        planned = planFromOptions(opts, live, reporter);
      } finally {
        reporter.end();
      }
      reporter.log(`plan made: ${planned.verdict}`);
      const discovery = await oceanDiscovery(opts);
      const plan = withDiscovery(planned, opts, discovery);
      writeHtmlOut(opts.htmlOut, () => renderPlan(plan, 'html', opts.catalog));
      if (opts.planOut !== undefined) {
        try {
          writeJsonFile(opts.planOut, plan);
        } catch (e) {
          throw new InputError(opts.planOut, '', '', `cannot write the plan (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
      }
      flushInputNotices();
      if (plan.oceanDiscoveryError !== undefined) process.stderr.write(`vngshift: note: Ocean's discovery not shown: ${plan.oceanDiscoveryError}\n`);
      // The JSON of a big plan is written in pieces, never held whole; the reports are small.
      if (opts.output === 'json') await writeJsonTo(process.stdout, plan);
      else process.stdout.write(renderPlan(plan, opts.output, opts.catalog));
      process.exitCode = planExitCode(plan.verdict);
    });
}
