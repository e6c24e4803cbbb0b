/**
 * `simulate()`: one deterministic rehearsal of a migration plan. Builds the world from the input cluster, runs the real
 * MigrationEngine against it in virtual time with the faults asked for, and reports what happened: the final status, the
 * batches, old and new instances, and the full trace. Same inputs and seed, same result, byte for byte.
 */
import type { Catalog } from '../src/catalog/catalog.js';
import { MigrationEngine } from '../src/engine/engine.js';
import { enginePlanOf } from '../src/engine/engine-plan.js';
import { PortError, type Ports } from '../src/engine/ports.js';
import { DEFAULT_ENGINE_SETTINGS, initialState, isTerminal, type BatchPhase, type EngineSettings, type MigrationState, type MigrationStatus } from '../src/engine/state.js';
import { Prng } from '../src/gen/prng.js';
import type { FailureCode } from '../src/model/failures.js';
import type { Cluster, Vng } from '../src/model/types.js';
import type { Plan, RehearsalPlan } from '../src/planner/plan.js';
import { Autoscaler } from './autoscaler.js';
import { World, type SimPod, type TraceEvent } from './cluster.js';
import type { InstanceState } from './ec2.js';
import { EventQueue, roundMs } from './event-queue.js';
import { FaultState } from './fault-state.js';
import { migrationStatus, type MigrationStatusView } from '../src/engine/status.js';
import { formatFault, type FaultSpec } from './faults.js';
import { makePorts } from './ports.js';
import { Runtime } from './runtime.js';
import { resolveTiming, type SimTiming } from './timing.js';
import type { ProgressSink } from '../src/model/progress.js';

export interface SimInput {
  readonly cluster: Cluster;
  readonly vngs: readonly Vng[];
  readonly catalog: Catalog;
  /**
   * The plan to run (a whole plan, or its draft's part: the expected fleet is not needed), or the promise of it with what the
   * world is built from (`later`): the world is then built while the plan is made (rehearse.ts: on a thread) and the
   * rehearsal starts once it is.
   */
  readonly plan: RehearsalPlan | PlanToCome;
  readonly timing?: Partial<SimTiming>;
  /**
   * Who launches the new nodes. `autoscaler` (the default): an autoscaler of its own, Ocean's or Karpenter's or
   * cluster-autoscaler's, on its own loop every `autoscalerIntervalSeconds`, as `run` with an external autoscaler or
   * `--executor ocean`. `engine`: the executor itself at the start of each reconcile, as `run --capacity kwok|ec2` does
   * (src/live/capacity-kwok.ts, capacity-ec2.ts): a reconcile busy evicting a batch launches nothing until it is done.
   */
  readonly capacity?: SimCapacity;
  readonly faults?: readonly FaultSpec[];
  readonly seed: number;
  readonly engineSettings?: Partial<EngineSettings>;
  /** Virtual seconds after which the run is cut short (default: the plan's bound plus an hour). */
  readonly maxSeconds?: number;
  /** The migration's id (default derived from the seed). */
  readonly migrationId?: string;
  /**
   * Test seam: wraps the ports each engine process gets (e.g. a deliberately wrong world, to prove the invariant checkers
   * catch it). Not for production runs; absent, the engine gets the world's ports as they are.
   */
  readonly wrapPorts?: (ports: Ports) => Ports;
  /**
   * Told as batches complete and every 5 virtual minutes (phase "simulate", batches done of the plan's; detail: the virtual
   * time in seconds). Reads nothing back, so the run is the same with or without it.
   */
  readonly onProgress?: ProgressSink;
}

export type SimCapacity = 'autoscaler' | 'engine';

/**
 * A plan still being made, with the two fields of it the world is built from: both are the plan's input as given
 * (PlanInput.allowArchitectureChange and allocatable), known before the plan is made. The plan that comes must carry the same.
 */
export interface PlanToCome {
  readonly world: Pick<RehearsalPlan, 'allowArchitectureChange' | 'allocatable'>;
  /** The plan, asked for once the world is built (not at all when building it failed). */
  readonly later: () => Promise<RehearsalPlan>;
}

