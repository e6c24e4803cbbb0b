/**
 * The invariant checkers of sim/invariants on hand-made traces: for each invariant, a trace that breaks it (the checker must
 * report it) and one that does not (it must stay silent). The traces are written as the world and the engine write them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/engine/state.js';
import type { MigrationParams } from '../../../src/model/params.js';
import type { Cluster, Pod } from '../../../src/model/types.js';
import type { Plan } from '../../../src/planner/plan.js';
import type { DetailValue, TraceEvent } from '../../../sim/cluster.js';
import { checkInvariants, runBound, type Violation } from '../../../sim/invariants/index.js';
import { simulate, type SimResult } from '../../../sim/simulate.js';
import { DEFAULT_SIM_TIMING } from '../../../sim/timing.js';
import { catalog, cluster, deployment, generalVng, oldNode, pdb, planFor } from './tiny-world.js';

// ---- the world: three old nodes, one batch each (old-3, old-1, old-2); web (3 replicas, PDB maxUnavailable 1) and a stand-alone pod ----

const WEB = 'default/web-5c7d8';
const P0 = `${WEB}-p0`; // on old-1
const P1 = `${WEB}-p1`; // on old-1
const DEBUG = 'default/debug'; // stand-alone, on old-2
const ID = { 'old-1': 'i-0aaa0000000000001', 'old-2': 'i-0aaa0000000000002', 'old-3': 'i-0aaa0000000000003' } as const;
const NEW_ID = 'i-0e000000000000001';

function world(): { c: Cluster; plan: (p?: Partial<MigrationParams>) => Plan } {
  const nodes = [oldNode('old-1', ID['old-1']), oldNode('old-2', ID['old-2']), oldNode('old-3', ID['old-3'])];
  const web = deployment({ name: 'web', replicas: 3, nodes: ['old-1', 'old-1', 'old-2'] });
  const base = web.pods[0] as Pod;
  const debug: Pod = { ...base, uid: 'pod-debug', name: 'debug', labels: { app: 'debug' }, nodeName: 'old-2', owner: null, workload: null };
  const c = cluster(nodes, [web, { pods: [debug], workloads: [] }], [pdb('web', 'web', 1)]);
  return { c, plan: (p = {}) => planFor(c, [generalVng()], { batchSizePercentage: 34, ...p }) };
}

const ev = (t: number, kind: string, object: string, detail: Record<string, DetailValue> = {}): TraceEvent => ({ t, kind, object, ...detail });
const created = (t: number, key: string, replaces: string | null, labels: Record<string, string> = { app: 'web' }): TraceEvent =>
  ev(t, 'pod.created', `Pod ${key}`, { owner: 'ReplicaSet/web-5c7d8', node: null, uid: `uid-${key}`, ownerUid: 'rs-web', labels: JSON.stringify(labels), replaces });
const podEv = (t: number, kind: string, key: string, detail: Record<string, DetailValue> = {}): TraceEvent => ev(t, kind, `Pod ${key}`, detail);
const cordon = (t: number, node: string, value = true): TraceEvent => ev(t, 'node.updated', `Node ${node}`, { unschedulable: value });
const newNode = (t: number): TraceEvent[] => [
  ev(t, 'node.launched', 'Node new-1', { instanceId: NEW_ID, vng: 'general', instanceType: 'm5.large', zone: 'us-east-1a' }),
  ev(t + 1, 'node.registered', 'Node new-1', { instanceId: NEW_ID, vng: 'general' }),
  ev(t + 2, 'node.ready', 'Node new-1', { reason: 'kubelet ready' }),
];
/** p0 evicted from old-1 and replaced by r0, which runs and gets Ready on new-1; p0 goes. */
const moveP0 = (t: number): TraceEvent[] => [
  podEv(t, 'pod.terminating', P0, { node: 'old-1', reason: 'evicted' }),
  created(t, `${WEB}-r0`, P0),
  podEv(t, 'pod.evicted', P0, { node: 'old-1', owner: 'rs-web' }),
  podEv(t + 1, 'pod.bound', `${WEB}-r0`, { node: 'new-1' }),
  podEv(t + 20, 'pod.running', `${WEB}-r0`, { node: 'new-1' }),
  podEv(t + 28, 'pod.ready', `${WEB}-r0`, { node: 'new-1' }),
  podEv(t + 30, 'pod.terminated', P0, { node: 'old-1', reason: 'evicted' }),
];

