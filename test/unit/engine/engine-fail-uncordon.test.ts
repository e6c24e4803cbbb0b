/**
 * cordonAllAtStart and a failure: the old nodes cordoned at the start whose batch never started are uncordoned when the
 * migration ends Failed (nothing will drain them any more), the batch the run failed in keeps its nodes cordoned, the
 * failure code never changes, a refused or lost uncordon is given up within connectivityLostSeconds and named in the
 * failure, and an engine resumed on the saved Failed state finishes the cleanup.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan, type MigrationState } from '../../../src/engine/state.js';
import { DEFAULT_PARAMS, type MigrationParams } from '../../../src/model/params.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { withCluster } from '../../helpers/engine-world.js';

/** Three old nodes, one batch each: old-a (web-1, api-1), old-b (web-2), old-c (web-3). */
function threeNodeWorld(): FakeWorld {
  const w = new FakeWorld();
  w.addNode('old-a', 'i-0aaa');
  w.addNode('old-b', 'i-0bbb');
  w.addNode('old-c', 'i-0ccc');
  w.addPod('shop', 'web-1', 'old-a', 'rs-web');
  w.addPod('shop', 'api-1', 'old-a', 'rs-api');
  w.addPod('shop', 'web-2', 'old-b', 'rs-web');
  w.addPod('shop', 'web-3', 'old-c', 'rs-web');
  return w;
}

function threeNodePlan(params: Partial<MigrationParams> = {}): EnginePlan {
  return {
    oldNodes: [
      { name: 'old-a', instanceId: 'i-0aaa' },
      { name: 'old-b', instanceId: 'i-0bbb' },
      { name: 'old-c', instanceId: 'i-0ccc' },
    ],
    batches: [{ nodes: ['old-a'] }, { nodes: ['old-b'] }, { nodes: ['old-c'] }],
    // A batch whose PDB-blocked pod is never forced runs past a one-minute budget: TechnicalTimeout.
    params: { ...DEFAULT_PARAMS, cordonAllAtStart: true, batchTimeBudgetSeconds: 60, respectPdb: true, forcePodEvictionOnPdbFailure: false, ...params },
    boundSeconds: 7200,
  };
}

const nodeCalls = (w: FakeWorld): string[] => w.calls.filter((c) => /^(un)?cordon /.test(c));
const traced = (w: FakeWorld, kind: string): string[] => w.events.filter((e) => e.kind === kind).map((e) => e.object);

async function run(ports: Ports, p: EnginePlan = threeNodePlan()): Promise<MigrationState> {
  return (await MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0))).run();
}

