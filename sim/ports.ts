/**
 * The engine's ports over the simulated world. Reads are synchronous snapshots; every write is an API call that completes
 * (or fails, per the faults in force) one API latency later. The call's effect is applied at completion even when the engine
 * that made it has crashed meanwhile (the request reached the server); only the answer is then lost.
 */
import { PortError, type CapacityPort, type CloudPort, type ClusterPort, type EngineEvent, type EvictOutcome, type Ports } from '../src/engine/ports.js';
import type { MigrationState, StopRequest } from '../src/engine/state.js';
import { stateParts } from '../src/engine/state-text.js';
import type { Autoscaler } from './autoscaler.js';
import type { DetailValue, World } from './cluster.js';
import type { Runtime } from './runtime.js';
import { VirtualTokenBucket } from './client-rate.js';

/** The detail of an engine event that has none. */
const NO_DETAIL: Readonly<Record<string, DetailValue>> = {};

export function makePorts(world: World, autoscaler: Autoscaler, runtime: Runtime, incarnation: number, launcher: 'autoscaler' | 'engine' = 'autoscaler'): Ports {
  const q = world.queue;
  // One executor process, one client: a restarted engine starts with a full bucket, as a new process does.
  const bucket = new VirtualTokenBucket(world.timing.clientQps, world.timing.clientBurst, q.now);

  /**
   * An API call: a Kubernetes one first waits for its token of the client-side rate limit; it fails with the fault in force
   * at completion, else applies `effect` and answers with its result.
   */
  const call = <T>(api: 'kube' | 'ec2', op: string, effect: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const roundTrip = op === 'evict' ? world.timing.evictLatencySeconds : world.timing.apiLatencySeconds;
      const latency = api === 'kube' ? bucket.reserve(q.now) + roundTrip : world.timing.ec2LatencySeconds;
      q.after(latency, `api ${op}`, () => {
        const fault = world.faults.apiError(api, q.now);
        if (fault) {
          runtime.deliver(incarnation, () => reject(fault));
          return;
        }
        let value: T;
        try {
          value = effect();
        } catch (e) {
          runtime.deliver(incarnation, () => reject(e));
          return;
        }
        runtime.deliver(incarnation, () => resolve(value));
      });
    });

  const notFound = (what: string): PortError => new PortError('not-found', `${what} not found`, 'NotFound');

  const cluster: ClusterPort = {
    snapshot() {
      if (world.faults.disconnected(q.now)) throw new PortError('connectivity', 'informer cache not synced: connection refused');
      return world.snapshot();
    },
    cordon(node) {
      return call('kube', 'cordon', () => {
        if (!world.setUnschedulable(node, true)) throw notFound(`nodes "${node}"`);
      });
    },
    uncordon(node) {
      return call('kube', 'uncordon', () => {
        if (world.faults.uncordonForbidden(q.now)) {
          throw new PortError('forbidden', `nodes "${node}" is forbidden: cannot patch resource "nodes"`, 'Forbidden');
        }
        if (!world.setUnschedulable(node, false)) throw notFound(`nodes "${node}"`);
      });
    },
    evict(namespace, name): Promise<EvictOutcome> {
      return call('kube', 'evict', () => world.evict(namespace, name));
    },
    deletePod(namespace, name) {
      return call('kube', 'delete pod', () => {
        const pod = world.pods.get(`${namespace}/${name}`);
        if (!pod) throw notFound(`pods "${name}"`);
        world.deletePod(pod, 'deleted');
      });
    },
    deleteNode(node) {
      return call('kube', 'delete node', () => {
        if (!world.deleteNode(node, 'deleted by the migration')) throw notFound(`nodes "${node}"`);
      });
    },
    saveState(state: MigrationState) {
      const parts = stateParts(state);
      return call('kube', 'save state', () => {
        world.stateStore.set(state.id, parts);
      });
    },
    loadState(migrationId) {
      return call('kube', 'load state', () => {
        const parts = world.stateStore.get(migrationId);
        return parts === undefined ? null : (JSON.parse(parts.join('')) as MigrationState);
      });
    },
    stopRequest(migrationId) {
      return call('kube', 'stop request', (): StopRequest | null => {
        const r = world.stopRequests.get(migrationId);
        return r === undefined ? null : { ...r };
      });
    },
    recordEvent() {
      return call('kube', 'event', () => undefined);
    },
  };

  const cloud: CloudPort = {
    terminateInstances(ids) {
      return call('ec2', 'terminate', () => {
        if (world.faults.terminateForbidden(q.now)) {
          throw new PortError('forbidden', 'You are not authorized to perform this operation.', 'UnauthorizedOperation');
        }
        for (const id of ids) {
          if (!world.ec2.get(id)) throw new PortError('invalid', `The instance ID '${id}' does not exist`, 'InvalidInstanceID.NotFound');
        }
        for (const id of ids) world.terminateInstance(id);
      });
    },
  };

  const capacity: CapacityPort = {
    // With an autoscaler of its own the world's loop launches (sim/autoscaler.ts); with engine-driven capacity (`run
    // --capacity kwok|ec2`) the reconcile does, as the live providers' reconcile() does before the engine's step.
    reconcile: () => {
      if (launcher === 'engine') autoscaler.tick();
      return Promise.resolve();
    },
    signal: () => autoscaler.signal(),
  };

  return {
    cluster,
    cloud,
    capacity,
    clock: {
      now: () => q.now,
      sleep: (seconds) =>
        new Promise<void>((resolve) => {
          q.after(seconds + world.timing.reconcileSeconds, 'engine sleep', () => runtime.deliver(incarnation, resolve));
        }),
    },
    trace: {
      record(ev: EngineEvent) {
        // emit reads the detail and keeps none of it: no copy.
        world.emit(ev.kind, ev.object, ev.detail ?? NO_DETAIL);
      },
    },
  };
}
