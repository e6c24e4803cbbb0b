/**
 * What one chaos run is made of, drawn from its seed alone: a small generated world (cluster generator spec and seed, one of
 * the two bundled VNG sets), migration parameters, and a fault schedule from a profile. Every draw uses its own fork of the
 * run's PRNG, so changing how one part is drawn never shifts another part.
 *
 * Faults act in a safety window: none starts after it, and every fault that lasts is cut to end with it at the latest
 * (TigerBeetle's two phases: chaos first, then the system must settle and finish on its own).
 */
import { readFileSync } from 'node:fs';
import { bundledDataPath, type Catalog } from '../../src/catalog/catalog.js';
import type { ClusterGenSpec, NodeTypeSpec } from '../../src/gen/spec.js';
import { Prng } from '../../src/gen/prng.js';
import type { RawParams } from '../../src/model/params.js';
import type { Cluster, Vng } from '../../src/model/types.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import type { Plan } from '../../src/planner/plan.js';
import { drawFaults, FAULT_KINDS, type FaultKind, type FaultSpec } from '../faults.js';

export const PROFILES = ['swarm', 'lite'] as const;
export type ChaosProfile = (typeof PROFILES)[number];

/** Faults start in the first this-many virtual seconds and are over by then (30 minutes). */
export const SAFETY_WINDOW_SECONDS = 1800;

/**
 * The two VNG sets a world may get, as files of the package's data/ folder (found beside the program, not in the working
 * folder, so an installed package runs chaos anywhere). They are copies of scenarios/vngs/general.json and
 * examples/vngs.json; test/unit/chaos/vng-sets.test.ts keeps them equal.
 */
export const VNG_SETS = { general: 'vngs/general.json', full: 'vngs/full.json' } as const;
export type VngSet = keyof typeof VNG_SETS;

/** The drawn world: enough to rebuild it (the generator is deterministic for a spec and seed). */
export interface ChaosWorld {
  readonly generate: ClusterGenSpec;
  readonly clusterSeed: number;
  readonly vngSet: VngSet;
}

/** Old node pools with GPU and tainted batch nodes, which only the `full` VNG set (examples/vngs.json) can host. */
const SPECIAL_NODE_TYPES: readonly NodeTypeSpec[] = [
  { instanceType: 'm5.xlarge', weight: 6, nodegroup: 'general' },
  {
    instanceType: 'c5.2xlarge',
    weight: 2,
    nodegroup: 'batch',
    labels: { 'workload-class': 'batch' },
    taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
  },
  {
    instanceType: 'g5.xlarge',
    weight: 2,
    nodegroup: 'gpu',
    labels: { accelerator: 'nvidia' },
    taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
  },
];

export function drawWorld(seed: number): ChaosWorld {
  const root = new Prng(seed);
  const p = root.fork('world');
  const nodes = p.int(6, 14);
  const pods = p.int(60, 250);
  const blockingPdbs = p.weighted([0, 1, 2], (n) => (n === 0 ? 7 : n === 1 ? 2 : 1));
  const standalone = p.chance(0.4);
  const special = p.chance(1 / 3);
  const vngSet: VngSet = special ? (p.chance(0.85) ? 'full' : 'general') : p.chance(0.5) ? 'full' : 'general';
  const generate: ClusterGenSpec = {
    nodes,
    pods,
    blockingPdbs,
    pdbFraction: 0.4,
    mix: { standalonePod: standalone ? 3 : 0, gpuDeployment: special ? 6 : 0, batchJob: special ? 5 : 0 },
    ...(special ? { nodeTypes: SPECIAL_NODE_TYPES } : {}),
  };
  return { generate, clusterSeed: root.fork('cluster').nextUint32(), vngSet };
}

/** Migration parameters in their file form (what parseParams reads and a scenario's `params` holds). */
export function drawParams(seed: number): RawParams {
  const p = new Prng(seed).fork('params');
  return {
    batchSizePercentage: p.pick<number | 'auto'>([20, 25, 34, 50, 100, 'auto']),
    batchMinHealthyPercentage: p.pick([25, 50, 50, 75, 100]),
    respectPdb: p.pick([true, true, true, false]),
    forcePodEvictionOnPdbFailure: p.chance(0.5),
    shouldEvictStandAlonePods: p.chance(0.5),
    shouldTerminateDrainedNodes: p.pick([true, true, true, false]),
    drainTimeThresholdSeconds: p.pick([300, 600, 900]),
    batchTimeBudgetSeconds: p.pick([900, 1800]),
    // Drawn last, so the draws above are those of the seed before this parameter existed.
    cordonAllAtStart: p.chance(0.5),
  };
}

/**
 * The Spot kinds: drawn apart from the others, from forks of their own, so a run that turns none of them on draws exactly
 * the schedule it drew before they existed.
 */
const SPOT_KINDS: readonly FaultKind[] = ['spot-interruption', 'rebalance-recommendation'];
const CLASSIC_KINDS: readonly FaultKind[] = FAULT_KINDS.filter((k) => !SPOT_KINDS.includes(k));

/**
 * Each Spot kind is on in a run with this chance and draws 1-2 faults (an interruption may hit up to 3 nodes): about half
 * the swarm runs see some Spot signal, enough that the 1,500 swarm runs of the chaos budget hit every path (notice before,
 * during and after a batch, reclaim with pods left, a replacement that cannot launch), while a Spot signal stays rarer than
 * the other faults of a run, as interruptions are (EC2 reclaims few Spot instances a day).
 */
const SPOT_CHANCE = 0.3;

