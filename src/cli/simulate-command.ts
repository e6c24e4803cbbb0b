/** `vngshift simulate`: rehearse the migration in virtual time, from a scenario file or from a cluster and VNGs. */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { withMigrationFlags } from './migration-flags.js';
import { writeJsonStreamingArray } from './json-stream.js';
import type { TraceEvent } from '../../sim/cluster.js';
import { Command, Option } from 'commander';
import { catalogFor } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import { parseVngText } from '../model/vng/parse-vngs.js';
import { renderSimulationText } from '../report/simulation-text.js';
import { renderSimulationHtml } from '../report/html/simulation-html.js';
import { renderSimulationMarkdown } from '../report/simulation-markdown.js';
import { checkHtmlOut, priceOfCatalog, writeHtmlOut } from './html-out.js';
import { loadScenario } from '../../sim/scenario.js';
import { scenarioInputs, type ScenarioInputs } from '../../sim/scenario-inputs.js';
import { parseFault, type FaultSpec } from '../../sim/faults.js';
import { startPlanThread, type PlanThread } from '../../sim/plan-thread.js';
import { rehearse } from '../../sim/rehearse.js';
import type { TimingModel } from '../planner/timing.js';
import { CAPACITY_GRACE_HELP, engineSettingsFrom, type EngineFlagOptions } from './engine-flags.js';
import { flushInputNotices, readCluster, readInput } from './inputs.js';
import { oceanVngText, vngInput, type VngText } from './ocean-source.js';
import { allocatableFromFlags, checkSelection, clusterForPlan, paramsFrom, withOceanFlags, type PlanOptions } from './plan-command.js';
import { makeReporter, withProgressFlags, type ProgressFlags } from './progress.js';

