/**
 * `npm run bench`: the four benchmarks of the performance issue, one table each, and a JSON summary in
 * bench/results/latest.json. Figures are printed, never asserted; the run exits non-zero only when a correctness check
 * fails (the cluster-autoscaler case not giving exactly 2,595 nodes, pods left unplaced where every pod must fit, or the
 * planner or the CLI failing on the large case; a timeout is reported, not failed).
 *
 * Options: --only ca,karpenter,cost,big   --big-nodes N --big-pods N   --big-timeout SECONDS (default 900)   --no-cli
 *          --profile (runs the large case's measure child under --cpu-prof and prints the hottest functions)
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BIG_TARGET_MS, BIG_TARGET_RSS, readJson, runChild, SELF, workDir, type GenFigures, type MeasureFigures } from './big.js';
import { CA_TARGET_MS, runCa, type CaResult } from './ca.js';
import { runCost, WORKLOADS, type CostResult } from './cost.js';
import { KARPENTER_NODES, runKarpenter, type KarpenterResult } from './karpenter.js';
import { summariseProfile, type HotFunction } from './profile.js';
import { fmtMiB, fmtMs, linkData, printTable, repoRoot, resultsDir, verdict } from './util.js';

interface Options {
  only: Set<string>;
  bigNodes: number;
  bigPods: number;
  bigTimeoutS: number;
  cli: boolean;
  profile: boolean;
}

function options(argv: readonly string[]): Options {
  const o: Options = { only: new Set(['ca', 'karpenter', 'cost', 'big']), bigNodes: 5000, bigPods: 150_000, bigTimeoutS: 900, cli: true, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${a ?? ''} needs a value`);
      return v;
    };
    if (a === '--only') o.only = new Set(next().split(','));
    else if (a === '--big-nodes') o.bigNodes = Number(next());
    else if (a === '--big-pods') o.bigPods = Number(next());
    else if (a === '--big-timeout') o.bigTimeoutS = Number(next());
    else if (a === '--no-cli') o.cli = false;
    else if (a === '--profile') o.profile = true;
    else throw new Error(`bench: unknown option ${a ?? ''}`);
  }
  return o;
}

const failures: string[] = [];

function benchCa(): { first: CaResult; best: CaResult } {
  const runs = [runCa(), runCa(), runCa()];
  const first = runs[0] as CaResult;
  const best = runs.reduce((a, b) => (b.solveMs < a.solveMs ? b : a));
  const min = (f: (r: CaResult) => number): number => Math.min(...runs.map(f));
  for (const r of runs) if (!r.correct) failures.push(`cluster-autoscaler case: ${r.nodes} nodes (${r.unschedulable} pods unplaced), expected exactly ${r.expectedNodes}`);
  for (const r of runs) if (r.podByPodNodes !== r.nodes) failures.push(`cluster-autoscaler case: ${r.podByPodNodes} nodes pod by pod against ${r.nodes} in one step`);
  for (const r of runs) if (r.groupedNodes !== r.nodes) failures.push(`cluster-autoscaler case: ${r.groupedNodes} nodes from pre-grouped classes against ${r.nodes}`);
  printTable(
    '2. cluster-autoscaler binpacking case (50,000 x 50m/100B + 1,000 x 95m/190B on 1000m/5000B/100 pods)',
    ['figure', 'value', 'target', 'verdict'],
    [
      ['nodes', String(first.nodes), String(first.expectedNodes), first.correct ? 'OK' : 'WRONG'],
      ['unplaced pods', String(first.unschedulable), '0', first.unschedulable === 0 ? 'OK' : 'WRONG'],
      ['solve, first run', fmtMs(first.solveMs), fmtMs(CA_TARGET_MS), verdict(first.solveMs <= CA_TARGET_MS)],
      ['solve, best of 3', fmtMs(best.solveMs), fmtMs(CA_TARGET_MS), verdict(best.solveMs <= CA_TARGET_MS)],
      ['  grouping 51,000 pods into classes, best of 3', fmtMs(min((r) => r.classesMs)), '', ''],
      [
        'packing from pre-grouped classes (what cluster-autoscaler times), median of 5, best of 3',
        `${fmtMs(min((r) => r.groupedMs))}, ${first.groupedNodes} nodes`,
        fmtMs(CA_TARGET_MS),
        verdict(min((r) => r.groupedMs) <= CA_TARGET_MS),
      ],
      ['solve pod by pod (reference), best of 3', `${fmtMs(min((r) => r.podByPodMs))}, ${first.podByPodNodes} nodes`, '', ''],
    ],
  );
  console.log('   cluster-autoscaler times its estimate on pods already grouped into equivalence groups: the pre-grouped row is');
  console.log('   solveClasses() on classes packClasses() built once beforehand; solve() groups the pods itself (the indented row).');
  return { first, best };
}

function benchKarpenter(): KarpenterResult[] {
  const results = (['current', 'six-kind'] as const).flatMap((mix) => [1000, 5000].map((n) => runKarpenter(n, mix)));
  for (const r of results) if (r.unschedulable > 0) failures.push(`Karpenter case (${r.mix}, ${r.pods} pods): ${r.unschedulable} pods unplaced`);
  printTable(
    "3. Karpenter scheduling benchmark (400 fake instance types, 3 zones): current mix (5 kinds, kube-reserved) and the six-kind mix",
    ['mix', 'pods', 'placed', 'unplaced', 'nodes', 'anti-affinity bound', 'Karpenter', 'cost $/h', 'solve', 'pods/s'],
    results.map((r) => [
      r.mix,
      String(r.pods),
      String(r.placed),
      String(r.unschedulable),
      String(r.nodes),
      String(r.nodeLowerBound),
      String(KARPENTER_NODES[`${r.mix}/${r.pods}`] ?? ''),
      r.costPerHour.toFixed(2),
      fmtMs(r.solveMs),
      r.podsPerSecond.toFixed(0),
    ]),
  );
  console.log("   Karpenter: its own node count for the case where measured (target: no more nodes than it).");
  return results;
}

function benchCost(): CostResult[] {
  const results = WORKLOADS.map((w) => runCost(w));
  for (const r of results) if (r.placed !== r.pods) failures.push(`cost case "${r.workload}": ${r.pods - r.placed} of ${r.pods} pods unplaced`);
  const first = results[0];
  printTable(
    `4. Cost quality against the LP lower bound (one VNG, ${first?.candidateTypes ?? 0} types, ${first?.paretoTypes ?? 0} Pareto-efficient; 4 DaemonSets)`,
    ['workload', 'nodes', 'plan $/h', 'bound $/h', 'bound', 'gap', 'target', 'verdict', 'resource-LP $/h', 'gap', 'plan time'],
    results.map((r) => [
      r.workload,
      String(r.nodes),
      r.planCost.toFixed(4),
      (r.packBound ?? r.lpBound).toFixed(4),
      r.packBound === null ? 'resource LP' : 'configuration LP',
      `${(((r.packGap ?? r.gap) as number) * 100).toFixed(1)}%`,
      `${(r.target * 100).toFixed(0)}%`,
      verdict(r.pass),
      r.lpBound.toFixed(4),
      `${(r.gap * 100).toFixed(1)}%`,
      fmtMs(r.planMs),
    ]),
  );
  for (const r of results) console.log(`   ${r.workload}: plan ${r.fleet || '(none)'}  |  LP ${r.lpFleet}`);
  console.log('   configuration LP (uniform pods): whole pods per node; its optimum is pods x min over types of price / pods-per-node.');
  console.log('   resource LP: cpu, memory and pod slots covered separately, so one pod may span nodes: lower, and not reachable.');
  return results;
}

interface BigResult {
  readonly gen: GenFigures | null;
  readonly measure: MeasureFigures | null;
  readonly measureError: string | null;
  readonly cli: { ms: number; peakRss: number | null; exitCode: number | null; error: string | null } | null;
  readonly hot?: readonly HotFunction[];
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

async function benchBig(o: Options): Promise<BigResult> {
  const dir = workDir(o.bigNodes, o.bigPods);
  console.log(`\n1. Large case: generating ${o.bigPods} pods on ${o.bigNodes} nodes (cached in ${dir}) ...`);
  const gen = await runChild(process.execPath, ['--max-old-space-size=12288', SELF, 'gen', dir, String(o.bigNodes), String(o.bigPods)], 3_600_000);
  if (gen.code !== 0) {
    failures.push(`large case: generator failed (${gen.timedOut ? 'timeout' : `exit ${String(gen.code)}`}): ${lastLines(gen.stderr)}`);
    return { gen: null, measure: null, measureError: 'generator failed', cli: null };
  }
  const genFigures = readJson<GenFigures>(join(dir, 'gen.json'));

  const timeoutMs = o.bigTimeoutS * 1000;
  const measureFile = join(dir, 'measure.json');
  writeFileSync(measureFile, '');
  const profDir = join(dir, 'profile');
  if (o.profile) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
  }
  const profArgs = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const m = await runChild(process.execPath, [...profArgs, SELF, 'measure', dir], timeoutMs);
  let hot: HotFunction[] = [];
  if (o.profile && !m.timedOut) {
    hot = summariseProfile(profDir, repoRoot());
    printTable(
      '1a. Large case CPU profile (decode + parse + plan), self time',
      ['function', 'where', 'self', 'share'],
      hot.map((h) => [h.name, h.where, fmtMs(h.selfMs), `${(h.share * 100).toFixed(1)}%`]),
    );
  }
  let measure: MeasureFigures | null = null;
  let measureError: string | null = null;
  if (m.timedOut) measureError = `timed out after ${o.bigTimeoutS} s`;
  else if (m.code !== 0) {
    measureError = `exit ${String(m.code)}${m.signal ? ` (${m.signal})` : ''}: ${lastLines(m.stderr)}`;
    failures.push(`large case: planning crashed: ${measureError}`);
  } else measure = readJson<MeasureFigures>(measureFile);

  let cli: BigResult['cli'] = null;
  if (o.cli) {
    const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
    const nodeArgs = [join(repoRoot(), 'bin', 'vngshift.js'), 'plan', '--cluster', join(dir, 'big.json'), '--vngs', join(dir, 'vngs.json'), '-o', 'json'];
    const r = timeBin
      ? await runChild(timeBin, ['-v', process.execPath, ...nodeArgs], timeoutMs)
      : await runChild(process.execPath, nodeArgs, timeoutMs);
    const rssKb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
    const exit = timeBin ? Number(/Exit status: (\d+)/.exec(r.stderr)?.[1] ?? r.code) : r.code;
    const vngshiftErr = r.stderr.split('\n').filter((l) => l.startsWith('vngshift:')).join(' ');
    let error: string | null = null;
    if (r.timedOut) error = `timed out after ${o.bigTimeoutS} s`;
    else if (exit !== 0 && exit !== 2) {
      error = `exit ${String(exit)}: ${vngshiftErr || lastLines(r.stderr)}`;
      failures.push(`large case: the CLI could not plan the cluster: ${error}`);
    }
    cli = { ms: r.ms, peakRss: rssKb === undefined ? null : Number(rssKb) * 1024, exitCode: exit, error };
  }

  const rows: string[][] = [];
  if (genFigures) {
    rows.push(['cluster file', `${genFigures.objects} objects, ${genFigures.nodes} nodes, ${genFigures.pods} pods (DaemonSet pods incl.), ${fmtMiB(genFigures.fileBytes)} compact JSON`, '', '']);
    rows.push(['generation', `${fmtMs(genFigures.genMs)}${genFigures.reused ? ' (earlier run; file reused)' : ''}`, '', '']);
  }
  if (measure) {
    rows.push(['VNGs / distinct candidate types', `${measure.vngs} / ${measure.candidateTypes} (${measure.vngNodeTypes} VNG x type x zone)`, '~400', '']);
    rows.push(['moving pods / placed / unplaced', `${measure.movingPods} / ${measure.placedPods} / ${measure.unschedulablePods}`, '', '']);
    rows.push(['new nodes, cost before -> after', `${measure.newNodes}, $${measure.costBefore.toFixed(2)}/h -> $${measure.costAfter.toFixed(2)}/h`, '', '']);
    rows.push(['JSON decode (per line)', fmtMs(measure.decodeMs), '', '']);
    rows.push(['parse (parseClusterObjects)', fmtMs(measure.parseMs), '', '']);
    rows.push(['plan (buildPlan)', fmtMs(measure.planMs), fmtMs(BIG_TARGET_MS), verdict(measure.planMs <= BIG_TARGET_MS)]);
    rows.push(['peak RSS after parse', fmtMiB(measure.rssAfterParse), '', '']);
    rows.push(['peak RSS, parse + plan', fmtMiB(measure.peakRss), fmtMiB(BIG_TARGET_RSS), verdict(measure.peakRss <= BIG_TARGET_RSS)]);
  } else rows.push(['plan (buildPlan)', `no figure: ${measureError ?? 'unknown'}`, fmtMs(BIG_TARGET_MS), 'MISS']);
  if (cli) {
    rows.push(['CLI end to end (plan -o json)', cli.error ? `FAILED after ${fmtMs(cli.ms)}: ${cli.error}` : `${fmtMs(cli.ms)} (exit ${String(cli.exitCode)})`, '', '']);
    if (cli.peakRss !== null) rows.push(['CLI peak RSS', fmtMiB(cli.peakRss), '', '']);
  }
  printTable(`1. Large case (${o.bigNodes} old nodes, ${o.bigPods} pods, 4 VNGs)`, ['figure', 'value', 'target', 'verdict'], rows);
  return { gen: genFigures, measure, measureError, cli, hot };
}

async function main(): Promise<void> {
  linkData();
  const o = options(process.argv.slice(2));
  console.log(`vngshift benchmarks - node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${fmtMiB(totalmem())} RAM`);
  const summary: Record<string, unknown> = {
    when: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? null,
    memoryBytes: totalmem(),
  };
  if (o.only.has('ca')) summary['clusterAutoscaler'] = benchCa();
  if (o.only.has('karpenter')) summary['karpenter'] = benchKarpenter();
  if (o.only.has('cost')) summary['cost'] = benchCost();
  if (o.only.has('big')) summary['big'] = await benchBig(o);
  summary['failures'] = failures;
  const out = join(resultsDir(), 'latest.json');
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nSummary written to ${out}`);
  if (failures.length > 0) {
    console.log(`\nCORRECTNESS FAILURES (${failures.length}):`);
    for (const f of failures) console.log(` - ${f}`);
    process.exitCode = 1;
  } else console.log('\nAll correctness checks passed (targets above are reported, not enforced).');
}

await main();
