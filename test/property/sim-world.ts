/**
 * Small generated worlds for the simulation properties (test/property/sim-*.test.ts): a cluster from src/gen (6-12 nodes,
 * 60-200 pods), one of two VNG sets, migration parameters, and helpers to run the simulator and check the invariants.
 * Every world is a plain spec, so a failing property prints everything needed to rebuild it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { generateClusterObjects, type ClusterGenSpec } from '../../src/gen/cluster.js';
import { Prng } from '../../src/gen/prng.js';
import { parseClusterObjects } from '../../src/model/kube/index.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import type { Cluster, Vng } from '../../src/model/types.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import { buildPlan, type Plan } from '../../src/planner/plan.js';
import { drawFaults, formatFault, type FaultKind, type FaultSpec } from '../../sim/faults.js';
import { checkInvariants, formatViolations, type Violation } from '../../sim/invariants/index.js';
import { simulate, type SimInput, type SimResult } from '../../sim/simulate.js';
import { nextTurn } from '../helpers/event-loop.js';

export const catalog = loadCatalog();

import { VNG_FILES, type WorldSpec } from '../arbitraries/index.js';

export type { WorldSpec };
const vngCache = new Map<string, readonly Vng[]>();
function vngsOf(set: keyof typeof VNG_FILES): readonly Vng[] {
  let v = vngCache.get(set);
  if (!v) {
    v = parseVngText(readFileSync(VNG_FILES[set], 'utf8'), VNG_FILES[set], catalog).vngs;
    vngCache.set(set, v);
  }
  return v;
}

export interface World {
  readonly spec: WorldSpec;
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly plan: Plan;
}

const SPECIAL_NODE_TYPES: ClusterGenSpec['nodeTypes'] = [
  { instanceType: 'm5.xlarge', weight: 6, nodegroup: 'general' },
  { instanceType: 'c5.2xlarge', weight: 2, nodegroup: 'batch', labels: { 'workload-class': 'batch' }, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] },
  { instanceType: 'g5.xlarge', weight: 2, nodegroup: 'gpu', labels: { accelerator: 'nvidia' }, taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }] },
];

const worldCache = new Map<string, World>();

export function buildWorld(spec: WorldSpec): World {
  const k = JSON.stringify(spec);
  const hit = worldCache.get(k);
  if (hit) return hit;
  const gen: ClusterGenSpec = {
    nodes: spec.nodes,
    pods: spec.pods,
    blockingPdbs: spec.blockingPdbs,
    pdbFraction: 0.4,
    mix: {
      standalonePod: spec.standalonePods ? 3 : 0,
      gpuDeployment: spec.special ? 6 : 0,
      batchJob: spec.special ? 5 : 0,
    },
    ...(spec.special ? { nodeTypes: SPECIAL_NODE_TYPES } : {}),
  };
  const cluster = parseClusterObjects(generateClusterObjects(gen, new Prng(spec.clusterSeed)), `generated (seed ${spec.clusterSeed})`);
  const vngs = vngsOf(spec.vngs);
  const plan = buildPlan({ cluster, vngs, catalog, params: { ...DEFAULT_PARAMS, ...spec.params } });
  const w = { spec, cluster, vngs, plan };
  worldCache.set(k, w);
  return w;
}

export async function run(w: World, seed: number, faults: readonly FaultSpec[] = [], extra: Partial<SimInput> = {}): Promise<SimResult> {
  await nextTurn();
  return simulate({ cluster: w.cluster, vngs: w.vngs, catalog, plan: w.plan, seed, faults, ...extra });
}

export function sha256(result: SimResult): string {
  return createHash('sha256').update(JSON.stringify(result)).digest('hex');
}

/** Every fault kind, stop and new workloads included. */
export const ALL_FAULTS: Partial<Record<FaultKind, number>> = {
  'api-disconnect': 1,
  'api-throttling': 1,
  'api-errors': 1,
  'insufficient-capacity': 1,
  'terminate-refused': 1,
  'uncordon-refused': 1,
  'slow-launches': 1,
  'pods-never-ready': 1,
  'new-workload': 1,
  'node-not-ready': 1,
  'engine-crash': 2,
  stop: 1,
};

/** Faults drawn with sim/faults.ts drawFaults from a profile aimed at this world, over its expected duration. */
export function faultsFor(w: World, faultSeed: number, count: number, weights: Partial<Record<FaultKind, number>> = ALL_FAULTS): FaultSpec[] {
  const horizon = Math.max(300, Math.round((w.plan.estimatedSeconds ?? 1200) * 1.2));
  return drawFaults(
    {
      count,
      horizonSeconds: horizon,
      weights,
      instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge'],
      zones: ['us-east-1a', 'us-east-1b'],
      workloads: w.cluster.workloads.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet').map((x) => `${x.namespace}/${x.name}`),
      nodes: w.plan.oldNodes.map((n) => n.name),
    },
    new Prng(faultSeed),
  );
}

/** What to print to rebuild a failing run. */
export function describeRun(w: World, seed: number, faults: readonly FaultSpec[], r: SimResult): string {
  return [
    `world ${JSON.stringify(w.spec)}`,
    `sim seed ${seed}; faults ${faults.map(formatFault).join(' ') || '(none)'}`,
    `plan feasible=${w.plan.feasible} predicted=${w.plan.predictedFailure?.code ?? 'none'} batches=${w.plan.batches.length} bound=${w.plan.boundSeconds}s`,
    `run status=${r.status} failure=${r.failure?.code ?? 'none'} duration=${r.durationSeconds}s restarts=${r.engineRestarts} timedOut=${r.timedOut}`,
    ...(r.failure ? [`failure why: ${r.failure.why}; objects: ${r.failure.objects.slice(0, 5).join(', ')}`] : []),
    `plan batches (estimated seconds): ${w.plan.batches.map((b) => `${b.nodes.length} node(s) -> ${b.destinations.join('+')} ~${b.estimatedSeconds ?? '?'}s`).join('; ')}`,
  ].join('\n');
}

/** Asserts invariants 1-6 and 9 on a run, with the run's description in the failure message. */
export function expectInvariants(w: World, seed: number, faults: readonly FaultSpec[], r: SimResult): Violation[] {
  const v = checkInvariants({ plan: w.plan, cluster: w.cluster, result: r });
  expect(v, `${describeRun(w, seed, faults, r)}\n${formatViolations(v)}`).toEqual([]);
  return v;
}
