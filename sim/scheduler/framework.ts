/**
 * One scheduling cycle (kube-scheduler pkg/scheduler/schedule_one.go): run the filters on the nodes (a node stops at its
 * first failing filter), score the feasible nodes found with each score plugin, normalise each to 0..100, weight and sum,
 * and pick among the nodes with the highest total by reservoir sampling with the seeded PRNG (each later node tying the
 * maximum replaces the pick with probability 1/count). A single feasible node is taken without scoring.
 *
 * Node sampling (findNodesThatPassFilters), when the caller keeps a NodeSampling: the filters run from the node after the
 * last one the previous cycle evaluated (nextStartNodeIndex, wrapping around the node list) and stop once
 * numFeasibleNodesToFind nodes passed: every node below 100 nodes, else percentageOfNodesToScore of them (adaptive by
 * default: 50% - 1% per 125 nodes, at least 5%) but at least 100. Only those are scored. Without a NodeSampling every node
 * is evaluated from the first, as before sampling existed (the differential replays call it so).
 */
import type { Prng } from '../../src/gen/prng.js';
import { DEFAULT_FILTERS, DEFAULT_SCORES } from './profile.js';
import type { WeightedScorePlugin } from './profile.js';
import { nodesVersion } from './overlay.js';
import { OK } from './types.js';
import type { FilterPlugin, FilterResult, NodeState, SchedPod, Snapshot } from './types.js';

export function runFilters(pod: SchedPod, node: NodeState, snapshot: Snapshot, filters: readonly FilterPlugin[] = DEFAULT_FILTERS): FilterResult {
  for (const f of filters) {
    const r = f.filter(pod, node, snapshot);
    if (r.code !== 'Success') return r;
  }
  return OK;
}

export interface NodeScore {
  readonly node: string;
  /** Normalised score per plugin name (before weighting). */
  readonly byPlugin: Readonly<Record<string, number>>;
  readonly total: number;
}

/**
 * A node's verdict and node-local raw scores for one class of equal pods, kept across cycles by the caller
 * (class-cache.ts); `at` is the node's position in the snapshot.
 */
export interface NodeLocalAnswers {
  verdict(at: number, n: NodeState): FilterResult;
  /** The raw score of DEFAULT_SCORES[j], a plugin with scoreNode. */
  raw(j: number, at: number, n: NodeState): number;
  /**
   * The verdicts of the node-local filters on every node at once, when the class keeps them all up to date and a cycle
   * over `all` nodes is cheaper read from them than node by node; else null.
   */
  index?(all: number): FeasibleIndex | null;
  /**
   * For a pod whose verdicts read other nodes' pods (topology spread, pod (anti-)affinity of its own or of placed pods):
   * the filters that do (they come last in the profile), on a node that passed the others; else null.
   */
  readonly second?: ((n: NodeState) => FilterResult) | null;
  /**
   * The node-local filters' verdict on `n`, worked out anew and kept nowhere (what `verdict` gives a node failing them):
   * for a failed cycle's results read after the cycle, when `verdict` may keep another node's verdict in that slot.
   */
  readonly nodeLocal?: (n: NodeState) => FilterResult;
  /**
   * The class cache answers this pod's failures by itself (its verdicts read no other node's pods: `second`, if any, holds
   * the volume filters only), so a cycle finding no node need not be remembered elsewhere.
   */
  readonly keepsFailures?: boolean;
}

/** A class's verdicts on every node of the snapshot, summed up. */
export interface FeasibleIndex {
  /** The names of the nodes that pass every filter, in the snapshot's order (name order). */
  readonly feasible: readonly string[];
  /** How many nodes fail with Unschedulable (preemption may help there). */
  readonly resolvable: number;
  /** Reason -> how many nodes fail with it. */
  reasonCounts(): ReadonlyMap<string, number>;
  /** kube-scheduler's FitError text over the failed nodes ("0/N nodes are available: ..."), with `nodeCount` nodes. */
  message(nodeCount: number): string;
}