describe('a Failed migration with cordonAllAtStart', () => {
  it('a TechnicalTimeout in batch 1 of 3 uncordons the nodes of batches 2 and 3 and leaves batch 1 cordoned', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const s = await run(w.ports());
    expect(s.status).toBe('Failed');
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'cordon old-b', 'cordon old-c', 'uncordon old-b', 'uncordon old-c']);
    expect(s.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'uncordoned', 'old-c': 'uncordoned' });
    expect([...w.nodes.values()].filter((n) => n.unschedulable).map((n) => n.name)).toEqual(['old-a']);
    const uncordoned = w.events.filter((e) => e.kind === 'node.uncordoned');
    expect(uncordoned.map((e) => [e.object, e.detail])).toEqual([
      ['Node old-b', { reason: 'migration failed' }],
      ['Node old-c', { reason: 'migration failed' }],
    ]);
    // After the failure is traced, and the final save holds the new phases.
    const failedAt = w.events.findIndex((e) => e.kind === 'migration.failed');
    expect(w.events.findIndex((e) => e.kind === 'node.uncordoned')).toBeGreaterThan(failedAt);
    expect(w.saved?.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'uncordoned', 'old-c': 'uncordoned' });
    expect(w.saved?.failure?.objects).toEqual(['Node old-a', 'Pod shop/web-1']);
    expect(traced(w, 'node.uncordon-failed')).toEqual([]);
  });

  it('saves the Failed state before the first uncordon (a resumed engine knows the run is over)', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const seen: string[] = [];
    const ports = withCluster(w, (base) => ({
      uncordon: async (n) => {
        seen.push(`${n} after saving ${String(w.saved?.status)}`);
        await base.uncordon(n);
      },
    }));
    await run(ports);
    expect(seen).toEqual(['old-b after saving Failed', 'old-c after saving Failed']);
  });

  it('when the failing reconcile could not save the Failed state, saves it before the first uncordon', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    let blips = 1;
    const seen: string[] = [];
    const ports = withCluster(w, (base) => ({
      saveState: async (st) => {
        if (st.status === 'Failed' && blips > 0) {
          blips -= 1;
          throw new PortError('server', 'etcdserver: leader changed');
        }
        await base.saveState(st);
      },
      uncordon: async (n) => {
        seen.push(`${n} after saving ${String(w.saved?.status)}`);
        await base.uncordon(n);
      },
    }));
    const s = await run(ports);
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(seen).toEqual(['old-b after saving Failed', 'old-c after saving Failed']);
  });

  it('a failure in batch 2 of 3 leaves batch 1 terminated and batch 2 cordoned, and uncordons batch 3', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-2');
    const s = await run(w.ports());
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'cordoned', 'old-c': 'uncordoned' });
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'cordon old-b', 'cordon old-c', 'uncordon old-c']);
    expect(w.nodes.get('old-b')?.unschedulable).toBe(true);
  });

  it('a failure before the current batch started gives its nodes back too (its batch never started)', async () => {
    const w = threeNodeWorld();
    w.nodes.delete('old-a');
    w.pods.delete('shop/web-1');
    w.pods.delete('shop/api-1');
    for (const n of ['old-b', 'old-c']) {
      const node = w.nodes.get(n);
      if (node) w.nodes.set(n, { ...node, unschedulable: true });
    }
    w.addPod('shop', 'big-1', 'old-b', 'rs-big', { nodeName: null, phase: 'Pending', ready: false });
    w.faults.unplaceable = [{ pod: 'shop/big-1', reason: 'no VNG has 64 CPUs' }];
    const state = initialState('m1', threeNodePlan(), 0);
    const first = state.batches[0];
    if (first) first.phase = 'done';
    state.current = 1;
    state.cordonedAllAt = 0;
    state.capacityTroubleSince = 0;
    state.nodePhase = { 'old-a': 'terminated', 'old-b': 'cordoned', 'old-c': 'cordoned' };
    w.saved = state;
    w.t = state.settings.capacityGraceSeconds + 10;
    const s = await (await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', threeNodePlan(), 0))).run();
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.batches[1]?.phase).toBe('pending');
    expect(nodeCalls(w)).toEqual(['uncordon old-b', 'uncordon old-c']);
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'uncordoned', 'old-c': 'uncordoned' });
  });

  it('marks a node saved as cordoned whose cordon never landed uncordoned without calling the API', async () => {
    const w = threeNodeWorld();
    // old-c's cordon keeps failing, so no batch starts; a pod no VNG can host fails the run past the capacity grace.
    w.addPod('shop', 'big-1', 'old-a', 'rs-big', { nodeName: null, phase: 'Pending', ready: false });
    w.faults.unplaceable = [{ pod: 'shop/big-1', reason: 'no VNG has 64 CPUs' }];
    const ports = withCluster(w, (base) => ({
      cordon: async (n) => {
        if (n === 'old-c') throw new PortError('server', 'etcdserver: request timed out');
        await base.cordon(n);
      },
    }));
    const s = await run(ports);
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.batches.map((b) => b.phase)).toEqual(['pending', 'pending', 'pending']);
    expect(w.nodes.get('old-c')?.unschedulable).toBe(false);
    expect(s.nodePhase).toEqual({ 'old-a': 'uncordoned', 'old-b': 'uncordoned', 'old-c': 'uncordoned' });
    expect(nodeCalls(w).filter((c) => c.startsWith('uncordon'))).toEqual(['uncordon old-a', 'uncordon old-b']);
    expect(traced(w, 'node.uncordoned')).toEqual(['Node old-a', 'Node old-b']);
  });
});

