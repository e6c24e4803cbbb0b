/**
 * The fleet a run launches, batch by batch, as the autoscaler and kube-scheduler build it - where the packing (pack.ts
 * solve) is only a lower bound. The model replays the plan's batches in order over the planner's own filters:
 *
 * 1. The batch's old nodes are cordoned (every selected old node from the start with cordonAllAtStart) and its pods are
 *    evicted. Their replacements arrive in waves, each queued in kube-scheduler's order (priority, then arrival, then name):
 *    the ReplicaSet/Job replacements as their pod is evicted, one request after the other at the run's pace (with the pods
 *    already Pending, in the first batch); once the whole first wave is out the StatefulSet pods; a PDB that allows fewer
 *    evictions than the batch needs lets the rest go one budget at a time, each after the replacements before it run.
 * 2. kube-scheduler places each arriving pod on the feasible node with the highest default score (run-scheduler.ts): new
 *    nodes up so far, nodes that stay, old nodes not cordoned yet.
 * 3. The pods left go to the autoscaler, scaleUp() called as sim/autoscaler.ts calls it (scale-up-view.ts): the evicted pods
 *    still terminating on their old nodes count, and nodes still booting hold the pods an earlier scale-up meant for them.
 *    While a long batch's evictions still go out, the autoscaler looks once per period (when vngshift's executor
 *    launches, `launcher: 'engine'`, once for the whole first wave) and the nodes it launched turn
 *    Ready once their launch time has passed; after that the new nodes turn Ready one after the other (smallest first,
 *    see readyOrder). Each time kube-scheduler places what it can, so the first ones fill up and the last may not hold
 *    what the scale-up meant for them. The pods left make another round, until none is left or a round places nothing.
 * 4. The next batch starts once batchMinHealthyPercentage of the batch's pods are placed again, the other nodes of the
 *    last one's launch turning Ready with it: nodes still booting then, and the pods waiting for them, carry over into it
 *    (the autoscaler has launched for the pods still stuck by then).
 * 5. The batch's drained old nodes are terminated (shouldTerminateDrainedNodes); nodes that keep a pod stay, cordoned.
 *
 * Pods the packing found unschedulable stay Pending here too; pods that stay on their node (kept, stand-alone, held by a
 * PDB for good) do not move. Pods the packing places and no round of the model places are reported (`pending`). Pure: no
 * I/O, no clock; the same input gives the same fleet.
 */
import type { AllocatableOptions, NodeResources } from '../catalog/allocatable.js';
import type { Catalog } from '../catalog/catalog.js';
import type { MaxPodsSource } from '../catalog/new-node.js';
import { observedResources } from '../catalog/observed.js';
import type { MigrationParams } from '../model/params.js';
import type { Cluster, DaemonSet, Node, Pod, ResourceList, Vng } from '../model/types.js';
import { clusterArchitectures } from './architecture-policy.js';
import { NodesByKind } from './nodes-by-kind.js';
import { classKeyer } from './pod-classes.js';
import { RunScheduler, type PlacedPod, type RunPod } from './run-scheduler.js';
import { bootingNodeModel, daemonPodBase, scaleUp, type LaunchContext, type LaunchedNode } from './scale-up.js';
import { scaleUpInputOf, type BootingView } from './scale-up-view.js';
import { apiCallsSeconds, cordonAllRequests, drainOverheadRequests, launchSeconds, unawaitedRequests, type TimingModel } from './timing.js';
import { WaitQueue } from './wait-queue.js';
import type { ProgressSink } from '../model/progress.js';

export interface ExpectedFleetInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  readonly params: Pick<MigrationParams, 'cordonAllAtStart' | 'shouldTerminateDrainedNodes' | 'respectPdb' | 'batchMinHealthyPercentage'>;
  readonly allocatable?: AllocatableOptions;
  readonly allowArchitectureChange: boolean;
  /** The selected old nodes, batch by batch, in the order the run drains them. */
  readonly batches: readonly (readonly string[])[];
  /** The pods that move (on old nodes, and Pending pods), as buildPlan lists them. */
  readonly moving: readonly Pod[];
  /** Pods of `moving` the packing could not place: they stay Pending. */
  readonly unplaceable: ReadonlySet<Pod>;
  /** Pods on old nodes that are never evicted (kept pods, stand-alone pods not evicted, pods a PDB never lets go). */
  readonly stays: ReadonlySet<Pod>;
  /**
   * PodDisruptionBudgets (used with respectPdb): the evictions each allows at once, and the budgets (by index) that cover
   * each pod.
   */
  readonly pdbs: { readonly allowed: readonly number[]; readonly of: ReadonlyMap<Pod, readonly number[]> };
  /**
   * The pace of the run (timing.ts): evictions go out one API request after the other under the client's rate limit, the
   * autoscaler looks every autoscalerIntervalSeconds, a node it launches is Ready launchSeconds later. Without it every
   * replacement of a batch's first wave arrives at once, before the autoscaler's first look.
   */
  readonly timing?: Pick<
    TimingModel,
    'autoscalerIntervalSeconds' | 'clientQps' | 'clientBurst' | 'apiLatencySeconds' | 'evictLatencySeconds' | 'nodeLaunchSeconds' | 'acceleratedNodeLaunchSeconds'
  >;
  /**
   * Who launches (plan.ts PlanInput.launcher). 'engine': vngshift's executor launches at its reconcile, once the step that
   * evicted the batch's first wave is over, so the first wave gets one scale-up, not one per autoscaler period.
   */
  readonly launcher?: 'autoscaler' | 'engine';
  /** Told after each batch is replayed (phase "expected fleet"); no effect on the fleet. */
  readonly onProgress?: ProgressSink;
  /** Hand scaleUp() the whole cluster, as sim/autoscaler.ts does, instead of the cut-down view (slower, same fleet). */
  readonly wholeAutoscalerView?: boolean;
  /**
   * observedResources(cluster.nodes) when the caller has it already (buildPlan's packing): the same map object lets the
   * scale-ups use the templates that packing built (pack/templates.ts keeps them per observed map).
   */
  readonly observed?: ReadonlyMap<string, NodeResources>;
  /**
   * The class key of pods the packing classed already (classKeysOf in pack/classes.ts): the same strings, so that the
   * scale-ups' caches kept across solves (keyed by class key) find them by identity. Pods without one get theirs derived.
   */
  readonly classKeys?: ReadonlyMap<Pod, string>;
}

