/**
 * The health gate between batches (batchMinHealthyPercentage) against the fake ports: what counts as a healthy replacement
 * (Running and Ready, or a finished Job pod), what does not (a stale Ready on a pod that is not Running, a Job pod still
 * Pending, a finished pod of another controller, a finished pod left on the batch's own node), and which nodes a drained
 * batch calls drained.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import type { PodView, Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan } from '../../../src/engine/state.js';
import { migrationStatus } from '../../../src/engine/status.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { rewritten, stepUntil, twoNodePlan, twoNodeWorld } from '../../helpers/engine-world.js';

/** One old node, old-a, as a batch of its own; every evicted pod must be replaced (gate at 100%). */
function oneNodePlan(extraNodes: EnginePlan['oldNodes'] = []): EnginePlan {
  return {
    oldNodes: [{ name: 'old-a', instanceId: 'i-0aaa' }, ...extraNodes],
    batches: [{ nodes: ['old-a', ...extraNodes.map((n) => n.name)] }],
    params: { ...DEFAULT_PARAMS, batchMinHealthyPercentage: 100, drainTimeThresholdSeconds: 5000, batchTimeBudgetSeconds: 5000 },
    boundSeconds: 7200,
  };
}

async function engineFor(ports: Ports, p: EnginePlan): Promise<MigrationEngine> {
  return MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0));
}

/** The snapshot with the replacements of `podName` (the fake names them `<podName>-r<n>`) changed by `change`. */
function replacementsOf(w: FakeWorld, podName: string, change: Partial<PodView>): Ports {
  return rewritten(w, (ps) => ps.map((p) => (p.name.startsWith(`${podName}-r`) ? { ...p, ...change } : p)));
}

const healthyAt = (w: FakeWorld): number[] => w.events.filter((e) => e.kind === 'batch.healthy').map((e) => e.t);

describe('what counts as a healthy replacement', () => {
  /** One pod on old-a, evicted; its replacement as the fake makes it (Ready at t=20), or changed by `change`. */
  const cases: { name: string; owner: { kind: string; uid: string }; change: Partial<PodView> | null; healthyAt: number[] }[] = [
    { name: 'passes the gate once the replacement is Running and Ready (the reference case)', owner: { kind: 'ReplicaSet', uid: 'rs-web' }, change: null, healthyAt: [20] },
    // A stale Ready on a pod whose phase went Unknown (its node stopped reporting).
    { name: 'does not count a pod whose phase is not Running, whatever its Ready flag says', owner: { kind: 'ReplicaSet', uid: 'rs-web' }, change: { phase: 'Unknown', ready: true }, healthyAt: [] },
    { name: 'does not count a Job pod that is still Pending', owner: { kind: 'Job', uid: 'job-etl' }, change: { phase: 'Pending', nodeName: null, ready: false }, healthyAt: [] },
    { name: 'counts a Job pod that ran to completion', owner: { kind: 'Job', uid: 'job-etl' }, change: { phase: 'Succeeded', ready: false }, healthyAt: [5] },
    // A workflow engine's step pod: it runs to completion, but it is no Job of Kubernetes.
    { name: 'does not count a finished pod of a controller that is not a Job', owner: { kind: 'Workflow', uid: 'wf-build' }, change: { phase: 'Succeeded', ready: false }, healthyAt: [] },
  ];

  it.each(cases)('$name', async ({ owner, change, healthyAt: expected }) => {
    const w = new FakeWorld();
    w.addNode('old-a', 'i-0aaa');
    w.addPod('ns', 'pod-1', 'old-a', owner.uid, { ownerKind: owner.kind });
    const ports = change === null ? w.ports() : replacementsOf(w, 'pod-1', change);
    const s = await stepUntil(await engineFor(ports, oneNodePlan()), w, 200);
    expect(healthyAt(w)).toEqual(expected);
    if (expected.length > 0) expect(s.status).toBe('Completed');
    else expect([s.status, s.batches[0]?.phase]).toEqual(['Running', 'waiting']);
  });

  it('does not count a finished pod of the same Job left on the batch\'s own node', async () => {
    const w = new FakeWorld();
    w.addNode('old-a', 'i-0aaa');
    w.addPod('batch', 'etl-0', 'old-a', 'job-etl', { ownerKind: 'Job', phase: 'Succeeded', ready: false });
    w.addPod('batch', 'etl-1', 'old-a', 'job-etl', { ownerKind: 'Job' });
    const s = await stepUntil(await engineFor(w.ports(), oneNodePlan()), w, 200);
    expect(s.status).toBe('Completed');
    // Drained at t=5; only etl-1's replacement, Ready at t=20, lets the batch through.
    expect(s.batches[0]?.drainedAt).toBe(5);
    expect(healthyAt(w)).toEqual([20]);
  });
});

describe('pods that are not replacements', () => {
  it('does not count a pod that ran before the eviction, even for a controller whose pod reached the batch after it started', async () => {
    const w = new FakeWorld();
    w.addNode('old-a', 'i-0aaa');
    w.addNode('other', 'i-0other');
    w.addPod('shop', 'web-1', 'old-a', 'rs-web');
    w.addPod('shop', 'cache-1', 'other', 'rs-cache');
    // cache-2 is scheduled onto old-a after the batch start's snapshot (before the cordon landed): seen from t=5.
    w.addPod('shop', 'cache-2', 'old-a', 'rs-cache');
    const ports = rewritten(w, (ps) => ps.filter((p) => p.name !== 'cache-2' || w.t >= 5));
    const s = await stepUntil(await engineFor(ports, oneNodePlan()), w, 200);
    expect(s.status).toBe('Completed');
    expect(w.events.filter((e) => e.kind === 'pod.evicted').map((e) => [e.t, e.object])).toEqual([
      [0, 'Pod shop/web-1'],
      [5, 'Pod shop/cache-2'],
    ]);
    // web-1's replacement is Ready at t=20, cache-2's at t=25; cache-1, Ready all along, replaces nothing.
    expect(healthyAt(w)).toEqual([25]);
  });
});

describe('which nodes a drained batch calls drained', () => {
  it('leaves a batch node that was never seen in the cluster as waiting, in the state and in the status', async () => {
    const w = new FakeWorld();
    w.addNode('old-a', 'i-0aaa');
    w.addPod('shop', 'web-1', 'old-a', 'rs-web');
    const engine = await engineFor(w.ports(), oneNodePlan([{ name: 'old-gone', instanceId: 'i-0gone' }]));
    await stepUntil(engine, w, 5);
    expect(engine.current.batches[0]?.phase).toBe('waiting');
    expect(engine.current.nodePhase).toEqual({ 'old-a': 'drained', 'old-gone': 'waiting' });
    const view = migrationStatus(engine.current as Parameters<typeof migrationStatus>[0], w.ports().cluster.snapshot());
    expect(view.oldInstances.map((i) => [i.nodeName, i.state])).toEqual([
      ['old-a', 'drained'],
      ['old-gone', 'waiting'],
    ]);
  });

  it('keeps the two-node reference run unchanged: each batch drained at its second reconcile', async () => {
    const w = twoNodeWorld({ daemonSet: false });
    const s = await stepUntil(await engineFor(w.ports(), twoNodePlan()), w, 200);
    expect(s.batches.map((b) => [b.startedAt, b.drainedAt, b.finishedAt])).toEqual([
      [0, 5, 20],
      [25, 30, 45],
    ]);
  });
});