describe('a Failed migration with cordonAllAtStart off', () => {
  it('uncordons nothing: only batch 1 was cordoned, and it keeps its cordon', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const s = await run(w.ports(), threeNodePlan({ cordonAllAtStart: false }));
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(nodeCalls(w)).toEqual(['cordon old-a']);
    expect(s.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'waiting', 'old-c': 'waiting' });
    expect(traced(w, 'node.uncordoned')).toEqual([]);
  });
});

describe('an uncordon after a failure that does not go through', () => {
  it('refused: the failure code stays, the run ends, the nodes stay cordoned and the failure names them', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    w.faults.uncordonForbidden = true;
    const s = await run(w.ports());
    expect(s.status).toBe('Failed');
    expect(s.failure?.code).toBe('TechnicalTimeout');
    // A refusal is not retried.
    expect(nodeCalls(w)).toEqual(['cordon old-a', 'cordon old-b', 'cordon old-c', 'uncordon old-b', 'uncordon old-c']);
    expect(s.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'cordoned', 'old-c': 'cordoned' });
    const failed = w.events.filter((e) => e.kind === 'node.uncordon-failed');
    expect(failed.map((e) => [e.object, e.detail?.['reason'], e.detail?.['error']])).toEqual([
      ['Node old-b', 'migration failed', 'forbidden'],
      ['Node old-c', 'migration failed', 'forbidden'],
    ]);
    expect(s.failure?.objects).toEqual(['Node old-a', 'Node old-b', 'Node old-c', 'Pod shop/web-1']);
    expect(w.saved?.failure?.objects).toEqual(s.failure?.objects);
    expect(w.saved?.failure?.code).toBe('TechnicalTimeout');
  });

  it('a transient error is retried each interval and the uncordon lands when the API answers again', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    let refusals = 2;
    const ports = withCluster(w, (base) => ({
      uncordon: async (n) => {
        if (n === 'old-c' && refusals > 0) {
          refusals -= 1;
          throw new PortError('throttled', 'Too Many Requests');
        }
        await base.uncordon(n);
      },
    }));
    const s = await run(ports);
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(s.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'uncordoned', 'old-c': 'uncordoned' });
    // old-b went through at once and is not called again.
    expect(nodeCalls(w).filter((c) => c.startsWith('uncordon'))).toEqual(['uncordon old-b', 'uncordon old-c']);
    expect(w.t - (s.erroredAt ?? 0)).toBe(2 * s.settings.intervalSeconds);
    expect(traced(w, 'node.uncordon-failed')).toEqual([]);
    expect(s.failure?.objects).toEqual(['Node old-a', 'Pod shop/web-1']);
  });

  it('a transient error that lasts is given up past connectivityLostSeconds: the run ends Failed with its code', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = withCluster(w, (base) => ({
      uncordon: async (n) => {
        if (n === 'old-c') throw new PortError('connectivity', 'connection reset');
        await base.uncordon(n);
      },
    }));
    const s = await run(ports);
    expect(s.status).toBe('Failed');
    expect(s.failure?.code).toBe('TechnicalTimeout');
    const window = s.settings.connectivityLostSeconds;
    const spent = w.t - (s.erroredAt ?? 0);
    expect(spent).toBeGreaterThan(window);
    expect(spent).toBeLessThanOrEqual(window + s.settings.intervalSeconds);
    expect(s.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'uncordoned', 'old-c': 'cordoned' });
    expect(w.events.filter((e) => e.kind === 'node.uncordon-failed').map((e) => [e.object, e.detail?.['error']])).toEqual([['Node old-c', 'connectivity']]);
    expect(w.saved?.failure?.objects).toContain('Node old-c');
    expect(w.saved?.failure?.objects).not.toContain('Node old-b');
    // The final save still went through (its window is the same one, and it tries at least once).
    expect(w.saved?.nodePhase['old-b']).toBe('uncordoned');
  });

  it('the API gone for good after the failure: the uncordons and the final save share one window, and the run ends', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = withCluster(w, (base) => ({
      saveState: async (st) => {
        if (st.status === 'Failed' && w.saved?.status !== 'Failed') w.faults.apiDown = true;
        await base.saveState(st);
      },
    }));
    const s = await run(ports);
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(nodeCalls(w).filter((c) => c.startsWith('uncordon'))).toEqual([]);
    expect(traced(w, 'node.uncordon-failed')).toEqual(['Node old-b', 'Node old-c']);
    // Given up only once the window is past: the API was retried meanwhile.
    for (const e of w.events.filter((ev) => ev.kind === 'node.uncordon-failed')) {
      expect(e.t - (s.erroredAt ?? 0)).toBeGreaterThan(s.settings.connectivityLostSeconds);
    }
    expect(traced(w, 'state.unsaved')).toEqual(['Migration m1']);
    expect(w.t - (s.erroredAt ?? 0)).toBeLessThanOrEqual(s.settings.connectivityLostSeconds + s.settings.intervalSeconds);
  });
  it('a save refused after the failure gives every node up at once, without an uncordon', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    let failedSaves = 0;
    const ports = withCluster(w, (base) => ({
      saveState: async (st) => {
        if (st.status === 'Failed') {
          failedSaves += 1;
          // The failing reconcile's save meets a blip; the next one, a refusal.
          throw failedSaves === 1 ? new PortError('server', 'etcdserver: leader changed') : new PortError('forbidden', 'configmaps is forbidden');
        }
        await base.saveState(st);
      },
    }));
    const s = await run(ports);
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(nodeCalls(w).filter((c) => c.startsWith('uncordon'))).toEqual([]);
    const failed = w.events.filter((e) => e.kind === 'node.uncordon-failed');
    expect(failed.map((e) => [e.object, e.detail?.['error'], e.t])).toEqual([
      ['Node old-b', 'forbidden', s.erroredAt],
      ['Node old-c', 'forbidden', s.erroredAt],
    ]);
    expect(s.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'cordoned', 'old-c': 'cordoned' });
  });

  it('a node of a later batch gone from the cluster is left alone: nothing to uncordon, nothing given up', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = withCluster(w, (base) => ({
      saveState: async (st) => {
        if (st.status === 'Failed') w.nodes.delete('old-c');
        await base.saveState(st);
      },
    }));
    const s = await run(ports);
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(nodeCalls(w).filter((c) => c.startsWith('uncordon'))).toEqual(['uncordon old-b']);
    expect(traced(w, 'node.uncordon-failed')).toEqual([]);
    expect(s.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'uncordoned', 'old-c': 'cordoned' });
  });
});