export interface ExpectedNode {
  readonly name: string;
  readonly vng: string;
  readonly instanceType: string;
  readonly zone: string;
  /** The batch (1-based) whose pods the autoscaler launched it for. */
  readonly batch: number;
  /** The scale-up round within that batch (1-based). */
  readonly round: number;
  readonly priceUsdPerHour: number;
  readonly allocatable: ResourceList;
  /** Requests of the pods on it when the run ends, DaemonSet pods included. */
  readonly requested: ResourceList;
  /** Moving pods on it when the run ends. */
  readonly pods: number;
  readonly daemonSets: readonly string[];
  readonly maxPods: number;
  readonly maxPodsSource: MaxPodsSource;
  readonly rootVolumeSizeGiB: number;
}

export interface ExpectedFleet {
  readonly newNodes: readonly ExpectedNode[];
  /** Per batch of the input: how many nodes were launched for it. */
  readonly perBatch: readonly number[];
  /** Pods the packing places that no scale-up round of the model placed (namespace/name, sorted). */
  readonly pending: readonly string[];
}

/** A wave gives up after this many scale-up rounds (each must place a pod; in practice two or three suffice). */
const MAX_ROUNDS = 20;

/** What a pod on an old node does when its node drains. */
type Role = 'moving' | 'stays' | 'deleted' | 'fixed';

interface Launch {
  readonly node: Node;
  readonly daemonPods: readonly Pod[];
  readonly vng: string;
  readonly batch: number;
  readonly round: number;
  readonly price: number;
  readonly daemonSets: readonly string[];
  readonly maxPods: number;
  readonly maxPodsSource: MaxPodsSource;
  readonly rootVolumeSizeGiB: number;
}

/** A node launched and not Ready yet, with the pods that will run there (its DaemonSet pods, the pods meant for it). */
interface Booting {
  readonly node: Node;
  readonly pods: Entry[];
  /**
   * What the scale-up view holds of `pods` (its DaemonSet pods and the pods still meant for it, in order), kept for the
   * first `viewOf` of them: a pod pushed since is added, and the list is made again only once one of them is no longer
   * meant for it (`dirty`).
   */
  view: Entry[];
  viewOf: number;
  dirty: boolean;
  /** The pods ever pushed to `pods` past its DaemonSet pods: one pushed again makes its earlier place count again. */
  readonly members: Set<Entry>;
  /**
   * The batch's clock (see `now`) from which it is up for the periods' looks while the batch's evictions still go out: a
   * period that starts at or after it sees it Ready (it turned Ready before that period's look at its end).
   */
  readyAt: number;
}

/** A node brought up: its launch, and its readyAt. */
interface LastUp {
  readonly launch: Launch;
  readonly readyAt: number;
}

/**
 * The order a scale-up's nodes turn Ready in: smallest first (by cpu, then memory, then launch order). Real launches finish
 * in no set order; of the fixed orders tried against the rehearsal's seeded ones, this one matched its node counts best.
 */
function readyOrder(a: Booting, b: Booting): number {
  const x = a.node.allocatable;
  const y = b.node.allocatable;
  return (x['cpu'] ?? 0) - (y['cpu'] ?? 0) || (x['memory'] ?? 0) - (y['memory'] ?? 0);
}

const keyOf = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What the model keeps per pod it handles, made once: the pod as the run scheduler takes it (the entry is that RunPod: the
 * scheduler hands it back from podsOn and podsOfClasses), what it does when its node drains, its record in the scheduler,
 * when it became Pending (its place in the queue), and the booting node a scale-up meant it for. The hot loops read these
 * fields, not maps by key: with 150,000 pods, hashing their namespace/name into maps at each step was a good part of the
 * model's time.
 */
interface Entry extends RunPod {
  readonly pod: Pod;
  /**
   * What it does when its old node drains: set once, when the input's pod is recorded where the input has it or a
   * DaemonSet pod on the node launched for it; null for the others (a pod the input has Pending keeps null once placed:
   * a later batch does not evict it).
   */
  role: Role | null;
  /**
   * Its record in the run scheduler while it runs (or is recorded where the input has it), else null. When it is evicted
   * the record goes to the batch's list of terminating pods (see terminate) and this is null until its replacement is
   * placed: the pod is then recorded twice for a while, its old copy terminating on its drained node.
   */
  placed: PlacedPod<Entry> | null;
  /** Its cpu and memory requests (0 when it requests none). */
  readonly cpu: number;
  readonly memory: number;
  /** Its class as a small number (one per class key), for the per-pass set of classes that found no node. */
  readonly classId: number;
  /** Arrival order in the scheduling queue (the order of its last arrival); 0 before it arrives. */
  arrival: number;
  arrived: boolean;
  /** The booting node a scale-up launched (or found room on) for it while it is Pending, else null. */
  coveredBy: string | null;
  /**
   * The pod as the scale-ups get it while it is Pending (nodeName null), made at its first handover and kept for the run
   * (scale-up-view.ts pendingPodOf: one small object more per moved pod while the model runs).
   */
  asPending: Pod | null;
  /** The batch (1-based) whose evicted pods it is one of, 0 if none yet. */
  batch: number;
  /** Its place among the pods of the input by namespace/name (-1 for pods made by the model): sorts by key without the key. */
  readonly rank: number;
  /**
   * When it last found no node, no node had room for it (RunScheduler.lastRoomless): a pass over one new node then looks
   * at that node alone.
   */
  roomless: boolean;
}

