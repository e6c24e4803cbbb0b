/**
 * cluster-autoscaler's binpacking estimator benchmark case: 50,000 pods of 50m / 100 bytes and 1,000 pods of 95m / 190
 * bytes on one node type of 1000m / 5000 bytes / 100 pods. First-fit decreasing needs exactly 2,595 nodes: the 1,000 large
 * pods fill 100 nodes to 950m each, those take one small pod each, and the other 49,900 small pods fill 2,495 nodes at 20
 * (cpu-bound) per node.
 *
 * cluster-autoscaler's BenchmarkBinpackingEstimate hands its estimator the pods already grouped into two equivalence groups
 * and times the estimate alone. solve() here starts from the 51,000 pods, so the run times, besides solve(): grouping them
 * into classes on its own (packClasses: walking 51,000 pod objects scattered over the heap, about two thirds of solve()),
 * the packing from those classes grouped beforehand (solveClasses, the median of five calls on the same classes: what
 * cluster-autoscaler times), and the same solve placing pods one by one (the reference the one-step packing must equal).
 * Every one of them must give exactly 2,595 nodes.
 *
 * Measured (`npm run build && npx tsc -p tsconfig.bench.json && node dist-bench/bench/run.js --only ca`, 2-core machine
 * shared with other work, so the figures move with its load): solve 157 ms best of 3 at load average 1.7, of which grouping
 * 103 ms; the packing from pre-grouped classes 16 ms in the benchmark's row (median of 5, best of 3; solve 147 ms, grouping
 * 106 ms, at load average 4.3; a single call after grouping took 33-34 ms at load 3-6: mostly the collector), and warm,
 * 30 calls in a loop on the same classes, 11-12 ms at best and a median of 17 ms (load 3) to 23 ms (load 8); the target
 * is the estimator's 25 ms.
 */
import { catalogFromTypes } from '../src/catalog/catalog.js';
import type { Pod } from '../src/model/types.js';
import { solve, solveClasses } from '../src/planner/pack.js';
import { packClasses } from '../src/planner/pack/classes.js';
import { cluster, exactResources, pendingPod, syntheticType, vng } from './fixtures.js';
import { timed } from './util.js';

export const CA_EXPECTED_NODES = 2595;
/** The estimator's fast path (one step per equivalence group and node), measured on this machine. */
export const CA_TARGET_MS = 25;

export interface CaResult {
  readonly pods: number;
  readonly nodes: number;
  readonly expectedNodes: number;
  readonly unschedulable: number;
  readonly solveMs: number;
  /** Of solveMs, about this much groups the pods into classes (timed on its own). */
  readonly classesMs: number;
  /** solveClasses() on the classes grouped once beforehand, the median of five: the packing alone, what cluster-autoscaler times. */
  readonly groupedMs: number;
  /** Nodes of those five solves (-1 when they differ). */
  readonly groupedNodes: number;
  /** The same solve placing pods one by one. */
  readonly podByPodMs: number;
  readonly podByPodNodes: number;
  readonly correct: boolean;
}

export function runCa(): CaResult {
  const type = syntheticType('ca.node', 1, 1, 100, 1);
  const catalog = catalogFromTypes([type], 'bench');
  const pods: Pod[] = [];
  for (let i = 0; i < 50_000; i++) pods.push(pendingPod(i, { cpu: 50, memory: 100, owner: 'small' }));
  for (let i = 0; i < 1_000; i++) pods.push(pendingPod(50_000 + i, { cpu: 95, memory: 190, owner: 'large' }));
  const input = {
    cluster: cluster(pods),
    vngs: [vng('ca', [type.name], [])],
    catalog,
    migratingNodes: new Set<string>(),
    movingPods: pods,
    observed: new Map([[type.name, exactResources({ cpu: 1000, memory: 5000, pods: 100 })]]),
  };
  const { value: result, ms } = timed(() => solve(input));
  const nodes = result.newNodes.length;
  const classes = timed(() => packClasses(input));
  // As Go's testing.B times an operation: several times over on the same groups, here the median of five.
  const groupedRuns = [0, 1, 2, 3, 4].map(() => timed(() => solveClasses(input, classes.value)));
  const grouped = [...groupedRuns].sort((a, b) => a.ms - b.ms)[2] as (typeof groupedRuns)[number];
  const podByPod = timed(() => solve(input, { podByPod: true }));
  return {
    pods: pods.length,
    nodes,
    expectedNodes: CA_EXPECTED_NODES,
    unschedulable: result.unschedulable.size,
    solveMs: ms,
    classesMs: classes.ms,
    groupedMs: grouped.ms,
    // Every one of the five must open the same nodes (-1 otherwise, which fails the run).
    groupedNodes: groupedRuns.every((r) => r.value.newNodes.length === grouped.value.newNodes.length) ? grouped.value.newNodes.length : -1,
    podByPodMs: podByPod.ms,
    podByPodNodes: podByPod.value.newNodes.length,
    correct: nodes === CA_EXPECTED_NODES && result.unschedulable.size === 0 && grouped.value.unschedulable.size === 0,
  };
}