function result(plan: Plan, events: TraceEvent[], over: Partial<SimResult> = {}): SimResult {
  const end = events.length > 0 ? (events[events.length - 1] as TraceEvent).t : 0;
  return {
    status: 'Completed',
    failure: null,
    timedOut: false,
    durationSeconds: end,
    batches: [],
    instances: { old: [], new: [] },
    events,
    seed: 1,
    options: {
      migrationId: 'sim-test',
      maxSeconds: plan.boundSeconds + 3600,
      timing: DEFAULT_SIM_TIMING,
      engineSettings: DEFAULT_ENGINE_SETTINGS,
      faults: [],
      params: plan.params,
    },
    unscheduledPods: [],
    counts: { newInstances: 0, podsLaunched: 0, podsRemaining: 0, unscheduledPods: 0 },
    engineRestarts: 0,
    migration: null,
    ...over,
  };
}

function check(n: number, events: TraceEvent[], opts: { params?: Partial<MigrationParams>; over?: Partial<SimResult> } = {}): Violation[] {
  const { c, plan } = world();
  const p = plan(opts.params);
  return checkInvariants({ plan: p, cluster: c, result: result(p, events, opts.over) }, [n]);
}

describe('the hand-made world', () => {
  it('has three one-node batches (old-3, with no pods to move, first)', () => {
    expect(world().plan().batches.map((b) => b.nodes)).toEqual([['old-3'], ['old-1'], ['old-2']]);
  });
});

describe('invariant 1: no pod lost', () => {
  it('is silent when the evicted pod has a Running replacement', () => {
    expect(check(1, [...newNode(0), ...moveP0(10)])).toEqual([]);
  });

  it('accepts a replacement that is bound to a Ready node and starting', () => {
    const trace = [...newNode(0), podEv(10, 'pod.terminating', P0, { node: 'old-1', reason: 'evicted' }), created(10, `${WEB}-r0`, P0), podEv(11, 'pod.bound', `${WEB}-r0`, { node: 'new-1' })];
    expect(check(1, trace)).toEqual([]);
  });

  it('reports a pod whose replacement never runs and that no failure report names', () => {
    const trace = [podEv(10, 'pod.terminating', P0, { node: 'old-1', reason: 'evicted' }), created(10, `${WEB}-r0`, P0), podEv(40, 'pod.terminated', P0, { node: 'old-1', reason: 'evicted' })];
    const v = check(1, trace);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 1, objects: [`Pod ${P0}`, `Pod ${WEB}-r0`] });
    expect(v[0]?.message).toContain('Pending, unbound');
  });

  it('accepts the same run when unscheduledPods or failure.objects names the replacement or the pod', () => {
    const trace = [podEv(10, 'pod.terminating', P0, { node: 'old-1', reason: 'evicted' }), created(10, `${WEB}-r0`, P0), podEv(40, 'pod.terminated', P0, { node: 'old-1', reason: 'evicted' })];
    expect(check(1, trace, { over: { unscheduledPods: [`${WEB}-r0`] } })).toEqual([]);
    const failure = { code: 'InsufficientCapacity' as const, message: '', why: '', remedy: '', objects: [`Pod ${P0}`] };
    expect(check(1, trace, { over: { status: 'Failed', failure } })).toEqual([]);
  });

  it('reports a pod removed with its node and never replaced', () => {
    const trace = [ev(5, 'node.deleted', 'Node old-1', { reason: 'deleted by the migration' }), podEv(5, 'pod.terminated', P0, { node: 'old-1', reason: 'node-deleted' })];
    const v = check(1, trace).filter((x) => x.objects.includes(`Pod ${P0}`));
    expect(v).toHaveLength(1);
    expect(v[0]?.message).toContain('gone (node-deleted)');
  });

  it('reports a stand-alone pod evicted while shouldEvictStandAlonePods is not set', () => {
    const trace = [podEv(10, 'pod.terminating', DEBUG, { node: 'old-2', reason: 'evicted' }), podEv(10, 'pod.evicted', DEBUG, { node: 'old-2', owner: null })];
    const v = check(1, trace);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 1, t: 10, objects: [`Pod ${DEBUG}`] });
    expect(v[0]?.message).toContain('shouldEvictStandAlonePods is not set');
  });

  it("does not blame the migration for Kubernetes' own taint-based eviction of a stand-alone pod", () => {
    const trace = [ev(5, 'node.not-ready', 'Node old-2', { reason: 'fault' }), podEv(305, 'pod.terminating', DEBUG, { node: 'old-2', reason: 'taint-eviction' })];
    expect(check(1, trace)).toEqual([]);
  });

  it('accepts a stand-alone pod evicted when the flag is set and the trace lists it, and reports one the trace omits', () => {
    const listed = [podEv(10, 'pod.terminating', DEBUG, { node: 'old-2', reason: 'evicted' }), podEv(10, 'pod.evicted', DEBUG, { node: 'old-2', owner: null })];
    expect(check(1, listed, { params: { shouldEvictStandAlonePods: true } })).toEqual([]);
    const silent = [podEv(10, 'pod.terminating', DEBUG, { node: 'old-2', reason: 'evicted' })];
    expect(check(1, silent, { params: { shouldEvictStandAlonePods: true } })[0]?.message).toContain('does not list it');
  });
});