/** By namespace/name, as cmp over their keys orders them (ranks follow that order). */
const byName = (a: Entry, b: Entry): number => (a.rank >= 0 && b.rank >= 0 ? a.rank - b.rank : cmp(a.key, b.key));

/** kube-scheduler's queue order: priority, then arrival. */
const queueOrder = (a: Entry, b: Entry): number => b.pod.priority - a.pod.priority || a.arrival - b.arrival;

export function expectedFleet(input: ExpectedFleetInput): ExpectedFleet {
  const { cluster, catalog } = input;
  const region = cluster.nodes.map((n) => n.labels['topology.kubernetes.io/region']).find((r): r is string => r !== undefined) ?? catalog.region;
  const observed = input.observed ?? observedResources(cluster.nodes);
  const architectures = input.allowArchitectureChange ? null : clusterArchitectures(cluster);
  const launchCtx: LaunchContext = { catalog, observed, region, daemonSets: cluster.daemonSets, ...(input.allocatable ? { allocatable: input.allocatable } : {}) };
  const vngByName = new Map(input.vngs.map((v) => [v.name, v]));
  const oldNames = new Set(input.batches.flat());

  const sched = new RunScheduler<Entry>(cluster);
  const nodes = new NodesByKind();
  const entries = new Map<Pod, Entry>();
  /**
   * Per class key: a small id, and the key string first seen. Every pod of the class carries that one string, so the run
   * scheduler's maps find it by identity instead of comparing long keys.
   */
  const classes = new Map<string, { readonly id: number; readonly key: string }>();
  /** Class keys of the pods met, in order: pods of one workload come one after another and share the previous key. */
  const classKeyOf = classKeyer();
  const entryOf = (p: Pod, key?: string, rank = -1, knownKey?: string): Entry => {
    let e = entries.get(p);
    if (!e) {
      const k = input.classKeys?.get(p) ?? knownKey ?? classKeyOf(p);
      let cls = classes.get(k);
      if (!cls) classes.set(k, (cls = { id: classes.size, key: k }));
      const cpu = p.requests['cpu'] ?? 0;
      const memory = p.requests['memory'] ?? 0;
      e = {
        key: key ?? keyOf(p),
        namespace: p.namespace,
        labels: p.labels,
        spec: p,
        classKey: cls.key,
        pod: p,
        role: null,
        placed: null,
        cpu,
        memory,
        classId: cls.id,
        arrival: 0,
        arrived: false,
        coveredBy: null,
        asPending: null,
        batch: 0,
        rank,
        roomless: false,
      };
      entries.set(p, e);
    }
    return e;
  };
  /** Records the pod on the node (it is recorded nowhere else, but for its old copy terminating: see terminate). */
  const place = (e: Entry, node: string): void => {
    if (e.placed !== null && !e.placed.removed) throw new Error(`expected fleet: pod ${e.key} already placed`);
    e.placed = sched.addPod(e, node);
  };

  for (const n of [...cluster.nodes].sort((a, b) => cmp(a.name, b.name))) {
    const cordoned = n.unschedulable || (input.params.cordonAllAtStart && oldNames.has(n.name));
    nodes.set(n.name, cordoned === n.unschedulable ? n : { ...n, unschedulable: true });
    sched.addNode(n, !cordoned && n.ready);
  }
  const waiting: Pod[] = [];
  const byKey = cluster.pods
    .filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed')
    .map((p) => ({ p, k: keyOf(p) }))
    .sort((a, b) => cmp(a.k, b.k));
  // Two pods of one namespace/name (the cluster reader refuses them; a Cluster built in code may hold them) would be two
  // entries of one key: the model keeps one record per pod and tells pods apart by entry, not by key.
  for (let i = 1; i < byKey.length; i++) {
    const k = (byKey[i] as KeyedPod).k;
    if (k === (byKey[i - 1] as KeyedPod).k) throw new Error(`expected fleet: two pods named ${k}`);
  }
  const movingKeys = movingKeysOf(byKey, input.moving);
  byKey.forEach(({ p, k }, rank) => {
    if (p.nodeName === null) {
      if (movingKeys.atRank[rank] === 1 && !input.unplaceable.has(p)) {
        entryOf(p, k, rank);
        waiting.push(p);
      }
      return;
    }
    if (!nodes.has(p.nodeName)) return;
    const e = entryOf(p, k, rank);
    place(e, p.nodeName);
    if (!oldNames.has(p.nodeName) || p.isMirror || p.owner?.kind === 'DaemonSet') e.role = 'fixed';
    else if (input.stays.has(p)) e.role = 'stays';
    else if (movingKeys.atRank[rank] === 1 && !input.unplaceable.has(p)) e.role = 'moving';
    else e.role = 'deleted';
  });

  // The classes still to come, known before the index is first built: the pods already Pending, and the DaemonSet pods of
  // the nodes to launch (the same class on every node).
  for (const p of waiting) sched.know(entryOf(p));
  /**
   * Per DaemonSet (by uid, when no other has it): the class key of its pods on the nodes to launch. They are its template
   * on another node (daemonPodBase): the fields a class key reads are the template's, the probe's key is theirs.
   */
  const daemonKeys = new Map<string, { readonly set: DaemonSet; readonly key: string } | null>();
  for (const d of cluster.daemonSets) {
    const probe = daemonPodBase(d, null);
    const run = entryOf(probe);
    sched.know(run);
    daemonKeys.set(d.uid, daemonKeys.has(d.uid) ? null : { set: d, key: run.classKey });
  }
  /** The class key of a DaemonSet pod made for a node to launch, when its DaemonSet's is known. */
  const daemonKeyOf = (p: Pod): string | undefined => {
    const owner = p.owner;
    if (owner?.kind !== 'DaemonSet') return undefined;
    const known = daemonKeys.get(owner.uid);
    return known && known.set.name === owner.name && known.set.namespace === p.namespace ? known.key : undefined;
  };

  const launches = new Map<string, Launch>();
  const ordinals = new Map<string, number>();
  const launchedNodes: LaunchedNode[] = [];
  /** Pods waiting for a node, in the order they queue in (priority, then arrival). */
  const pending = new WaitQueue<Entry>();
  let arrivals = 0;
  /** Booting node -> the pending pods a scale-up launched it (or found room on it) for. */
  const coveredOn = new Map<string, Set<Entry>>();
  const cover = (e: Entry, node: string): void => {
    uncover(e);
    e.coveredBy = node;
    let set = coveredOn.get(node);
    if (!set) coveredOn.set(node, (set = new Set()));
    set.add(e);
  };
  const uncover = (e: Entry): void => {
    const node = e.coveredBy;
    if (node === null) return;
    e.coveredBy = null;
    coveredOn.get(node)?.delete(e);
    const b = bootingNamed.get(node);
    if (b !== undefined) b.dirty = true;
  };
  /** The booting nodes by name. */
  const bootingNamed = new Map<string, Booting>();
  /** The batch (1-based) now draining, how many pods it evicted, and how many of them are placed again. */
  let currentBatch = 0;
  let batchSize = 0;
  let batchPlaced = 0;
  /**
   * Nodes launched and not Ready yet, in the order they turn Ready after the batch's evictions (by launch, then
   * readyOrder); while the evictions go out, upDue takes those whose launch time has passed, wherever they are.
   */
  const booting: Booting[] = [];
  /** The last node runUntil brought up: its launch and its readyAt. */
  let lastUp: LastUp | null = null;
  /**
   * The batch's clock while its first wave of evictions goes out: the start of the autoscaler period being replayed, in
   * seconds since the batch's first API request (paced by `timing`). It does not run after that: the rounds after it
   * bring nodes up in order, not by time.
   */
  let now = 0;
  const timing = input.timing;
  /**
   * From the look that launched a node to the node Ready. An autoscaler's: the launch figure less the half period it waits,
   * on average, to look (the figure counts from the pod turning Pending). The executor's: the whole figure, counted from
   * the model's look at the end of the evictions: it launches at the start of its next reconcile (its interval, 5 s by
   * default, about the half period the figure holds for the look).
   */
  const waitToLook = timing === undefined || input.launcher === 'engine' ? 0 : timing.autoscalerIntervalSeconds / 2;
  const readyDelay = (instanceType: string): number => (timing === undefined ? 0 : Math.max(0, launchSeconds(timing, instanceType) - waitToLook));
  const roundsOf = new Map<number, number>();
  /**
   * Per batch, its scale-ups while its first wave went out (one per autoscaler period): MAX_ROUNDS counts the rounds after
   * them, so that a long batch still gets the rounds that refill what kube-scheduler spread.
   */
  const periodRounds = new Map<number, number>();

  /** Per class id, the last pass in which the class found no node; and the last in which it found no node with room. */
  let failedIn = new Int32Array(0);
  let roomlessIn = new Int32Array(0);
  let passes = 0;
  /**
   * Per class id, its failure group (RunScheduler.failureGroup) and the scheduler build it was found for; per failure
   * group, the last pass in which one of its classes found no node (then none of them finds one in that pass).
   */
  let groupOfClass = new Int32Array(0);
  let groupBuild = new Int32Array(0);
  let groupFailedIn = new Int32Array(0);
  const failureGroupOf = (e: Entry): number => {
    const id = e.classId;
    const build = sched.build;
    if (build !== -1 && groupBuild[id] === build) return groupOfClass[id] as number;
    const group = sched.failureGroup(e);
    groupOfClass[id] = group;
    groupBuild[id] = sched.build;
    if (group >= groupFailedIn.length) {
      const grown = new Int32Array(Math.max(64, 2 * (group + 1)));
      grown.set(groupFailedIn);
      groupFailedIn = grown;
    }
    return group;
  };
  /**
   * kube-scheduler's pass over pods in queue order; leaves in `queue` (in order) the pods it could not place. `onlyNew`: the
   * one node added since these pods last failed (see RunScheduler.best). A pod of a class that found no node in this pass
   * is passed over by its class id alone, and so is a pod whose failure group did (the node only filled up since).
   */
  const pass = (queue: WaitQueue<Entry>, onlyNew?: string): void => {
    let kept = 0;
    passes += 1;
    if (failedIn.length < classes.size) {
      const size = Math.max(1024, 2 * classes.size);
      const grown = new Int32Array(size);
      grown.set(failedIn);
      failedIn = grown;
      const roomless = new Int32Array(size);
      roomless.set(roomlessIn);
      roomlessIn = roomless;
      const groups = new Int32Array(size);
      groups.set(groupOfClass);
      groupOfClass = groups;
      // Build numbers start at 1 once the scheduler is built: 0 means not looked up.
      const builds = new Int32Array(size);
      builds.set(groupBuild);
      groupBuild = builds;
    }
    const n = queue.length;
    const { ids } = queue;
    // On one new node: once it has no room for the smallest pod in the queue, no later pod fits it either.
    let minCpu = Number.POSITIVE_INFINITY;
    let minMemory = Number.POSITIVE_INFINITY;
    if (onlyNew !== undefined) {
      const { cpu, memory } = queue;
      for (let i = 0; i < n; i++) {
        if ((cpu[i] as number) < minCpu) minCpu = cpu[i] as number;
        if ((memory[i] as number) < minMemory) minMemory = memory[i] as number;
      }
    }
    for (let i = 0; i < n; i++) {
      const id = ids[i] as number;
      let node: string | null = null;
      const e = queue.at(i);
      if (failedIn[id] !== passes) {
        const group = failureGroupOf(e);
        if (group === -1 || groupFailedIn[group] !== passes) {
          node = sched.best(e, onlyNew, e.roomless);
          if (node === null) {
            if (group !== -1) groupFailedIn[group] = passes;
            if (sched.lastRoomless) roomlessIn[id] = passes;
          }
        }
      }
      if (node === null) {
        failedIn[id] = passes;
        // A pod passed over for its class finds what the pod of its class tried found (the nodes only filled up since).
        e.roomless = roomlessIn[id] === passes;
        queue.move(i, kept++);
        continue;
      }
      place(e, node);
      uncover(e);
      if (e.batch === currentBatch && currentBatch > 0) batchPlaced += 1;
      if (onlyNew !== undefined && !sched.hasRoom(onlyNew, minCpu, minMemory)) {
        // The pods after it stay queued, in order.
        queue.moveRestAndTruncate(i + 1, kept);
        return;
      }
    }
    queue.truncate(kept);
  };

  /** Pods become Pending (in this order) and kube-scheduler tries them on the nodes that are up. */
  const arrive = (list: readonly Pod[]): void => {
    const arriving = list.map((p) => entryOf(p));
    for (const e of arriving) {
      // The order of its last arrival (a pod that arrives again takes the count of pods that ever arrived).
      e.arrival = arrivals;
      if (!e.arrived) {
        e.arrived = true;
        arrivals += 1;
      }
    }
    const left = new WaitQueue(arriving.sort(queueOrder));
    pass(left);
    pending.merge(left.toArray(), queueOrder);
  };

  /** The autoscaler's pass over the pending pods no booting node is meant for. Returns how many nodes it launched. */
  const autoscale = (batch: number): number => {
    const stuck: Entry[] = [];
    for (let i = 0; i < pending.length; i++) if (pending.at(i).coveredBy === null) stuck.push(pending.at(i));
    if (stuck.length === 0) return 0;
    // sim/autoscaler.ts hands scaleUp() its pending pods by namespace/name; its answers come back in that order.
    stuck.sort(byName);
    const view: BootingView[] = booting.map((b) => {
      const name = b.node.name;
      const held = (e: Entry): boolean => e.pod.owner?.kind === 'DaemonSet' || e.coveredBy === name;
      if (b.dirty) {
        b.view = b.pods.filter(held);
        b.dirty = false;
      } else {
        for (let i = b.viewOf; i < b.pods.length; i++) {
          const e = b.pods[i] as Entry;
          if (held(e)) b.view.push(e);
        }
      }
      b.viewOf = b.pods.length;
      return { node: b.node, pods: b.view };
    });
    const result = scaleUp(
      scaleUpInputOf({
        cluster,
        vngs: input.vngs,
        catalog,
        observed,
        ...(input.allocatable ? { allocatable: input.allocatable } : {}),
        architectures,
        scheduler: sched,
        nodes,
        podOf: (e) => e.pod,
        pendingPodOf: (e) => (e.asPending ??= e.pod.nodeName === null ? e.pod : { ...e.pod, nodeName: null }),
        launched: launchedNodes,
        booting: view,
        pending: stuck,
        whole: input.wholeAutoscalerView === true,
      }),
    );
    result.placements.forEach((pl, i) => {
      const e = stuck[i];
      const b = pl === null || pl.vng !== null ? undefined : bootingNamed.get(pl.node);
      if (!b || !e) return;
      b.pods.push(e);
      if (b.members.has(e)) b.dirty = true;
      else b.members.add(e);
      cover(e, b.node.name);
    });
    const round = (roundsOf.get(batch) ?? 0) + 1;
    const fresh: Booting[] = [];
    for (const n of result.newNodes) {
      const vng = vngByName.get(n.vng);
      if (!vng) continue;
      const ordinal = (ordinals.get(vng.name) ?? 0) + 1;
      ordinals.set(vng.name, ordinal);
      const name = `${vng.name}-b${batch}-${String(ordinal).padStart(3, '0')}`;
      const model = bootingNodeModel({ name, instanceId: `i-expected-${launches.size + 1}`, vng, instanceType: n.instanceType, zone: n.zone ?? `${region}a` }, launchCtx);
      if (!model) continue;
      launchedNodes.push({ vng: vng.name, instanceType: n.instanceType });
      launches.set(name, {
        node: model.node,
        daemonPods: model.daemonPods,
        vng: vng.name,
        batch,
        round,
        price: n.priceUsdPerHour,
        daemonSets: n.daemonSets,
        maxPods: n.maxPods,
        maxPodsSource: n.maxPodsSource,
        rootVolumeSizeGiB: n.rootVolumeSizeGiB,
      });
      const meant = n.pods.map((i) => stuck[i]).filter((e): e is Entry => e !== undefined);
      for (const e of meant) cover(e, name);
      const members = new Set(meant);
      fresh.push({
        node: model.node,
        pods: [...model.daemonPods.map((d) => entryOf(d, undefined, -1, daemonKeyOf(d))), ...meant],
        readyAt: now + readyDelay(n.instanceType),
        view: [],
        viewOf: 0,
        dirty: members.size !== meant.length,
        members,
      });
    }
    for (const b of fresh) bootingNamed.set(b.node.name, b);
    if (fresh.length > 0) roundsOf.set(batch, round);
    booting.push(...fresh.sort(readyOrder));
    return fresh.length;
  };

  /** A booting node (the first one unless told) turns Ready: its DaemonSet pods start, and kube-scheduler places what it can there. */
  const nodeUp = (index = 0): void => {
    const [b] = booting.splice(index, 1);
    if (!b) return;
    bootingNamed.delete(b.node.name);
    const l = launches.get(b.node.name) as Launch;
    lastUp = { launch: l, readyAt: b.readyAt };
    nodes.set(b.node.name, b.node);
    sched.addNode(b.node, true);
    for (const d of l.daemonPods) {
      const e = entryOf(d, keyOf(d));
      e.role = 'fixed';
      place(e, b.node.name);
    }
    for (const e of coveredOn.get(b.node.name) ?? []) e.coveredBy = null;
    coveredOn.delete(b.node.name);
    pass(pending, b.node.name);
  };

  /**
   * Nodes turn Ready and the autoscaler scales up again for what they leave Pending, until `stop` holds, nothing is left,
   * or the nodes a scale-up launched placed no pod (the pods stay Pending, as a run would leave them).
   */
  const runUntil = (batch: number, stop: () => boolean): void => {
    let idle = 0;
    let before = pending.length;
    lastUp = null;
    while (!stop()) {
      if (booting.length > 0) {
        nodeUp();
        continue;
      }
      if (pending.length === 0) return;
      if (pending.length === before) idle += 1;
      else idle = 0;
      before = pending.length;
      const rounds = (roundsOf.get(batch) ?? 0) - (periodRounds.get(batch) ?? 0);
      if (idle > 1 || rounds >= MAX_ROUNDS || autoscale(batch) === 0) return;
    }
    // The nodes one look launched turn Ready within moments of each other: those of the last node's launch that are not
    // slower to boot (readyAt) turn Ready with it, not after the next batch's evictions (which they would otherwise see
    // still booting). lastUp is set by nodeUp, which TypeScript's narrowing does not see.
    const up = lastUp as LastUp | null;
    if (up === null) return;
    for (let i = 0; i < booting.length; ) {
      const b = booting[i] as Booting;
      const l = launches.get(b.node.name) as Launch;
      if (l.batch === up.launch.batch && l.round === up.launch.round && b.readyAt <= up.readyAt) nodeUp(i);
      else i += 1;
    }
  };

  /** Booting nodes due by `now` turn Ready (in the order they would anyway). */
  const upDue = (): void => {
    for (let i = 0; i < booting.length; ) {
      if ((booting[i] as Booting).readyAt <= now) nodeUp(i);
      else i += 1;
    }
  };

  /**
   * An evicted pod stays on its node, terminating: its record there is handed back (null when it has none), to be removed
   * once the batch's first wave is out, and the entry is free to be placed again (its replacement, a second record). The
   * record keeps its place in its node's and its class's lists, where moving it under a second key used to put it last:
   * no batch lists a node's pods while copies terminate, and in podsOfClasses (the scale-up view, which sorts the pods by
   * namespace/name, keeping the order of equal ones) the copy comes before its replacement either way.
   */
  const terminate = (p: Pod): PlacedPod<Entry> | null => {
    const e = entryOf(p);
    const record = e.placed;
    e.placed = null;
    return record !== null && !record.removed ? record : null;
  };
  /** Removes the pod's record (a pod evicted or deleted for good: no terminating copy stays). */
  const unplace = (e: Entry): void => {
    if (e.placed !== null) sched.removePod(e.placed);
    e.placed = null;
  };

  /** cordonAllAtStart: the old nodes the executor cordons before the first batch (those not cordoned already). */
  const oldCount = input.params.cordonAllAtStart ? input.batches.flat().filter((n) => nodes.get(n)?.unschedulable === false).length : 0;
  const batchCount = Math.max(1, input.batches.length);
  for (let b = 0; b < batchCount; b++) {
    input.onProgress?.({ phase: 'expected fleet', done: b, total: batchCount, unit: 'batches' });
    const batch = b + 1;
    const batchNodes = input.batches[b] ?? [];
    for (const name of batchNodes) {
      const n = nodes.get(name);
      if (n && !n.unschedulable) nodes.set(name, { ...n, unschedulable: true });
      sched.setSchedulable(name, false);
    }
    /** Every pod the executor's first pass sends a request for: the moving pods and those not replaced. */
    const tried: Entry[] = [];
    const byPodKey: Entry[] = [];
    for (const name of batchNodes) {
      for (const { pod: e } of sched.podsOn(name)) {
        if (e.role === 'moving') {
          byPodKey.push(e);
          tried.push(e);
        } else if (e.role === 'deleted') {
          tried.push(e);
          unplace(e);
        }
      }
    }
    byPodKey.sort(byName);
    const evicted = byPodKey.map((e) => e.pod);
    currentBatch = batch;
    for (const e of byPodKey) e.batch = batch;
    batchSize = evicted.length;
    batchPlaced = 0;
    const wave = evictionWaves(evicted, input);
    const firstWave = evicted.filter((p) => (wave.get(p) ?? 0) === 0);
    // The evicted pods terminate on their old nodes while kube-scheduler and the autoscaler look; ReplicaSet and Job
    // replacements arrive as their pod is evicted, StatefulSet pods once the old pod is gone. The evictions go out one
    // request after the other: the autoscaler looks once per period and launches for the replacements Pending by then,
    // and the nodes it launched early in a long batch turn Ready while the batch's last evictions still go out.
    const atOnce = firstWave.filter((p) => p.owner?.kind !== 'StatefulSet' || p.terminationGracePeriodSeconds === 0);
    const early = new Set(atOnce);
    const terminating: PlacedPod<Entry>[] = [];
    // Nodes still booting from the batch before keep what was left of their launch when its evictions ended.
    for (const x of booting) x.readyAt = Math.max(0, x.readyAt - now);
    now = 0;
    evictionPeriods(firstWave, batchNodes.length, input.launcher === 'engine' ? undefined : timing, {
      deletes: !input.params.respectPdb,
      cordonedAtStart: input.params.cordonAllAtStart,
      // By namespace/name: byName compares the input's pods by rank (the order their keys sort in), not key by key.
      tryOrder: tried.sort(byName).map((e) => e.pod),
      ...(b === 0 && input.params.cordonAllAtStart ? { requestsBefore: cordonAllRequests(oldCount) } : {}),
    }).forEach((these, period) => {
      if (period > 0) {
        now = period * (timing?.autoscalerIntervalSeconds ?? 0);
        upDue();
      }
      for (const p of these) {
        const record = terminate(p);
        if (record !== null) terminating.push(record);
      }
      arrive([...(b === 0 && period === 0 ? waiting : []), ...these.filter((p) => early.has(p))]);
      autoscale(batch);
    });
    periodRounds.set(batch, roundsOf.get(batch) ?? 0);
    for (const record of terminating) sched.removePod(record);
    arrive(firstWave.filter((p) => !early.has(p)));
    autoscale(batch);
    // The evictions a PDB held back go one budget at a time, each once the replacements before it run.
    for (const w of [...new Set(wave.values())].filter((x) => x > 0).sort((x, y) => x - y)) {
      runUntil(batch, () => false);
      const these = evicted.filter((p) => wave.get(p) === w);
      for (const p of these) unplace(entryOf(p));
      arrive(these);
      autoscale(batch);
    }
    // The next batch starts once batchMinHealthyPercentage of this one's pods run elsewhere: nodes still booting then, and
    // the pods waiting for them, carry over.
    const healthy = (): boolean => batchSize === 0 || (100 * batchPlaced) / batchSize >= input.params.batchMinHealthyPercentage;
    runUntil(batch, () => b + 1 < batchCount && healthy());
    // The replacements take a while to start and be Ready: by then the autoscaler has launched for the pods still stuck.
    autoscale(batch);

    if (input.params.shouldTerminateDrainedNodes) {
      for (const name of batchNodes) {
        if (sched.podsOn(name).some(({ pod: e }) => e.role === 'stays' || e.role === 'moving')) continue;
        sched.removeNode(name);
        nodes.delete(name);
      }
    }
  }
  runUntil(batchCount, () => false);
  input.onProgress?.({ phase: 'expected fleet', done: batchCount, total: batchCount, unit: 'batches' });
  const perBatch = input.batches.map((_, i) => [...launches.values()].filter((l) => l.batch === i + 1).length);

  const newNodes: ExpectedNode[] = [...launches.values()]
    .filter((l) => sched.hasNode(l.node.name))
    .map((l) => {
      const name = l.node.name;
      return {
        name,
        vng: l.vng,
        instanceType: l.node.instanceType ?? '',
        zone: l.node.zone ?? '',
        batch: l.batch,
        round: l.round,
        priceUsdPerHour: l.price,
        allocatable: l.node.allocatable,
        requested: sched.requested(name) ?? {},
        pods: sched.podsOn(name).filter(({ pod: e }) => (e.rank >= 0 ? movingKeys.atRank[e.rank] === 1 : movingKeys.has(e.key))).length,
        daemonSets: l.daemonSets,
        maxPods: l.maxPods,
        maxPodsSource: l.maxPodsSource,
        rootVolumeSizeGiB: l.rootVolumeSizeGiB,
      };
    });
  return { newNodes, perBatch, pending: pending.toArray().sort(byName).map((e) => e.key) };
}

