/**
 * `run --executor ocean`: the plan's batches executed by Ocean's Workload Migration API instead of vngshift's own engine.
 * Each batch is one Ocean migration of exactly the batch's instances (batchSizePercentage 100, the plan's parameters); the
 * next batch is submitted once Ocean reports the previous one Completed. Ocean's failure message maps to one of the seven
 * failure codes; a stop request (`vngshift stop`) is sent on to Ocean, and no later batch is submitted.
 *
 * The state is the engine's MigrationState (so `status`, `stop`, the Lease and the state ConfigMap work as for the own
 * executor) with its `ocean` field: per batch, Ocean's migration id and what Ocean last said of it. Each `step()` reads,
 * decides, saves and acts like an engine reconcile; the submission is saved before the create call (write-ahead), so a
 * run killed between the two finds its migration among Ocean's (same instances, created since) instead of submitting it
 * again; a run killed later reads the saved migration id.
 */
import { saveFinalState } from '../../engine/final-save.js';
import { FAILURE_MESSAGES, FAILURE_REMEDIES, failureCodeOfMessage, type FailureCode } from '../../model/failures.js';
import { PortError, type Clock, type TracePort } from '../../engine/ports.js';
import { addEvicted, closeBatchRecord, isTerminal, type BatchState, type MigrationState, type OceanBatch, type OceanExecution, type OldNodePhase, type StopRequest } from '../../engine/state.js';
import { SpotApiError } from './client.js';
import { migrationRequest, type OceanMigrationRequest, type OceanMigrationStatus, type OceanMigrationSummary } from './migration.js';

/** Ocean's migration calls (OceanMigrations, or a fake in tests). */
export interface OceanMigrationApi {
  readonly clusterId: string;
  create(req: OceanMigrationRequest): Promise<string>;
  status(migrationId: string): Promise<OceanMigrationStatus>;
  list(): Promise<OceanMigrationSummary[]>;
  stop(migrationId: string, terminateDrained: boolean): Promise<void>;
}

/**
 * The old nodes through the Kubernetes API, for cordonAllAtStart: Ocean's API has no such parameter and cordons only the
 * instances of the migration in flight, so the executor cordons the old nodes of the later batches itself.
 */
export interface OceanNodeCordon {
  /** Whether the node is cordoned now; null when the node is gone. */
  unschedulable(node: string): Promise<boolean | null>;
  cordon(node: string): Promise<void>;
  uncordon(node: string): Promise<void>;
}

/** Where the state lives (the live StateStore: the migration's ConfigMap). */
export interface OceanStateStore {
  saveState(state: MigrationState): Promise<void>;
  stopRequest(migrationId: string): Promise<StopRequest | null>;
}

export interface OceanExecutorDeps {
  readonly api: OceanMigrationApi;
  readonly store: OceanStateStore;
  readonly clock: Clock;
  readonly trace: TracePort;
  /** With it, cordonAllAtStart is honoured across batches (see OceanNodeCordon); without it, only Ocean cordons. */
  readonly nodes?: OceanNodeCordon;
}

/** How far back a migration Ocean lists may have been created and still be the one a killed run submitted (clock skew). */
const ADOPT_SKEW_SECONDS = 120;

/** An Ocean instance state as the phase of an old node. */
export function oldNodePhaseOf(state: string): OldNodePhase | null {
  const s = state.toLowerCase();
  if (/terminat/.test(s)) return 'terminated';
  if (/uncordon/.test(s)) return 'uncordoned';
  if (/drained|detached/.test(s)) return 'drained';
  if (/cordon|drain|evict/.test(s)) return 'cordoned';
  if (/kept|skip/.test(s)) return 'kept';
  if (/wait|pending|running|ready/.test(s)) return 'waiting';
  return null;
}

export class OceanExecutor {
  private state: MigrationState;
  private lastSaved = '';

