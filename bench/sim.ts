/**
 * `npm run bench:sim`: the rehearsal at scale. For each cluster size (old nodes at 30 pods a node, the large planner
 * benchmark's generated cluster and VNGs from bench/big.ts, default parameters, no faults, seed 1) one child process (with
 * the node flags `vngshift simulate` runs with, SIMULATE_NODE_FLAGS) generates the cluster, then plans and rehearses it as
 * `vngshift simulate` does (sim/rehearse.ts: the plan made on a thread, started before the cluster is generated as simulate
 * starts it before reading its input; its draft while the world is built, its expected fleet while the rehearsal runs), and
 * reports: the time to the rehearsal's first event (the world built, the draft come), the rehearsal's, the wall
 * time of both (the figure the targets are about), virtual duration, trace events, events per second, pods moved, new
 * instances, the outcome and its own peak RSS. The curve shows how the cost grows with the pods moved (microseconds of
 * wall time per pod moved should stay flat).
 *
 * Options: --nodes 100,500,1000,2000,5000   --pods-per-node 30   --timeout SECONDS (per size, default 900)
 *          --profile (each child under --cpu-prof; prints its hottest functions)
 *          --plan-in-place (the whole plan made before the world and the rehearsal, not on a thread beside them: to
 *          compare; a child run by hand takes it as a fifth argument, `child N 30 out.json plan-in-place`)
 * Figures are printed and written to bench/results/sim.json, never asserted; a child that crashes fails the command.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/catalog/catalog.js';
import { SIMULATE_NODE_FLAGS } from '../src/cli/relaunch.js';
import { generateClusterObjects } from '../src/gen/cluster.js';
import { Prng } from '../src/gen/prng.js';
import { parseClusterObjects } from '../src/model/kube/index.js';
import { DEFAULT_PARAMS } from '../src/model/params.js';
import { parseVngText } from '../src/model/vng/parse-vngs.js';
import { startPlanThread } from '../sim/plan-thread.js';
import { rehearse } from '../sim/rehearse.js';
import { bigSpec, bigVngs } from './big.js';
import { summariseProfile } from './profile.js';
import { fmtMiB, fmtMs, linkData, loopMs, peakRssBytes, printTable, repoRoot, resultsDir } from './util.js';

/** The issue's targets: 5,000 nodes / 150,000 pods within 60 s and 4 GiB; 500 nodes / 15,000 pods within 6 s. */
export const SIM_TARGETS: Readonly<Record<number, { ms: number; rss: number }>> = {
  500: { ms: 6_000, rss: 4 * 1024 ** 3 },
  5000: { ms: 60_000, rss: 4 * 1024 ** 3 },
};

export interface SimFigures {
  readonly nodes: number;
  readonly pods: number;
  readonly genMs: number;
  /**
   * From the start to the rehearsal's first event: the world built and the plan's draft (draftPlan) made beside it (with
   * --plan-in-place: the whole plan, then the world).
   */
  readonly planMs: number;
  /** The rehearsal, from its first event to the plan finished (its expected fleet made beside it, waited for if need be). */
  readonly simMs: number;
  /** planMs + simMs: what `vngshift simulate` takes between reading its input and writing its report (rehearse()). */
  readonly wallMs: number;
  /** CPU time (user + system, every thread of the process: the plan's thread and the garbage collector's too) of it. */
  readonly cpuMs: number;
  /** Whether the plan was made on a thread beside the world and the rehearsal (sim/plan-thread.ts). */
  readonly planOnThread: boolean;
  readonly virtualSeconds: number;
  readonly events: number;
  readonly podsMoved: number;
  readonly podsLaunched: number;
  readonly newInstances: number;
  readonly planNewNodes: number;
  readonly status: string;
  readonly failure: string | null;
  readonly peakRss: number;
}

const SELF = fileURLToPath(import.meta.url);

