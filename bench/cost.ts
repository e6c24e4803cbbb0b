/**
 * Cost quality: plan pending pods onto one VNG with many instance types, and compare the fleet's hourly cost with the LP
 * lower bound (lp-bound.ts) computed from the same node shapes the planner uses: allocatable (nodeResources, EKS AL2023
 * formulas) minus the requests of the DaemonSets that run on every node.
 */
import { loadCatalog } from '../src/catalog/catalog.js';
import { nodeResources } from '../src/catalog/allocatable.js';
import type { DaemonSet, InstanceType, Pod } from '../src/model/types.js';
import { DEFAULT_PARAMS } from '../src/model/params.js';
import { buildPlan } from '../src/planner/plan.js';
import { cluster, daemonSet, GI, MI, pendingPod, vng } from './fixtures.js';
import { lpLowerBound, type LpType } from './lp-bound.js';
import { timed } from './util.js';

/** General purpose, compute and memory families of three generations, Intel and AMD, large to 24xlarge. */
const FAMILIES = new Set(['m5', 'm5a', 'm6i', 'm6a', 'm7i', 'm7a', 'c5', 'c5a', 'c6i', 'c6a', 'c7i', 'c7a', 'r5', 'r5a', 'r6i', 'r6a', 'r7i', 'r7a']);
const RESOURCES = ['cpu', 'memory', 'pods'] as const;

export const DAEMON_SETS: readonly DaemonSet[] = [
  daemonSet('kube-system', 'aws-node', 25, 0),
  daemonSet('kube-system', 'kube-proxy', 100, 0),
  daemonSet('kube-system', 'ebs-csi-node', 10, 40 * MI),
  daemonSet('amazon-cloudwatch', 'fluent-bit', 50, 100 * MI),
];

export interface Shape {
  readonly name: string;
  readonly count: number;
  readonly cpu: number;
  readonly memory: number;
}

export interface Workload {
  readonly name: string;
  readonly kind: 'uniform' | 'mixed';
  readonly shapes: readonly Shape[];
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'uniform 3000 x 500m/1Gi', kind: 'uniform', shapes: [{ name: 'web', count: 3000, cpu: 500, memory: GI }] },
  { name: 'uniform 3000 x 100m/128Mi (pods-bound)', kind: 'uniform', shapes: [{ name: 'tiny', count: 3000, cpu: 100, memory: 128 * MI }] },
  { name: 'uniform 1000 x 2/8Gi', kind: 'uniform', shapes: [{ name: 'big', count: 1000, cpu: 2000, memory: 8 * GI }] },
  {
    name: 'mixed 3000 (5 shapes)',
    kind: 'mixed',
    shapes: [
      { name: 'web', count: 800, cpu: 250, memory: 512 * MI },
      { name: 'cpu-heavy', count: 600, cpu: 1000, memory: 1 * GI },
      { name: 'memory-heavy', count: 400, cpu: 500, memory: 8 * GI },
      { name: 'large', count: 200, cpu: 2000, memory: 4 * GI },
      { name: 'tiny', count: 1000, cpu: 100, memory: 128 * MI },
    ],
  },
  {
    name: 'mixed 2000 (cpu + memory extremes)',
    kind: 'mixed',
    shapes: [
      { name: 'cpu-heavy', count: 1000, cpu: 2000, memory: 512 * MI },
      { name: 'memory-heavy', count: 1000, cpu: 250, memory: 6 * GI },
    ],
  },
];

export const TARGET = { uniform: 0.05, mixed: 0.15 } as const;

export interface CostResult {
  readonly workload: string;
  readonly kind: 'uniform' | 'mixed';
  readonly pods: number;
  readonly placed: number;
  readonly candidateTypes: number;
  readonly paretoTypes: number;
  readonly nodes: number;
  readonly planCost: number;
  readonly lpBound: number;
  readonly lpFleet: string;
  readonly gap: number;
  /**
   * Uniform workloads only: N x min over types of price / (pods one node holds), a tighter lower bound than the LP, which
   * pretends one pod's cpu can sit on one node and its memory on another.
   */
  readonly packBound: number | null;
  readonly packGap: number | null;
  readonly target: number;
  readonly pass: boolean;
  readonly planMs: number;
  readonly fleet: string;
}

export function costTypes(): InstanceType[] {
  return loadCatalog().types.filter(
    (t) => FAMILIES.has(t.family) && !t.bareMetal && t.priceUsdPerHour !== null && t.vcpu >= 2 && t.vcpu <= 96,
  );
}

export function runCost(w: Workload): CostResult {
  const catalog = loadCatalog();
  const types = costTypes();
  const pods: Pod[] = [];
  for (const s of w.shapes) {
    for (let i = 0; i < s.count; i++) pods.push(pendingPod(pods.length, { cpu: s.cpu, memory: s.memory, owner: s.name, labels: { app: s.name } }));
  }
  const pool = vng('pool', types.map((t) => t.name), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  const { value: plan, ms } = timed(() =>
    buildPlan({ cluster: cluster(pods, DAEMON_SETS), vngs: [pool], catalog, params: DEFAULT_PARAMS }),
  );
  const planCost = plan.nodes.reduce((s, n) => s + n.count * n.priceUsdPerHour, 0);

  const daemon = { cpu: 0, memory: 0, pods: 0 };
  for (const d of DAEMON_SETS) for (const r of RESOURCES) daemon[r] += d.template.requests[r] ?? 0;
  const lpTypes: LpType[] = types.map((t) => {
    const alloc = nodeResources(t).allocatable;
    return { name: t.name, price: t.priceUsdPerHour ?? Number.POSITIVE_INFINITY, usable: RESOURCES.map((r) => (alloc[r] ?? 0) - daemon[r]) };
  });
  const demand = RESOURCES.map((r) => pods.reduce((s, p) => s + (p.requests[r] ?? 0), 0));
  const lp = lpLowerBound(lpTypes, demand);
  const gap = planCost / lp.cost - 1;
  let packBound: number | null = null;
  const only = w.shapes.length === 1 ? w.shapes[0] : undefined;
  if (only !== undefined) {
    const req = [only.cpu, only.memory, 1];
    let perPod = Number.POSITIVE_INFINITY;
    for (const t of lpTypes) {
      const fit = Math.floor(Math.min(...t.usable.map((u, r) => u / (req[r] ?? 1))));
      if (fit >= 1) perPod = Math.min(perPod, t.price / fit);
    }
    packBound = only.count * perPod;
  }
  const target = TARGET[w.kind];
  return {
    workload: w.name,
    kind: w.kind,
    pods: pods.length,
    placed: plan.summary.placedPods,
    candidateTypes: types.length,
    paretoTypes: lp.paretoTypes,
    nodes: plan.cost.newNodes,
    planCost,
    lpBound: lp.cost,
    lpFleet: lp.fleet.map((f) => `${f.count.toFixed(1)} ${f.name}`).join(' + '),
    gap,
    packBound,
    packGap: packBound === null ? null : planCost / packBound - 1,
    target,
    // Uniform pods: the LP over node configurations (whole pods per node) has the per-pod bound as its optimum, the LP
    // lower bound that fits the problem; the resource relaxation lets a pod's cpu and memory sit on different nodes.
    // Mixed pods: the configuration LP is not computed, so the (lower, weaker) resource relaxation judges.
    pass: (packBound === null ? gap : planCost / packBound - 1) <= target,
    planMs: ms,
    fleet: plan.nodes.map((n) => `${n.count} ${n.instanceType}`).join(' + '),
  };
}
