/**
 * One world of the differential test, ready to replay: the generated world (differential-worlds.ts) as kubectl objects,
 * parsed into the model, its VNGs, and the plan buildPlan makes of it; and the replay's steps, in the order a migration would run them
 * (replaySteps), which the control plane replay and the simulated scheduler's replay both follow.
 */
import type { Catalog } from '../../../src/catalog/catalog.js';
import { parseClusterObjects } from '../../../src/model/kube/cluster.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import type { Cluster, Pod, Vng } from '../../../src/model/types.js';
import { parseVngText } from '../../../src/model/vng/parse-vngs.js';
import { buildPlan, type Plan, type PlannedPod } from '../../../src/planner/plan.js';
import { generateDiffWorld, type DiffWorld } from './differential-worlds.js';
import { buildWorld, type World } from './planner-vs-scheduler-world.js';

export interface DiffCase {
  readonly gen: DiffWorld;
  readonly world: World;
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly plan: Plan;
}

export const podKey = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;

export function buildDiffCase(catalog: Catalog, seed: number): DiffCase {
  const gen = generateDiffWorld(seed);
  const world = buildWorld(catalog, gen.spec);
  const cluster = parseClusterObjects(world.objects, `differential world ${seed}`);
  const vngs = parseVngText(gen.vngsJson, `differential world ${seed} vngs`, catalog).vngs;
  const nodes = gen.spec.oldNodes.some((n) => n.stays === true) ? { kind: 'nodeNames' as const, names: gen.migrating } : DEFAULT_PARAMS.nodes;
  const plan = buildPlan({ cluster, vngs, catalog, params: { ...DEFAULT_PARAMS, nodes, batchSizePercentage: gen.batchSizePercentage } });
  return { gen, world, cluster, vngs, plan };
}

export type NewNodeRow = Plan['newNodes'][number];

/**
 * What the expected fleet adds to a new node (issue 11): the batch (1-based) whose pending pods launch it and the scale-up
 * round within the batch. Absent on a plan whose new nodes are the packing of the end state: then every new node exists
 * before the first batch.
 */
export interface FleetPosition {
  readonly batch?: number;
  readonly round?: number;
}

export const fleetPosition = (n: NewNodeRow): FleetPosition => n as NewNodeRow & FleetPosition;

export type ReplayStep =
  | { readonly kind: 'nodes'; readonly batch: number | null; readonly round: number | null; readonly nodes: readonly NewNodeRow[] }
  | { readonly kind: 'pods'; readonly batch: number; readonly pods: readonly PlannedPod[] };

/**
 * The replay's order: per batch, its moving pods (in kube-scheduler's queue order: higher priority first, then the order
 * they were created in, here the plan's, which is the model's namespace/name order), then the new nodes the plan launches
 * for that batch, round by round, one step per node in the order the expected fleet has them turn Ready.
 * A plan without fleet positions gets all its new nodes in one step before the first batch.
 */
export function replaySteps(plan: Plan, cluster: Cluster): ReplayStep[] {
  const priority = new Map<string, number>(cluster.pods.map((p: Pod) => [podKey(p), p.priority]));
  const index = new Map(plan.pods.map((p, i) => [podKey(p), i]));
  const queueOrder = (pods: readonly PlannedPod[]): PlannedPod[] =>
    [...pods].sort((a, b) => (priority.get(podKey(b)) ?? 0) - (priority.get(podKey(a)) ?? 0) || (index.get(podKey(a)) ?? 0) - (index.get(podKey(b)) ?? 0));
  const steps: ReplayStep[] = [];
  const positioned = plan.newNodes.some((n) => fleetPosition(n).batch !== undefined);
  if (!positioned && plan.newNodes.length > 0) steps.push({ kind: 'nodes', batch: null, round: null, nodes: plan.newNodes });
  const batchOf = new Map<string, number>();
  plan.batches.forEach((b, i) => b.nodes.forEach((n) => batchOf.set(n, i + 1)));
  // Pending pods (no old node) join the first batch; a pod whose node is in no batch, the last.
  const last = Math.max(1, plan.batches.length);
  const podsOf = (b: number): PlannedPod[] => plan.pods.filter((p) => (p.from === null ? 1 : (batchOf.get(p.from) ?? last)) === b);
  for (let b = 1; b <= last; b++) {
    const pods = podsOf(b);
    if (pods.length > 0) steps.push({ kind: 'pods', batch: b, pods: queueOrder(pods) });
    if (!positioned) continue;
    const mine = plan.newNodes.filter((n) => fleetPosition(n).batch === b);
    const rounds = [...new Set(mine.map((n) => fleetPosition(n).round ?? 1))].sort((x, y) => x - y);
    // A round's nodes turn Ready one after the other, in the order the expected fleet assumes (src/planner/expected-fleet.ts
    // readyOrder: smallest first, then launch order); the Pending pods are tried again as each one is in place.
    for (const r of rounds) {
      const round = mine.filter((n) => (fleetPosition(n).round ?? 1) === r);
      const ready = [...round].sort((x, y) => x.cpuAllocatableMilli - y.cpuAllocatableMilli || x.memoryAllocatableBytes - y.memoryAllocatableBytes || round.indexOf(x) - round.indexOf(y));
      for (const n of ready) steps.push({ kind: 'nodes', batch: b, round: r, nodes: [n] });
    }
  }
  if (positioned) {
    const stray = plan.newNodes.filter((n) => {
      const b = fleetPosition(n).batch;
      return b === undefined || b < 1 || b > last;
    });
    if (stray.length > 0) throw new Error(`new nodes outside the plan's ${last} batches: ${stray.map((n) => `${n.name} (batch ${fleetPosition(n).batch ?? '-'})`).join(', ')}`);
  }
  return steps;
}