export interface SimBatch {
  readonly nodes: readonly string[];
  readonly phase: BatchPhase;
  readonly startedAt: number | null;
  readonly drainedAt: number | null;
  readonly finishedAt: number | null;
  readonly evicted: number;
}

export interface SimResult {
  readonly status: MigrationStatus;
  readonly failure: { code: FailureCode; message: string; why: string; remedy: string; objects: readonly string[] } | null;
  /** True when maxSeconds of virtual time ran out before the migration ended. */
  readonly timedOut: boolean;
  readonly durationSeconds: number;
  readonly batches: readonly SimBatch[];
  readonly instances: {
    readonly old: readonly { instanceId: string; nodeName: string; state: InstanceState; runningPods: number }[];
    readonly new: readonly {
      instanceId: string;
      nodeName: string;
      vng: string;
      instanceType: string;
      zone: string;
      state: InstanceState;
      runningPods: number;
    }[];
  };
  readonly events: readonly TraceEvent[];
  readonly seed: number;
  /** Everything the run depended on besides the inputs, so it can be replayed. */
  readonly options: {
    readonly migrationId: string;
    readonly maxSeconds: number;
    readonly timing: SimTiming;
    /** Present only when the engine launches the nodes (`capacity: 'engine'`); absent, an autoscaler of its own. */
    readonly capacity?: 'engine';
    readonly engineSettings: EngineSettings;
    readonly faults: readonly string[];
    readonly params: Plan['params'];
  };
  /** Pods Pending and unbound at the end, as namespace/name. */
  readonly unscheduledPods: readonly string[];
  readonly counts: { newInstances: number; podsLaunched: number; podsRemaining: number; unscheduledPods: number };
  /** Engine restarts after injected crashes. */
  readonly engineRestarts: number;
  /** The migration as Ocean's API reports it, from the engine's persisted state and the final cluster (with its times). */
  readonly migration: MigrationStatusView | null;
}