/** The raw scores of one plugin for the feasible nodes: its PreScore skip value, its per-node scores, or its own pass. */
function rawScores(j: number, pod: SchedPod, feasible: readonly NodeState[], positions: readonly number[], snapshot: Snapshot, local: NodeLocalAnswers | null): number[] {
  const plugin = (DEFAULT_SCORES[j] as WeightedScorePlugin).plugin;
  const skip = plugin.skipped?.(pod, snapshot) ?? null;
  if (skip !== null) return feasible.map(() => skip);
  const one = plugin.scoreNode;
  if (one === undefined) return plugin.score(pod, feasible, snapshot);
  if (local === null) return feasible.map((n) => one(pod, n));
  return feasible.map((n, k) => local.raw(j, positions[k] as number, n));
}

/** Totals of the default profile's normalised, weighted scores, with each plugin's normalised scores. */
function scoreDefault(pod: SchedPod, feasible: readonly NodeState[], positions: readonly number[], snapshot: Snapshot, local: NodeLocalAnswers | null): { totals: number[]; normalised: number[][] } {
  const totals = feasible.map(() => 0);
  const normalised: number[][] = [];
  DEFAULT_SCORES.forEach(({ plugin, weight }, j) => {
    const raw = rawScores(j, pod, feasible, positions, snapshot, local);
    const norm = plugin.normalize ? plugin.normalize(raw) : raw;
    for (let i = 0; i < totals.length; i++) totals[i] = (totals[i] as number) + (norm[i] as number) * weight;
    normalised.push(norm);
  });
  return { totals, normalised };
}

/** Normalised, weighted scores of the feasible nodes, in their order. */
export function scoreNodes(pod: SchedPod, feasible: readonly NodeState[], snapshot: Snapshot, scores: readonly WeightedScorePlugin[] = DEFAULT_SCORES): NodeScore[] {
  const byPlugin = feasible.map((): Record<string, number> => ({}));
  const totals = feasible.map(() => 0);
  for (const { plugin, weight } of scores) {
    const raw = plugin.score(pod, feasible, snapshot);
    const normalised = plugin.normalize ? plugin.normalize(raw) : raw;
    normalised.forEach((s, i) => {
      const entry = byPlugin[i];
      if (entry !== undefined) entry[plugin.name] = s;
      totals[i] = (totals[i] ?? 0) + s * weight;
    });
  }
  return feasible.map((n, i) => ({ node: n.node.name, byPlugin: byPlugin[i] ?? {}, total: totals[i] ?? 0 }));
}

/** selectHost over totals: the index picked. */
function selectIndex(totals: readonly number[], prng: Prng): number {
  let best = totals[0] as number;
  let selected = 0;
  let count = 1;
  for (let i = 1; i < totals.length; i++) {
    const t = totals[i] as number;
    if (t > best) {
      best = t;
      selected = i;
      count = 1;
    } else if (t === best) {
      count++;
      if (prng.int(0, count - 1) === 0) selected = i;
    }
  }
  return selected;
}

/** The highest-scoring node; ties broken by reservoir sampling with `prng` (kube-scheduler's selectHost). */
export function selectHost(scores: readonly NodeScore[], prng: Prng): string | null {
  const first = scores[0];
  if (first === undefined) return null;
  let best = first.total;
  let selected = first.node;
  let count = 1;
  for (const s of scores.slice(1)) {
    if (s.total > best) {
      best = s.total;
      selected = s.node;
      count = 1;
    } else if (s.total === best) {
      count++;
      if (prng.int(0, count - 1) === 0) selected = s.node;
    }
  }
  return selected;
}

const namesByVersion = new WeakMap<object, readonly string[]>();

/**
 * The names of the snapshot's nodes in its order, made once for the snapshots with the same Node objects (overlay.ts
 * nodesVersion): a failed cycle's results keep them without reading every node again.
 */
function nodeNames(snapshot: Snapshot): readonly string[] {
  const version = nodesVersion(snapshot);
  let names = namesByVersion.get(version);
  if (names === undefined) {
    names = snapshot.nodes.map((n) => n.node.name);
    namesByVersion.set(version, names);
  }
  return names;
}