describe('invariant 2: PDBs respected', () => {
  const evict = (t: number, key: string, node: string, reason = 'evicted'): TraceEvent[] => [
    podEv(t, 'pod.terminating', key, { node, reason }),
    podEv(t, reason === 'evicted' ? 'pod.evicted' : 'pod.deleted', key, { node, owner: 'rs-web' }),
  ];

  it('is silent when each eviction leaves the budget its desired healthy count', () => {
    // web: 3 replicas, maxUnavailable 1 -> desiredHealthy 2. p0 goes (3 -> 2); its replacement is Ready before p1 goes.
    expect(check(2, [...newNode(0), ...moveP0(10), ...evict(50, P1, 'old-1')])).toEqual([]);
  });

  it('reports an eviction that takes the budget below desiredHealthy', () => {
    const v = check(2, [...evict(10, P0, 'old-1'), ...evict(11, P1, 'old-1')]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 2, t: 11, objects: [`Pod ${P1}`, 'PodDisruptionBudget default/web'] });
    expect(v[0]?.message).toContain('1 healthy pod(s); it needs 2');
  });

  it('counts pods on a NotReady node as unhealthy', () => {
    const v = check(2, [ev(5, 'node.not-ready', 'Node old-2', { reason: 'fault' }), ...evict(10, P0, 'old-1')]);
    expect(v).toHaveLength(1);
    expect(v[0]?.t).toBe(10);
  });

  it('exempts forced deletions when forcePodEvictionOnPdbFailure is set, and checks them when it is not', () => {
    const trace = [...evict(10, P0, 'old-1'), ...evict(11, P1, 'old-1', 'deleted')];
    expect(check(2, trace, { params: { forcePodEvictionOnPdbFailure: true } })).toEqual([]);
    expect(check(2, trace)).toHaveLength(1);
  });

  it('checks nothing when respectPdb is off', () => {
    expect(check(2, [...evict(10, P0, 'old-1'), ...evict(11, P1, 'old-1')], { params: { respectPdb: false } })).toEqual([]);
  });
});

