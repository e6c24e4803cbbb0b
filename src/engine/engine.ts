/**
 * The migration state machine, as Ocean runs a workload migration: take the next batch of old nodes, cordon them, evict their
 * pods (PDB refusals retried with backoff), wait until enough of the batch's pods run and are Ready elsewhere, terminate the
 * drained instances, go on. Stop, resume after a crash, and the seven failure codes.
 *
 * Each `step()` is one reconcile: observe through the ports, decide, persist the decision, act. Every action is idempotent, and
 * the state is saved before acting, so a process that dies anywhere resumes by loading the state and reconciling again.
 */
import { saveFinalState } from './final-save.js';
import { FAILURE_MESSAGES, FAILURE_REMEDIES, type FailureCode } from '../model/failures.js';
import { honouredOptOut } from '../model/kube/disruption-opt-out.js';
import { PortError, type NodeView, type PodView, type Ports, type SnapshotIndex } from './ports.js';
import { answersFor } from './scope.js';
import { indexOf, withNodes } from './snapshot-index.js';
import { noteChanged, sameParts, stateParts, tellChanges } from './state-text.js';
import { addEvicted, closeBatchRecord, isTerminal, type BatchState, type MigrationState, type OldNodePhase } from './state.js';

const podKey = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;

/** Pods the migration must move off a node: not DaemonSet, not mirror, not finished. */
function isMovable(p: PodView): boolean {
  return !p.isDaemonSet && !p.isMirror && p.phase !== 'Succeeded' && p.phase !== 'Failed';
}

function healthy(p: PodView): boolean {
  return (p.phase === 'Running' && p.ready && !p.terminating) || (p.phase === 'Succeeded' && p.ownerKind === 'Job');
}

/**
 * The health gate's sets for a batch (its nodes, its baseline as of `baselineSize` pods) and each controller's count of
 * healthy replacements in the pod list it was counted in: a snapshot that hands out the same list (a port may keep a
 * controller's list while none of its pods changed) gets the same count.
 */
interface HealthGate {
  readonly baselineOf: readonly string[];
  readonly baselineSize: number;
  readonly baseline: ReadonlySet<string>;
  readonly inBatch: ReadonlySet<string>;
  readonly healthyOf: Map<string, { readonly list: readonly PodView[]; readonly healthy: number }>;
}

interface BaselineIndex {
  readonly list: readonly string[];
  size: number;
  readonly uids: Set<string>;
}

interface EvictedIndex {
  size: number;
  readonly pods: Set<string>;
  readonly owners: Set<string>;
}

/** Whether a pod of the removal list is still on its node and not terminating (by uid: a StatefulSet's replacement keeps the name). */
function stillThere(snap: SnapshotIndex, r: { readonly uid: string; readonly node: string | null }): boolean {
  const seen = r.node === null ? undefined : snap.podsOn(r.node).find((p) => p.uid === r.uid);
  return seen !== undefined && !seen.terminating;
}

/** Whether a node holds pods the migration would move (see isMovable). */
function holdsMovable(snap: SnapshotIndex, node: string): boolean {
  return snap.podsOn(node).some(isMovable);
}

/** A batch's node list (never changed once made) as a set, made once per list. */
const nodeSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function nodeSetOf(nodes: readonly string[]): ReadonlySet<string> {
  let set = nodeSets.get(nodes);
  if (set === undefined) nodeSets.set(nodes, (set = new Set(nodes)));
  return set;
}

export class MigrationEngine {
  private state: MigrationState;
  /** The pieces of the text last saved (state-text.ts), to skip a save that would write the same text. */
  private lastSaved: readonly string[] = [];
  /** The last snapshot read (its lookups), so a failure report can name the pods still on their way. */
  private lastSnapshot: SnapshotIndex | null = null;
  /** Pods (by uid) already traced as kept because they ask not to be disrupted: traced once per engine process. */
  private readonly keptTraced = new Set<string>();
  private readonly evictedIndexes = new WeakMap<BatchState, EvictedIndex>();
  private readonly baselineIndexes = new WeakMap<BatchState, BaselineIndex>();
  /**
   * Which removal requests' answers may have been lost since the last look (settleRemovals): 'all' the listed ones (the
   * engine resumed from a saved state: the process before it may have died with a request out, or with answers it had
   * not saved yet), or the uid of the one request out when an error cut a pass short; null when none.
   */
  private lost: 'all' | string | null = null;
  /** The uid of the removal request out (between the call and its answer recorded), else null. */
  private inFlight: string | null = null;
  /** Whether the migration had already ended when this engine took it (resumed on a Completed, Failed or Stopped state). */
  private readonly startedEnded: boolean;
  private readonly healthGates = new WeakMap<BatchState, HealthGate>();

  constructor(
    private readonly ports: Ports,
    state: MigrationState,
  ) {
    this.state = state;
    this.startedEnded = isTerminal(state.status);
    // This engine makes every change of these records, and tells each (so a save reuses their text while unchanged).
    tellChanges(state.nodePhase);
    tellChanges(state.evictRetry);
    tellChanges(state.lastEvictedAt);
  }

  private setNodePhase(name: string, phase: OldNodePhase): void {
    this.state.nodePhase[name] = phase;
    noteChanged(this.state.nodePhase, name);
  }

