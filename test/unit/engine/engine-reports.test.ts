/**
 * What the engine says: the exact `why` and the objects of each failure, and the object and detail of the trace entries that
 * reports, Kubernetes Events and the invariant checkers read. Against the fake ports.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { outage, twoNodePlan, twoNodeWorld, withCapacity, withCluster } from '../../helpers/engine-world.js';

const world = (): FakeWorld => twoNodeWorld({ daemonSet: false });

async function engineFor(ports: Ports, p: EnginePlan = twoNodePlan()): Promise<MigrationEngine> {
  return MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0));
}

const traced = (w: FakeWorld, kind: string) => w.events.filter((e) => e.kind === kind);

describe('failure reports', () => {
  it('states a batch timeout without PodDisruptionBudget refusals plainly, naming the batch and the pods on their way', async () => {
    const w = world();
    w.faults.neverReadyOwners.add('rs-web');
    const s = await (await engineFor(w.ports(), twoNodePlan({ batchMinHealthyPercentage: 100, batchTimeBudgetSeconds: 60, drainTimeThresholdSeconds: 5000 }))).run();
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(s.failure?.why).toBe('batch 1 ran past its 60s budget in phase waiting');
    expect(s.failure?.objects).toEqual(['Node old-a', 'Pod shop/web-1-r2']);
    expect(s.erroredAt).toBe(65);
  });

  it('says when PodDisruptionBudgets still refuse evictions at a batch timeout, and names those pods', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const s = await (await engineFor(w.ports(), twoNodePlan({ batchTimeBudgetSeconds: 60, drainTimeThresholdSeconds: 5000 }))).run();
    expect(s.failure?.why).toBe('batch 1 ran past its 60s budget in phase draining with evictions still refused by PodDisruptionBudgets');
    expect(s.failure?.objects).toEqual(['Node old-a', 'Pod shop/web-1']);
  });

  it('names no object when the API refuses the engine before it has seen the cluster', async () => {
    const w = world();
    const ports = withCluster(w, () => ({
      snapshot: () => {
        throw new PortError('forbidden', 'pods is forbidden: User "vngshift" cannot list resource "pods"');
      },
    }));
    const engine = await engineFor(ports);
    await engine.step();
    expect(engine.current.failure?.code).toBe('ConnectivityLost');
    expect(engine.current.failure?.why).toBe('the API refused the engine: pods is forbidden: User "vngshift" cannot list resource "pods"');
    expect(engine.current.failure?.objects).toEqual([]);
  });

  it('counts the seconds of an outage from its start, and names only the pods still on their way', async () => {
    const w = world();
    // The API goes away at t=10, when batch 1's replacements (Ready at t=20) are still starting.
    const s = await (await engineFor(outage(w, (t) => t >= 10))).run();
    expect(s.failure?.code).toBe('ConnectivityLost');
    expect(s.erroredAt).toBe(315);
    expect(s.failure?.why).toBe('the API has been unreachable for 305s (connection refused)');
    expect(s.failure?.objects).toEqual(['Pod shop/api-1-r1', 'Pod shop/web-1-r2']);
  });

  it('joins every unresolved launch error into the InsufficientCapacity reason', async () => {
    const w = world();
    // A refused eviction keeps the run going past the capacity grace.
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = withCapacity(w, {
      signal: () => ({ unplaceable: [], launchErrors: ['InsufficientInstanceCapacity m5.large us-east-1a', 'InsufficientInstanceCapacity m5.large us-east-1b'] }),
    });
    const s = await (await engineFor(ports)).run();
    expect(s.erroredAt).toBe(305);
    expect(s.failure?.why).toBe(
      'new instances could not be launched: InsufficientInstanceCapacity m5.large us-east-1a; InsufficientInstanceCapacity m5.large us-east-1b',
    );
  });

  it('names the node it could not uncordon in a StopRescheduleFailed report', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    w.faults.uncordonForbidden = true;
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const s = await (await engineFor(w.ports())).run();
    expect(s.failure?.code).toBe('StopRescheduleFailed');
    expect(s.failure?.why).toBe('could not uncordon old-a while stopping (forbidden: nodes is forbidden: cannot patch)');
    expect(s.failure?.objects).toEqual(['Node old-a', 'Pod shop/api-1-r1']);
  });
});

describe('trace entries', () => {
  it('records the API coming back on the API, with how long it was away', async () => {
    const w = world();
    await (await engineFor(outage(w, (t) => t >= 5 && t < 15))).run();
    expect(traced(w, 'api.lost').map((e) => [e.t, e.object])).toEqual([[5, 'API']]);
    expect(traced(w, 'api.restored').map((e) => [e.t, e.object, e.detail?.['lostSeconds']])).toEqual([[15, 'API', 10]]);
  });

  it('records a stop on the migration: stopping, then stopped', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const s = await (await engineFor(w.ports())).run();
    expect(s.status).toBe('Stopped');
    expect(traced(w, 'migration.stopping').map((e) => [e.t, e.object])).toEqual([[10, 'Migration m1']]);
    expect(traced(w, 'migration.stopped').map((e) => [e.t, e.object])).toEqual([[10, 'Migration m1']]);
  });

  it('records each refused eviction on its pod, with the attempt number and the API\'s message', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const engine = await engineFor(w.ports());
    await engine.step();
    expect(traced(w, 'pod.evict-blocked')).toEqual([
      { t: 0, kind: 'pod.evict-blocked', object: 'Pod shop/web-1', detail: { attempts: 1, message: 'Cannot evict pod as it would violate the pod disruption budget.' } },
    ]);
  });

  it('records why a node is kept instead of terminated', async () => {
    const w = world();
    w.addPod('shop', 'lonely', 'old-a', null);
    await (await engineFor(w.ports())).run();
    expect(traced(w, 'node.kept')).toEqual([
      { t: 20, kind: 'node.kept', object: 'Node old-a', detail: { reason: 'pods that are not evicted still run there' } },
    ]);
  });
});