describe('invariant 3: one batch in flight', () => {
  const off = { params: { cordonAllAtStart: false } };
  const on = { params: { cordonAllAtStart: true } };
  const evicted = (t: number, key: string, node: string, reason = 'evicted'): TraceEvent => podEv(t, 'pod.terminating', key, { node, reason });

  it('is silent when each batch completes before the next is cordoned (drained or kept nodes may stay cordoned)', () => {
    expect(check(3, [cordon(1, 'old-1'), ev(30, 'batch.completed', 'Batch 2'), cordon(36, 'old-2')], off)).toEqual([]);
    expect(check(3, [cordon(1, 'old-1'), ev(30, 'node.kept', 'Node old-1'), cordon(36, 'old-2')], off)).toEqual([]);
    expect(check(3, [cordon(1, 'old-1'), ev(30, 'instance.shutting-down', `Instance ${ID['old-1']}`, { node: 'old-1' }), cordon(36, 'old-2')], off)).toEqual([]);
  });

  it('reports nodes of two batches cordoned and draining at once', () => {
    const v = check(3, [cordon(1, 'old-1'), cordon(2, 'old-2')], off);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 3, t: 2, objects: ['Node old-1', 'Node old-2'] });
    expect(v[0]?.message).toContain('batch 2 (1 nodes), batch 3 (1 nodes)');
  });

  it('reports a cordoned node that is in no batch', () => {
    const v = check(3, [...newNode(0), cordon(5, 'new-1')], off);
    expect(v[0]?.message).toContain('Node new-1 was cordoned but is in no batch');
    expect(check(3, [...newNode(0), cordon(5, 'new-1')], on)[0]?.message).toContain('Node new-1 was cordoned but is in no batch');
  });

  it('with cordonAllAtStart, is silent when every old node is cordoned at the start and batches drain one after the other', () => {
    const all = [cordon(1, 'old-3'), cordon(1, 'old-1'), cordon(1, 'old-2')];
    expect(check(3, [...all, evicted(10, P0, 'old-1'), evicted(11, P1, 'old-1', 'deleted'), ev(30, 'batch.completed', 'Batch 2'), evicted(36, DEBUG, 'old-2')], on)).toEqual([]);
    // The same cordons without the parameter are three batches in flight at once.
    expect(check(3, all, off)).toHaveLength(2);
  });

  it('with cordonAllAtStart, reports evictions from two batches\' nodes at once, once, and not pods the kubelet or a taint evicts', () => {
    const all = [cordon(1, 'old-3'), cordon(1, 'old-1'), cordon(1, 'old-2')];
    const v = check(3, [...all, evicted(10, P0, 'old-1'), evicted(12, DEBUG, 'old-2', 'deleted'), evicted(13, P1, 'old-1')], on);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 3, t: 12, objects: ['Node old-1', 'Node old-2'] });
    expect(check(3, [...all, evicted(10, P0, 'old-1'), evicted(12, DEBUG, 'old-2', 'taint-eviction')], on)).toEqual([]);
  });

  it('with cordonAllAtStart, reports a pod evicted from a node in no batch', () => {
    const v = check(3, [...newNode(0), evicted(10, P0, 'new-1')], on);
    expect(v).toHaveLength(1);
    expect(v[0]?.message).toContain('Node new-1 was drained but is in no batch');
  });
});

describe('invariant 4: no busy node terminated', () => {
  const terminate = (t: number, node: 'old-1' | 'old-2'): TraceEvent[] => [
    ev(t, 'instance.shutting-down', `Instance ${ID[node]}`, { node }),
    ev(t, 'node.terminated', `Node ${node}`, { instanceId: ID[node] }),
  ];

  it('is silent when every pod but DaemonSet pods has gone', () => {
    const ds = ev(0, 'pod.created', 'Pod kube-system/aws-node-x', { owner: 'DaemonSet/aws-node', node: 'old-1', uid: 'u', ownerUid: 'ds', labels: '{}', replaces: null });
    const trace = [ds, ...newNode(0), ...moveP0(10), ...moveP0(10).map((e) => (e.object === `Pod ${P0}` ? { ...e, object: `Pod ${P1}` } : e)).filter((e) => e.object === `Pod ${P1}`), ...terminate(50, 'old-1')];
    expect(check(4, trace)).toEqual([]);
  });

  it('reports an instance shut down while a pod (even a terminating one) still runs there', () => {
    const v = check(4, [...newNode(0), podEv(10, 'pod.terminating', P0, { node: 'old-1', reason: 'evicted' }), ...terminate(12, 'old-1')]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 4, t: 12 });
    expect(v[0]?.objects).toEqual(['Node old-1', `Pod ${P0}`, `Pod ${P1}`]);
    expect(v[0]?.message).toContain('(terminating)');
  });
});

