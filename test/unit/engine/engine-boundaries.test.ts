/**
 * More of the engine's edges against the fake ports (with test/unit/engine/engine-edges.test.ts): which of two thresholds
 * decides a pod, what is traced once, idempotent evictions and deletions, stand-alone pods in the healthy share.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { rewritten, twoNodePlan, twoNodeWorld, withCapacity, withCluster } from '../../helpers/engine-world.js';

const world = (): FakeWorld => twoNodeWorld({ daemonSet: false });

const plan = twoNodePlan;

async function run(ports: Ports, p: EnginePlan = plan()) {
  return (await MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0))).run();
}

const count = (w: FakeWorld, kind: string): number => w.events.filter((e) => e.kind === kind).length;

describe('which threshold decides', () => {
  it('leaves a pod that the autoscaler says fits no VNG to the capacity grace, even past the drain threshold', async () => {
    const w = world();
    w.addPod('shop', 'stuck', 'old-b', 'rs-stuck', { nodeName: null, phase: 'Pending', ready: false });
    w.faults.unplaceable = [{ pod: 'shop/stuck', reason: 'no VNG has a GPU' }];
    const s = await run(w.ports(), plan({ drainTimeThresholdSeconds: 100 }));
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.erroredAt).toBe(305);
  });

  it('counts a pod created at the very start of the migration as one of its own', async () => {
    const w = world();
    w.addPod('shop', 'new-pending', 'old-b', 'rs-new', { nodeName: null, phase: 'Pending', ready: false, createdAt: 0 });
    const s = await run(w.ports(), plan({ drainTimeThresholdSeconds: 100 }));
    expect(s.failure?.code).toBe('PodsUnschedulable');
    expect(s.erroredAt).toBe(105);
  });

  it('names the launch errors and the unplaceable pods of an InsufficientCapacity failure in order', async () => {
    const w = world();
    w.addPod('shop', 'stuck', 'old-b', 'rs-stuck', { nodeName: null, phase: 'Pending', ready: false });
    const ports = withCapacity(w, {
      signal: () => ({ unplaceable: [{ pod: 'shop/stuck', reason: 'too big' }], launchErrors: ['InsufficientInstanceCapacity p3.2xlarge'] }),
    });
    const s = await run(ports);
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.failure?.why).toBe('1 pod(s) fit no VNG: too big');
    expect(s.failure?.objects).toEqual(['Launch InsufficientInstanceCapacity p3.2xlarge', 'Pod shop/stuck']);
  });
});

describe('traced once', () => {
  it('records a stop request and the switch to Stopping once, however long the stop takes', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    w.faults.uncordonForbidden = false;
    // The replacement of api-1 stays Pending, so the stop waits (drain threshold 100 s) over many reconciles.
    const ports = rewritten(w, (ps) => ps.map((p) => (/-r\d+$/.test(p.name) ? { ...p, nodeName: null, phase: 'Pending' as const, ready: false } : p)));
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const s = await run(ports, plan({ drainTimeThresholdSeconds: 100 }));
    expect(s.status).toBe('Stopped');
    expect(count(w, 'migration.stop-requested')).toBe(1);
    expect(count(w, 'migration.stopping')).toBe(1);
    expect(count(w, 'migration.stopped')).toBe(1);
    expect(s.stop).toEqual({ terminateDrained: false, requestedAt: 10 });
  });

  it('fails once: an API still down after the failure does not fail the run again', async () => {
    const w = world();
    w.faults.apiDown = true;
    const engine = await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', plan(), 0));
    const s = await engine.run();
    expect(s.failure?.code).toBe('ConnectivityLost');
    // Reconciles after the end do nothing either.
    await engine.step();
    expect(count(w, 'migration.failed')).toBe(1);
    expect(count(w, 'api.lost')).toBe(1);
  });
});

describe('idempotent actions', () => {
  it('evicts again a pod that is still there after an accepted eviction, and lists it once', async () => {
    const w = world();
    let first = true;
    const ports = withCluster(w, (base) => ({
      // The first eviction of web-1 is accepted but the pod stays (the answer of an API that lost the request).
      evict: async (ns, name) => {
        if (name === 'web-1' && first) {
          first = false;
          w.calls.push(`evict ${ns}/${name}`);
          return { kind: 'evicted' as const };
        }
        return base.evict(ns, name);
      },
    }));
    const s = await run(ports);
    expect(s.status).toBe('Completed');
    expect(w.calls.filter((c) => c === 'evict shop/web-1')).toHaveLength(2);
    // Listed once: the drained batch counted two pods, and the finished batch keeps the count, not the list.
    expect(w.events.find((e) => e.kind === 'batch.drained' && e.object === 'Batch 1')?.detail).toEqual({ evicted: 2 });
    expect(s.batches[0]).toMatchObject({ evicted: [], evictedCount: 2 });
  });

  it('takes a forced deletion of a pod already gone as done, and retries one that failed transiently', async () => {
    const w = world();
    const failures = new Map([
      ['api-1', new PortError('not-found', 'pods "api-1" not found')],
      ['web-1', new PortError('throttled', 'Too Many Requests', 'TooManyRequests')],
    ]);
    const ports = withCluster(w, (base) => ({
      deletePod: async (ns, name) => {
        const e = failures.get(name);
        failures.delete(name);
        if (e?.kind === 'not-found') {
          w.pods.delete(`${ns}/${name}`);
          throw e;
        }
        if (e) throw e;
        return base.deletePod(ns, name);
      },
    }));
    const s = await run(ports, plan({ respectPdb: false }));
    expect(s.status).toBe('Completed');
    expect(s.batches[0]).toMatchObject({ evicted: [], evictedCount: 2 });
    expect(w.events.filter((e) => e.kind === 'pod.deleted').map((e) => [e.t, e.object])).toEqual([
      [0, 'Pod shop/api-1'],
      [5, 'Pod shop/web-1'],
      [30, 'Pod shop/web-2'],
    ]);
  });
});

describe('stand-alone pods in the healthy share', () => {
  it('leaves evicted stand-alone pods (nothing replaces them) out of batchMinHealthyPercentage', async () => {
    const w = world();
    w.addPod('shop', 'lonely', 'old-a', null);
    const s = await run(w.ports(), plan({ shouldEvictStandAlonePods: true, batchMinHealthyPercentage: 100 }));
    expect(s.status).toBe('Completed');
    expect(w.events.find((e) => e.kind === 'batch.healthy')?.detail).toEqual({ healthyPercent: 100, replaced: 2, evicted: 2 });
    expect(s.lastEvictedAt).toEqual({ 'rs-api': 0, 'rs-web': 25 });
  });
});