export async function simulate(input: SimInput): Promise<SimResult> {
  const timing = resolveTiming(input.timing);
  const capacity: SimCapacity = input.capacity ?? 'autoscaler';
  const settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, ...(input.engineSettings ?? {}) };
  const faults = [...(input.faults ?? [])].sort((a, b) => a.at - b.at);
  const seed = input.seed >>> 0;
  const prng = new Prng(seed);
  const migrationId = input.migrationId ?? `sim-${seed.toString(16).padStart(8, '0')}`;
  const worldOptions = 'later' in input.plan ? input.plan.world : input.plan;

  const queue = new EventQueue();
  const faultState = new FaultState(faults, prng.fork('faults'));
  const world = new World({
    cluster: input.cluster,
    vngs: input.vngs,
    catalog: input.catalog,
    timing,
    queue,
    faults: faultState,
    prng,
    allowArchitectureChange: worldOptions.allowArchitectureChange,
    ...(worldOptions.allocatable ? { allocatable: worldOptions.allocatable } : {}),
  });
  const autoscaler = new Autoscaler(world);
  const runtime = new Runtime(queue);

  const plan = 'later' in input.plan ? await input.plan.later() : input.plan;
  if (plan.allowArchitectureChange !== worldOptions.allowArchitectureChange || JSON.stringify(plan.allocatable) !== JSON.stringify(worldOptions.allocatable)) {
    throw new Error('simulate: the plan came with other node options than the world was built with');
  }
  const maxSeconds = input.maxSeconds ?? plan.boundSeconds + 3600;
  const enginePlan = enginePlanOf(plan);

  let final: MigrationState | null = null;
  let engine: MigrationEngine | null = null;
  let engineError: unknown = null;
  let restarts = 0;

  const startEngine = (): void => {
    const inc = runtime.current;
    const made = makePorts(world, autoscaler, runtime, inc, capacity);
    const ports = input.wrapPorts ? input.wrapPorts(made) : made;
    runtime.poke();
    MigrationEngine.resumeOrStart(ports, initialState(migrationId, enginePlan, queue.now, settings))
      .then((e) => {
        if (!runtime.alive(inc)) return undefined;
        engine = e;
        return e.run();
      })
      .then(
        (state) => {
          if (state && runtime.alive(inc)) final = state;
        },
        (e: unknown) => {
          if (!runtime.alive(inc)) return;
          if (e instanceof PortError) {
            // The new process could not read its state (API down): it exits and is restarted.
            world.emit('engine.start-failed', 'Engine', { error: e.kind, message: e.message });
            crash();
            return;
          }
          engineError = e;
        },
      );
  };

  /** The engine process dies (unless it already ended or is down); a new one starts after the restart delay. */
  let down = false;
  const crash = (): void => {
    if (final !== null || down) return;
    down = true;
    runtime.abandon();
    engine = null;
    world.emit('engine.crashed', 'Engine', {});
    queue.after(timing.engineRestartSeconds, 'engine restart', () => {
      down = false;
      if (final !== null) return;
      restarts += 1;
      world.emit('engine.restarted', 'Engine', { incarnation: runtime.current });
      startEngine();
    });
  };

  // Faults that are events.
  for (const f of faults) {
    queue.at(f.at, `fault ${f.kind}`, () => {
      if (final !== null) return; // the run is over; the world is only settling
      world.emit(`fault.${f.kind}`, 'Fault', { spec: formatFault(f) });
      switch (f.kind) {
        case 'engine-crash':
          crash();
          return;
        case 'stop':
          if (!world.stopRequests.has(migrationId)) world.stopRequests.set(migrationId, { terminateDrained: f.terminateDrained, requestedAt: queue.now });
          return;
        case 'new-workload':
          world.createDeployment(
            f.namespace,
            f.name,
            f.replicas,
            { cpu: f.cpuMilli, memory: f.memoryBytes },
            f.unplaceable ? { 'vngshift.io/no-such-pool': 'none' } : {},
          );
          return;
        case 'node-not-ready': {
          const node = pickNode(world, f.node);
          if (!node) return;
          node.faultNotReady = true;
          world.setNodeReady(node, false, 'fault: node-not-ready');
          if (f.duration !== null) {
            queue.after(f.duration, 'fault end', () => {
              node.faultNotReady = false;
              const inst = node.instanceId === null ? undefined : world.ec2.get(node.instanceId);
              if (!inst || inst.state === 'running') world.setNodeReady(node, true, 'fault ended');
            });
          }
          return;
        }
        case 'spot-interruption':
          world.spotInterruption(f.node, f.vng, f.count);
          return;
        case 'rebalance-recommendation':
          world.rebalanceRecommendation(f.node, f.vng);
          return;
        default:
          if ('duration' in f && f.duration !== null) queue.after(f.duration, 'fault end', () => world.emit(`fault.${f.kind}.ended`, 'Fault', {}));
          return;
      }
    });
  }

  if (capacity === 'autoscaler') autoscaler.start();
  startEngine();
  const outcome = await runtime.run(() => final !== null || engineError !== null, maxSeconds, input.onProgress ? simProgress(world, queue, plan.batches.length, input.onProgress) : undefined);
  if (engineError !== null) throw engineError;
  const endedAt = queue.now;
  if (!outcome.timedOut) {
    // Let the world settle (instances shutting down, Node objects removed) so the final states are EC2's.
    const settleUntil = endedAt + timing.instanceShutdownSeconds + timing.nodeDeleteSeconds + 1;
    await runtime.run(() => false, settleUntil);
  }

  const current: Readonly<MigrationState> | null =
    (final as MigrationState | null) ?? (engine as MigrationEngine | null)?.current ?? loadSaved(world, migrationId);
  const status: MigrationStatus = current?.status ?? 'Running';
  const f = current?.failure ?? null;
  const end = outcome.timedOut ? maxSeconds : endedAt;

  const pods = [...world.pods.values()];
  const unscheduled = pods
    .filter((p) => p.nodeName === null && p.phase === 'Pending' && !p.terminating)
    .map(podKey)
    .sort();
  const instances = world.ec2.list();
  const running = (nodeName: string): number => world.runningPodsOn(nodeName);
  const oldNames = new Set(plan.oldNodes.map((n) => n.name));
  return {
    status,
    failure: f === null ? null : { code: f.code, message: f.message, why: f.why, remedy: f.remedy, objects: [...f.objects] },
    timedOut: outcome.timedOut || (outcome.idle && (current === null || !isTerminal(current.status))),
    durationSeconds: roundMs(end),
    batches: (current?.batches ?? []).map((b) => ({
      nodes: [...b.nodes],
      phase: b.phase,
      startedAt: b.startedAt === null ? null : roundMs(b.startedAt),
      drainedAt: b.drainedAt === null ? null : roundMs(b.drainedAt),
      finishedAt: b.finishedAt === null ? null : roundMs(b.finishedAt),
      evicted: b.evictedCount,
    })),
    instances: {
      old: instances
        .filter((i) => i.old)
        .sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0))
        .map((i) => ({ instanceId: i.id, nodeName: i.nodeName, state: i.state, runningPods: running(i.nodeName) })),
      new: instances
        .filter((i) => !i.old)
        .map((i) => ({
          instanceId: i.id,
          nodeName: i.nodeName,
          vng: i.vng ?? '',
          instanceType: i.instanceType ?? '',
          zone: i.zone ?? '',
          state: i.state,
          runningPods: running(i.nodeName),
        })),
    },
    events: world.events,
    seed,
    options: {
      migrationId,
      maxSeconds,
      timing,
      ...(capacity === 'engine' ? { capacity } : {}),
      engineSettings: settings,
      faults: faults.map(formatFault),
      params: plan.params,
    },
    unscheduledPods: unscheduled,
    counts: {
      newInstances: world.instancesLaunched,
      podsLaunched: world.podsCreated,
      // Ocean's "pods remaining": pods still to move off the old nodes (DaemonSet and mirror pods do not move).
      podsRemaining: pods.filter(
        (p) => p.nodeName !== null && oldNames.has(p.nodeName) && !p.isDaemonSet && p.phase !== 'Succeeded' && p.phase !== 'Failed' && !p.terminating,
      ).length,
      unscheduledPods: unscheduled.length,
    },
    engineRestarts: restarts,
    migration: current === null ? null : roundTimes(migrationStatus(current as MigrationState, world.snapshot())),
  };
}

