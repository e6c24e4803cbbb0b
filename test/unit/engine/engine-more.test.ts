/**
 * Yet more engine edges against the fake ports (see engine-edges.test.ts and engine-boundaries.test.ts): errors that are
 * bugs, the batch budget against a batch that ends or fails in the same reconcile, nodes that appear late or vanish, a
 * termination resumed half-way, and the pods that never hold a run up.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type PodView, type Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { rewritten, twoNodePlan, twoNodeWorld, withCapacity, withCluster } from '../../helpers/engine-world.js';

const world = (): FakeWorld => twoNodeWorld({ daemonSet: false });

const plan = twoNodePlan;

/** The fake's ports with the first termination that `which` picks refused once with `refusal()`; every call is recorded. */
function throttleOneTermination(w: FakeWorld, which: (ids: readonly string[]) => boolean, refusal: () => PortError): Ports {
  let refused = false;
  return {
    ...w.ports(),
    cloud: {
      terminateInstances: async (ids) => {
        w.calls.push(`terminate ${ids.join(',')}`);
        if (!refused && which(ids)) {
          refused = true;
          throw refusal();
        }
        w.terminated.push(...ids);
      },
    },
  };
}

async function engineFor(ports: Ports, p: EnginePlan = plan()): Promise<MigrationEngine> {
  return MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0));
}

describe('bugs are not outages', () => {
  it('lets an error that is not a PortError out of the capacity port and out of the state save', async () => {
    const w = world();
    const badCapacity = withCapacity(w, {
      reconcile: async () => {
        throw new RangeError('capacity bug');
      },
    });
    await expect((await engineFor(badCapacity)).step()).rejects.toThrow('capacity bug');
    const badSave = withCluster(w, () => ({
      saveState: async () => {
        throw new RangeError('store bug');
      },
    }));
    await expect((await engineFor(badSave)).step()).rejects.toThrow('store bug');
  });
});

describe('the batch budget', () => {
  it('does not fail a batch that completes in the reconcile that passes its budget', async () => {
    const w = world();
    // Batch 1 ends at t=20 (replacements Ready), batch 2 at t=45, 20 s after its start: both 1 s past a 19 s budget.
    const s = await (await engineFor(w.ports(), plan({ batchTimeBudgetSeconds: 19 }))).run();
    expect(s.status).toBe('Completed');
    expect(s.batches.map((b) => (b.finishedAt ?? 0) - (b.startedAt ?? 0))).toEqual([20, 20]);
  });

  it('keeps the failure of a batch that fails in the reconcile that passes its budget', async () => {
    const w = world();
    w.faults.terminateForbidden = true;
    const s = await (await engineFor(w.ports(), plan({ batchTimeBudgetSeconds: 19 }))).run();
    expect(s.failure?.code).toBe('TerminateFailed');
    expect(s.erroredAt).toBe(20);
  });
});

describe('nodes that appear late or vanish', () => {
  it('cordons a batch node missing from the first snapshot once it shows up, and uncordons it on a stop', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = rewritten(w, (ps) => ps, (t) => (t < 5 ? ['old-b'] : []));
    w.stop = { terminateDrained: false, requestedAt: 20 };
    w.stopAt = 20;
    const engine = await engineFor(ports, plan({}, [{ nodes: ['old-a', 'old-b'] }]));
    await engine.step();
    expect(engine.current.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'waiting' });
    await w.ports().clock.sleep(5);
    await engine.step();
    expect(engine.current.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'cordoned' });
    const s = await engine.run();
    expect(s.status).toBe('Stopped');
    expect(w.calls.filter((c) => c.startsWith('cordon') || c.startsWith('uncordon'))).toEqual([
      'cordon old-a',
      'cordon old-b',
      'uncordon old-a',
      'uncordon old-b',
    ]);
    expect(s.nodePhase).toEqual({ 'old-a': 'uncordoned', 'old-b': 'uncordoned' });
  });

  it('stops without touching an old node that is gone from the cluster', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = rewritten(w, (ps) => ps, (t) => (t >= 10 ? ['old-a'] : []));
    w.stop = { terminateDrained: true, requestedAt: 10 };
    w.stopAt = 10;
    const s = await (await engineFor(ports)).run();
    expect(s.status).toBe('Stopped');
    expect(s.nodePhase['old-a']).toBe('cordoned');
    expect(w.calls.filter((c) => c.startsWith('uncordon') || c.startsWith('terminate'))).toEqual([]);
  });

  it('fails with ConnectivityLost when the API refuses to delete a terminated node\'s Node object', async () => {
    const w = world();
    const ports = withCluster(w, () => ({
      deleteNode: async () => {
        throw new PortError('forbidden', 'nodes "old-a" is forbidden');
      },
    }));
    const s = await (await engineFor(ports)).run();
    expect(s.failure?.code).toBe('ConnectivityLost');
    expect(s.failure?.why).toBe('the API refused the engine: nodes "old-a" is forbidden');
    expect(w.terminated).toEqual(['i-0aaa']);
  });
});

