/**
 * The status view (src/engine/status.ts) as Ocean's console shows it, computed from a hand-made state and snapshot whose
 * every count is known: which pods count as running, which nodes are new, which pods are unscheduled, what remains.
 */
import { describe, expect, it } from 'vitest';
import type { NodeView, PodView } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan, type MigrationState } from '../../../src/engine/state.js';
import { migrationStatus } from '../../../src/engine/status.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';

function node(name: string, createdAt: number, extra: Partial<NodeView> = {}): NodeView {
  return { name, instanceId: `i-${name}`, unschedulable: false, ready: true, labels: {}, createdAt, ...extra };
}

function pod(namespace: string, name: string, nodeName: string | null, extra: Partial<PodView> = {}): PodView {
  return {
    uid: `uid-${namespace}-${name}`,
    namespace,
    name,
    nodeName,
    phase: 'Running',
    ready: true,
    terminating: false,
    ownerKind: 'ReplicaSet',
    ownerUid: `rs-${name}`,
    isDaemonSet: false,
    isMirror: false,
    disruptionOptOuts: [],
    createdAt: 0,
    ...extra,
  };
}

const PLAN: EnginePlan = {
  oldNodes: [
    { name: 'old-a', instanceId: 'i-old-a' },
    { name: 'old-b', instanceId: null },
    { name: 'old-c', instanceId: 'i-old-c' },
  ],
  batches: [{ nodes: ['old-a'] }, { nodes: ['old-b', 'old-c'] }],
  params: DEFAULT_PARAMS,
  boundSeconds: 3600,
};

/** Created at t=100, in its second batch; old-a terminated, old-b cordoned, old-c without a recorded phase. */
function state(): MigrationState {
  const s = initialState('m-status', PLAN, 100);
  s.current = 1;
  s.nodePhase = { 'old-a': 'terminated', 'old-b': 'cordoned' };
  return s;
}

const NODES: NodeView[] = [
  node('old-a', 0),
  node('old-b', 0),
  node('old-c', 0),
  // Not an old node, but older than the migration: neither old nor new.
  node('other', 99),
  // New nodes, listed out of order; new-c was created exactly when the migration was, new-b is not Ready yet.
  node('new-c', 100),
  node('new-b', 150, { ready: false }),
  node('new-a', 120),
];

const PODS: PodView[] = [
  // old-a is terminated: its running pod does not count as remaining.
  pod('shop', 'a-1', 'old-a'),
  // old-b: two running pods count; a DaemonSet pod, a mirror pod, a terminating pod and a Pending one do not.
  pod('shop', 'b-1', 'old-b'),
  pod('shop', 'b-2', 'old-b'),
  pod('kube-system', 'b-ds', 'old-b', { isDaemonSet: true, ownerKind: 'DaemonSet' }),
  pod('kube-system', 'b-mirror', 'old-b', { isMirror: true, ownerKind: 'Node', ownerUid: null }),
  pod('shop', 'b-going', 'old-b', { terminating: true }),
  pod('shop', 'b-pending', 'old-b', { phase: 'Pending', ready: false }),
  // old-c: one running pod, one finished.
  pod('shop', 'c-1', 'old-c'),
  pod('batch', 'c-job', 'old-c', { phase: 'Succeeded', ready: false, ownerKind: 'Job' }),
  // new-a: two launched and running; new-b: one launched but Pending, plus a DaemonSet pod (not launched by the migration).
  pod('shop', 'r-1', 'new-a'),
  pod('shop', 'r-2', 'new-a'),
  pod('shop', 'r-3', 'new-b', { phase: 'Pending', ready: false }),
  pod('kube-system', 'new-b-ds', 'new-b', { isDaemonSet: true, ownerKind: 'DaemonSet' }),
  // A pod on a node that is neither old nor new.
  pod('shop', 'o-1', 'other'),
  // Unscheduled: Pending with no node, out of order; a DaemonSet pod without a node is not counted.
  pod('shop', 'z-wait', null, { phase: 'Pending', ready: false }),
  pod('shop', 'a-wait', null, { phase: 'Pending', ready: false }),
  pod('kube-system', 'ds-wait', null, { phase: 'Pending', ready: false, isDaemonSet: true, ownerKind: 'DaemonSet' }),
  // Failed with no node: not unscheduled.
  pod('shop', 'dead', null, { phase: 'Failed', ready: false }),
];

