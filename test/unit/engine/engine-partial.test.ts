/**
 * What a partial migration (a node selection) answers for: the pods of the controllers it evicted from, Pending ones
 * included; not a Pending pod elsewhere in the cluster, a stand-alone one, nor a workload created meanwhile. A migration of
 * every node answers for every Pending pod (the VNGs are then the cluster's only capacity): each case is pinned both ways.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import type { PodView, Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import { migrationStatus } from '../../../src/engine/status.js';
import type { MigrationParams } from '../../../src/model/params.js';
import type { FakeWorld } from '../../helpers/fake-ports.js';
import { rewritten, twoNodePlan, twoNodeWorld, withCapacity } from '../../helpers/engine-world.js';

/** old-a and old-b migrate; the cluster also has node stay-1, which the selection leaves out. */
const PARTIAL: Partial<MigrationParams> = { nodes: { kind: 'nodeNames', names: ['old-a', 'old-b'] } };

const world = (): FakeWorld => {
  const w = twoNodeWorld({ daemonSet: false });
  w.addNode('stay-1', 'i-0ccc');
  w.addPod('ops', 'metrics-1', 'stay-1', 'rs-metrics');
  return w;
};

const partial = (params: Partial<MigrationParams> = {}): EnginePlan => twoNodePlan({ ...PARTIAL, ...params });
const full = (params: Partial<MigrationParams> = {}): EnginePlan => twoNodePlan(params);

async function run(ports: Ports, p: EnginePlan) {
  return (await MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0))).run();
}

const kinds = (w: FakeWorld): string[] => w.events.map((e) => e.kind);

/** A Pending, unbound pod of its own ReplicaSet (or stand-alone), created `createdAt`. */
function pending(w: FakeWorld, name: string, ownerUid: string | null, createdAt = -100): void {
  w.addPod('ops', name, 'stay-1', ownerUid, { nodeName: null, phase: 'Pending', ready: false, createdAt });
}

/** The fake's ports with every replacement of `owner` held Pending and unbound, and the autoscaler calling it unplaceable. */
function replacementsUnplaceable(w: FakeWorld, owner: string, launchErrors: readonly string[] = []): Ports {
  const held = (p: PodView): boolean => p.ownerUid === owner && /-r\d+$/.test(p.name);
  const base = rewritten(w, (ps) => ps.map((p) => (held(p) ? { ...p, nodeName: null, phase: 'Pending' as const, ready: false } : p)));
  return withCapacity(
    w,
    {
      signal: () => ({
        unplaceable: [...w.pods.values()].filter(held).map((p) => ({ pod: `${p.namespace}/${p.name}`, reason: '0/2 VNG node types are available: 2 Insufficient cpu.' })),
        launchErrors: [...launchErrors],
      }),
    },
    base,
  );
}

describe('a Pending pod elsewhere that no VNG fits', () => {
  it('does not fail a partial migration: it completes with no capacity trouble traced', async () => {
    const w = world();
    pending(w, 'gpu-job', 'rs-gpu');
    w.faults.unplaceable = [{ pod: 'ops/gpu-job', reason: '0/2 VNG node types are available: 2 Insufficient nvidia.com/gpu.' }];
    const s = await run(w.ports(), partial());
    expect(s.status).toBe('Completed');
    expect(s.capacityTroubleSince).toBeNull();
    expect(kinds(w)).not.toContain('capacity.trouble');
  });

  // A refused eviction keeps the first batch draining past the capacity grace, until the batch budget.
  const longRun = (w: FakeWorld): void => {
    pending(w, 'gpu-job', 'rs-gpu');
    w.faults.unplaceable = [{ pod: 'ops/gpu-job', reason: 'no GPU VNG' }];
    w.faults.pdbBlocked.add('shop/web-1');
  };

  it('does not fail a partial migration that runs past the capacity grace: it ends on its own terms (here the batch budget)', async () => {
    const w = world();
    longRun(w);
    const s = await run(w.ports(), partial({ batchTimeBudgetSeconds: 1000 }));
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(s.failure?.objects).not.toContain('Pod ops/gpu-job');
    expect(kinds(w)).not.toContain('capacity.trouble');
  });

  it('fails a migration of every node with InsufficientCapacity after the grace (the VNGs are the only capacity left)', async () => {
    const w = world();
    longRun(w);
    const s = await run(w.ports(), full({ batchTimeBudgetSeconds: 1000 }));
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.erroredAt).toBe(305);
    expect(s.failure?.objects).toEqual(['Pod ops/gpu-job']);
  });

  it('does not fail a partial migration when it is stand-alone either', async () => {
    const w = world();
    pending(w, 'debug-shell', null);
    w.faults.unplaceable = [{ pod: 'ops/debug-shell', reason: 'no VNG fits' }];
    const s = await run(w.ports(), partial());
    expect(s.status).toBe('Completed');
    expect(kinds(w)).not.toContain('capacity.trouble');
  });
});