  constructor(
    private readonly deps: OceanExecutorDeps,
    state: MigrationState,
    /** True when `state` was read from the cluster (a resumed run). */
    resumed: boolean,
  ) {
    if (state.ocean === undefined) throw new Error(`migration ${state.id} has no Ocean execution in its state`);
    this.state = state;
    this.lastSaved = resumed ? JSON.stringify(state) : '';
    this.trace(resumed ? 'migration.resumed' : 'migration.started', `Migration ${state.id}`, { status: state.status, executor: 'ocean', oceanCluster: state.ocean.clusterId });
  }

  get current(): Readonly<MigrationState> {
    return this.state;
  }

  private get ocean(): OceanExecution {
    return this.state.ocean as OceanExecution;
  }

  private now(): number {
    return this.deps.clock.now();
  }

  private trace(kind: string, object: string, detail?: Record<string, string | number | boolean | null>): void {
    this.deps.trace.record({ t: this.now(), kind, object, ...(detail ? { detail } : {}) });
  }

  /** Saves the state when it changed since the last save. */
  async persist(): Promise<void> {
    const text = JSON.stringify(this.state);
    if (text === this.lastSaved) return;
    await this.deps.store.saveState(this.state);
    this.lastSaved = text;
  }

  /** The final save of an ended migration, tried until connectivityLostSeconds have passed (engine/final-save.ts). */
  async finish(): Promise<void> {
    await saveFinalState(() => this.persist(), this.deps.clock, this.state.settings, this.now(), (e) =>
      this.trace('state.unsaved', `Migration ${this.state.id}`, { error: e.kind, message: e.message }),
    );
  }

  private fail(code: FailureCode, why: string, objects: readonly string[], message: string = FAILURE_MESSAGES[code]): void {
    const s = this.state;
    s.status = 'Failed';
    s.erroredAt = this.now();
    s.failure = { code, message, why, remedy: FAILURE_REMEDIES[code], objects: [...new Set(objects)].sort(), at: this.now() };
    this.trace('migration.failed', `Migration ${s.id}`, { code, why });
  }

  /** One reconcile: read the stop request and Ocean's migration in flight, decide, save, act. */
  async step(): Promise<void> {
    const s = this.state;
    if (isTerminal(s.status)) return;
    try {
      const stop = await this.deps.store.stopRequest(s.id);
      if (stop && !s.stop) {
        s.stop = stop;
        this.trace('migration.stop-requested', `Migration ${s.id}`, { terminateDrained: stop.terminateDrained });
      }
      if (s.stop && s.status === 'Running') {
        s.status = 'Stopping';
        this.trace('migration.stopping', `Migration ${s.id}`);
      }
      if (s.status === 'Stopping') await this.stopStep();
      else await this.runStep();
      if (s.apiLostSince !== null) {
        this.trace('api.restored', 'API', { lostSeconds: Math.round(this.now() - s.apiLostSince) });
        s.apiLostSince = null;
      }
    } catch (e) {
      this.trouble(e);
    }
    if (isTerminal(s.status)) await this.giveBack();
    try {
      await this.persist();
    } catch (e) {
      this.trouble(e);
    }
  }

  /** A failed call: transient ones are retried each reconcile until connectivityLostSeconds; a refusal fails the run. */
  private trouble(e: unknown): void {
    const s = this.state;
    if (!(e instanceof PortError) && !(e instanceof SpotApiError)) throw e;
    if (!e.transient) {
      this.fail('ConnectivityLost', `${e instanceof SpotApiError ? 'the Spot API' : 'the Kubernetes API'} refused the executor: ${e.message}`, [`Ocean cluster ${this.ocean.clusterId}`]);
      return;
    }
    if (s.apiLostSince === null) {
      s.apiLostSince = this.now();
      this.trace('api.lost', 'API', { error: e instanceof SpotApiError ? (e.code ?? 'spot') : e.kind, message: e.message });
    }
    if (this.now() - s.apiLostSince > s.settings.connectivityLostSeconds && !isTerminal(s.status)) {
      this.fail('ConnectivityLost', `the API has been unreachable for ${Math.round(this.now() - s.apiLostSince)}s (${e.message})`, []);
    }
  }