describe('migrationStatus', () => {
  it('counts running pods per instance, new instances, launched, remaining and unscheduled pods', () => {
    const v = migrationStatus(state(), { nodes: NODES, pods: PODS });
    expect(v).toEqual({
      id: 'm-status',
      status: 'Running',
      currentBatch: 2,
      batches: 2,
      oldInstances: [
        { instanceId: 'i-old-a', nodeName: 'old-a', state: 'terminated', runningPods: 1 },
        { instanceId: null, nodeName: 'old-b', state: 'cordoned', runningPods: 2 },
        { instanceId: 'i-old-c', nodeName: 'old-c', state: 'waiting', runningPods: 1 },
      ],
      newInstances: [
        { instanceId: 'i-new-a', nodeName: 'new-a', state: 'running', runningPods: 2 },
        { instanceId: 'i-new-b', nodeName: 'new-b', state: 'pending', runningPods: 0 },
        { instanceId: 'i-new-c', nodeName: 'new-c', state: 'running', runningPods: 0 },
      ],
      unscheduledPods: ['shop/a-wait', 'shop/z-wait'],
      counts: { newInstances: 3, podsLaunched: 3, podsRemaining: 3, unscheduledPods: 2 },
      failure: null,
      createdAt: 100,
      erroredAt: null,
      stoppedAt: null,
      completedAt: null,
    });
  });

  it('sorts new instances by name whatever the snapshot order', () => {
    const s = state();
    const names = (nodes: NodeView[]): string[] => migrationStatus(s, { nodes, pods: [] }).newInstances.map((n) => n.nodeName);
    expect(names([node('n-2', 100), node('n-3', 100), node('n-1', 100)])).toEqual(['n-1', 'n-2', 'n-3']);
    expect(names([node('n-3', 100), node('n-2', 100), node('n-1', 100)])).toEqual(['n-1', 'n-2', 'n-3']);
    expect(names([node('n-1', 100), node('n-2', 100), node('n-3', 100)])).toEqual(['n-1', 'n-2', 'n-3']);
  });

  it('has no current batch once every batch is done, and shows the failure and the times of a failed run', () => {
    const s = state();
    s.current = 2;
    s.status = 'Failed';
    s.erroredAt = 400;
    s.failure = { code: 'TerminateFailed', message: 'failed to terminate', why: 'EC2 said no', remedy: 'fix IAM', objects: ['Node old-a'], at: 400 };
    const v = migrationStatus(s, { nodes: [], pods: [] });
    expect(v.currentBatch).toBeNull();
    expect(v.status).toBe('Failed');
    expect(v.failure).toEqual({ code: 'TerminateFailed', message: 'failed to terminate' });
    expect(v.erroredAt).toBe(400);
    expect(v.counts).toEqual({ newInstances: 0, podsLaunched: 0, podsRemaining: 0, unscheduledPods: 0 });
    expect(v.oldInstances.map((i) => i.runningPods)).toEqual([0, 0, 0]);
  });

  it('shows the stop and completion times', () => {
    const s = state();
    s.stoppedAt = 250;
    s.completedAt = 300;
    const v = migrationStatus(s, { nodes: [], pods: [] });
    expect([v.stoppedAt, v.completedAt]).toEqual([250, 300]);
  });
});

describe('old nodes created as the migration starts', () => {
  it('never lists an old node as new, even one created in the migration\'s first second', () => {
    const s = initialState('m-same-second', PLAN, 0);
    const view = migrationStatus(s, { nodes: [node('old-a', 0), node('old-b', 0), node('old-c', 0), node('new-a', 30)], pods: [] });
    expect(view.newInstances.map((n) => n.nodeName)).toEqual(['new-a']);
    expect(view.counts.newInstances).toBe(1);
  });
});