/** An input pod and its namespace/name. */
interface KeyedPod {
  readonly p: Pod;
  readonly k: string;
}

/**
 * Which namespace/name keys are those of moving pods, as a Set of the moving pods' keys tells, without making and hashing
 * a key per moving pod (on the 150,000-pod plan, building and querying that Set was a sizeable part of the model's own
 * time). `byKey`: the input's pods (those not finished) sorted by key. `atRank[i]` is 1 when byKey[i]'s key is a moving
 * pod's; `has` answers for any key (a DaemonSet pod of a launched node is not in `byKey`).
 *
 * When every moving pod is one of `byKey` (buildPlan takes them from the cluster's pods), a key is a moving pod's exactly
 * when the pod with that key (keys are unique there) is moving, found by identity; any other key is looked up by binary
 * search in `byKey`. When one is not (a caller's own copies), the Set of keys is made, as before.
 */
function movingKeysOf(byKey: readonly KeyedPod[], moving: readonly Pod[]): { readonly atRank: Uint8Array; has(key: string): boolean } {
  const movingPods = new Set(moving);
  const atRank = new Uint8Array(byKey.length);
  /** The moving pods met in `byKey` (its keys are unique: expectedFleet refuses two pods of one namespace/name). */
  let met = 0;
  byKey.forEach(({ p }, i) => {
    if (!movingPods.has(p)) return;
    atRank[i] = 1;
    met += 1;
  });
  if (met === movingPods.size) {
    const has = (key: string): boolean => {
      // The first of `byKey` whose key is not before `key`.
      let lo = 0;
      let hi = byKey.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cmp((byKey[mid] as KeyedPod).k, key) < 0) lo = mid + 1;
        else hi = mid;
      }
      return lo < byKey.length && (byKey[lo] as KeyedPod).k === key && atRank[lo] === 1;
    };
    return { atRank, has };
  }
  const keys = new Set(moving.map(keyOf));
  byKey.forEach(({ k }, i) => {
    atRank[i] = keys.has(k) ? 1 : 0;
  });
  return { atRank, has: (key) => keys.has(key) };
}