describe('a Failed migration across a restart', () => {
  it('an engine resumed on the saved Failed state (the process died before the uncordons) finishes the cleanup', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const dying = withCluster(w, () => ({
      uncordon: async () => {
        throw new Error('process killed');
      },
    }));
    await expect(run(dying)).rejects.toThrow('process killed');
    expect(w.saved?.status).toBe('Failed');
    expect(w.saved?.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'cordoned', 'old-c': 'cordoned' });
    w.calls.length = 0;
    const s = await run(w.ports());
    expect(w.events.filter((e) => e.kind === 'migration.resumed')).toHaveLength(1);
    expect(s.status).toBe('Failed');
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(w.calls).toEqual(['uncordon old-b', 'uncordon old-c']);
    expect(w.saved?.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'uncordoned', 'old-c': 'uncordoned' });
  });

  it('an engine resumed on a Failed state with nothing left to give back calls nothing, and does not read the cluster', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    await run(w.ports());
    w.calls.length = 0;
    let reads = 0;
    const counting = withCluster(w, (base) => ({
      snapshot: () => {
        reads += 1;
        return base.snapshot();
      },
    }));
    const s = await run(counting);
    expect(s.status).toBe('Failed');
    expect(w.calls).toEqual([]);
    expect(reads).toBe(0);
  });

  it('an engine resumed on a Failed run whose uncordons were refused tries them again, and names each node once', async () => {
    const w = threeNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    w.faults.uncordonForbidden = true;
    await run(w.ports());
    w.calls.length = 0;
    const again = await run(w.ports());
    expect(w.calls).toEqual(['uncordon old-b', 'uncordon old-c']);
    expect(again.failure?.objects).toEqual(['Node old-a', 'Node old-b', 'Node old-c', 'Pod shop/web-1']);
    w.faults.uncordonForbidden = false;
    const s = await run(w.ports());
    expect(s.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'uncordoned', 'old-c': 'uncordoned' });
    expect(s.failure?.code).toBe('TechnicalTimeout');
  });
});