interface SimulateOptions extends PlanOptions, EngineFlagOptions {
  scenario?: string;
  fault: string[];
  seed?: string;
  maxTime?: string;
  traceOut?: string;
  htmlOut?: string;
  /** external (default), kwok or ec2: who launches the new nodes (commander checks the choice). */
  capacity: 'external' | 'kwok' | 'ec2';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Fails before the run (one line, exit 1) when the trace file cannot be written. */
function checkWritable(file: string): void {
  try {
    writeFileSync(file, '');
  } catch (e) {
    throw new InputError('flag --trace-out', '', '', `cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The trace as JSON lines, written in chunks (a large rehearsal has millions of events). */
function writeTrace(file: string, events: readonly TraceEvent[]): void {
  const fd = openSync(file, 'w');
  try {
    let buf = '';
    for (const e of events) {
      buf += `${JSON.stringify(e)}\n`;
      if (buf.length >= 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    if (buf !== '') writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
}

/** `startThread`: how the plan's thread is started (tests hand in one that failed; the command line cannot). */
export function simulateCommand(startThread: () => PlanThread | null = () => startPlanThread()): Command {
  const cmd = new Command('simulate')
    .description('deterministic rehearsal of the migration in virtual time; replays each failure mode on demand')
    .option('--scenario <file>', 'a scenario file (cluster, VNGs, parameters, timing, faults, seed, expected outcome)')
    .option('--cluster <file>', 'cluster objects (as for plan), when no --scenario is given')
    .option('--kubeconfig <file>', 'read the cluster live through this kubeconfig instead of --cluster (read only)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--vngs <file>', 'Ocean launch specs (as for plan), when no --scenario is given')
    .option('--catalog <file>', 'a catalog file written by catalog refresh (instance types, zones offered, Spot prices) instead of the bundled one');
  withOceanFlags(withMigrationFlags(cmd))
    .option('--fault <spec>', 'inject a fault: kind@time[:key=value,...] (repeatable), e.g. api-disconnect@10m:duration=400', collect, [])
    .option('--seed <n>', 'the seed that drives every random choice (default: the scenario seed, else 1)')
    .option('--max-pods <n>', "max pods per new node, over the VNG's maxPods, the old nodes' and the catalog's (EKS ENI) value")
    .option('--capacity-grace <duration>', CAPACITY_GRACE_HELP)
    .option('--max-time <duration>', 'cut the run short after this much virtual time (default: the plan bound plus 1h)')
    .option('--trace-out <file>', 'write the trace (every event of the run) to this file, one JSON object per line; -o json then leaves it out')
    .option('--timing <file>', 'the timing model: a file written by vngshift calibrate, or eks (the default) or kwok; over a scenario\'s own timing')
    .addOption(
      new Option('--capacity <provider>', "who launches the new nodes, as for run: external (Ocean or another autoscaler, on its own loop) or kwok/ec2 (the executor, at each reconcile)")
        .choices(['external', 'kwok', 'ec2'])
        .default('external'),
    )
    .addOption(new Option('-o, --output <format>', 'report format').choices(['text', 'json', 'markdown', 'html']).default('text'))
    .option('--html-out <file>', 'also write the report as one self-contained HTML file (timeline and batch charts, nothing loaded from the network)');
  return withProgressFlags(cmd)
    .action(async (opts: SimulateOptions & ProgressFlags) => {
      // The plan's thread first (sim/plan-thread.ts): it loads its modules while the input is read; stopped below whatever
      // happens (once the plan came that changes nothing).
      const thread = startThread();
      try {
        await simulateWith(opts, thread);
      } finally {
        thread?.stop();
      }
    });
}

async function simulateWith(opts: SimulateOptions & ProgressFlags, thread: PlanThread | null): Promise<void> {
  const reporter = makeReporter('simulate', opts);
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  const { loadTiming } = await import('../../sim/timing-file.js');
  const timingFile = opts.timing !== undefined ? loadTiming(opts.timing) : null;
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) {
    throw new InputError('flag --seed', '', '', `expected a whole number from 0 to 4294967295, found "${opts.seed}"`);
  }
  const engineFlags = engineSettingsFrom(opts);
  if (opts.traceOut !== undefined) checkWritable(opts.traceOut);
  checkHtmlOut(opts.htmlOut);
  let maxSeconds: number | undefined;
  if (opts.maxTime !== undefined) {
    const { parseDuration } = await import('./durations.js');
    const v = parseDuration(opts.maxTime);
    if (v === null || v <= 0) throw new InputError('flag --max-time', '', '', `expected a duration like 2h, found "${opts.maxTime}"`);
    maxSeconds = v;
  }
  const allocatable = allocatableFromFlags(opts);
  const catalog = catalogFor(opts.catalog);
  const extraFaults: FaultSpec[] = opts.fault.map((f) => parseFault(f));
  let inputs: ScenarioInputs & { readonly plannerTiming?: TimingModel };
  let replay: string;
  let vngsSource = opts.scenario ?? '';
  if (opts.scenario !== undefined) {
    if (opts.cluster !== undefined || opts.vngs !== undefined || opts.kubeconfig !== undefined || opts.oceanCluster !== undefined) {
      throw new InputError('flag --scenario', '', '', 'give either --scenario or --cluster (or --kubeconfig) and --vngs (or --ocean-cluster), not both');
    }
    const sc = loadScenario(opts.scenario);
    const base = scenarioInputs(sc, catalog, seed);
    inputs = { ...base, engine: { ...base.engine, ...engineFlags }, faults: [...base.faults, ...extraFaults], maxSeconds: maxSeconds ?? base.maxSeconds };
    replay = `vngshift simulate --scenario ${opts.scenario} --seed ${inputs.seed}${opts.capacityGrace !== undefined ? ` --capacity-grace ${opts.capacityGrace}` : ''}${opts.capacity !== 'external' ? ` --capacity ${opts.capacity}` : ''}${opts.timing !== undefined ? ` --timing ${opts.timing}` : ''}${opts.fault.map((f) => ` --fault ${f}`).join('')}`;
  } else {
    if ((opts.cluster === undefined && opts.kubeconfig === undefined) || (opts.vngs === undefined && opts.oceanCluster === undefined)) {
      throw new InputError('flag --cluster', '', '', 'required (or --kubeconfig) with --vngs (or --ocean-cluster) when no --scenario is given');
    }
    const fromOcean = await oceanVngText(opts);
    if (fromOcean !== null) opts.vngText = fromOcean;
    const live = await clusterForPlan(opts);
    const params = paramsFrom(opts);
    const cluster = live !== undefined ? live() : readCluster(opts.cluster ?? '-');
    const vngSource = vngInput(opts, readInput) as VngText;
    vngsSource = vngSource.source;
    const { vngs } = parseVngText(vngSource.text, vngSource.source, catalog);
    if (vngs.length === 0) throw new InputError(vngSource.source, '', '', 'no launch specs found; expected at least one VNG');
    const clusterSource = opts.cluster ?? `kubeconfig ${opts.kubeconfig ?? ''}${opts.context !== undefined ? ` (context ${opts.context})` : ''}`;
    checkSelection(cluster, params, opts, clusterSource);
    inputs = { cluster, clusterSource, vngs, params, timing: {}, engine: engineFlags, faults: extraFaults, seed: seed ?? 1, maxSeconds };
    replay = `vngshift simulate ${process.argv.slice(3).join(' ')}`;
  }
  flushInputNotices();
  if (timingFile !== null) {
    // The file's figures over the scenario's; the plan's batch times from the same figures.
    const { timingModelFromFigures } = await import('../planner/timing.js');
    const timing = { ...inputs.timing, ...timingFile.timing };
    inputs = { ...inputs, timing, plannerTiming: timingModelFromFigures(timing, timingFile.spread ?? undefined) };
  }
  reporter.log(`rehearsing: ${inputs.cluster.nodes.length} node(s), ${inputs.cluster.pods.length} pod(s), ${inputs.vngs.length} VNG(s), seed ${inputs.seed}`);
  let rehearsal: Awaited<ReturnType<typeof rehearse>>;
  try {
    rehearsal = await rehearse(inputs, catalog, {
      allowArchitectureChange: opts.allowArchitectureChange === true,
      ...(allocatable !== undefined ? { allocatable } : {}),
      sources: { cluster: inputs.clusterSource, vngs: vngsSource },
      ...(opts.capacity !== 'external' ? { capacity: 'engine' as const } : {}),
      onProgress: (s) => reporter.step(s),
      planThread: thread,
    });
  } finally {
    reporter.end();
  }
  const { plan, result } = rehearsal;
  // The same plan either way; said because it took longer (a failed thread means a broken install, worth a look).
  if (thread !== null && !rehearsal.planOnThread) {
    const failure = thread.failure();
    reporter.log(`the plan was made in this thread: its own thread ${failure === null ? 'ended without it' : `failed (${failure})`}`);
  }
  reporter.log(`rehearsal ended: ${result.status} after ${Math.round(result.durationSeconds)}s of virtual time`);
  const output = {
    ...result,
    plan: {
      verdict: plan.verdict,
      feasible: plan.feasible,
      predictedFailure: plan.predictedFailure?.code ?? null,
      boundSeconds: plan.boundSeconds,
      // A partial migration's Pending pods elsewhere: in the rehearsed world, not the migration's concern.
      pendingElsewhere: plan.summary.pendingElsewhere,
    },
    replay,
  };
  if (opts.traceOut !== undefined) writeTrace(opts.traceOut, result.events);
  const html = (): string => renderSimulationHtml(result, replay, plan, { priceOf: priceOfCatalog(catalog) });
  writeHtmlOut(opts.htmlOut, html);
  if (opts.output === 'json') {
    const write = (text: string): void => void process.stdout.write(text);
    if (opts.traceOut !== undefined) {
      const { events, ...rest } = output;
      write(`${JSON.stringify({ ...rest, trace: { file: opts.traceOut, events: events.length } }, null, 2)}\n`);
    } else writeJsonStreamingArray(write, output, 'events');
  } else if (opts.output === 'html') process.stdout.write(html());
  else if (opts.output === 'markdown') process.stdout.write(renderSimulationMarkdown(result, replay, plan, { priceOf: priceOfCatalog(catalog) }));
  else process.stdout.write(renderSimulationText(result, replay));
  process.exitCode = result.status === 'Completed' ? 0 : 3;
}
