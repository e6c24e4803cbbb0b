/**
 * The migration's status as Ocean's API and console show it: status, old and new instances with their state and running pods,
 * unscheduled pods, counts and times. Derived from the persisted state and a snapshot of the cluster.
 */
import type { ClusterSnapshot } from './ports.js';
import { answersFor } from './scope.js';
import type { MigrationState, MigrationStatus } from './state.js';

export interface InstanceStatus {
  readonly instanceId: string | null;
  readonly nodeName: string;
  readonly state: string;
  readonly runningPods: number;
}

export interface MigrationStatusView {
  readonly id: string;
  readonly status: MigrationStatus;
  readonly currentBatch: number | null;
  readonly batches: number;
  readonly oldInstances: readonly InstanceStatus[];
  readonly newInstances: readonly InstanceStatus[];
  readonly unscheduledPods: readonly string[];
  readonly counts: {
    readonly newInstances: number;
    readonly podsLaunched: number;
    readonly podsRemaining: number;
    readonly unscheduledPods: number;
  };
  readonly failure: { readonly code: string; readonly message: string } | null;
  readonly createdAt: number;
  readonly erroredAt: number | null;
  readonly stoppedAt: number | null;
  readonly completedAt: number | null;
}

export function migrationStatus(state: MigrationState, snap: ClusterSnapshot): MigrationStatusView {
  const running = new Map<string, number>();
  for (const p of snap.pods) {
    if (p.nodeName === null || p.isDaemonSet || p.isMirror || p.phase !== 'Running' || p.terminating) continue;
    running.set(p.nodeName, (running.get(p.nodeName) ?? 0) + 1);
  }
  const oldNames = new Set(state.oldNodes.map((n) => n.name));
  const oldInstances = state.oldNodes.map((n) => ({
    instanceId: n.instanceId,
    nodeName: n.name,
    state: state.nodePhase[n.name] ?? 'waiting',
    runningPods: running.get(n.name) ?? 0,
  }));
  const fresh = snap.nodes.filter((n) => !oldNames.has(n.name) && n.createdAt >= state.createdAt);
  const newInstances = fresh
    .map((n) => ({ instanceId: n.instanceId, nodeName: n.name, state: n.ready ? 'running' : 'pending', runningPods: running.get(n.name) ?? 0 }))
    .sort((a, b) => (a.nodeName < b.nodeName ? -1 : 1));
  // A partial migration's unscheduled pods are those of the controllers it evicted from, not every Pending pod around.
  const unscheduled = snap.pods
    .filter((p) => p.phase === 'Pending' && p.nodeName === null && !p.isDaemonSet && answersFor(state, p))
    .map((p) => `${p.namespace}/${p.name}`)
    .sort();
  const freshNames = new Set(fresh.map((n) => n.name));
  const podsLaunched = snap.pods.filter((p) => p.nodeName !== null && freshNames.has(p.nodeName) && !p.isDaemonSet).length;
  const podsRemaining = state.oldNodes.reduce(
    (sum, n) => sum + (state.nodePhase[n.name] === 'terminated' ? 0 : (running.get(n.name) ?? 0)),
    0,
  );
  const current = state.batches[state.current] ? state.current + 1 : null;
  return {
    id: state.id,
    status: state.status,
    currentBatch: current,
    batches: state.batches.length,
    oldInstances,
    newInstances,
    unscheduledPods: unscheduled,
    counts: { newInstances: newInstances.length, podsLaunched, podsRemaining, unscheduledPods: unscheduled.length },
    failure: state.failure ? { code: state.failure.code, message: state.failure.message } : null,
    createdAt: state.createdAt,
    erroredAt: state.erroredAt,
    stoppedAt: state.stoppedAt,
    completedAt: state.completedAt,
  };
}

/** Ocean's migrations of the batches (run --executor ocean), for `status` and the end of `run`. */
export interface OceanStatusPart {
  readonly clusterId: string;
  readonly migrations: readonly { readonly batch: number; readonly migrationId: string; readonly status: string | null; readonly message: string | null }[];
}

/**
 * The status of a migration Ocean executes, in the shape of the own executor's: the old instances Ocean listed with the
 * state and running pods it last gave (the others as the state and the snapshot say), the new instances of every batch's
 * migration, the unscheduled pods Ocean lists for the batch in flight (or the last one), counts from those.
 */
export function oceanMigrationStatus(state: MigrationState, snap: ClusterSnapshot): MigrationStatusView & { readonly ocean: OceanStatusPart } {
  const base = migrationStatus(state, snap);
  const ocean = state.ocean;
  if (ocean === undefined) throw new Error(`migration ${state.id} is not executed by Ocean`);
  const seenOld = new Map<string, InstanceStatus>();
  const seenNew = new Map<string, InstanceStatus>();
  for (const b of ocean.batches) {
    for (const i of b.oldInstances) seenOld.set(i.instanceId ?? i.nodeName, i);
    for (const i of b.newInstances) seenNew.set(i.instanceId ?? i.nodeName, i);
  }
  const oldInstances = base.oldInstances.map((o) => {
    const seen = seenOld.get(o.instanceId ?? o.nodeName);
    return seen === undefined ? o : { instanceId: o.instanceId, nodeName: o.nodeName, state: seen.state, runningPods: seen.runningPods };
  });
  const newInstances = [...seenNew.values()].map((i) => ({ ...i })).sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0));
  const last = [...ocean.batches].reverse().find((b) => b.migrationId !== null);
  const unscheduledPods = [...(last?.unscheduledPods ?? [])];
  const terminated = (s: string): boolean => /terminat/i.test(s);
  return {
    ...base,
    oldInstances,
    newInstances,
    unscheduledPods,
    counts: {
      newInstances: newInstances.length,
      podsLaunched: newInstances.reduce((a, i) => a + i.runningPods, 0),
      podsRemaining: oldInstances.reduce((a, i) => a + (terminated(i.state) ? 0 : i.runningPods), 0),
      unscheduledPods: unscheduledPods.length,
    },
    ocean: {
      clusterId: ocean.clusterId,
      migrations: ocean.batches.flatMap((b, i) => (b.migrationId !== null ? [{ batch: i + 1, migrationId: b.migrationId, status: b.status, message: b.message }] : [])),
    },
  };
}