/**
 * A cycle in which every node was evaluated and failed: the nodes' names in the snapshot's order (name order) as they were
 * then, each one's result, and how many nodes failed for each reason.
 */
export interface FailedNodes {
  /** Shared with other cycles over the same nodes: not to be changed. */
  readonly names: readonly string[];
  /**
   * The result of the node at position `at` of `names`, as the cycle had it (the same whenever asked). Worked out when
   * asked, not for every node at once: the failure memo reads it only for the nodes an event touched since.
   */
  readonly resultAt: (at: number) => FilterResult;
  /** Reason -> how many nodes fail with it (a map of the caller's own). */
  readonly reasons: Map<string, number>;
}

export type ScheduleResult =
  | { readonly kind: 'scheduled'; readonly node: string; readonly scores: readonly NodeScore[] }
  | {
      readonly kind: 'unschedulable';
      readonly message: string;
      /** Each evaluated node's failed filter result, by node name (built on first read). */
      readonly diagnosis: ReadonlyMap<string, FilterResult>;
      /**
       * Every node's result, when every node was evaluated (the names not to be changed; the reasons the caller's own); else
       * null. To be asked right after the cycle, before the cache changes: the indexed walk keeps the node states then.
       */
      everyNodeFailed(): FailedNodes | null;
      /** How many nodes failed with Unschedulable (preemption may help there). */
      readonly resolvable: number;
      /** The PreFilter rejection that failed every node at once, or null. */
      readonly preFilter: FilterResult | null;
      /** Read from the class's feasible index: the class cache keeps this answer up to date by itself. */
      readonly indexed: boolean;
    };

/** kube-scheduler's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind (pkg/scheduler/schedule_one.go). */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes a cycle looks for (kube-scheduler's numFeasibleNodesToFind): all of them below 100 nodes; else
 * `percentage` of them (0: adaptive, 50 - nodes/125, at least 5), but not fewer than 100. Integer arithmetic, as Go's.
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return numNodes < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : numNodes;
}

/** The scheduler's sampling state: its percentageOfNodesToScore and where the next cycle starts in the node list. */
export interface NodeSampling {
  /** 0 (the default) for the adaptive percentage; 100 to evaluate every node. */
  readonly percentageOfNodesToScore: number;
  nextStartNodeIndex: number;
}

export function nodeSampling(percentageOfNodesToScore = 0): NodeSampling {
  return { percentageOfNodesToScore, nextStartNodeIndex: 0 };
}

/** Reason -> number of nodes, over failed results (each counted once per node). */
function countReasons(results: readonly FilterResult[]): Map<string, number> {
  // Most results are shared objects (one per verdict): count those first, then spread over their reasons.
  const byResult = new Map<FilterResult, number>();
  let last: FilterResult | null = null;
  let run = 0;
  for (const r of results) {
    if (r === last) {
      run++;
      continue;
    }
    if (last !== null) byResult.set(last, (byResult.get(last) ?? 0) + run);
    last = r;
    run = 1;
  }
  if (last !== null) byResult.set(last, (byResult.get(last) ?? 0) + run);
  const counts = new Map<string, number>();
  for (const [r, n] of byResult) {
    if (r.code === 'Success') continue;
    for (const reason of r.reasons) counts.set(reason, (counts.get(reason) ?? 0) + n);
  }
  return counts;
}