  private instanceIdsOf(batch: BatchState): string[] {
    const ids = new Map(this.state.oldNodes.map((n) => [n.name, n.instanceId]));
    return batch.nodes.flatMap((n) => {
      const id = ids.get(n);
      return id === undefined || id === null ? [] : [id];
    });
  }

  /**
   * A migration a run killed between its write-ahead and the create's answer submitted: one of Ocean's, created since the
   * submission was decided, not already a batch's, whose old instances are exactly this batch's.
   */
  private async findSubmitted(batch: BatchState, ob: OceanBatch): Promise<string | null> {
    const known = new Set(this.ocean.batches.flatMap((b) => (b.migrationId !== null ? [b.migrationId] : [])));
    const want = [...this.instanceIdsOf(batch)].sort().join(',');
    const since = (ob.submittingAt ?? 0) - ADOPT_SKEW_SECONDS;
    const candidates = (await this.deps.api.list()).filter((m) => {
      if (known.has(m.id)) return false;
      const t = m.createdAt === null ? Number.NaN : Date.parse(m.createdAt) / 1000;
      return !Number.isFinite(t) || t >= since;
    });
    for (const m of candidates.reverse()) {
      const st = await this.deps.api.status(m.id);
      const have = st.oldInstances.flatMap((i) => (i.instanceId !== null ? [i.instanceId] : [])).sort().join(',');
      if (have === want) return m.id;
    }
    return null;
  }

  /** Submits the batch (write-ahead first), or finds the submission a killed run made. */
  private async submit(batch: BatchState, ob: OceanBatch): Promise<void> {
    const s = this.state;
    const n = s.current + 1;
    if (ob.submittingAt !== null) {
      const found = await this.findSubmitted(batch, ob);
      if (found !== null) {
        ob.migrationId = found;
        this.trace('ocean.adopted', `Batch ${n}`, { migrationId: found });
        await this.persist();
        return;
      }
    }
    ob.submittingAt = this.now();
    if (batch.phase === 'pending') {
      batch.phase = 'draining';
      batch.startedAt = this.now();
    }
    await this.persist();
    const req = migrationRequest(this.instanceIdsOf(batch), s.params);
    const id = await this.deps.api.create(req);
    ob.migrationId = id;
    this.trace('batch.started', `Batch ${n}`, { nodes: batch.nodes.length });
    this.trace('ocean.submitted', `Batch ${n}`, { migrationId: id, instances: req.instanceIds.length });
    await this.persist();
  }

  /** What Ocean says of the batch's migration, into the state (node phases, instances, pods); traced when it changed. */
  private apply(batch: BatchState, ob: OceanBatch, st: OceanMigrationStatus): void {
    const s = this.state;
    const n = s.current + 1;
    if (ob.status !== st.status) this.trace('ocean.status', `Batch ${n}`, { migrationId: st.id, status: st.status });
    ob.status = st.status;
    ob.oldInstances = st.oldInstances.map((i) => ({ ...i }));
    ob.newInstances = st.newInstances.map((i) => ({ ...i }));
    ob.unscheduledPods = [...st.unscheduledPods];
    ob.message = st.message;
    const byId = new Map(s.oldNodes.flatMap((o) => (o.instanceId !== null ? [[o.instanceId, o.name] as const] : [])));
    const inBatch = new Set(batch.nodes);
    for (const i of st.oldInstances) {
      const name = (i.instanceId !== null ? byId.get(i.instanceId) : undefined) ?? (inBatch.has(i.nodeName) ? i.nodeName : undefined);
      const phase = oldNodePhaseOf(i.state);
      if (name !== undefined && phase !== null) s.nodePhase[name] = phase;
    }
    const listed = new Set(batch.evicted.map((e) => e.pod));
    for (const pod of st.oldPods) if (!listed.has(pod)) addEvicted(batch, pod, null);
    const drained = batch.nodes.every((name) => ['drained', 'terminated', 'kept'].includes(s.nodePhase[name] ?? ''));
    if (batch.phase === 'draining' && (drained || st.phase === 'Completed')) {
      batch.phase = 'waiting';
      batch.drainedAt = this.now();
      this.trace('batch.drained', `Batch ${n}`, { evicted: batch.evictedCount });
    }
  }

