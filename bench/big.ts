/**
 * The large case: 150,000 pods on 5,000 old nodes, planned onto 4 VNGs with about 400 distinct candidate instance types.
 *
 * Three child processes, so that each peak RSS is its own:
 *   gen      generates the cluster with src/gen (seeded) and writes big.json (a kubectl-style v1 List, compact JSON, one item
 *            per line) and vngs.json into the work directory; skipped when the files exist for the same spec.
 *   measure  reads big.json (JSON decode), parses it (parseClusterObjects), plans it (buildPlan), and writes the figures to
 *            measure.json.
 *   the CLI  `node bin/vngshift.js plan --cluster big.json --vngs vngs.json -o json > /dev/null`, once, under /usr/bin/time -v.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, openSync, closeSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/catalog/catalog.js';
import { generateClusterObjects } from '../src/gen/cluster.js';
import type { ClusterGenSpec } from '../src/gen/cluster.js';
import { Prng } from '../src/gen/prng.js';
import { parseClusterObjects } from '../src/model/kube/index.js';
import { DEFAULT_PARAMS } from '../src/model/params.js';
import { parseVngText } from '../src/model/vng/parse-vngs.js';
import { buildPlan } from '../src/planner/plan.js';
import { linkData, peakRssBytes, repoRoot, resultsDir } from './util.js';

export const BIG_TARGET_MS = 5000;
export const BIG_TARGET_RSS = 2 * 1024 ** 3;

const BATCH_TAINT = { key: 'dedicated', value: 'batch', effect: 'NoSchedule' } as const;
const GPU_TAINT = { key: 'nvidia.com/gpu', value: '', effect: 'NoSchedule' } as const;

export function bigSpec(nodes = 5000, pods = 150_000): ClusterGenSpec {
  return {
    nodes,
    pods,
    nodeTypes: [
      { instanceType: 'm5.4xlarge', weight: 30 },
      { instanceType: 'm5.2xlarge', weight: 20 },
      { instanceType: 'c5.4xlarge', weight: 10 },
      { instanceType: 'r5.4xlarge', weight: 10 },
      { instanceType: 'm6g.4xlarge', weight: 10 },
      { instanceType: 'c5.4xlarge', weight: 12, nodegroup: 'ng-batch', labels: { 'workload-class': 'batch' }, taints: [BATCH_TAINT] },
      { instanceType: 'g5.2xlarge', weight: 3, nodegroup: 'ng-gpu', labels: { accelerator: 'nvidia' }, taints: [GPU_TAINT] },
    ],
  };
}

const SUBNETS = { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1b', 'subnet-c': 'us-east-1c' };
const ALL_SUBNETS = Object.keys(SUBNETS);

/** Four launch specs: general m/c/r (amd64), a tainted batch VNG chosen by filters, an arm64 VNG and a GPU VNG. */
export function bigVngs(): unknown {
  return {
    launchSpecs: [
      {
        name: 'general',
        labels: [{ key: 'vngshift.io/pool', value: 'general' }],
        instanceTypesFilters: {
          categories: ['General_purpose', 'Compute_optimized', 'Memory_optimized'],
          includeFamilies: [
            'm5', 'm5a', 'm5n', 'm6i', 'm6a', 'm6in', 'm6id', 'm6idn', 'm7i', 'm7a', 'm7i-flex',
            'c5', 'c5a', 'c5n', 'c6i', 'c6a', 'c6id', 'c6in', 'c7i', 'c7a', 'c7i-flex',
            'r5', 'r5a', 'r5n', 'r6i', 'r6a', 'r6id', 'r6in', 'r6idn', 'r7i', 'r7a', 'r7iz',
          ],
          excludeMetal: true,
          architectures: ['amd64'],
        },
        subnetIds: ALL_SUBNETS,
      },
      {
        name: 'batch',
        labels: [
          { key: 'vngshift.io/pool', value: 'batch' },
          { key: 'workload-class', value: 'batch' },
        ],
        taints: [BATCH_TAINT],
        instanceTypesFilters: {
          categories: ['Compute_optimized'],
          includeFamilies: ['c6i', 'c6a', 'c7i', 'c7a', 'c6in', 'c5d', 'c6id'],
          excludeMetal: true,
          minVcpu: 4,
        },
        subnetIds: ['subnet-a', 'subnet-b'],
      },
      {
        name: 'arm64',
        labels: [{ key: 'vngshift.io/pool', value: 'arm64' }],
        instanceTypesFilters: {
          includeFamilies: ['m6g', 'm6gd', 'm7g', 'm7gd', 'c6g', 'c6gd', 'c7g', 'c7gd', 'r6g', 'r6gd', 'r7g', 'r7gd'],
          excludeMetal: true,
          architectures: ['arm64'],
        },
        subnetIds: ALL_SUBNETS,
      },
      {
        name: 'gpu',
        labels: [
          { key: 'vngshift.io/pool', value: 'gpu' },
          { key: 'accelerator', value: 'nvidia' },
        ],
        taints: [GPU_TAINT],
        instanceTypesFilters: { includeFamilies: ['g4dn', 'g5', 'g6', 'g6e'], excludeMetal: true },
        subnetIds: ALL_SUBNETS,
      },
    ],
    subnetZones: SUBNETS,
  };
}

export interface GenFigures {
  readonly nodes: number;
  readonly pods: number;
  readonly objects: number;
  readonly fileBytes: number;
  readonly genMs: number;
  readonly reused: boolean;
}