async function child(nodes: number, podsPerNode: number, out: string, planInPlace: boolean): Promise<void> {
  linkData();
  // As `vngshift simulate` does: the plan's thread started before the input is read (here: generated), loading its modules
  // meanwhile (not with --plan-in-place).
  const thread = planInPlace ? null : startPlanThread();
  const catalog = loadCatalog();
  let start = performance.now();
  const objects = generateClusterObjects(bigSpec(nodes, nodes * podsPerNode), new Prng(20260115));
  const cluster = parseClusterObjects([{ apiVersion: 'v1', kind: 'List', items: objects }], 'generated');
  const { vngs } = parseVngText(JSON.stringify(bigVngs()), 'vngs.json', catalog);
  const genMs = performance.now() - start;
  // As `vngshift simulate` runs: the plan made on a thread beside the world and the rehearsal.
  start = performance.now();
  const cpuStart = process.cpuUsage();
  let planMs: number | null = null;
  const { plan, result, planOnThread } = await rehearse(
    { cluster, vngs, params: DEFAULT_PARAMS, timing: {}, engine: {}, faults: [], seed: 1, maxSeconds: undefined },
    catalog,
    {
      sources: { cluster: 'generated', vngs: 'vngs.json' },
      planThread: planInPlace ? false : thread,
      onProgress: (s) => {
        if (s.phase === 'simulate' && planMs === null) planMs = performance.now() - start;
      },
    },
  );
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const draftMs: number = planMs ?? wallMs;
  let podsMoved = 0;
  for (const e of result.events) if (e.kind === 'pod.evicted' || e.kind === 'pod.deleted') podsMoved += 1;
  const figures: SimFigures = {
    nodes: cluster.nodes.length,
    pods: cluster.pods.length,
    genMs,
    planMs: draftMs,
    simMs: wallMs - draftMs,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    planOnThread,
    virtualSeconds: result.durationSeconds,
    events: result.events.length,
    podsMoved,
    podsLaunched: result.counts.podsLaunched,
    newInstances: result.counts.newInstances,
    planNewNodes: plan.newNodes.length,
    status: result.status,
    failure: result.failure?.code ?? null,
    peakRss: peakRssBytes(),
  };
  writeFileSync(out, JSON.stringify(figures));
}

interface Outcome {
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly ms: number;
  readonly stderr: string;
}

/** Runs this file as a child; past the timeout it gets SIGTERM (so a CPU profile is still written), then SIGKILL. */
function runChild(args: readonly string[], nodeFlags: readonly string[], timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const start = performance.now();
    const c = spawn(process.execPath, [...nodeFlags, SELF, ...args], { stdio: ['ignore', 'inherit', 'pipe'], cwd: repoRoot() });
    let stderr = '';
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (s: string) => {
      stderr = (stderr + s).slice(-10_000);
    });
    let timedOut = false;
    const term = setTimeout(() => {
      timedOut = true;
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 15_000).unref();
    }, timeoutMs);
    c.on('close', (code) => {
      clearTimeout(term);
      resolve({ code, timedOut, ms: performance.now() - start, stderr });
    });
  });
}

interface Options {
  sizes: number[];
  podsPerNode: number;
  timeoutS: number;
  profile: boolean;
  /** Make the plan in place, before the world and the rehearsal, as without a thread (to compare). */
  planInPlace: boolean;
}