describe('a termination resumed half-way', () => {
  it('terminates each node of a batch once when a transient error interrupts the batch\'s terminations', async () => {
    const w = world();
    const ports = throttleOneTermination(w, (ids) => ids[0] === 'i-0bbb', () => new PortError('throttled', 'Request limit exceeded.', 'RequestLimitExceeded'));
    const s = await (await engineFor(ports, plan({}, [{ nodes: ['old-a', 'old-b'] }]))).run();
    expect(s.status).toBe('Completed');
    expect(w.calls.filter((c) => c.startsWith('terminate'))).toEqual(['terminate i-0aaa', 'terminate i-0bbb', 'terminate i-0bbb']);
    expect(w.terminated).toEqual(['i-0aaa', 'i-0bbb']);
  });

  it('keeps a kept node kept on the next reconcile, even once its stand-alone pod is gone', async () => {
    const w = world();
    w.addPod('shop', 'lonely', 'old-a', null);
    const ports = throttleOneTermination(w, () => true, () => {
      w.pods.delete('shop/lonely');
      return new PortError('throttled', 'Request limit exceeded.');
    });
    const s = await (await engineFor(ports, plan({}, [{ nodes: ['old-a', 'old-b'] }]))).run();
    expect(s.status).toBe('Completed');
    expect(s.nodePhase).toEqual({ 'old-a': 'kept', 'old-b': 'terminated' });
    expect(w.terminated).toEqual(['i-0bbb']);
  });
});