describe('invariant 5: only the plan\'s instances', () => {
  it('is silent for an old node of the plan', () => {
    expect(check(5, [ev(5, 'instance.shutting-down', `Instance ${ID['old-1']}`, { node: 'old-1' }), ev(5, 'node.terminated', 'Node old-1', { instanceId: ID['old-1'] })])).toEqual([]);
  });

  it('reports a launched instance, a node outside the plan, and an old instance the plan does not move', () => {
    const trace = [...newNode(0), ev(5, 'instance.shutting-down', `Instance ${NEW_ID}`, { node: 'new-1' }), ev(5, 'node.terminated', 'Node new-1', { instanceId: NEW_ID })];
    expect(check(5, trace).map((v) => v.objects[0])).toEqual([`Instance ${NEW_ID}`, 'Node new-1']);
    const notMoved = [ev(5, 'instance.shutting-down', `Instance ${ID['old-3']}`, { node: 'old-3' })];
    expect(check(5, notMoved, { params: { nodes: { kind: 'nodeNames', names: ['old-1', 'old-2'] } } })).toHaveLength(1);
  });

  it('cross-checks the final instance list', () => {
    const over = { instances: { old: [], new: [{ instanceId: NEW_ID, nodeName: 'new-1', vng: 'general', instanceType: 'm5.large', zone: 'us-east-1a', state: 'terminated' as const, runningPods: 0 }] } };
    expect(check(5, [], { over })[0]?.message).toContain('ended terminated');
  });
});

describe('invariant 6: a stop uncordons what is not drained', () => {
  const stopped = { status: 'Stopped' as const };

  it('reports an old node left cordoned with pods on it after a stop', () => {
    const v = check(6, [cordon(1, 'old-1'), ev(40, 'migration.stopped', 'Migration sim-test')], { over: stopped });
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 6, objects: ['Node old-1'] });
    expect(v[0]?.message).toContain('2 pod(s) still run there');
  });

  it('is silent when it was uncordoned, or drained, or the run did not stop', () => {
    expect(check(6, [cordon(1, 'old-1'), cordon(40, 'old-1', false)], { over: stopped })).toEqual([]);
    const drained = [...newNode(0), cordon(1, 'old-1'), ...moveP0(10), ...moveP0(10).map((e) => ({ ...e, object: e.object.replace(P0, P1).replace('-r0', '-r1') }))];
    expect(check(6, drained, { over: stopped })).toEqual([]);
    expect(check(6, [cordon(1, 'old-1')], { over: { status: 'Failed' } })).toEqual([]);
  });
});

describe('invariant 9: the run ends within its bound', () => {
  it('computes the bound from the plan, the reconciles, API faults and restarts', () => {
    const { c, plan } = world();
    const p = plan();
    const r = result(p, []);
    expect(runBound({ plan: p, cluster: c, result: r }).seconds).toBe(p.boundSeconds + 6 * (DEFAULT_ENGINE_SETTINGS.intervalSeconds + 1));
    const withApi = result(p, [ev(3, 'engine.crashed', 'Engine')], { options: { ...r.options, faults: ['api-disconnect@10:duration=60'] } });
    expect(runBound({ plan: p, cluster: c, result: withApi }).seconds).toBe(p.boundSeconds + 36 + 305 + 26);
  });

  it('is silent for a run that ends in time, and reports one that ends late or never', () => {
    const { plan } = world();
    const bound = plan().boundSeconds + 36;
    expect(check(9, [ev(bound, 'migration.completed', 'Migration sim-test')])).toEqual([]);
    expect(check(9, [ev(bound + 1, 'migration.failed', 'Migration sim-test')], { over: { status: 'Failed' } })[0]?.message).toContain('past its bound');
    expect(check(9, [], { over: { status: 'Running', timedOut: true } })[0]?.message).toContain('did not end');
    expect(check(9, [], { over: { status: 'Completed' } })[0]?.message).toContain('no migration.completed');
  });
});