  /** Resumes from the state persisted in the cluster, or starts the given one. */
  static async resumeOrStart(ports: Ports, fresh: MigrationState): Promise<MigrationEngine> {
    const saved = await ports.cluster.loadState(fresh.id);
    const engine = new MigrationEngine(ports, saved ?? fresh);
    // The process that saved this state may have died with a request out.
    engine.lost = saved !== null ? 'all' : null;
    engine.trace(saved ? 'migration.resumed' : 'migration.started', `Migration ${fresh.id}`, { status: (saved ?? fresh).status });
    return engine;
  }

  get current(): Readonly<MigrationState> {
    return this.state;
  }

  /** Runs reconciles until the migration ends (Completed, Failed or Stopped). */
  async run(): Promise<MigrationState> {
    while (!isTerminal(this.state.status)) {
      await this.step();
      if (isTerminal(this.state.status)) break;
      await this.ports.clock.sleep(this.state.settings.intervalSeconds);
    }
    await this.finish();
    return this.state;
  }

  /**
   * What an ended migration still does (run() calls it; so does a caller that drives step() itself, once the status is
   * terminal): a Failed one gives back the old nodes it cordoned at the start whose batch never started
   * (uncordonAfterFailure), then the final state is saved. Both retry a transient API error each interval, within one
   * connectivityLostSeconds window, so the end of a run is bounded. Idempotent: an engine resumed on a Failed state (the
   * process died before the cleanup was over) finishes it.
   */
  async finish(): Promise<void> {
    const since = this.now();
    if (this.state.status === 'Failed') await this.uncordonAfterFailure(since);
    await saveFinalState(
      async () => {
        this.lookAtEnd();
        await this.persist();
      },
      this.ports.clock,
      this.state.settings,
      since,
      (e) => this.trace('state.unsaved', `Migration ${this.state.id}`, { error: e.kind, message: e.message }),
    );
    this.unsettledAtEnd();
  }

  /**
   * The run's last look at the cluster, before each try of the final save (a failure for lost connectivity ends the run
   * blind; the API may be back by the time the state can be saved): the removal answers that may have been lost are looked
   * at (a run can end before a reconcile looked) and the list goes; a Failed run's report names every pod the migration
   * moved that is not running and Ready yet as the cluster is now, besides those it named when it failed. Nothing when the
   * cluster cannot be read.
   */
  private lookAtEnd(): void {
    // An engine resumed on an ended migration with no removal list has nothing to look at (it only finishes the cleanup).
    if (this.startedEnded && this.state.removing === undefined) return;
    let snap: SnapshotIndex;
    try {
      snap = indexOf(this.ports.cluster.snapshot());
    } catch (e) {
      if (!(e instanceof PortError)) throw e;
      return;
    }
    this.lastSnapshot = snap;
    const s = this.state;
    if (s.removing !== undefined) this.settleRemovals(snap);
    if (s.status === 'Failed' && s.failure !== null) {
      this.nameInFailure(this.outstandingPods(snap).map((p) => `Pod ${podKey(p)}`));
    }
  }

  /** Adds objects to a Failed run's report (sorted, each once); nothing without a failure. */
  private nameInFailure(objects: readonly string[]): void {
    const f = this.state.failure;
    if (f === null) return;
    const all = [...new Set([...f.objects, ...objects])].sort();
    if (all.length !== f.objects.length) this.state.failure = { ...f, objects: all };
  }

  /**
   * When no last look could read the cluster, the removal list still there goes, and a Failed run's report names the
   * listed pods not recorded as removed: they may be gone.
   */
  private unsettledAtEnd(): void {
    const s = this.state;
    const intent = s.removing;
    if (intent === undefined) return;
    if (this.lost !== null) {
      const batch = s.batches[intent.batch];
      const removed = batch === undefined ? new Set<string>() : this.evictedIndex(batch).pods;
      const unknown = intent.pods.filter((r) => !removed.has(r.pod)).map((r) => `Pod ${r.pod}`);
      this.nameInFailure(unknown);
      this.trace('removals.unsettled', `Migration ${s.id}`, { pods: unknown.length });
    }
    delete s.removing;
  }

  private now(): number {
    return this.ports.clock.now();
  }

  private trace(kind: string, object: string, detail?: Record<string, string | number | boolean | null>): void {
    this.ports.trace.record({ t: this.now(), kind, object, ...(detail ? { detail } : {}) });
  }

  private async persist(): Promise<void> {
    const parts = stateParts(this.state);
    if (sameParts(parts, this.lastSaved)) return;
    await this.ports.cluster.saveState(this.state);
    this.lastSaved = parts;
  }

  private fail(code: FailureCode, why: string, objects: readonly string[]): void {
    const s = this.state;
    s.status = 'Failed';
    s.erroredAt = this.now();
    // Besides the objects behind the code, the report names every pod the migration moved that is not running and Ready
    // yet, whatever the reason: nothing it evicted goes unaccounted for.
    const moving = this.lastSnapshot === null ? [] : this.outstandingPods(this.lastSnapshot).map((p) => `Pod ${podKey(p)}`);
    const all = [...new Set([...objects, ...moving])].sort();
    s.failure = { code, message: FAILURE_MESSAGES[code], why, remedy: FAILURE_REMEDIES[code], objects: all, at: this.now() };
    this.trace('migration.failed', `Migration ${s.id}`, { code, why });
  }