describe('a Pending pod created after the start by someone else', () => {
  it('does not fail a partial migration with PodsUnschedulable, however long it waits', async () => {
    const w = world();
    pending(w, 'new-app-1', 'rs-new-app', 0);
    // Replacements get Ready 20 s after their eviction, within the 30 s threshold.
    const s = await run(w.ports(), partial({ drainTimeThresholdSeconds: 30 }));
    expect(s.status).toBe('Completed');
    expect(s.failure).toBeNull();
  });

  it('fails a migration of every node with PodsUnschedulable past the drain threshold', async () => {
    const w = world();
    pending(w, 'new-app-1', 'rs-new-app', 0);
    const s = await run(w.ports(), full({ drainTimeThresholdSeconds: 30 }));
    expect(s.failure?.code).toBe('PodsUnschedulable');
    expect(s.failure?.why).toBe('1 pod(s) are still unscheduled or unready 30s after their drain');
    expect(s.erroredAt).toBe(35);
  });

  it('does not hold the stop of a partial migration (a stop waits only for the pods the migration moved)', async () => {
    const w = world();
    pending(w, 'new-app-1', 'rs-new-app', 0);
    w.faults.pdbBlocked.add('shop/web-1');
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    // No pod the migration moved is Pending (api-1's replacement is bound, starting): the stop ends at once.
    const s = await run(w.ports(), partial({ drainTimeThresholdSeconds: 600 }));
    expect(s.status).toBe('Stopped');
    expect(s.stoppedAt).toBe(10);
  });

  it('holds the stop of a migration of every node until the drain threshold', async () => {
    const w = world();
    pending(w, 'new-app-1', 'rs-new-app', 0);
    w.faults.pdbBlocked.add('shop/web-1');
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const s = await run(w.ports(), full({ drainTimeThresholdSeconds: 600 }));
    expect(s.status).toBe('Stopped');
    expect(s.stoppedAt).toBe(610);
  });
});

describe('the pods a partial migration moved', () => {
  it('a moved pod\'s replacement that no VNG fits still fails it with InsufficientCapacity, naming the replacement only', async () => {
    const w = world();
    pending(w, 'gpu-job', 'rs-gpu');
    const ports = replacementsUnplaceable(w, 'rs-api');
    const s = await run(ports, partial());
    expect(s.failure?.code).toBe('InsufficientCapacity');
    // api-1 is evicted at 0; its replacement is seen Pending at 5, the first reconcile past the 300 s grace is 310.
    expect(s.erroredAt).toBe(310);
    expect(s.failure?.why).toBe('1 pod(s) fit no VNG: 0/2 VNG node types are available: 2 Insufficient cpu.');
    expect(s.failure?.objects).toEqual(['Pod shop/api-1-r1']);
  });

  it('a Pending pod of a controller it evicted from counts from that eviction on, though it was Pending before the start', async () => {
    const w = world();
    // rs-late runs one pod on old-b (batch 2) and has one Pending replica that fits no VNG.
    w.addPod('shop', 'late-1', 'old-b', 'rs-late');
    pending(w, 'late-p', 'rs-late');
    w.faults.unplaceable = [{ pod: 'ops/late-p', reason: 'no VNG fits' }];
    const s = await run(w.ports(), partial());
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.failure?.objects).toEqual(['Pod ops/late-p']);
    const evicted = w.events.find((e) => e.kind === 'pod.evicted' && e.object === 'Pod shop/late-1');
    const trouble = w.events.filter((e) => e.kind === 'capacity.trouble');
    expect(evicted).toBeDefined();
    // Not before: batch 1 ran with the pod Pending and no trouble; from the reconcile after its controller's eviction on.
    expect(trouble.map((e) => e.t)).toEqual([(evicted?.t ?? 0) + 5]);
    expect(w.events.filter((e) => e.kind === 'batch.completed').map((e) => e.object)).toContain('Batch 1');
  });

  it('a Pending replacement of a moved pod that the autoscaler can host still fails it with PodsUnschedulable past the drain threshold', async () => {
    const w = world();
    const held = (p: PodView): boolean => p.ownerUid === 'rs-api' && /-r\d+$/.test(p.name);
    const ports = rewritten(w, (ps) => ps.map((p) => (held(p) ? { ...p, nodeName: null, phase: 'Pending' as const, ready: false } : p)));
    const s = await run(ports, partial({ drainTimeThresholdSeconds: 100 }));
    expect(s.failure?.code).toBe('PodsUnschedulable');
    expect(s.failure?.objects).toEqual(['Pod shop/api-1-r1']);
  });
});