/** Mild kinds for `lite`: short outages and slowness that a sound migration rides out. */
const LITE_KINDS: readonly FaultKind[] = ['api-disconnect', 'api-throttling', 'api-errors', 'slow-launches', 'engine-crash'];

export interface FaultDraw {
  /** The fault kinds this run may draw (swarm: a random subset of all kinds; lite: the mild ones). */
  readonly kinds: readonly FaultKind[];
  readonly faults: readonly FaultSpec[];
}

/** The fault schedule of a run, aimed at its world and plan, all within the safety window. */
export function drawRunFaults(seed: number, profile: ChaosProfile, cluster: Cluster, plan: Plan): FaultDraw {
  const root = new Prng(seed);
  const kindsPrng = root.fork('kinds');
  let weights: Partial<Record<FaultKind, number>>;
  let count: number;
  if (profile === 'swarm') {
    // Swarm testing: each run turns on its own subset of fault kinds, each with its own weight, and draws many faults.
    const on = CLASSIC_KINDS.filter(() => kindsPrng.chance(0.5));
    if (on.length === 0) on.push(kindsPrng.pick(CLASSIC_KINDS));
    weights = Object.fromEntries(on.map((k) => [k, kindsPrng.int(1, 4)]));
    count = kindsPrng.int(2, 12);
  } else {
    weights = Object.fromEntries(LITE_KINDS.map((k) => [k, 1]));
    count = kindsPrng.int(1, 2);
  }
  const horizon = Math.min(SAFETY_WINDOW_SECONDS, Math.max(300, Math.round((plan.estimatedSeconds ?? 1200) * 1.2)));
  const distinct = (xs: readonly (string | null)[]): string[] => [...new Set(xs.filter((x): x is string => x !== null))].sort();
  const drawn = drawFaults(
    {
      count,
      horizonSeconds: horizon,
      weights,
      instanceTypes: distinct(plan.nodes.map((n) => n.instanceType)),
      zones: distinct(plan.newNodes.map((n) => n.zone)),
      workloads: cluster.workloads.filter((w) => w.kind === 'Deployment' || w.kind === 'StatefulSet').map((w) => `${w.namespace}/${w.name}`),
      nodes: plan.oldNodes.map((n) => n.name),
    },
    root.fork('faults'),
  );
  if (profile === 'swarm') {
    const spotPrng = root.fork('spot-kinds');
    const spotWeights: Partial<Record<FaultKind, number>> = {};
    let spotCount = 0;
    for (const k of SPOT_KINDS) {
      if (!spotPrng.chance(SPOT_CHANCE)) continue;
      spotWeights[k] = 1;
      spotCount += spotPrng.int(1, 2);
    }
    if (spotCount > 0) {
      Object.assign(weights, spotWeights);
      const vngs = distinct(plan.newNodes.map((n) => n.vng));
      drawn.push(...drawFaults({ count: spotCount, horizonSeconds: horizon, weights: spotWeights, vngs }, root.fork('spot-faults')));
      drawn.sort((a, b) => a.at - b.at || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    }
  }
  const kinds = FAULT_KINDS.filter((k) => (weights[k] ?? 0) > 0);
  const faults = drawn.map((f) => heal(profile === 'lite' ? soften(f) : f));
  return { kinds, faults };
}

/** Lite faults are short and light. */
function soften(f: FaultSpec): FaultSpec {
  switch (f.kind) {
    case 'api-disconnect':
      return { ...f, duration: Math.min(f.duration, 120) };
    case 'api-throttling':
    case 'api-errors':
      return { ...f, duration: Math.min(f.duration, 300), rate: Math.round(f.rate * 20) / 100 };
    case 'slow-launches':
      return { ...f, duration: f.duration === null ? 300 : Math.min(f.duration, 300), multiplier: Math.min(f.multiplier, 2) };
    default:
      return f;
  }
}

/**
 * Cuts a fault to the safety window: a fault that lasts ends at the window's end at the latest (one with no end gets the
 * window's end). Faults that are events (a crash, a stop, a new workload, a workload whose pods never get Ready) happen in
 * the window; their consequences are part of the world the migration must finish in.
 */
export function heal(f: FaultSpec, window = SAFETY_WINDOW_SECONDS): FaultSpec {
  const left = Math.max(0, window - f.at);
  switch (f.kind) {
    case 'api-disconnect':
    case 'api-throttling':
    case 'api-errors':
      return { ...f, duration: Math.min(f.duration, left) };
    case 'insufficient-capacity':
    case 'terminate-refused':
    case 'uncordon-refused':
    case 'slow-launches':
    case 'node-not-ready':
      return { ...f, duration: f.duration === null ? left : Math.min(f.duration, left) };
    default:
      return f;
  }
}

const vngCache = new Map<VngSet, { text: string; vngs: readonly Vng[] }>();

/** The VNG set's file text (for scenario files) and its parsed VNGs, read once per process. */
export function vngSet(set: VngSet, catalog: Catalog): { file: string; text: string; vngs: readonly Vng[] } {
  let hit = vngCache.get(set);
  if (!hit) {
    const path = bundledDataPath(VNG_SETS[set]);
    if (path === null) throw new Error(`vngshift chaos: cannot find data/${VNG_SETS[set]} beside the program`);
    const text = readFileSync(path, 'utf8');
    hit = { text, vngs: parseVngText(text, `data/${VNG_SETS[set]}`, catalog).vngs };
    vngCache.set(set, hit);
  }
  return { file: `data/${VNG_SETS[set]}`, ...hit };
}