describe('checkInvariants on a real run', () => {
  it('finds nothing wrong in a plain simulated migration of the hand-made world', async () => {
    const { c, plan } = world();
    const p = plan({ shouldEvictStandAlonePods: true });
    const r = await simulate({ cluster: c, vngs: [generalVng()], catalog, plan: p, seed: 3 });
    expect(r.status).toBe('Completed');
    expect(checkInvariants({ plan: p, cluster: c, result: r })).toEqual([]);
  });
});

describe('Spot takings are the cloud\'s, not the migration\'s', () => {
  /** r0 runs on new-1; new-1 gets EC2's notice at 100, r0 is drained off it, and EC2 reclaims the instance at 220. */
  const interrupted = (withNotice = true): TraceEvent[] => [
    ...newNode(0),
    ...moveP0(10),
    ...(withNotice ? [ev(100, 'spot.interruption-notice', 'Node new-1', { instanceId: NEW_ID, vng: 'general', terminationAt: 220 })] : []),
    ev(100, 'node.updated', 'Node new-1', { unschedulable: true, by: 'spot-interruption' }),
    podEv(100, 'pod.terminating', `${WEB}-r0`, { node: 'new-1', reason: 'spot-interruption' }),
    created(100, `${WEB}-r1`, `${WEB}-r0`),
    ev(220, 'instance.shutting-down', `Instance ${NEW_ID}`, { node: 'new-1', by: 'spot-interruption' }),
    ev(280, 'node.deleted', 'Node new-1', { reason: 'instance terminated (cloud node lifecycle controller)' }),
    podEv(280, 'pod.terminated', `${WEB}-r0`, { node: 'new-1', reason: 'spot-interruption' }),
  ];
  const reclaimed = { instances: { old: [], new: [{ instanceId: NEW_ID, nodeName: 'new-1', vng: 'general', instanceType: 'm5.large', zone: 'us-east-1a', state: 'terminated' as const, runningPods: 0 }] } };

  it('invariants 3, 4 and 5 leave a reclaimed launched node alone (its cordon, the pods still on it, its termination)', () => {
    for (const cordonAllAtStart of [false, true]) expect(check(3, interrupted(), { params: { cordonAllAtStart } })).toEqual([]);
    expect(check(4, interrupted())).toEqual([]);
    expect(check(5, interrupted(), { over: reclaimed })).toEqual([]);
  });

  it('invariant 5 still reports a launched instance terminated "by" a Spot cause with no signal for its node in the trace', () => {
    const v = check(5, interrupted(false), { over: reclaimed });
    expect(v.map((x) => x.objects[0])).toEqual([`Instance ${NEW_ID}`]);
  });

  it('invariant 1 does not blame the migration for a chain a Spot interruption ended, but still checks one it left unplaced', () => {
    // r1 (r0's replacement) is named by unscheduledPods, or r0 was the last of the chain and the interruption took it.
    expect(check(1, interrupted(), { over: { unscheduledPods: [`${WEB}-r1`] } })).toEqual([]);
    const noReplacement = interrupted().filter((e) => e.object !== `Pod ${WEB}-r1`);
    expect(check(1, noReplacement)).toEqual([]);
    // A pod the migration evicted whose replacement never ran is still reported.
    expect(check(1, interrupted())).toHaveLength(1);
  });
});