describe('pods that never hold a run up', () => {
  it('ignores pending DaemonSet and mirror pods, terminating pods and finished pods of an evicted controller', async () => {
    const w = world();
    w.addPod('kube-system', 'ds-new', 'old-b', 'ds-x', { nodeName: null, phase: 'Pending', ready: false, isDaemonSet: true, ownerKind: 'DaemonSet' });
    w.addPod('kube-system', 'static-new', 'old-b', null, { nodeName: null, phase: 'Pending', ready: false, isMirror: true, ownerKind: 'Node' });
    w.addPod('shop', 'leaving', 'new-x', 'rs-web', { nodeName: 'new-x', phase: 'Pending', ready: false, terminating: true });
    w.addPod('shop', 'web-done', 'new-x', 'rs-web', { nodeName: 'new-x', phase: 'Succeeded', ready: false });
    w.addPod('shop', 'web-dead', 'new-x', 'rs-web', { nodeName: 'new-x', phase: 'Failed', ready: false });
    const s = await (await engineFor(w.ports(), plan({ drainTimeThresholdSeconds: 30 }))).run();
    expect(s.status).toBe('Completed');
  });

  it('completes only once the last replacements are Ready', async () => {
    const w = world();
    w.addPod('shop', 'cache-1', 'old-b', 'rs-cache');
    // Batch 2 moves on with cache-1's replacement; web-2's is Running but not Ready until t=100.
    const ports = rewritten(w, (ps) => ps.map((p) => (p.name.startsWith('web-2-r') && w.t < 100 ? { ...p, ready: false } : p)));
    const s = await (await engineFor(ports, plan({ batchMinHealthyPercentage: 1 }))).run();
    expect(s.status).toBe('Completed');
    expect(s.completedAt).toBe(100);
  });

  it('does not count a Ready replacement that is terminating as healthy', async () => {
    const w = world();
    const ports = rewritten(w, (ps) => ps.map((p) => (p.name.startsWith('api-1-r') && w.t < 60 ? { ...p, terminating: true } : p)));
    const s = await (await engineFor(ports, plan({ batchMinHealthyPercentage: 100 }))).run();
    expect(s.status).toBe('Completed');
    expect(w.events.find((e) => e.kind === 'batch.healthy')?.t).toBe(60);
  });

  it('does not count the autoscaler\'s word on a pod that is bound to a node but still Pending', async () => {
    const w = world();
    w.addPod('shop', 'starting', 'new-x', 'rs-start', { nodeName: 'new-x', phase: 'Pending', ready: false, createdAt: -1 });
    w.faults.unplaceable = [{ pod: 'shop/starting', reason: 'stale' }];
    const s = await (await engineFor(w.ports())).run();
    expect(s.status).toBe('Completed');
    expect(w.events.map((e) => e.kind)).not.toContain('capacity.trouble');
  });

  it('does not count a pod of an evicted controller that is back on a batch node as a replacement', async () => {
    const w = world();
    w.faults.neverReadyOwners.add('rs-api');
    w.faults.neverReadyOwners.add('rs-web');
    // A web pod scheduled back onto cordoned old-a (it tolerates anything), Running and Ready.
    const ports = rewritten(w, (ps) =>
      w.t >= 5
        ? [...ps, { ...(ps.find((p) => p.name === 'web-2') as PodView), uid: 'shop/web-back', name: 'web-back', nodeName: 'old-a', createdAt: 5 }]
        : ps,
    );
    const s = await (await engineFor(ports, plan({ drainTimeThresholdSeconds: 100 }))).run();
    expect(w.events.map((e) => e.kind)).not.toContain('batch.healthy');
    expect(s.failure?.code).toBe('PodsUnschedulable');
  });
});

describe('order and idleness', () => {
  it('evicts a node\'s pods in namespace/name order, whatever order the cluster lists them in', async () => {
    const w = new FakeWorld();
    w.addNode('old-a', 'i-0aaa');
    for (const [ns, name] of [['shop', 'c'], ['shop', 'a'], ['other', 'b'], ['shop', 'b'], ['apps', 'z']] as const) w.addPod(ns, name, 'old-a', `rs-${ns}-${name}`);
    const engine = await engineFor(w.ports(), { ...plan(), oldNodes: [{ name: 'old-a', instanceId: 'i-0aaa' }], batches: [{ nodes: ['old-a'] }] });
    await engine.step();
    expect(w.calls.filter((c) => c.startsWith('evict'))).toEqual(['evict apps/z', 'evict other/b', 'evict shop/a', 'evict shop/b', 'evict shop/c']);
  });

  it('changes nothing and calls nothing when a migration that has ended is stepped again', async () => {
    const w = world();
    const engine = await engineFor(w.ports());
    const done = await engine.run();
    expect(done.status).toBe('Completed');
    const before = JSON.stringify(done);
    const calls = w.calls.length;
    const events = w.events.length;
    // Everything a live reconcile could react to: a stop, a pod stuck Pending, the autoscaler's trouble.
    w.stop = { terminateDrained: true, requestedAt: w.t };
    w.addPod('shop', 'late', 'old-b', 'rs-late', { nodeName: null, phase: 'Pending', ready: false, createdAt: 0 });
    w.faults.unplaceable = [{ pod: 'shop/late', reason: 'no VNG fits' }];
    for (let i = 0; i < 100; i++) {
      await engine.step();
      await w.ports().clock.sleep(60);
    }
    expect(JSON.stringify(engine.current)).toBe(before);
    expect(w.calls.length).toBe(calls);
    expect(w.events.length).toBe(events);
  });
});