function options(argv: readonly string[]): Options {
  const o: Options = { sizes: [100, 500, 1000, 2000, 5000], podsPerNode: 30, timeoutS: 900, profile: false, planInPlace: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench:sim: ${a ?? ''} needs a value`);
      return v;
    };
    if (a === '--nodes') o.sizes = next().split(',').map(Number);
    else if (a === '--pods-per-node') o.podsPerNode = Number(next());
    else if (a === '--timeout') o.timeoutS = Number(next());
    else if (a === '--profile') o.profile = true;
    else if (a === '--plan-in-place') o.planInPlace = true;
    else throw new Error(`bench:sim: unknown option ${a ?? ''}`);
  }
  if (o.sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('bench:sim: --nodes takes whole numbers, e.g. 100,500');
  return o;
}

async function main(): Promise<void> {
  linkData();
  const o = options(process.argv.slice(2));
  console.log(`vngshift simulate benchmark - node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${fmtMiB(totalmem())} RAM`);
  const work = join(resultsDir(), 'work', 'sim');
  mkdirSync(work, { recursive: true });
  const results: ((SimFigures & { readonly machineLoopMs: number }) | { nodes: number; error: string; machineLoopMs: number })[] = [];
  const rows: string[][] = [];
  let crashed = false;
  for (const n of o.sizes) {
    const out = join(work, `sim-${n}.json`);
    rmSync(out, { force: true });
    const profDir = join(work, `profile-${n}`);
    if (o.profile) rmSync(profDir, { recursive: true, force: true });
    // The child runs with the node flags `vngshift simulate` runs with (src/cli/relaunch.ts).
    const flags = [...SIMULATE_NODE_FLAGS, ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];
    // The machine's speed just before the run (loopMs): its timings are only comparable with runs made at a like speed.
    const machine = loopMs();
    const r = await runChild(['child', String(n), String(o.podsPerNode), out, ...(o.planInPlace ? ['plan-in-place'] : [])], flags, o.timeoutS * 1000);
    if (r.code !== 0 || r.timedOut) {
      const error = r.timedOut ? `timed out after ${o.timeoutS} s` : `exit ${String(r.code)}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      if (!r.timedOut) crashed = true;
      results.push({ nodes: n, error, machineLoopMs: machine });
      rows.push([String(n), String(n * o.podsPerNode), '-', error, '', '', '', '', '', '', '', '', '', fmtMs(machine)]);
    } else {
      const f = JSON.parse(readFileSync(out, 'utf8')) as SimFigures;
      results.push({ ...f, machineLoopMs: machine });
      const target = SIM_TARGETS[n];
      rows.push([
        String(f.nodes),
        String(f.pods),
        fmtMs(f.planMs),
        fmtMs(f.simMs),
        `${fmtMs(f.wallMs)}${f.planOnThread ? '' : ' (plan in place)'}`,
        `${Math.round(f.virtualSeconds)} s`,
        String(f.events),
        String(Math.round(f.events / (f.simMs / 1000))),
        String(f.podsMoved),
        `${Math.round((f.wallMs * 1000) / Math.max(1, f.podsMoved))} us`,
        `${f.newInstances} (plan ${f.planNewNodes})`,
        f.failure === null ? f.status : `${f.status} ${f.failure}`,
        `${fmtMiB(f.peakRss)}${target ? ` (target ${fmtMs(target.ms)}, ${fmtMiB(target.rss)}: ${f.wallMs <= target.ms && f.peakRss <= target.rss ? 'PASS' : 'MISS'})` : ''}`,
        fmtMs(machine),
      ]);
    }
    if (o.profile) {
      const hot = summariseProfile(profDir, repoRoot(), 12);
      printTable(`profile, ${n} nodes (self time)`, ['function', 'where', 'self', 'share'], hot.map((h) => [h.name, h.where, fmtMs(h.selfMs), `${(h.share * 100).toFixed(1)}%`]));
    }
  }
  printTable(
    `simulate at scale (${o.podsPerNode} pods a node, the large benchmark's cluster and VNGs, default parameters, no faults, seed 1)`,
    ['nodes', 'pods', 'plan draft', 'rehearsal', 'wall (both)', 'virtual', 'events', 'events/s', 'pods moved', 'per pod moved', 'new instances', 'outcome', 'peak RSS', 'machine (10^8 loop)'],
    rows,
  );
  const file = join(resultsDir(), 'sim.json');
  writeFileSync(file, `${JSON.stringify({ when: new Date().toISOString(), node: process.version, cores: cpus().length, podsPerNode: o.podsPerNode, results }, null, 2)}\n`);
  console.log(`\nWritten to ${file}`);
  if (crashed) process.exitCode = 1;
}

if (process.argv[1] === SELF) {
  const [mode, n, ppn, out, how] = process.argv.slice(2);
  if (mode === 'child') {
    process.on('SIGTERM', () => process.exit(124));
    await child(Number(n), Number(ppn), out ?? '', how === 'plan-in-place');
  } else await main();
}