function podKey(p: SimPod): string {
  return p.key;
}

function loadSaved(world: World, id: string): MigrationState | null {
  const parts = world.stateStore.get(id);
  return parts === undefined ? null : (JSON.parse(parts.join('')) as MigrationState);
}

function pickNode(world: World, name: string | null): ReturnType<World['nodes']['get']> {
  if (name !== null) return world.nodes.get(name);
  const names = [...world.nodes.values()].filter((n) => !n.old).map((n) => n.name).sort();
  const first = names[0] ?? [...world.nodes.keys()].sort()[0];
  return first === undefined ? undefined : world.nodes.get(first);
}

function roundTimes(v: MigrationStatusView): MigrationStatusView {
  const r = (t: number | null): number | null => (t === null ? null : roundMs(t));
  return { ...v, createdAt: roundMs(v.createdAt), erroredAt: r(v.erroredAt), stoppedAt: r(v.stoppedAt), completedAt: r(v.completedAt) };
}

/** Every this many virtual seconds a progress step is told even when no batch completed. */
const PROGRESS_EVERY_SECONDS = 300;

/** The after-event hook that turns the trace's batch completions and the virtual clock into progress steps. */
function simProgress(world: World, queue: EventQueue, batches: number, sink: ProgressSink): () => void {
  let seen = 0;
  let done = 0;
  let lastTold = -1;
  return () => {
    const events = world.events;
    let changed = false;
    for (; seen < events.length; seen++) {
      const kind = events[seen]?.kind;
      if (kind === 'batch.completed') {
        done++;
        changed = true;
      }
    }
    if (!changed && lastTold >= 0 && queue.now - lastTold < PROGRESS_EVERY_SECONDS) return;
    lastTold = queue.now;
    sink({ phase: 'simulate', done: Math.min(done, batches), total: batches, unit: 'batches', detail: { virtualSeconds: Math.round(queue.now) } });
  };
}