  /** The old nodes of the batches Ocean has not been given yet: the executor's to cordon and to give back. */
  private laterNodes(): string[] {
    return this.state.batches.flatMap((b, i) => {
      const ob = this.ocean.batches[i];
      return ob !== undefined && ob.migrationId === null && ob.submittingAt === null ? b.nodes : [];
    });
  }

  /**
   * cordonAllAtStart: before the first batch goes to Ocean, the old nodes of the later batches are cordoned through the
   * Kubernetes API, so no pod evicted by Ocean lands on an old node and moves again (what the rehearsal counted). As the
   * own engine does: the nodes are marked 'cordoned' and saved before any cordon call (a resumed run cordons the marked
   * ones again until cordonedAllAt is saved); a node already cordoned (by an operator) is not the migration's and stays
   * 'waiting'; a node gone is left alone.
   */
  private async cordonLater(): Promise<void> {
    const s = this.state;
    const nodes = this.deps.nodes;
    if (nodes === undefined || !s.params.cordonAllAtStart || s.cordonedAllAt !== null || s.current > 0) return;
    const later = this.laterNodes().filter((n) => !this.state.batches[0]?.nodes.includes(n));
    const now = new Map<string, boolean | null>();
    for (const name of later) now.set(name, await nodes.unschedulable(name));
    for (const name of later) if (now.get(name) === false && s.nodePhase[name] === 'waiting') s.nodePhase[name] = 'cordoned';
    await this.persist();
    let count = 0;
    for (const name of later) {
      if (s.nodePhase[name] !== 'cordoned' || now.get(name) !== false) continue;
      await nodes.cordon(name);
      count += 1;
      this.trace('node.cordoned', `Node ${name}`, { atStart: true });
    }
    s.cordonedAllAt = this.now();
    this.trace('migration.cordoned-all', `Migration ${s.id}`, { nodes: count, laterBatches: true });
    await this.persist();
  }

  /**
   * An ended run (Stopped, Failed) gives back the old nodes it cordoned at the start whose batch never went to Ocean
   * (Ocean uncordons the instances of its own migration it did not drain). Best effort: a failed uncordon is traced and
   * the node stays 'cordoned' in the state (`status` shows it), the run's end does not change.
   */
  private async giveBack(): Promise<void> {
    const s = this.state;
    const nodes = this.deps.nodes;
    if (nodes === undefined || s.status === 'Completed') return;
    // As the own engine traces them: a failure's uncordons name their reason (a progress line each), a stop's do not.
    const reason = s.status === 'Failed' ? { reason: 'migration failed' } : undefined;
    for (const name of this.laterNodes()) {
      if (s.nodePhase[name] !== 'cordoned') continue;
      try {
        if ((await nodes.unschedulable(name)) !== null) await nodes.uncordon(name);
        s.nodePhase[name] = 'uncordoned';
        this.trace('node.uncordoned', `Node ${name}`, reason);
      } catch (e) {
        if (!(e instanceof PortError)) throw e;
        this.trace('node.uncordon-failed', `Node ${name}`, { ...reason, error: e.kind, message: e.message });
      }
    }
  }