/**
 * The first wave's evictions (in the engine's order) by the autoscaler period whose look first sees them Pending: eviction
 * i goes out once the batch's i + 1 evictions and its other requests (drainOverheadRequests, as the batch estimate
 * counts them) have had their round trips under the client's rate limit. The first look
 * sees what went out in the first full period: a batch evicted within one period gets one scale-up, as before (the
 * rehearsal's look falls inside so short a span only sometimes: sim-planner-agreement's 500 worlds keep their spread).
 * Without a timing model, one period holds them all. Without respectPdb (`deletes`) the executor deletes the pods: each
 * takes a plain request's round trip. With cordonAllAtStart (`cordonedAtStart`) the batch's nodes are cordoned already.
 * `tryOrder`: every pod the executor's first pass sends a request for, in its order (namespace/name: the batch's moving
 * pods and those not replaced): an eviction a PodDisruptionBudget refuses costs its request too, so a first-wave pod goes
 * out after every request before it (without `tryOrder`, after the first-wave pods before it). `requestsBefore`: requests
 * made just before the batch in the same reconcile (cordonAllAtStart's cordons before the first batch), which leave the
 * burst spent.
 */
export function evictionPeriods(
  firstWave: readonly Pod[],
  nodes: number,
  timing: Pick<TimingModel, 'autoscalerIntervalSeconds' | 'clientQps' | 'clientBurst' | 'apiLatencySeconds' | 'evictLatencySeconds'> | undefined,
  how: { readonly deletes?: boolean; readonly cordonedAtStart?: boolean; readonly tryOrder?: readonly Pod[]; readonly requestsBefore?: number } = {},
): Pod[][] {
  if (timing === undefined || timing.autoscalerIntervalSeconds <= 0 || firstWave.length === 0) return [[...firstWave]];
  const periods: Pod[][] = [];
  const cordons = drainOverheadRequests(nodes, how.cordonedAtStart === true);
  const position = how.tryOrder !== undefined ? new Map(how.tryOrder.map((p, i) => [p, i])) : null;
  const before = how.requestsBefore ?? 0;
  const paced = before > 0 ? { ...timing, clientBurst: Math.max(0, timing.clientBurst - before) } : timing;
  firstWave.forEach((p, i) => {
    const k = position === null ? i : position.get(p);
    if (k === undefined) throw new Error(`evictionPeriods: pod ${p.namespace}/${p.name} of the first wave is not in tryOrder`);
    const at = apiCallsSeconds(paced, cordons + k + 1, how.deletes === true ? 0 : k + 1, unawaitedRequests(nodes, how.cordonedAtStart === true));
    const period = Math.floor(at / timing.autoscalerIntervalSeconds);
    while (periods.length <= period) periods.push([]);
    (periods[period] as Pod[]).push(p);
  });
  return periods;
}

/**
 * Per evicted pod (`evicted` in the engine's eviction order, namespace/name), the wave its eviction goes in: 0 at once;
 * with respectPdb, a PDB that allows `a` evictions at a time lets the batch's pods it covers go `a` at a time, wave k for the k-th
 * budget after the first. A PDB that allows none holds its pods to the last wave (they go when eviction is forced).
 */
function evictionWaves(evicted: readonly Pod[], input: ExpectedFleetInput): Map<Pod, number> {
  const wave = new Map<Pod, number>();
  if (!input.params.respectPdb) return wave;
  const covered = new Map<number, Pod[]>();
  for (const p of evicted) {
    for (const k of input.pdbs.of.get(p) ?? []) {
      const list = covered.get(k);
      if (list) list.push(p);
      else covered.set(k, [p]);
    }
  }
  for (const [k, list] of covered) {
    const allowed = input.pdbs.allowed[k] ?? 0;
    list.forEach((p, i) => {
      const w = allowed > 0 ? Math.floor(i / allowed) : list.length;
      wave.set(p, Math.max(wave.get(p) ?? 0, w));
    });
  }
  return wave;
}