describe('launch errors in a partial migration', () => {
  const ice = ['InsufficientInstanceCapacity m5.large us-east-1a'];

  it('do not fail it while none of its pods waits for capacity (the launches were for others\' pods)', async () => {
    const w = world();
    pending(w, 'other-1', 'rs-other');
    // The first batch stays draining (refused eviction) for longer than the capacity grace.
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = withCapacity(w, { signal: () => ({ unplaceable: [], launchErrors: w.t < 400 ? ice : [] }) });
    const s = await run(ports, partial({ batchTimeBudgetSeconds: 3600 }));
    expect(kinds(w)).not.toContain('capacity.trouble');
    expect(s.failure?.code).not.toBe('InsufficientCapacity');
  });

  it('fail a migration of every node after the grace, whoever the launches were for', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = withCapacity(w, { signal: () => ({ unplaceable: [], launchErrors: w.t < 400 ? ice : [] }) });
    const s = await run(ports, full({ batchTimeBudgetSeconds: 3600 }));
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.erroredAt).toBe(305);
  });

  it('fail it while a moved pod\'s replacement waits for capacity', async () => {
    const w = world();
    const held = (p: PodView): boolean => p.ownerUid === 'rs-api' && /-r\d+$/.test(p.name);
    const base = rewritten(w, (ps) => ps.map((p) => (held(p) ? { ...p, nodeName: null, phase: 'Pending' as const, ready: false } : p)));
    const ports = withCapacity(w, { signal: () => ({ unplaceable: [], launchErrors: ice }) }, base);
    const s = await run(ports, partial({ drainTimeThresholdSeconds: 3600, batchTimeBudgetSeconds: 3600 }));
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.failure?.why).toBe(`new instances could not be launched: ${ice[0] ?? ''}`);
    expect(s.failure?.objects).toEqual(['Launch InsufficientInstanceCapacity m5.large us-east-1a', 'Pod shop/api-1-r1']);
    // api-1 was evicted at 0 and its replacement is seen Pending at 5: trouble from 5, past the grace at 310.
    expect(s.erroredAt).toBe(310);
  });
});

describe('the status of a partial migration', () => {
  const snapshot = (w: FakeWorld) => w.ports().cluster.snapshot();

  it('counts as unscheduled only the Pending pods of the controllers it evicted from', () => {
    const w = world();
    pending(w, 'gpu-job', 'rs-gpu');
    pending(w, 'debug-shell', null);
    pending(w, 'web-9', 'rs-web');
    const state = initialState('m1', partial(), 0);
    expect(migrationStatus(state, snapshot(w)).unscheduledPods).toEqual([]);
    state.lastEvictedAt['rs-web'] = 0;
    const v = migrationStatus(state, snapshot(w));
    expect(v.unscheduledPods).toEqual(['ops/web-9']);
    expect(v.counts.unscheduledPods).toBe(1);
  });

  it('counts every Pending pod when every node migrates', () => {
    const w = world();
    pending(w, 'gpu-job', 'rs-gpu');
    pending(w, 'debug-shell', null);
    expect(migrationStatus(initialState('m1', full(), 0), snapshot(w)).unscheduledPods).toEqual(['ops/debug-shell', 'ops/gpu-job']);
  });
});