  private async runStep(): Promise<void> {
    const s = this.state;
    const batch = s.batches[s.current];
    const ob = this.ocean.batches[s.current];
    await this.cordonLater();
    if (!batch || !ob) {
      s.status = 'Completed';
      s.completedAt = this.now();
      this.trace('migration.completed', `Migration ${s.id}`);
      return;
    }
    if (ob.migrationId === null) await this.submit(batch, ob);
    if (ob.migrationId === null) return;
    const st = await this.deps.api.status(ob.migrationId);
    this.apply(batch, ob, st);
    this.decide(batch, st, false);
  }

  /** Ocean's status of the batch's migration decides the batch (and, at its end, the run). */
  private decide(batch: BatchState, st: OceanMigrationStatus, stopping: boolean): void {
    const s = this.state;
    const n = s.current + 1;
    if (st.phase === 'Completed') {
      batch.phase = 'done';
      batch.finishedAt = this.now();
      closeBatchRecord(batch);
      this.trace('batch.completed', `Batch ${n}`);
      s.current += 1;
      if (stopping) this.stopped();
      else if (s.current >= s.batches.length) {
        s.status = 'Completed';
        s.completedAt = this.now();
        this.trace('migration.completed', `Migration ${s.id}`);
      }
      return;
    }
    if (st.phase === 'Failed') {
      const text = st.message ?? '';
      const code = failureCodeOfMessage(text);
      const objects = [`Ocean migration ${st.id}`, ...st.unscheduledPods.map((p) => `Pod ${p}`)];
      if (code !== null) this.fail(code, `Ocean reported migration ${st.id} of batch ${n} Failed: ${text}`, objects, text);
      else
        this.fail(
          'TechnicalTimeout',
          `Ocean reported migration ${st.id} of batch ${n} Failed with a message vngshift does not know (${text === '' ? 'none' : JSON.stringify(text)}); read as TechnicalTimeout`,
          objects,
          text === '' ? FAILURE_MESSAGES.TechnicalTimeout : text,
        );
      return;
    }
    if (st.phase === 'Stopped') {
      if (!stopping) this.trace('ocean.stopped-outside', `Batch ${n}`, { migrationId: st.id });
      this.stopped();
    }
  }

  private stopped(): void {
    const s = this.state;
    s.status = 'Stopped';
    s.stoppedAt = this.now();
    this.trace('migration.stopped', `Migration ${s.id}`);
  }

  /** Stopping: the migration in flight is stopped at Ocean (once) and waited for; no later batch is submitted. */
  private async stopStep(): Promise<void> {
    const s = this.state;
    const stop = s.stop;
    if (!stop) return;
    const batch = s.batches[s.current];
    const ob = this.ocean.batches[s.current];
    if (!batch || !ob) return this.stopped();
    if (ob.migrationId === null && ob.submittingAt !== null) {
      const found = await this.findSubmitted(batch, ob);
      if (found !== null) {
        ob.migrationId = found;
        this.trace('ocean.adopted', `Batch ${s.current + 1}`, { migrationId: found });
      }
    }
    if (ob.migrationId === null) {
      // Nothing in flight at Ocean: the batch was never submitted (a create saved but lost before Ocean had it included),
      // so its nodes are among those the run gives back when it ends.
      if (batch.phase !== 'pending') batch.phase = 'pending';
      ob.submittingAt = null;
      return this.stopped();
    }
    const st = await this.deps.api.status(ob.migrationId);
    this.apply(batch, ob, st);
    if (st.phase === 'Running' || st.phase === 'Unknown' || (st.phase === 'Stopping' && ob.stopSentAt === null)) {
      if (ob.stopSentAt === null) {
        // Sent again by a run that dies before saving this: stopping a migration twice is harmless.
        await this.deps.api.stop(ob.migrationId, stop.terminateDrained);
        ob.stopSentAt = this.now();
        this.trace('ocean.stop-sent', `Batch ${s.current + 1}`, { migrationId: ob.migrationId, terminateDrained: stop.terminateDrained });
      }
      return;
    }
    this.decide(batch, st, true);
  }
}
