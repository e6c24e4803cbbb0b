/**
 * The final state must reach the cluster (engine.ts persistFinal): retried while the API is away, for at most
 * connectivityLostSeconds, then given up with a trace; a permanent refusal is given up at once.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { outage, withCluster } from '../../helpers/engine-world.js';

function world(): FakeWorld {
  const w = new FakeWorld();
  w.addNode('old-a', 'i-0aaa');
  w.addPod('shop', 'web-1', 'old-a', 'rs-web');
  return w;
}

const PLAN: EnginePlan = {
  oldNodes: [{ name: 'old-a', instanceId: 'i-0aaa' }],
  batches: [{ nodes: ['old-a'] }],
  params: DEFAULT_PARAMS,
  boundSeconds: 3600,
};


async function run(ports: Ports) {
  return (await MigrationEngine.resumeOrStart(ports, initialState('m1', PLAN, 0))).run();
}

describe('the final save', () => {
  it('retries the final state until the API is back, then returns', async () => {
    const w = world();
    // Down from the start: ConnectivityLost at 305; back at 400, when the final state is written.
    const s = await run(outage(w, (t) => t < 400));
    expect(s.failure?.code).toBe('ConnectivityLost');
    expect(w.t).toBe(400);
    expect(w.saved?.status).toBe('Failed');
    expect(w.saved?.failure?.code).toBe('ConnectivityLost');
    expect(w.events.map((e) => e.kind)).not.toContain('state.unsaved');
  });

  it('gives up, traced, once the API has been away for connectivityLostSeconds since the end', async () => {
    const w = world();
    const s = await run(outage(w, () => true));
    expect(s.status).toBe('Failed');
    expect(w.saved).toBeNull();
    // Ended at 305; retried every 5 s until more than 300 s had passed.
    expect(w.t).toBe(610);
    expect(w.events.filter((e) => e.kind === 'state.unsaved')).toEqual([
      { t: 610, kind: 'state.unsaved', object: 'Migration m1', detail: { error: 'connectivity', message: 'connection refused' } },
    ]);
  });

  it('gives up at once when the API refuses the save for good', async () => {
    const w = world();
    const ports = withCluster(w, (base) => ({
      // Every save of an ended state is refused: the last reconcile's save (which ends the run with ConnectivityLost, a
      // permanent refusal being lost access), then the final save.
      saveState: async (st) => {
        if (st.status === 'Completed' || st.status === 'Failed') throw new PortError('forbidden', 'configmaps is forbidden');
        return base.saveState(st);
      },
    }));
    const s = await run(ports);
    expect(s.failure?.code).toBe('ConnectivityLost');
    expect(s.failure?.why).toBe('the API refused the engine: configmaps is forbidden');
    const end = s.erroredAt;
    expect(w.t).toBe(end);
    expect(w.saved?.status).toBe('Running');
    expect(w.events.filter((e) => e.kind === 'state.unsaved')).toEqual([
      { t: end, kind: 'state.unsaved', object: 'Migration m1', detail: { error: 'forbidden', message: 'configmaps is forbidden' } },
    ]);
  });

  it('lets an error that is not a PortError through', async () => {
    const w = world();
    const ports = withCluster(w, (base) => ({
      saveState: async (st) => {
        if (st.status === 'Completed') throw new TypeError('bug in the store');
        return base.saveState(st);
      },
    }));
    await expect(run(ports)).rejects.toThrow('bug in the store');
  });
});
