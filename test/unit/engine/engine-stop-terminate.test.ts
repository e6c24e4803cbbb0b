/**
 * Stop and terminate against the fake ports, where a wrong engine would touch an instance it must not: a failed termination
 * ends the batch's work, a stop never terminates a node it kept or already terminated or already uncordoned, a stop that
 * terminates removes the Node object too. With the decisions around them: the forced eviction's clock, a run that failed
 * acting no further, a stale capacity signal, and errors in the final save that are bugs.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type Ports } from '../../../src/engine/ports.js';
import { initialState, isTerminal, type EnginePlan } from '../../../src/engine/state.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { rewritten, stepUntil, twoNodePlan, twoNodeWorld, withCluster } from '../../helpers/engine-world.js';

const world = (): FakeWorld => twoNodeWorld({ daemonSet: false });

async function engineFor(ports: Ports, p: EnginePlan = twoNodePlan()): Promise<MigrationEngine> {
  return MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0));
}

const terminations = (w: FakeWorld): string[] => w.calls.filter((c) => c.startsWith('terminate'));

describe('termination', () => {
  it('stops at the first instance EC2 refuses to terminate: the batch is not completed and no other node is tried', async () => {
    const w = world();
    w.faults.terminateForbidden = true;
    const s = await stepUntil(await engineFor(w.ports(), twoNodePlan({}, [{ nodes: ['old-a', 'old-b'] }])), w, 200);
    expect(s.failure?.code).toBe('TerminateFailed');
    expect(terminations(w)).toEqual(['terminate i-0aaa']);
    expect(s.batches[0]?.phase).toBe('terminating');
    expect(s.current).toBe(0);
    expect(w.events.filter((e) => e.kind === 'batch.completed')).toEqual([]);
    expect(s.nodePhase).toEqual({ 'old-a': 'drained', 'old-b': 'drained' });
  });
});

describe('a stop with terminateDrained', () => {
  it('uncordons a node kept for its stand-alone pod instead of terminating it', async () => {
    const w = world();
    w.addPod('shop', 'lonely', 'old-a', null);
    // Batch 2 cannot drain, so the stop finds it under way.
    w.faults.pdbBlocked.add('shop/web-2');
    w.stop = { terminateDrained: true, requestedAt: 40 };
    w.stopAt = 40;
    const s = await stepUntil(await engineFor(w.ports()), w, 200);
    expect(s.status).toBe('Stopped');
    expect(terminations(w)).toEqual([]);
    expect(w.calls.filter((c) => c.startsWith('uncordon'))).toEqual(['uncordon old-a', 'uncordon old-b']);
    expect(s.nodePhase).toEqual({ 'old-a': 'uncordoned', 'old-b': 'uncordoned' });
  });

  it('leaves a drained node missing from its snapshot alone: neither terminated nor marked', async () => {
    const w = world();
    w.pods.delete('shop/web-1');
    w.pods.delete('shop/api-1');
    const state = initialState('m1', twoNodePlan(), 0);
    const first = state.batches[0];
    if (first) first.phase = 'done';
    state.current = 1;
    state.nodePhase = { 'old-a': 'drained', 'old-b': 'waiting' };
    w.saved = state;
    w.stop = { terminateDrained: true, requestedAt: 0 };
    const s = await (await engineFor(rewritten(w, (ps) => ps, () => ['old-a']))).run();
    expect(s.status).toBe('Stopped');
    expect(terminations(w)).toEqual([]);
    expect(s.nodePhase['old-a']).toBe('drained');
  });

  it('does not terminate again a node whose instance is gone but whose Node object stayed', async () => {
    const w = world();
    const ports = withCluster(w, () => ({
      deleteNode: async (node) => {
        w.calls.push(`delete-node ${node}`);
        throw new PortError('server', 'etcdserver: request timed out');
      },
    }));
    w.faults.pdbBlocked.add('shop/web-2');
    w.stop = { terminateDrained: true, requestedAt: 40 };
    w.stopAt = 40;
    const s = await stepUntil(await engineFor(ports), w, 200);
    expect(s.status).toBe('Stopped');
    expect([...w.nodes.keys()]).toContain('old-a');
    expect(terminations(w)).toEqual(['terminate i-0aaa']);
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'uncordoned' });
  });

  it('does not terminate a node it already uncordoned when the stop is retried after a failed uncordon', async () => {
    const w = world();
    let refusals = 1;
    const ports = withCluster(w, (base) => ({
      uncordon: async (node) => {
        if (node === 'old-b' && refusals-- > 0) {
          w.calls.push(`uncordon ${node} (refused)`);
          throw new PortError('server', 'the server is currently unable to handle the request');
        }
        await base.uncordon(node);
      },
    }));
    // One batch of both nodes: old-a empties, old-b's pod is refused by its PDB.
    w.faults.pdbBlocked.add('shop/web-2');
    w.stop = { terminateDrained: true, requestedAt: 10 };
    w.stopAt = 10;
    const s = await stepUntil(await engineFor(ports, twoNodePlan({}, [{ nodes: ['old-a', 'old-b'] }])), w, 200);
    expect(s.status).toBe('Stopped');
    expect(s.stoppedAt).toBe(15);
    expect(w.calls.filter((c) => c.startsWith('uncordon'))).toEqual(['uncordon old-a', 'uncordon old-b (refused)', 'uncordon old-b']);
    expect(terminations(w)).toEqual([]);
  });

  it('terminates a drained node and removes its Node object', async () => {
    const w = world();
    // Batch 1 drains, but web-1's replacement never gets Ready: the gate (100%) holds the batch with old-a drained.
    w.faults.neverReadyOwners.add('rs-web');
    w.stop = { terminateDrained: true, requestedAt: 10 };
    w.stopAt = 10;
    const s = await stepUntil(await engineFor(w.ports(), twoNodePlan({ batchMinHealthyPercentage: 100 })), w, 200);
    expect(s.status).toBe('Stopped');
    expect(w.calls.filter((c) => c.startsWith('terminate') || c.startsWith('delete-node'))).toEqual(['terminate i-0aaa', 'delete-node old-a']);
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'waiting' });
  });
});

describe('decisions around them', () => {
  it('forces a refused eviction only once the pod has been refused for the whole drain threshold', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-2');
    // Batch 2 starts at t=25: refused at 25, 30, 40 (backoff 5, 10, 20 s), forced at 60, 35 s after the first refusal.
    const s = await stepUntil(await engineFor(w.ports(), twoNodePlan({ forcePodEvictionOnPdbFailure: true, drainTimeThresholdSeconds: 30 })), w, 400);
    expect(s.status).toBe('Completed');
    expect(w.events.filter((e) => e.kind === 'pod.evict-blocked').map((e) => e.t)).toEqual([25, 30, 40]);
    expect(w.events.filter((e) => e.kind === 'pod.deleted').map((e) => [e.t, e.object])).toEqual([[60, 'Pod shop/web-2']]);
  });

  it('acts no further in the reconcile where the drain threshold fails the run', async () => {
    const w = world();
    // Pending since the start: past a 24 s threshold at t=25, the reconcile that would start batch 2.
    w.addPod('shop', 'stuck', 'old-b', 'rs-stuck', { nodeName: null, phase: 'Pending', ready: false });
    const s = await stepUntil(await engineFor(w.ports(), twoNodePlan({ drainTimeThresholdSeconds: 24 })), w, 200);
    expect(s.failure?.code).toBe('PodsUnschedulable');
    expect(s.erroredAt).toBe(25);
    expect(s.batches[1]?.phase).toBe('pending');
    expect(w.calls.filter((c) => c.includes('old-b') || c.includes('web-2'))).toEqual([]);
  });

  it('holds a bound pod that never starts to the drain threshold, even when a stale autoscaler signal calls it unplaceable', async () => {
    const w = world();
    // Bound to a node but never started (image pull, volume attach): the autoscaler's word about it is out of date.
    w.addPod('shop', 'stuck', 'new-9', 'rs-stuck', { phase: 'Pending', ready: false });
    w.faults.unplaceable = [{ pod: 'shop/stuck', reason: '0/3 nodes are available' }];
    const s = await stepUntil(await engineFor(w.ports(), twoNodePlan({ drainTimeThresholdSeconds: 100 })), w, 400);
    expect(s.failure?.code).toBe('PodsUnschedulable');
    expect(s.erroredAt).toBe(105);
    expect(s.failure?.objects).toEqual(['Pod shop/stuck']);
  });
});

describe('the final save', () => {
  it('lets a bug in the state store out of the final save instead of calling the state unsaved', async () => {
    const w = world();
    let finalSaves = 0;
    const ports = withCluster(w, (base) => ({
      saveState: async (state) => {
        if (!isTerminal(state.status)) return base.saveState(state);
        finalSaves += 1;
        if (finalSaves === 1) throw new PortError('connectivity', 'connection reset by peer');
        throw new RangeError('store bug');
      },
    }));
    await expect((await engineFor(ports)).run()).rejects.toThrow('store bug');
    expect(finalSaves).toBe(2);
    expect(w.events.filter((e) => e.kind === 'state.unsaved')).toEqual([]);
  });
});