  /** One reconcile. */
  async step(): Promise<void> {
    const s = this.state;
    if (isTerminal(s.status)) return;
    let snap: SnapshotIndex;
    try {
      snap = indexOf(this.ports.cluster.snapshot());
      this.lastSnapshot = snap;
      const stop = await this.ports.cluster.stopRequest(s.id);
      if (stop && !s.stop) {
        s.stop = stop;
        this.trace('migration.stop-requested', `Migration ${s.id}`, { terminateDrained: stop.terminateDrained });
      }
    } catch (e) {
      if (!(e instanceof PortError)) throw e;
      this.apiTrouble(e);
      await this.safePersist();
      return;
    }
    this.settleRemovals(snap);
    if (s.apiLostSince !== null) {
      this.trace('api.restored', 'API', { lostSeconds: this.now() - s.apiLostSince });
      s.apiLostSince = null;
    }
    try {
      await this.ports.capacity.reconcile();
      if (s.stop && s.status === 'Running') {
        s.status = 'Stopping';
        this.trace('migration.stopping', `Migration ${s.id}`);
      }
      if (s.status === 'Stopping') await this.stopStep(snap);
      else await this.runStep(snap);
    } catch (e) {
      if (!(e instanceof PortError)) throw e;
      this.apiTrouble(e);
    }
    await this.safePersist();
  }

  private async safePersist(): Promise<void> {
    try {
      await this.persist();
    } catch (e) {
      if (!(e instanceof PortError)) throw e;
      this.apiTrouble(e);
    }
  }

  private apiTrouble(e: PortError): void {
    const s = this.state;
    if (!e.transient) {
      // A permanent refusal outside the actions that have their own code: treat as lost access.
      this.fail('ConnectivityLost', `the API refused the engine: ${e.message}`, []);
      return;
    }
    if (s.apiLostSince === null) {
      s.apiLostSince = this.now();
      this.trace('api.lost', 'API', { error: e.kind, message: e.message });
    }
    if (this.now() - s.apiLostSince > s.settings.connectivityLostSeconds && !isTerminal(s.status)) {
      this.fail('ConnectivityLost', `the API has been unreachable for ${this.now() - s.apiLostSince}s (${e.message})`, []);
    }
  }

  // ---- Running ----

  private async runStep(observed: SnapshotIndex): Promise<void> {
    let snap = observed;
    const s = this.state;
    this.checkCapacity(snap);
    if (isTerminal(s.status) || this.checkOutstanding(snap)) return;
    if (s.params.cordonAllAtStart && s.cordonedAllAt === null) snap = await this.cordonAll(snap);
    const batch = s.batches[s.current];
    if (!batch) {
      if (this.outstandingPods(snap).length === 0) {
        s.status = 'Completed';
        s.completedAt = this.now();
        this.trace('migration.completed', `Migration ${s.id}`);
      }
      return;
    }
    if (batch.phase === 'pending') this.startBatch(batch, snap);
    if (batch.phase === 'draining') await this.drain(batch, snap);
    if (batch.phase === 'waiting') this.waitHealthy(batch, snap);
    if (batch.phase === 'terminating') await this.terminate(batch, snap);
    if (batch.phase === 'done') {
      s.current += 1;
    }
    if (!isTerminal(s.status) && batch.startedAt !== null && batch.phase !== 'done') {
      if (this.now() - batch.startedAt > s.params.batchTimeBudgetSeconds) {
        const blocked = Object.keys(s.evictRetry).map((p) => `Pod ${p}`);
        this.fail(
          'TechnicalTimeout',
          `batch ${s.current + 1} ran past its ${s.params.batchTimeBudgetSeconds}s budget in phase ${batch.phase}${blocked.length > 0 ? ' with evictions still refused by PodDisruptionBudgets' : ''}`,
          [...batch.nodes.map((n) => `Node ${n}`), ...blocked],
        );
      }
    }
  }

  /**
   * cordonAllAtStart: every old node of the plan is cordoned before the first eviction, so no evicted pod lands on an old node
   * of a later batch (it would be evicted again). Write-ahead as in startBatch: the nodes are marked 'cordoned' and saved
   * before any cordon call, so a stop after a crash uncordons them (or only marks them when the cordon never landed); a resumed
   * engine cordons the marked nodes not cordoned yet, until cordonedAllAt is saved. A node already cordoned (by an operator)
   * is not the migration's: it stays 'waiting' until its batch starts, as without the parameter.
   */
  private async cordonAll(snap: SnapshotIndex): Promise<SnapshotIndex> {
    const s = this.state;
    for (const { name } of s.oldNodes) if (snap.node(name)?.unschedulable === false && s.nodePhase[name] === 'waiting') this.setNodePhase(name, 'cordoned');
    await this.persist();
    const batchOf = new Map<string, number>();
    s.batches.forEach((b, i) => {
      for (const n of b.nodes) batchOf.set(n, i + 1);
    });
    const done = new Map<string, NodeView>();
    for (const { name } of s.oldNodes) {
      const node = snap.node(name);
      if (s.nodePhase[name] !== 'cordoned' || node?.unschedulable !== false) continue;
      await this.ports.cluster.cordon(name);
      done.set(name, { ...node, unschedulable: true });
      this.trace('node.cordoned', `Node ${name}`, { atStart: true });
      void this.ports.cluster
        .recordEvent('Node', '', name, 'MigrationCordon', `vngshift migration ${s.id}: cordoned at the start of the migration (batch ${batchOf.get(name) ?? '-'})`)
        .catch(() => undefined);
    }
    s.cordonedAllAt = this.now();
    this.trace('migration.cordoned-all', `Migration ${s.id}`, { nodes: Object.values(s.nodePhase).filter((p) => p === 'cordoned').length });
    await this.persist();
    // The rest of this reconcile sees the nodes as cordoned (its snapshot was read before the cordons).
    return withNodes(snap, done);
  }