export interface MeasureFigures {
  readonly objects: number;
  readonly decodeMs: number;
  readonly parseMs: number;
  readonly planMs: number;
  readonly rssAfterParse: number;
  readonly peakRss: number;
  readonly nodes: number;
  readonly pods: number;
  readonly vngs: number;
  readonly candidateTypes: number;
  readonly vngNodeTypes: number;
  readonly movingPods: number;
  readonly placedPods: number;
  readonly unschedulablePods: number;
  readonly newNodes: number;
  readonly costBefore: number;
  readonly costAfter: number;
  readonly feasible: boolean;
}

const HEADER = '{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[';

async function writeList(file: string, items: readonly unknown[]): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string): Promise<void> =>
    out.write(s) ? Promise.resolve() : new Promise((resolve) => out.once('drain', () => resolve()));
  await write(`${HEADER}\n`);
  for (let i = 0; i < items.length; i++) await write(`${JSON.stringify(items[i])}${i + 1 < items.length ? ',' : ''}\n`);
  await write(']}\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function genMode(dir: string, nodes: number, pods: number): Promise<void> {
  const spec = bigSpec(nodes, pods);
  const specText = JSON.stringify({ spec, seed: 20260115, format: 1 });
  const cluster = join(dir, 'big.json');
  const specFile = join(dir, 'spec.json');
  const vngFile = join(dir, 'vngs.json');
  writeFileSync(vngFile, `${JSON.stringify(bigVngs(), null, 2)}\n`);
  if (existsSync(cluster) && existsSync(specFile) && existsSync(join(dir, 'gen.json')) && readFileSync(specFile, 'utf8') === specText) {
    const previous = JSON.parse(readFileSync(join(dir, 'gen.json'), 'utf8')) as GenFigures;
    writeFileSync(join(dir, 'gen.json'), JSON.stringify({ ...previous, reused: true }));
    return;
  }
  const start = performance.now();
  const objects = generateClusterObjects(spec, new Prng(20260115));
  await writeList(cluster, objects);
  const figures: GenFigures = {
    nodes: objects.filter((o) => o.kind === 'Node').length,
    pods: objects.filter((o) => o.kind === 'Pod').length,
    objects: objects.length,
    fileBytes: statSync(cluster).size,
    genMs: performance.now() - start,
    reused: false,
  };
  writeFileSync(specFile, specText);
  writeFileSync(join(dir, 'gen.json'), JSON.stringify(figures));
}

/** Reads the one-item-per-line List written by writeList. */
async function readItems(file: string): Promise<unknown[]> {
  const items: unknown[] = [];
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === HEADER || line === ']}' || line === '') continue;
    items.push(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as unknown);
  }
  return items;
}

async function measureMode(dir: string): Promise<void> {
  const catalog = loadCatalog();
  const vngText = readFileSync(join(dir, 'vngs.json'), 'utf8');
  const { vngs } = parseVngText(vngText, 'vngs.json', catalog);
  let start = performance.now();
  let items: unknown[] | null = await readItems(join(dir, 'big.json'));
  const decodeMs = performance.now() - start;
  const objects = items.length;
  start = performance.now();
  const cluster = parseClusterObjects([{ apiVersion: 'v1', kind: 'List', items }], 'big.json');
  const parseMs = performance.now() - start;
  items = null;
  const rssAfterParse = peakRssBytes();
  start = performance.now();
  const plan = buildPlan({ cluster, vngs, catalog, params: DEFAULT_PARAMS, sources: { cluster: 'big.json', vngs: 'vngs.json' } });
  const planMs = performance.now() - start;
  const figures: MeasureFigures = {
    objects,
    decodeMs,
    parseMs,
    planMs,
    rssAfterParse,
    peakRss: peakRssBytes(),
    nodes: cluster.nodes.length,
    pods: cluster.pods.length,
    vngs: vngs.length,
    candidateTypes: new Set(vngs.flatMap((v) => v.instanceTypes)).size,
    vngNodeTypes: plan.summary.vngNodeTypes,
    movingPods: plan.summary.movingPods,
    placedPods: plan.summary.placedPods,
    unschedulablePods: plan.summary.unschedulablePods,
    newNodes: plan.cost.newNodes,
    costBefore: plan.cost.before,
    costAfter: plan.cost.after,
    feasible: plan.feasible,
  };
  writeFileSync(join(dir, 'measure.json'), JSON.stringify(figures));
}

export interface ChildOutcome {
  readonly code: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly ms: number;
  readonly stderr: string;
}

/** Runs a command with stdout sent to `stdoutFile` (default /dev/null), killing it (by its own pid) after `timeoutMs`. */
export function runChild(command: string, args: readonly string[], timeoutMs: number, stdoutFile = '/dev/null'): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const fd = openSync(stdoutFile, 'w');
    const start = performance.now();
    const child = spawn(command, [...args], { stdio: ['ignore', fd, 'pipe'], cwd: repoRoot() });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      closeSync(fd);
      resolve({ code, signal, timedOut, ms: performance.now() - start, stderr });
    });
  });
}

export function workDir(nodes: number, pods: number): string {
  const dir = join(resultsDir(), 'work', `big-${nodes}n-${pods}p`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const SELF = fileURLToPath(import.meta.url);

export function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

// Child entry: node big.js gen|measure <dir> [nodes pods]
if (process.argv[1] === SELF) {
  linkData();
  const [mode, dir, nodes, pods] = process.argv.slice(2);
  if (dir === undefined) throw new Error('usage: big.js gen|measure <dir> [nodes pods]');
  if (mode === 'gen') await genMode(dir, Number(nodes ?? 5000), Number(pods ?? 150_000));
  else if (mode === 'measure') await measureMode(dir);
  else throw new Error(`unknown mode ${mode ?? ''}`);
}