export function fitText(nodeCount: number, counts: ReadonlyMap<string, number>): string {
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${nodeCount} nodes are available: ${parts.join(', ')}.`;
}

/**
 * kube-scheduler's FitError text: "0/N nodes are available: <count> <reason>, ..." with the entries sorted as strings; after
 * a PreFilter rejection, "0/N nodes are available: <reason>." (the reason once, no count). Preemption's own sentence, which
 * kube-scheduler appends, is not.
 */
export function fitErrorMessage(nodeCount: number, diagnosis: ReadonlyMap<string, FilterResult>, preFilterMsg: string | null = null): string {
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  if (preFilterMsg !== null) return `0/${nodeCount} nodes are available: ${preFilterMsg}.`;
  return fitText(nodeCount, countReasons([...diagnosis.values()]));
}

/** The first PreFilter rejection of the profile's filters, or null. */
export function runPreFilters(pod: SchedPod, snapshot: Snapshot, filters: readonly FilterPlugin[] = DEFAULT_FILTERS): FilterResult | null {
  for (const f of filters) {
    const r = f.preFilter?.(pod, snapshot);
    if (r !== undefined && r.code !== 'Success') return r;
  }
  return null;
}

/** The unschedulable answer, with its message and diagnosis made on first read. */
function unschedulableResult(
  nodeCount: number,
  resolvable: number,
  preFilter: FilterResult | null,
  failText: () => string,
  diagnose: () => Map<string, FilterResult>,
  failures: () => FailedNodes | null,
  indexed = false,
): ScheduleResult {
  const preFilterMsg = preFilter === null || preFilter.code === 'Success' ? null : preFilter.reasons.join(', ');
  let message: string | null = null;
  let diagnosis: Map<string, FilterResult> | null = null;
  return {
    kind: 'unschedulable',
    get message() {
      message ??=
        nodeCount === 0
          ? 'no nodes available to schedule pods'
          : preFilterMsg !== null
            ? `0/${nodeCount} nodes are available: ${preFilterMsg}.`
            : failText();
      return message;
    },
    get diagnosis() {
      diagnosis ??= diagnose();
      return diagnosis;
    },
    everyNodeFailed: failures,
    resolvable,
    preFilter,
    indexed,
  };
}

/** Which nodes a cycle evaluated and found feasible (in evaluation order), and what the failed ones said. */
interface Walk {
  readonly feasible: NodeState[];
  /** Each feasible node's position in the snapshot. */
  readonly positions: number[];
  /** How many nodes were evaluated (the next cycle starts after them). */
  readonly processed: number;
  readonly resolvable: number;
  /** The FitError text of the failed nodes (when no node passed). */
  readonly failText: () => string;
  /** Each evaluated node's failed result, by name, in evaluation order. */
  readonly diagnose: () => Map<string, FilterResult>;
  /** The same by position, when every node was evaluated and failed; else null. */
  readonly failures: () => FailedNodes | null;
  /** The walk read the class's feasible index (FeasibleIndex) and the pod's verdicts read no other node. */
  readonly indexed: boolean;
}

/** findNodesThatPassFilters: the nodes from `start` (wrapping around) until `toFind` passed. */
function walkNodes(pod: SchedPod, snapshot: Snapshot, start: number, toFind: number, local: NodeLocalAnswers | null): Walk {
  const nodes = snapshot.nodes;
  const all = nodes.length;
  const feasible: NodeState[] = [];
  const positions: number[] = [];
  const failedNodes: NodeState[] = [];
  const failedResults: FilterResult[] = [];
  let resolvable = 0;
  for (let i = 0; i < all && feasible.length < toFind; i++) {
    const at = start + i < all ? start + i : start + i - all;
    const n = nodes[at] as NodeState;
    const r = local === null ? runFilters(pod, n, snapshot) : local.verdict(at, n);
    if (r.code === 'Success') {
      feasible.push(n);
      positions.push(at);
    } else {
      failedNodes.push(n);
      failedResults.push(r);
      if (r.code === 'Unschedulable') resolvable++;
    }
  }
  let counted: Map<string, number> | null = null;
  const counts = (): Map<string, number> => (counted ??= countReasons(failedResults));
  return {
    feasible,
    positions,
    processed: feasible.length + failedNodes.length,
    resolvable,
    failText: () => fitText(all, counts()),
    diagnose: () => {
      const diagnosis = new Map<string, FilterResult>();
      for (let i = 0; i < failedNodes.length; i++) diagnosis.set((failedNodes[i] as NodeState).node.name, failedResults[i] as FilterResult);
      return diagnosis;
    },
    failures: () => {
      if (failedResults.length !== all) return null;
      // The walk began at `start`: the node at position `at` was the (at - start)th evaluated, wrapping around.
      const resultAt = (at: number): FilterResult => failedResults[at >= start ? at - start : at + all - start] as FilterResult;
      return { names: nodeNames(snapshot), resultAt, reasons: new Map(counts()) };
    },
    indexed: false,
  };
}

/** The first index i < count whose name (`nameAt(i)`, ascending in code-unit order) is >= `name` (binary search). */
export function firstAtLeast(count: number, nameAt: (i: number) => string, name: string): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (nameAt(mid) < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The same walk as walkNodes, read from the class's index of the nodes that pass its node-local filters: from `start` in
 * node order, each such node goes through the filters that read other nodes (`local.second`, when the pod has any) until
 * `toFind` passed, and as many nodes count as evaluated as the walk would have (all of them when fewer than `toFind` pass).
 * The nodes failing a node-local filter are not visited unless the diagnosis (or every node's result) is asked for; then
 * the nodes that failed `second` keep the result the walk got (their filters do not run again).
 */
function walkIndex(index: FeasibleIndex, snapshot: Snapshot, start: number, toFind: number, local: NodeLocalAnswers): Walk {
  const nodes = snapshot.nodes;
  const all = nodes.length;
  const names = index.feasible;
  const second = local.second ?? null;
  const feasible: NodeState[] = [];
  const positions: number[] = [];
  /** What the filters reading other nodes said of the nodes they failed, and where those nodes are. */
  const failedLater: FilterResult[] = [];
  const failedLaterAt: number[] = [];
  let resolvable = index.resolvable;
  let k = firstAtLeast(names.length, (i) => names[i] as string, (nodes[start] as NodeState).node.name);
  let last = start;
  for (let i = 0; i < names.length && feasible.length < toFind; i++, k++) {
    if (k === names.length) k = 0;
    const at = firstAtLeast(all, (j) => (nodes[j] as NodeState).node.name, names[k] as string);
    const n = nodes[at] as NodeState;
    const r = second === null ? OK : second(n);
    if (r.code === 'Success') {
      feasible.push(n);
      positions.push(at);
      last = at;
    } else {
      failedLater.push(r);
      failedLaterAt.push(at);
      if (r.code === 'Unschedulable') resolvable++;
    }
  }
  const processed = feasible.length < toFind ? all : (last - start + all) % all + 1;
  /**
   * When no node passed: each node's result by position. The index's feasible nodes (all visited) failed `second`, with
   * the results in `failedLater`; the others failed a node-local filter, whose verdict the class keeps.
   */
  let made: FilterResult[] | null = null;
  const byPosition = (): FilterResult[] => {
    if (made !== null) return made;
    const results: (FilterResult | undefined)[] = new Array<FilterResult | undefined>(all).fill(undefined);
    for (let i = 0; i < failedLater.length; i++) results[failedLaterAt[i] as number] = failedLater[i];
    for (let at = 0; at < all; at++) if (results[at] === undefined) results[at] = local.verdict(at, nodes[at] as NodeState);
    made = results as FilterResult[];
    return made;
  };
  /** Reason -> how many nodes failed with it, when no node passed (made once). */
  let counted: Map<string, number> | null = null;
  const counts = (): Map<string, number> => {
    if (counted !== null) return counted;
    counted = new Map(index.reasonCounts());
    for (const [reason, n] of countReasons(failedLater)) counted.set(reason, (counted.get(reason) ?? 0) + n);
    return counted;
  };
  const failText = (): string => (failedLater.length === 0 ? index.message(all) : fitText(all, counts()));
  return {
    feasible,
    positions,
    processed,
    resolvable,
    failText,
    diagnose: () => {
      // Asked for only when no node passed: every node was evaluated, from `start` on.
      const results = byPosition();
      const diagnosis = new Map<string, FilterResult>();
      for (let i = 0; i < all; i++) {
        const at = start + i < all ? start + i : start + i - all;
        diagnosis.set((nodes[at] as NodeState).node.name, results[at] as FilterResult);
      }
      return diagnosis;
    },
    failures: () => {
      if (feasible.length > 0) return null;
      const nodeLocal = local.nodeLocal;
      if (nodeLocal === undefined) {
        const results = byPosition();
        return { names: nodeNames(snapshot), resultAt: (at) => results[at] as FilterResult, reasons: new Map(counts()) };
      }
      // The nodes the walk visited failed `second`, with the results it got; every other node failed a node-local filter
      // on the node as it is now (worked out again when asked: the same filters on the same node state). The snapshot's
      // list changes with the cache: its states are kept as they are now (a copy of the list, not a verdict per node).
      const states = nodes.slice();
      const later = new Map<number, FilterResult>();
      for (let i = 0; i < failedLater.length; i++) later.set(failedLaterAt[i] as number, failedLater[i] as FilterResult);
      const resultAt = (at: number): FilterResult => {
        let r = later.get(at);
        if (r === undefined) later.set(at, (r = nodeLocal(states[at] as NodeState)));
        return r;
      };
      return { names: nodeNames(snapshot), resultAt, reasons: new Map(counts()) };
    },
    indexed: second === null,
  };
}

/**
 * One cycle. `sampling`: the scheduler's node sampling state (absent: every node, from the first). `local`: the pod's class
 * answers kept across cycles (verdicts and node-local scores of nodes that did not change), the same as computing them.
 */
export function schedule(pod: SchedPod, snapshot: Snapshot, prng: Prng, sampling?: NodeSampling, local: NodeLocalAnswers | null = null): ScheduleResult {
  const nodes = snapshot.nodes;
  const all = nodes.length;
  if (all === 0) return unschedulableResult(0, 0, null, () => '', () => new Map(), () => null);
  const rejected = runPreFilters(pod, snapshot);
  if (rejected !== null && rejected.code !== 'Success') {
    const diagnose = (): Map<string, FilterResult> => new Map(nodes.map((n) => [n.node.name, rejected]));
    const failures = (): FailedNodes => {
      const reasons = new Map<string, number>();
      for (const reason of rejected.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + all);
      return { names: nodes.map((n) => n.node.name), resultAt: () => rejected, reasons };
    };
    return unschedulableResult(all, rejected.code === 'Unschedulable' ? all : 0, rejected, () => '', diagnose, failures);
  }
  const toFind = sampling === undefined ? all : numFeasibleNodesToFind(sampling.percentageOfNodesToScore, all);
  const start = sampling === undefined ? 0 : sampling.nextStartNodeIndex % all;
  const index = local?.index?.(all) ?? null;
  const walk = index !== null && local !== null ? walkIndex(index, snapshot, start, toFind, local) : walkNodes(pod, snapshot, start, toFind, local);
  if (sampling !== undefined) sampling.nextStartNodeIndex = (start + walk.processed) % all;
  const { feasible, positions } = walk;
  const only = feasible.length === 1 ? feasible[0] : undefined;
  if (only !== undefined) return { kind: 'scheduled', node: only.node.name, scores: [] };
  if (feasible.length === 0) {
    const kept = walk.indexed || local?.keepsFailures === true;
    return unschedulableResult(all, walk.resolvable, null, walk.failText, walk.diagnose, walk.failures, kept);
  }
  const { totals, normalised } = scoreDefault(pod, feasible, positions, snapshot, local);
  const picked = feasible[selectIndex(totals, prng)] as NodeState;
  let scores: NodeScore[] | null = null;
  return {
    kind: 'scheduled',
    node: picked.node.name,
    get scores() {
      scores ??= feasible.map((n, i) => ({
        node: n.node.name,
        byPlugin: Object.fromEntries(DEFAULT_SCORES.map(({ plugin }, j) => [plugin.name, normalised[j]?.[i] ?? 0])),
        total: totals[i] as number,
      }));
      return scores;
    },
  };
}