  private startBatch(batch: BatchState, snap: SnapshotIndex): void {
    const s = this.state;
    batch.phase = 'draining';
    batch.startedAt = this.now();
    // Write-ahead for the cordons drain() is about to make: a process that dies after a cordon reached the API but before
    // the phase was saved must still know, when it resumes into a stop, that the node may be cordoned (stopStep uncordons
    // 'cordoned' nodes, or just marks them uncordoned when the cordon never landed).
    for (const name of batch.nodes) if (snap.node(name) !== undefined && s.nodePhase[name] === 'waiting') this.setNodePhase(name, 'cordoned');
    this.trace('batch.started', `Batch ${s.current + 1}`, { nodes: batch.nodes.length });
    // Saved by drain(), which follows at once and saves before its first call.
  }

  private async drain(batch: BatchState, snap: SnapshotIndex): Promise<void> {
    const s = this.state;
    const p = s.params;
    // Write-ahead as in startBatch, for a node that was missing from the snapshot then.
    for (const name of batch.nodes) if (snap.node(name) !== undefined && s.nodePhase[name] === 'waiting') this.setNodePhase(name, 'cordoned');
    const now = this.now();
    let remaining = 0;
    // The batch's movable pods in namespace/name order (a pod is on one node; a node named twice in a hand-edited state
    // is read once).
    const candidates = [...new Set(batch.nodes)]
      .flatMap((name) => snap.podsOn(name).filter(isMovable))
      .map((pod) => ({ pod, key: podKey(pod) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.pruneRemovals(batch, snap);
    const requests: { pod: PodView; key: string; force: boolean }[] = [];
    for (const { pod, key } of candidates) {
      // A pod that asks not to be disrupted (and the parameters honour it) stays where it is, like a stand-alone pod that is
      // not evicted: it is not waited for, and terminate() keeps its node. One already terminating is waited for until gone.
      const optOut = pod.terminating ? null : honouredOptOut(pod.disruptionOptOuts, p);
      if (optOut !== null) {
        if (!this.keptTraced.has(pod.uid)) {
          this.keptTraced.add(pod.uid);
          this.trace('pod.kept', `Pod ${key}`, { node: pod.nodeName, reason: optOut });
        }
        continue;
      }
      if (pod.ownerUid === null && !p.shouldEvictStandAlonePods) continue;
      remaining += 1;
      if (pod.terminating) continue;
      const retry = s.evictRetry[key];
      if (retry && retry.nextAt > now) continue;
      const force = !p.respectPdb || (p.forcePodEvictionOnPdbFailure && retry !== undefined && now - retry.firstBlockedAt >= p.drainTimeThresholdSeconds);
      requests.push({ pod, key, force });
    }
    // Write-ahead: the batch's requests (and the baselines of the controllers whose first pod they take) are saved with the
    // cordon phases before any call, so an engine that dies between a request and its answer still reports the pod. The
    // list holds every pod the drain has asked for so far: a later pass (PDB retries) asks again for pods already on it,
    // and then has nothing new to save.
    if (requests.length > 0) {
      const protectedOwners = new Set<string>();
      for (const r of requests) this.protectBaseline(batch, r.pod, snap, protectedOwners);
      const before = s.removing?.batch === s.current ? s.removing : undefined;
      const listed = new Set(before?.pods.map((x) => x.uid));
      const added = requests.filter((r) => !listed.has(r.pod.uid)).map((r) => ({ pod: r.key, uid: r.pod.uid, node: r.pod.nodeName, ownerUid: r.pod.ownerUid }));
      if (added.length > 0) s.removing = { batch: s.current, at: now, pods: [...(before?.pods ?? []), ...added] };
    }
    await this.persist();
    for (const name of batch.nodes) {
      const node = snap.node(name);
      if (!node) continue;
      if (!node.unschedulable) {
        await this.ports.cluster.cordon(name);
        this.trace('node.cordoned', `Node ${name}`);
        void this.ports.cluster.recordEvent('Node', '', name, 'MigrationCordon', `vngshift migration ${s.id}: cordoned for batch ${s.current + 1}`).catch(() => undefined);
      }
    }
    try {
      await this.request(batch, requests, now);
    } catch (e) {
      // The request whose answer never came may have landed: the next reconcile looks at it (settleRemovals).
      if (this.inFlight !== null && this.lost === null) this.lost = this.inFlight;
      throw e;
    } finally {
      this.inFlight = null;
    }
    if (remaining === 0) {
      // Every request of the drain has its answer recorded.
      delete s.removing;
      batch.phase = 'waiting';
      batch.drainedAt = this.now();
      for (const name of batch.nodes) if (s.nodePhase[name] === 'cordoned') this.setNodePhase(name, 'drained');
      this.trace('batch.drained', `Batch ${s.current + 1}`, { evicted: batch.evictedCount });
    }
  }

  /**
   * Drops from the removal list the pods that are gone or terminating without the migration having removed them (every
   * answer of this engine is recorded by now: settleRemovals ran first), so that an engine resumed later does not take
   * them for its own. Costs a state write only when it drops one.
   */
  private pruneRemovals(batch: BatchState, snap: SnapshotIndex): void {
    const s = this.state;
    const intent = s.removing;
    if (intent === undefined || intent.batch !== s.current) return;
    const removed = this.evictedIndex(batch).pods;
    const kept = intent.pods.filter((r) => {
      if (removed.has(r.pod)) return true;
      return stillThere(snap, r);
    });
    if (kept.length !== intent.pods.length) s.removing = { ...intent, pods: kept };
  }

  /** A drain pass's requests, one after the other, each answer recorded as it comes. */
  private async request(batch: BatchState, requests: readonly { readonly pod: PodView; readonly key: string; readonly force: boolean }[], now: number): Promise<void> {
    const s = this.state;
    for (const { pod, key, force } of requests) {
      this.inFlight = pod.uid;
      if (force) {
        await this.ports.cluster.deletePod(pod.namespace, pod.name).catch((e: unknown) => {
          if (!(e instanceof PortError && e.kind === 'not-found')) throw e;
        });
        this.noteEvicted(batch, pod, 'pod.deleted');
        continue;
      }
      const outcome = await this.ports.cluster.evict(pod.namespace, pod.name);
      if (outcome.kind === 'blocked-by-pdb') {
        const retry = s.evictRetry[key];
        const attempts = (retry?.attempts ?? 0) + 1;
        const delay = Math.min(s.settings.evictionBackoffMaxSeconds, s.settings.evictionBackoffSeconds * 2 ** (attempts - 1));
        s.evictRetry[key] = { attempts, nextAt: now + delay, firstBlockedAt: retry?.firstBlockedAt ?? now };
        noteChanged(s.evictRetry, key);
        this.trace('pod.evict-blocked', `Pod ${key}`, { attempts, message: outcome.message });
      } else {
        this.noteEvicted(batch, pod, outcome.kind === 'evicted' ? 'pod.evicted' : 'pod.gone');
      }
    }
  }

  /**
   * The look at the drain's saved requests (MigrationState.removing) when some answers may have been lost: by an engine
   * resumed from a saved state (the process before it may have died between a request and its answer), or by this one
   * after an error cut a pass short (then only the request that was out). Each such listed pod that is gone, or terminating,
   * and not recorded as removed is noted as removed by the migration (the batch's evicted list, its controller's last
   * eviction, the trace, with `answerLost`); one still there and not terminating never saw its request land (or a
   * PodDisruptionBudget refused it), and the drain asks again. The controllers' baselines were saved with the requests.
   * Otherwise nothing is looked at, and each drain pass drops from the list the pods something else removed (pruneRemovals).
   * The list goes once its batch is no longer draining, or the run no longer Running.
   */
  private settleRemovals(snap: SnapshotIndex): void {
    const s = this.state;
    const intent = s.removing;
    const lost = this.lost;
    this.lost = null;
    if (intent === undefined) return;
    const batch = s.batches[intent.batch];
    if (lost !== null && batch !== undefined) {
      const removed = this.evictedIndex(batch).pods;
      for (const r of intent.pods) {
        if (lost !== 'all' && r.uid !== lost) continue;
        if (stillThere(snap, r) || removed.has(r.pod)) continue;
        // Removed no later than now: the controller's drain threshold counts from here.
        this.recordRemoval(batch, r.pod, r.ownerUid, this.now());
        this.trace('pod.gone', `Pod ${r.pod}`, { node: r.node, owner: r.ownerUid, answerLost: true });
      }
    }
    if (batch === undefined || batch.phase !== 'draining' || s.status !== 'Running') delete s.removing;
  }

  /**
   * When the first pod of a controller leaves this batch, that controller's pods running elsewhere in the reconcile's
   * snapshot were there before it left: none of them replaces it, nor any later pod of the same controller from this batch.
   * They form the batch's baseline, which the health gate skips. (The snapshot cannot hold the replacement of the pod that
   * left: the controller creates it only after it is gone, and the snapshot still shows that pod on its node.)
   */
  private protectBaseline(batch: BatchState, pod: PodView, snap: SnapshotIndex, done: Set<string>): void {
    const owner = pod.ownerUid;
    if (owner === null || done.has(owner) || this.evictedIndex(batch).owners.has(owner)) return;
    done.add(owner);
    // A controller whose pods PodDisruptionBudgets refused is protected again at each pass until one leaves: its pods
    // already listed are not listed twice.
    const listed = this.baselineIndex(batch);
    const inBatch = nodeSetOf(batch.nodes);
    for (const p of snap.podsOf(owner)) {
      if ((p.nodeName !== null && inBatch.has(p.nodeName)) || listed.uids.has(p.uid)) continue;
      batch.baseline.push(p.uid);
      listed.uids.add(p.uid);
      listed.size += 1;
    }
  }

  /** The batch's baseline as a set, kept in step with `batch.baseline` (rebuilt when it was replaced). */
  private baselineIndex(batch: BatchState): BaselineIndex {
    let index = this.baselineIndexes.get(batch);
    if (index === undefined || index.list !== batch.baseline || index.size !== batch.baseline.length) {
      index = { list: batch.baseline, size: batch.baseline.length, uids: new Set(batch.baseline) };
      this.baselineIndexes.set(batch, index);
    }
    return index;
  }

  /** The batch's evicted pods and their owners as sets, kept in step with `batch.evicted` (rebuilt when it was replaced). */
  private evictedIndex(batch: BatchState): EvictedIndex {
    let index = this.evictedIndexes.get(batch);
    if (index === undefined || index.size !== batch.evicted.length) {
      index = { size: batch.evicted.length, pods: new Set(batch.evicted.map((e) => e.pod)), owners: new Set() };
      for (const e of batch.evicted) if (e.ownerUid !== null) index.owners.add(e.ownerUid);
      this.evictedIndexes.set(batch, index);
    }
    return index;
  }

  private noteEvicted(batch: BatchState, pod: PodView, kind: string): void {
    const key = podKey(pod);
    this.recordRemoval(batch, key, pod.ownerUid, this.now());
    this.trace(kind, `Pod ${key}`, { node: pod.nodeName, owner: pod.ownerUid });
  }

  /** A pod the migration removed: off the retry list, on the batch's evicted list (once), its controller's last eviction. */
  private recordRemoval(batch: BatchState, key: string, ownerUid: string | null, at: number): void {
    const s = this.state;
    if (s.evictRetry[key] !== undefined) {
      delete s.evictRetry[key];
      noteChanged(s.evictRetry, key);
    }
    const index = this.evictedIndex(batch);
    if (!index.pods.has(key)) {
      addEvicted(batch, key, ownerUid);
      index.size += 1;
      index.pods.add(key);
      if (ownerUid !== null) index.owners.add(ownerUid);
    }
    if (ownerUid !== null) {
      s.lastEvictedAt[ownerUid] = Math.max(s.lastEvictedAt[ownerUid] ?? at, at);
      noteChanged(s.lastEvictedAt, ownerUid);
    }
  }

  /** batchMinHealthyPercentage: replacements (pods of the evicted pods' controllers not in the batch's baseline), Running and Ready, per evicted pod. */
  private waitHealthy(batch: BatchState, snap: SnapshotIndex): void {
    const s = this.state;
    const evictedByOwner = new Map<string, number>();
    for (const e of batch.evicted) if (e.ownerUid !== null) evictedByOwner.set(e.ownerUid, (evictedByOwner.get(e.ownerUid) ?? 0) + 1);
    const total = [...evictedByOwner.values()].reduce((a, b) => a + b, 0);
    const gate = this.healthGate(batch);
    let replaced = 0;
    for (const [owner, n] of evictedByOwner) {
      const list = snap.podsOf(owner);
      let kept = gate.healthyOf.get(owner);
      if (kept === undefined || kept.list !== list) {
        let healthyPods = 0;
        for (const pod of list) {
          if (gate.baseline.has(pod.uid) || (pod.nodeName !== null && gate.inBatch.has(pod.nodeName)) || !healthy(pod)) continue;
          healthyPods += 1;
        }
        kept = { list, healthy: healthyPods };
        gate.healthyOf.set(owner, kept);
      }
      replaced += Math.min(n, kept.healthy);
    }
    const share = total === 0 ? 100 : (100 * replaced) / total;
    if (share >= s.params.batchMinHealthyPercentage) {
      batch.phase = 'terminating';
      // The baseline only serves this gate; dropped, it no longer weighs on every save of the state.
      batch.baseline = [];
      this.trace('batch.healthy', `Batch ${s.current + 1}`, { healthyPercent: Math.floor(share), replaced, evicted: total });
    }
  }

  /** The batch's health gate sets, made again when its baseline changed. */
  private healthGate(batch: BatchState): HealthGate {
    let gate = this.healthGates.get(batch);
    if (gate === undefined || gate.baselineOf !== batch.baseline || gate.baselineSize !== batch.baseline.length) {
      gate = { baselineOf: batch.baseline, baselineSize: batch.baseline.length, baseline: new Set(batch.baseline), inBatch: new Set(batch.nodes), healthyOf: new Map() };
      this.healthGates.set(batch, gate);
    }
    return gate;
  }

  private async terminate(batch: BatchState, snap: SnapshotIndex): Promise<void> {
    const s = this.state;
    const ids = new Map(s.oldNodes.map((n) => [n.name, n.instanceId]));
    for (const name of batch.nodes) {
      const phase = s.nodePhase[name];
      if (phase === 'terminated' || phase === 'kept') continue;
      if (holdsMovable(snap, name)) {
        // Stand-alone pods, pods that ask not to be disrupted (or pods that came back) keep the node: it stays cordoned and
        // is not terminated.
        this.setNodePhase(name, 'kept');
        this.trace('node.kept', `Node ${name}`, { reason: 'pods that are not evicted still run there' });
        continue;
      }
      this.setNodePhase(name, 'drained');
      if (!s.params.shouldTerminateDrainedNodes) continue;
      const id = ids.get(name) ?? null;
      if (!(await this.terminateNode(name, id, snap.node(name) !== undefined, 'TerminateFailed'))) return;
    }
    batch.phase = 'done';
    batch.finishedAt = this.now();
    closeBatchRecord(batch);
    this.trace('batch.completed', `Batch ${s.current + 1}`);
  }

  /** Terminates one drained node's instance and removes its Node object. False when the run failed. */
  private async terminateNode(name: string, id: string | null, present: boolean, code: 'TerminateFailed' | 'StopTerminateFailed'): Promise<boolean> {
    if (id !== null) {
      try {
        await this.ports.cloud.terminateInstances([id]);
      } catch (e) {
        if (e instanceof PortError && !e.transient) {
          this.fail(code, `could not terminate instance ${id} (${e.code ?? e.kind}: ${e.message})`, [`Instance ${id}`, `Node ${name}`]);
          return false;
        }
        throw e;
      }
    }
    this.setNodePhase(name, 'terminated');
    this.trace('node.terminated', `Node ${name}`, { instanceId: id });
    await this.persist();
    if (present) {
      await this.ports.cluster.deleteNode(name).catch((e: unknown) => {
        if (!(e instanceof PortError && (e.kind === 'not-found' || e.transient))) throw e;
      });
    }
    return true;
  }

  /**
   * Pods of controllers we evicted from that are not (yet) healthy, plus, when every node migrates, pods that have been
   * Pending since the migration started.
   */
  private outstandingPods(snap: SnapshotIndex): PodView[] {
    const s = this.state;
    // Every pod this keeps is unsettled (not finished, not Running, Ready and not terminating).
    return snap.unsettled().filter((p) => {
      if (p.isDaemonSet || p.isMirror || p.terminating || p.phase === 'Succeeded' || p.phase === 'Failed') return false;
      // Running and Ready (and not terminating): healthy, so not outstanding; most pods, decided without the owner lookup.
      if (p.phase === 'Running' && p.ready) return false;
      if (p.ownerUid !== null && s.lastEvictedAt[p.ownerUid] !== undefined && !healthy(p)) return true;
      return s.params.nodes.kind === 'all' && p.phase === 'Pending' && p.createdAt >= s.createdAt;
    });
  }

  /** Unscheduled or unready pods past the drain threshold fail the run (PodsUnschedulable). True when it failed. */
  private checkOutstanding(snap: SnapshotIndex): boolean {
    const s = this.state;
    const now = this.now();
    // Pods the autoscaler reports no VNG can host are a capacity problem: checkCapacity decides them (InsufficientCapacity,
    // after its grace), whatever the drain threshold.
    const unplaceable = new Set(this.ports.capacity.signal().unplaceable.map((u) => u.pod));
    const late = this.outstandingPods(snap).filter((p) => {
      if (unplaceable.size > 0 && p.phase === 'Pending' && p.nodeName === null && unplaceable.has(podKey(p))) return false;
      const since = p.ownerUid !== null && s.lastEvictedAt[p.ownerUid] !== undefined ? Math.max(s.lastEvictedAt[p.ownerUid] as number, p.createdAt) : p.createdAt;
      return now - since > s.params.drainTimeThresholdSeconds;
    });
    if (late.length === 0) return false;
    this.fail(
      'PodsUnschedulable',
      `${late.length} pod(s) are still unscheduled or unready ${s.params.drainTimeThresholdSeconds}s after their drain`,
      late.map((p) => `Pod ${podKey(p)}`),
    );
    return true;
  }

  /** The autoscaler says pods cannot be hosted or launches fail, for longer than the grace: InsufficientCapacity. */
  private checkCapacity(snap: SnapshotIndex): void {
    const s = this.state;
    const sig = this.ports.capacity.signal();
    // Pending pods are unsettled.
    const pending = snap.unsettled().filter((p) => p.phase === 'Pending' && p.nodeName === null && answersFor(s, p));
    // The pending pods' names are only needed to match the autoscaler's unplaceable pods (usually none).
    let unplaceable: typeof sig.unplaceable = [];
    if (sig.unplaceable.length > 0) {
      const pendingNames = new Set(pending.map(podKey));
      unplaceable = sig.unplaceable.filter((u) => pendingNames.has(u.pod));
    }
    // Launch errors matter while pods the migration answers for wait for capacity (a partial migration's launches may be for
    // others' pods); a migration of every node answers for every launch.
    const launchErrors = s.params.nodes.kind === 'all' || pending.length > 0 ? sig.launchErrors : [];
    if (unplaceable.length === 0 && launchErrors.length === 0) {
      s.capacityTroubleSince = null;
      return;
    }
    if (s.capacityTroubleSince === null) {
      s.capacityTroubleSince = this.now();
      this.trace('capacity.trouble', 'Autoscaler', { unplaceable: unplaceable.length, launchErrors: launchErrors.length });
    }
    if (this.now() - s.capacityTroubleSince > s.settings.capacityGraceSeconds) {
      const why =
        unplaceable.length > 0
          ? `${unplaceable.length} pod(s) fit no VNG: ${unplaceable[0]?.reason ?? ''}`
          : `new instances could not be launched: ${launchErrors.join('; ')}`;
      this.fail('InsufficientCapacity', why, [...unplaceable.map((u) => `Pod ${u.pod}`), ...launchErrors.map((e) => `Launch ${e}`)]);
    }
  }

  // ---- Failed ----

  /**
   * cordonAllAtStart left every old node of the batches that never started cordoned: the run is over and nothing will drain
   * them, so they are given back (uncordoned, traced with reason 'migration failed'). Only nodes still 'cordoned' outside the
   * batches that started: those the migration cordoned at the start (with the parameter off, a node is 'cordoned' only once
   * its batch started, so nothing is done). The batch the run failed in keeps its nodes as they are: partly drained, its
   * pods half moved; the operator decides (`vngshift status` shows them cordoned). Best effort: the Failed state is saved before the first
   * uncordon (a resumed engine knows the run is over, and finishes this; the phases reach the cluster with the final save,
   * and a node uncordoned but not saved so is only marked again); a transient error is retried each interval until
   * connectivityLostSeconds after `since`; a refusal, or the window past, traces 'node.uncordon-failed' and adds `Node <name>`
   * to the failure's objects: the node stays cordoned (and 'cordoned' in the state), the failure code does not change.
   */
  private async uncordonAfterFailure(since: number): Promise<void> {
    const s = this.state;
    const started = new Set(s.batches.filter((b) => b.phase !== 'pending').flatMap((b) => b.nodes));
    let left = s.oldNodes.map((n) => n.name).filter((name) => s.nodePhase[name] === 'cordoned' && !started.has(name));
    const giveUp = (name: string, e: PortError): void => {
      this.trace('node.uncordon-failed', `Node ${name}`, { reason: 'migration failed', error: e.kind, message: e.message });
      const object = `Node ${name}`;
      if (s.failure?.objects.includes(object) === false) s.failure = { ...s.failure, objects: [...s.failure.objects, object].sort() };
    };
    while (left.length > 0) {
      let retry: string[] = [];
      let error: PortError | null = null;
      try {
        await this.persist();
        // Only the nodes are read here: no lookups of the pods built for it.
        const nodes = new Map(this.ports.cluster.snapshot().nodes.map((n) => [n.name, n]));
        for (const name of left) {
          try {
            await this.uncordonNode(name, nodes.get(name), { reason: 'migration failed' });
          } catch (e) {
            if (!(e instanceof PortError)) throw e;
            if (!e.transient) giveUp(name, e);
            else {
              retry.push(name);
              error = e;
            }
          }
        }
      } catch (e) {
        if (!(e instanceof PortError)) throw e;
        // The save or the read failed: nothing was tried this round.
        if (!e.transient) {
          for (const name of left) giveUp(name, e);
          return;
        }
        retry = left;
        error = e;
      }
      if (error === null) return;
      if (this.now() - since > s.settings.connectivityLostSeconds) {
        for (const name of retry) giveUp(name, error);
        return;
      }
      await this.ports.clock.sleep(s.settings.intervalSeconds);
      left = retry;
    }
  }

  /**
   * Gives back one old node the migration cordoned (on a stop or after a failure). A node saved as cordoned whose cordon never
   * landed (write-ahead) is only marked; one missing from the snapshot is left as it is. Throws the API's PortError.
   */
  private async uncordonNode(name: string, node: NodeView | undefined, detail?: Record<string, string>): Promise<void> {
    if (!node) return;
    if (node.unschedulable) {
      await this.ports.cluster.uncordon(name);
      this.trace('node.uncordoned', `Node ${name}`, detail);
    }
    this.setNodePhase(name, 'uncordoned');
  }

  // ---- Stopping ----

  private async stopStep(snap: SnapshotIndex): Promise<void> {
    const s = this.state;
    const stop = s.stop;
    if (!stop) return;
    // Let the pods already evicted get scheduled, within the drain threshold.
    const waiting = this.outstandingPods(snap).filter((p) => p.phase === 'Pending');
    if (waiting.length > 0 && this.now() - stop.requestedAt < s.params.drainTimeThresholdSeconds) return;
    for (const { name, instanceId } of s.oldNodes) {
      const phase = s.nodePhase[name];
      if (phase === 'terminated' || phase === 'uncordoned' || phase === 'waiting') continue;
      const node = snap.node(name);
      if (!node) continue;
      if (holdsMovable(snap, name) || phase === 'cordoned') {
        try {
          await this.uncordonNode(name, node);
        } catch (e) {
          if (e instanceof PortError && (!e.transient || this.now() - stop.requestedAt > s.settings.connectivityLostSeconds)) {
            this.fail('StopRescheduleFailed', `could not uncordon ${name} while stopping (${e.kind}: ${e.message})`, [`Node ${name}`]);
            return;
          }
          throw e;
        }
        await this.persist();
      } else if (stop.terminateDrained) {
        if (!(await this.terminateNode(name, instanceId, true, 'StopTerminateFailed'))) return;
      }
    }
    s.status = 'Stopped';
    s.stoppedAt = this.now();
    this.trace('migration.stopped', `Migration ${s.id}`);
  }
}
