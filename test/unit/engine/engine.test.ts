import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { rewritten, twoNodePlan, twoNodeWorld, withCapacity, withCluster } from '../../helpers/engine-world.js';

const world = (): FakeWorld => twoNodeWorld({ daemonSet: true });

const plan = twoNodePlan;

async function run(w: FakeWorld, p: EnginePlan) {
  const engine = await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', p, w.t));
  return engine.run();
}

describe('MigrationEngine against fake ports', () => {
  it('migrates batch by batch: cordon, evict (not DaemonSet pods), wait for Ready, terminate', async () => {
    const w = world();
    const s = await run(w, plan());
    expect(s.status).toBe('Completed');
    expect(w.terminated).toEqual(['i-0aaa', 'i-0bbb']);
    expect(w.calls.filter((c) => c.startsWith('evict'))).toEqual(['evict shop/api-1', 'evict shop/web-1', 'evict shop/web-2']);
    // old-b is only cordoned after old-a's instance is terminated (one batch at a time).
    expect(w.calls.indexOf('cordon old-b')).toBeGreaterThan(w.calls.indexOf('terminate i-0aaa'));
    // The second batch waits for the first batch's replacements to be Ready (20 s).
    const healthy = w.events.find((e) => e.kind === 'batch.healthy');
    expect(healthy?.t).toBeGreaterThanOrEqual(20);
    // The health gate's baseline is dropped once the batch passed it: the persisted state does not grow with it.
    expect(s.batches.map((b) => b.baseline)).toEqual([[], []]);
    expect(w.saved?.batches.map((b) => b.baseline)).toEqual([[], []]);
  });

  it('keeps retrying a PDB-blocked eviction with backoff and fails with TechnicalTimeout past the batch budget', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const s = await run(w, plan({ batchTimeBudgetSeconds: 300 }));
    expect(s.status).toBe('Failed');
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(s.failure?.objects).toContain('Pod shop/web-1');
    const attempts = w.calls.filter((c) => c === 'evict shop/web-1').length;
    // 5, 10, 20, 40, 60, 60, ... seconds apart within 300 s: far fewer attempts than one per 5 s reconcile.
    expect(attempts).toBeGreaterThan(3);
    expect(attempts).toBeLessThan(15);
    expect(w.terminated).toEqual([]);
  });

  it('deletes a PDB-blocked pod after the drain threshold when forcePodEvictionOnPdbFailure is set', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const s = await run(w, plan({ forcePodEvictionOnPdbFailure: true, drainTimeThresholdSeconds: 120 }));
    expect(s.status).toBe('Completed');
    expect(w.calls).toContain('delete shop/web-1');
  });

  it('fails with TerminateFailed when EC2 refuses TerminateInstances, naming the instance', async () => {
    const w = world();
    w.faults.terminateForbidden = true;
    const s = await run(w, plan());
    expect(s.failure?.code).toBe('TerminateFailed');
    expect(s.failure?.objects).toEqual(['Instance i-0aaa', 'Node old-a']);
    expect(s.failure?.message).toBe('The migration has stopped due to failure to terminate old instances.');
  });

  it('fails with PodsUnschedulable when replacements stay unready past the drain threshold', async () => {
    const w = world();
    w.faults.neverReadyOwners.add('rs-api');
    const s = await run(w, plan({ drainTimeThresholdSeconds: 200 }));
    expect(s.failure?.code).toBe('PodsUnschedulable');
    expect(s.failure?.objects.some((o) => o.startsWith('Pod shop/api-1-r'))).toBe(true);
  });

  it('fails with InsufficientCapacity when the autoscaler reports pods no VNG can host', async () => {
    const w = world();
    w.replacementReadySeconds = 1e9;
    // Replacements stay Pending with no node, and the autoscaler says none fits.
    const ports = rewritten(w, (ps) => ps.map((p) => (/-r\d+$/.test(p.name) ? { ...p, nodeName: null, phase: 'Pending' as const } : p)));
    const reason = '0/3 VNG node types are available: 3 Insufficient memory.';
    const signal = () => ({
      unplaceable: ports.cluster
        .snapshot()
        .pods.filter((p) => p.phase === 'Pending')
        .map((p) => ({ pod: `${p.namespace}/${p.name}`, reason })),
      launchErrors: [],
    });
    const withSignal = withCapacity(w, { signal }, ports);
    const engine = await MigrationEngine.resumeOrStart(withSignal, initialState('m1', plan(), 0));
    const s = await engine.run();
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.failure?.why).toContain('Insufficient memory');
  });

  it('fails with ConnectivityLost when the API stays unreachable past the threshold', async () => {
    const w = world();
    const engine = await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', plan(), 0));
    w.faults.apiDown = true;
    const s = await engine.run();
    expect(s.failure?.code).toBe('ConnectivityLost');
    expect(w.t).toBeGreaterThan(300);
  });

  it('on stop, uncordons old nodes that were not drained and terminates drained ones only when asked', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    w.stop = { terminateDrained: false, requestedAt: 30 };
    w.stopAt = 30;
    const s = await run(w, plan());
    expect(s.status).toBe('Stopped');
    expect(w.calls).toContain('cordon old-a');
    expect(w.calls).toContain('uncordon old-a');
    expect(w.nodes.get('old-a')?.unschedulable).toBe(false);
    expect(w.calls).not.toContain('cordon old-b');
    expect(w.terminated).toEqual([]);
  });

  it('fails with StopRescheduleFailed when uncordon is refused while stopping', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    w.faults.uncordonForbidden = true;
    w.stop = { terminateDrained: false, requestedAt: 30 };
    w.stopAt = 30;
    const s = await run(w, plan());
    expect(s.failure?.code).toBe('StopRescheduleFailed');
  });

  it('fails with StopTerminateFailed when a drained node cannot be terminated while stopping', async () => {
    const w = world();
    w.faults.terminateForbidden = true;
    w.stop = { terminateDrained: true, requestedAt: 10 };
    w.stopAt = 10;
    const s = await run(w, plan());
    expect(s.failure?.code).toBe('StopTerminateFailed');
    // The instance and node behind the code, and the replacements not Ready yet (they get Ready at 20 s, the stop is at 10 s).
    expect(s.failure?.objects).toEqual(['Instance i-0aaa', 'Node old-a', 'Pod shop/api-1-r1', 'Pod shop/web-1-r2']);
    // old-b was never touched.
    expect(w.calls).not.toContain('cordon old-b');
  });

  it('resumes from the persisted state after a crash and does not start over', async () => {
    const w = world();
    const first = await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', plan(), 0));
    for (let i = 0; i < 8; i++) {
      await first.step();
      await w.ports().clock.sleep(5);
    }
    expect(w.saved?.current).toBeGreaterThanOrEqual(1);
    // A new process: same id, state loaded from the cluster.
    const second = await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', plan(), w.t));
    expect(second.current.current).toBe(w.saved?.current);
    const s = await second.run();
    expect(s.status).toBe('Completed');
    expect(w.calls.filter((c) => c === 'terminate i-0aaa')).toHaveLength(1);
  });

  it('does not end before its final state is saved: a save refused while the API is away is retried until it lands', async () => {
    const w = world();
    let refused = 0;
    const ports = withCluster(w, (base) => ({
      async saveState(state) {
        // The API is away when the terminal state is first saved, for three attempts.
        if (state.status === 'Completed' && refused < 3) {
          refused += 1;
          throw new PortError('connectivity', 'connection refused');
        }
        return base.saveState(state);
      },
    }));
    const engine = await MigrationEngine.resumeOrStart(ports, initialState('m1', plan(), 0));
    const s = await engine.run();
    expect(s.status).toBe('Completed');
    expect(refused).toBe(3);
    expect(w.saved?.status).toBe('Completed');
  });

  it('gives up saving the final state after connectivityLostSeconds and traces it', async () => {
    const w = world();
    const ports = withCluster(w, (base) => ({
      async saveState(state) {
        if (state.status === 'Completed') throw new PortError('connectivity', 'connection refused');
        return base.saveState(state);
      },
    }));
    const engine = await MigrationEngine.resumeOrStart(ports, initialState('m1', plan(), 0));
    const s = await engine.run();
    expect(s.status).toBe('Completed');
    expect(w.saved?.status).toBe('Running');
    const unsaved = w.events.find((e) => e.kind === 'state.unsaved');
    expect(unsaved).toBeDefined();
    const done = w.events.find((e) => e.kind === 'migration.completed');
    expect((unsaved?.t ?? 0) - (done?.t ?? 0)).toBeGreaterThan(s.settings.connectivityLostSeconds);
  });
});
