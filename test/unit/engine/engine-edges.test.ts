/**
 * The engine's timings and edges, exactly, against the fake ports: when a reconcile writes the state, when a PDB-blocked
 * eviction is retried, when each threshold (connectivity, batch budget, drain threshold, capacity grace) fires, what a stop
 * does with each kind of node, and what a failure report names. The scenario and property tests check the same behaviour
 * broadly, through the simulator; these pin the boundaries (written for the mutation testing of docs/mutation-testing.md).
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type Ports } from '../../../src/engine/ports.js';
import { DEFAULT_ENGINE_SETTINGS, initialState, type EnginePlan, type EngineSettings, type MigrationState } from '../../../src/engine/state.js';
import { FakeWorld } from '../../helpers/fake-ports.js';
import { outage, podGoneFrom, rewritten, twoNodePlan, twoNodeWorld, withCapacity, withCluster } from '../../helpers/engine-world.js';

/** Two old nodes, one batch each: web-1 and api-1 on old-a (with a DaemonSet pod), web-2 on old-b. */
const world = (): FakeWorld => twoNodeWorld({ daemonSet: true });

const plan = twoNodePlan;

function start(ports: Ports, p: EnginePlan = plan(), settings: EngineSettings = DEFAULT_ENGINE_SETTINGS): Promise<MigrationEngine> {
  return MigrationEngine.resumeOrStart(ports, initialState('m1', p, 0, settings));
}

/** The fake's ports, with the time of each call to the wrapped methods recorded as "<t> <call>". */
function recorded(w: FakeWorld): { ports: Ports; log: string[] } {
  const log: string[] = [];
  const at = (what: string): void => {
    log.push(`${w.t} ${what}`);
  };
  const ports = withCluster(w, (base) => ({
    saveState: async (s) => {
      at('save');
      return base.saveState(s);
    },
    evict: async (ns, name) => {
      at(`evict ${ns}/${name}`);
      return base.evict(ns, name);
    },
    deletePod: async (ns, name) => {
      at(`delete ${ns}/${name}`);
      return base.deletePod(ns, name);
    },
  }));
  return { ports, log };
}

const kinds = (w: FakeWorld): string[] => w.events.map((e) => e.kind);

describe('reconcile loop', () => {
  it('returns as soon as the migration ends, without sleeping past its last reconcile', async () => {
    const w = world();
    const s = await (await start(w.ports())).run();
    expect(s.status).toBe('Completed');
    expect(s.completedAt).not.toBeNull();
    expect(w.t).toBe(s.completedAt);
  });

  it('writes the state only when a reconcile changed it', async () => {
    const w = world();
    const { ports, log } = recorded(w);
    await (await start(ports)).run();
    const saves = log.filter((l) => l.endsWith(' save')).map((l) => Number(l.split(' ')[0]));
    // Batch 1 waits for its replacements (Ready at t=20) at t=5..15 without changing anything, so nothing is written then.
    expect(saves).not.toContain(10);
    expect(saves).not.toContain(15);
    // One write per reconcile that did change something, never two of the same state in a row.
    const texts: string[] = [];
    const counting = withCluster(w, () => ({ saveState: async (st) => void texts.push(JSON.stringify(st)) }), ports);
    await (await start(counting)).run();
    for (let i = 1; i < texts.length; i++) expect(texts[i]).not.toBe(texts[i - 1]);
  });

  it('evicts each pod once when a (hand-edited) state names a node twice in one batch', async () => {
    const w = world();
    const { ports, log } = recorded(w);
    await (await start(ports, plan({}, [{ nodes: ['old-a', 'old-a'] }, { nodes: ['old-b'] }]))).step();
    const evictions = log.filter((l) => l.includes(' evict '));
    expect(evictions.length).toBeGreaterThan(0);
    expect(new Set(evictions.map((l) => l.split(' ')[2])).size).toBe(evictions.length);
  });

  it('lets an error that is not a PortError through: a bug is not an outage', async () => {
    const w = world();
    const ports = withCluster(w, () => ({
      snapshot: () => {
        throw new TypeError('bug');
      },
    }));
    await expect((await start(ports)).step()).rejects.toThrow('bug');
  });

  it('an engine whose state is already terminal does nothing more', async () => {
    const w = world();
    const engine = await start(w.ports());
    await engine.run();
    const calls = w.calls.length;
    const events = w.events.length;
    await engine.step();
    expect(w.calls.length).toBe(calls);
    expect(w.events.length).toBe(events);
  });
});

describe('PDB-blocked evictions', () => {
  it('retries after 5, 10, 20, 40, then every 60 seconds, and fails with TechnicalTimeout on the first reconcile past the budget', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const { ports, log } = recorded(w);
    const s = await (await start(ports, plan({ batchTimeBudgetSeconds: 400 }))).run();
    const attempts = log.filter((l) => l.endsWith('evict shop/web-1')).map((l) => Number(l.split(' ')[0]));
    expect(attempts).toEqual([0, 5, 15, 35, 75, 135, 195, 255, 315, 375]);
    expect(s.evictRetry['shop/web-1']).toEqual({ attempts: 10, nextAt: 435, firstBlockedAt: 0 });
    const blocked = w.events.filter((e) => e.kind === 'pod.evict-blocked');
    expect(blocked.map((e) => e.detail?.['attempts'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.failure?.code).toBe('TechnicalTimeout');
    expect(s.erroredAt).toBe(405);
    expect(s.failure?.why).toBe('batch 1 ran past its 400s budget in phase draining with evictions still refused by PodDisruptionBudgets');
    expect(s.failure?.objects).toEqual(['Node old-a', 'Pod shop/web-1']);
  });

  it('deletes the pod on the first retry at or past the drain threshold when forcePodEvictionOnPdbFailure is set', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const { ports, log } = recorded(w);
    const s = await (await start(ports, plan({ forcePodEvictionOnPdbFailure: true, drainTimeThresholdSeconds: 75 }))).run();
    expect(log.filter((l) => l.includes('shop/web-1'))).toEqual([
      '0 evict shop/web-1',
      '5 evict shop/web-1',
      '15 evict shop/web-1',
      '35 evict shop/web-1',
      '75 delete shop/web-1',
    ]);
    expect(s.status).toBe('Completed');
    expect(s.evictRetry).toEqual({});
    expect(w.events.find((e) => e.kind === 'pod.deleted')?.object).toBe('Pod shop/web-1');
  });

  it('deletes pods at once, without asking for evictions, when PDBs are not respected', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const { ports, log } = recorded(w);
    const s = await (await start(ports, plan({ respectPdb: false }))).run();
    expect(s.status).toBe('Completed');
    expect(log.filter((l) => l.includes(' evict '))).toEqual([]);
    // The batch's start is written ahead of its first action; the deletions' outcome at the end of the reconcile.
    expect(log.filter((l) => l.startsWith('0 '))).toEqual(['0 save', '0 delete shop/api-1', '0 delete shop/web-1', '0 save']);
  });
});


describe('API outages', () => {
  it('fails with ConnectivityLost on the first reconcile more than connectivityLostSeconds after the API was lost', async () => {
    const w = world();
    const s = await (await start(outage(w, () => true))).run();
    expect(s.failure?.code).toBe('ConnectivityLost');
    expect(s.erroredAt).toBe(305);
    expect(s.failure?.why).toBe('the API has been unreachable for 305s (connection refused)');
    expect(w.events.filter((e) => e.kind === 'api.lost')).toEqual([
      { t: 0, kind: 'api.lost', object: 'API', detail: { error: 'connectivity', message: 'connection refused' } },
    ]);
  });

  it('forgets an outage once the API answers again: two shorter outages, longer together than the threshold, do not fail', async () => {
    const w = world();
    const s = await (await start(outage(w, (t) => t < 100 || (t >= 105 && t < 380)))).run();
    expect(s.status).toBe('Completed');
    expect(s.apiLostSince).toBeNull();
    const restored = w.events.filter((e) => e.kind === 'api.restored');
    expect(restored.map((e) => [e.t, e.detail?.['lostSeconds']])).toEqual([
      [100, 100],
      [380, 275],
    ]);
    expect(w.events.filter((e) => e.kind === 'api.lost').map((e) => e.t)).toEqual([0, 105]);
  });

  it('fails at once with ConnectivityLost when the API refuses the engine (not a transient error)', async () => {
    const w = world();
    const ports = withCluster(w, () => ({
      snapshot: () => {
        throw new PortError('forbidden', 'pods is forbidden: User "vngshift" cannot list');
      },
    }));
    const s = await (await start(ports)).run();
    expect(s.failure?.code).toBe('ConnectivityLost');
    expect(s.erroredAt).toBe(0);
    expect(s.failure?.why).toBe('the API refused the engine: pods is forbidden: User "vngshift" cannot list');
    expect(s.apiLostSince).toBeNull();
  });
});

describe('capacity and unscheduled pods', () => {
  it('fails with InsufficientCapacity on the first reconcile past the grace, naming each unplaceable pod once', async () => {
    const w = world();
    w.addPod('shop', 'stuck', 'old-b', 'rs-stuck', { nodeName: null, phase: 'Pending', ready: false });
    w.faults.unplaceable = [{ pod: 'shop/stuck', reason: '0/2 VNG node types are available: 2 Insufficient cpu.' }];
    const s = await (await start(w.ports())).run();
    expect(s.failure?.code).toBe('InsufficientCapacity');
    expect(s.erroredAt).toBe(305);
    expect(s.failure?.why).toBe('1 pod(s) fit no VNG: 0/2 VNG node types are available: 2 Insufficient cpu.');
    expect(s.failure?.objects).toEqual(['Pod shop/stuck']);
    expect(w.events.filter((e) => e.kind === 'capacity.trouble')).toEqual([
      { t: 0, kind: 'capacity.trouble', object: 'Autoscaler', detail: { unplaceable: 1, launchErrors: 0 } },
    ]);
  });

  it('ignores the autoscaler about pods that are not pending without a node', async () => {
    const w = world();
    w.faults.unplaceable = [{ pod: 'shop/web-2', reason: 'stale' }];
    const s = await (await start(w.ports())).run();
    expect(s.status).toBe('Completed');
    expect(s.capacityTroubleSince).toBeNull();
  });

  it('counts launch errors as capacity trouble, and restarts the grace when they clear', async () => {
    const w = world();
    // A PDB keeps the first batch draining, so the run lasts until the capacity trouble decides it.
    w.faults.pdbBlocked.add('shop/web-1');
    const errorsAt = (t: number): string[] => (t < 200 || (t >= 250 && t < 700) ? ['InsufficientInstanceCapacity m5.large us-east-1a'] : []);
    const ports = withCapacity(w, { signal: () => ({ unplaceable: [], launchErrors: errorsAt(w.t) }) });
    const s = await (await start(ports)).run();
    expect(s.failure?.code).toBe('InsufficientCapacity');
    // Trouble from 0 to 195 (not past the 300 s grace), cleared at 200, back at 250: past the grace at 555.
    expect(s.erroredAt).toBe(555);
    expect(s.failure?.why).toBe('new instances could not be launched: InsufficientInstanceCapacity m5.large us-east-1a');
    expect(s.failure?.objects).toEqual(['Launch InsufficientInstanceCapacity m5.large us-east-1a']);
  });

  it('fails with PodsUnschedulable on the first reconcile past the drain threshold, counted from the pod\'s creation', async () => {
    const w = world();
    w.addPod('shop', 'new-pending', 'old-b', 'rs-new', { nodeName: null, phase: 'Pending', ready: false, createdAt: 10 });
    w.replacementReadySeconds = 5;
    const s = await (await start(w.ports(), plan({ drainTimeThresholdSeconds: 100 }))).run();
    expect(s.failure?.code).toBe('PodsUnschedulable');
    expect(s.erroredAt).toBe(115);
    expect(s.failure?.why).toBe('1 pod(s) are still unscheduled or unready 100s after their drain');
    expect(s.failure?.objects).toEqual(['Pod shop/new-pending']);
  });

  it('counts the drain threshold of an unready replacement from its controller\'s last eviction', async () => {
    const w = world();
    // rs-web's replacements never get Ready; web-1 is evicted at t=0, web-2 (second batch) later.
    w.faults.neverReadyOwners.add('rs-web');
    const s = await (await start(w.ports(), plan({ drainTimeThresholdSeconds: 100 }))).run();
    expect(s.failure?.code).toBe('PodsUnschedulable');
    const lastWebEviction = s.lastEvictedAt['rs-web'] as number;
    expect(lastWebEviction).toBeGreaterThan(0);
    expect(s.erroredAt).toBe(lastWebEviction + 105);
    expect(s.failure?.objects).toEqual(['Pod shop/web-1-r2', 'Pod shop/web-2-r3']);
  });

  it('does not count pods that were already pending before the migration started', async () => {
    const w = world();
    w.addPod('shop', 'old-pending', 'old-b', null, { nodeName: null, phase: 'Pending', ready: false, createdAt: -50 });
    const engine = await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', plan({ drainTimeThresholdSeconds: 100 }), 0));
    const s = await engine.run();
    expect(s.status).toBe('Completed');
  });
});

describe('draining, waiting and terminating', () => {
  it('records, at a batch\'s start, the pods of its controllers that already run elsewhere, and does not count them as replacements', async () => {
    const w = world();
    // No replacement ever gets Ready; web-2 (rs-web, on old-b) is Running and Ready all along but is not a replacement.
    w.faults.neverReadyOwners.add('rs-web');
    w.faults.neverReadyOwners.add('rs-api');
    const s = await (await start(w.ports(), plan({ drainTimeThresholdSeconds: 100 }))).run();
    expect(s.batches[0]?.baseline).toEqual(['shop/web-2']);
    expect(kinds(w)).not.toContain('batch.healthy');
    expect(s.failure?.code).toBe('PodsUnschedulable');
  });

  it('moves on when the share of replaced pods reaches batchMinHealthyPercentage, not before', async () => {
    const w = world();
    w.faults.neverReadyOwners.add('rs-web');
    const s = await (await start(w.ports(), plan({ batchMinHealthyPercentage: 50, drainTimeThresholdSeconds: 100 }))).run();
    const healthy = w.events.find((e) => e.kind === 'batch.healthy');
    expect(healthy).toEqual({ t: 20, kind: 'batch.healthy', object: 'Batch 1', detail: { healthyPercent: 50, replaced: 1, evicted: 2 } });
    expect(s.failure?.code).toBe('PodsUnschedulable');

    const w2 = world();
    w2.faults.neverReadyOwners.add('rs-web');
    const s2 = await (await start(w2.ports(), plan({ batchMinHealthyPercentage: 51, drainTimeThresholdSeconds: 100 }))).run();
    expect(kinds(w2)).not.toContain('batch.healthy');
    expect(s2.batches[0]?.phase).toBe('waiting');
  });

  it('counts a finished Job pod as healthy, and a batch that evicted nothing as 100 % healthy', async () => {
    const w = new FakeWorld();
    w.addNode('old-a', 'i-0aaa');
    w.addNode('old-b', 'i-0bbb');
    w.addPod('batch', 'job-1', 'old-a', 'job-x', { ownerKind: 'Job' });
    w.addPod('kube-system', 'ds-b', 'old-b', 'ds', { isDaemonSet: true, ownerKind: 'DaemonSet' });
    // The Job's replacement runs to completion: Succeeded (and not Ready) from the start.
    const ports = rewritten(w, (ps) => ps.map((p) => (p.name.startsWith('job-1-r') ? { ...p, phase: 'Succeeded' as const, ready: false } : p)));
    const s = await (await start(ports, plan({ batchMinHealthyPercentage: 100 }))).run();
    expect(s.status).toBe('Completed');
    const healthy = w.events.filter((e) => e.kind === 'batch.healthy');
    expect(healthy.map((e) => [e.t, e.detail])).toEqual([
      [5, { healthyPercent: 100, replaced: 1, evicted: 1 }],
      [10, { healthyPercent: 100, replaced: 0, evicted: 0 }],
    ]);
  });

  it('does not evict DaemonSet, mirror, finished or terminating pods, but waits for a terminating pod to go', async () => {
    const w = world();
    w.addPod('kube-system', 'kube-proxy-a', 'old-a', null, { isMirror: true, ownerKind: 'Node' });
    w.addPod('batch', 'done', 'old-a', 'job-done', { phase: 'Succeeded', ready: false, ownerKind: 'Job' });
    w.addPod('batch', 'crashed', 'old-a', 'job-crashed', { phase: 'Failed', ready: false, ownerKind: 'Job' });
    w.addPod('shop', 'leaving', 'old-a', 'rs-leaving', { terminating: true });
    const ports = podGoneFrom(w, 'shop/leaving', 30);
    const s = await (await start(ports)).run();
    expect(s.status).toBe('Completed');
    expect(w.calls.filter((c) => c.startsWith('evict ') || c.startsWith('delete '))).toEqual([
      'evict shop/api-1',
      'evict shop/web-1',
      'evict shop/web-2',
    ]);
    // The batch drained only once the terminating pod was gone.
    expect(w.events.find((e) => e.kind === 'batch.drained')?.t).toBe(30);
  });

  it('keeps a node that still runs a stand-alone pod (cordoned, not terminated) unless stand-alone pods are evicted', async () => {
    const w = world();
    w.addPod('shop', 'lonely', 'old-a', null);
    const s = await (await start(w.ports())).run();
    expect(s.status).toBe('Completed');
    expect(s.nodePhase).toEqual({ 'old-a': 'kept', 'old-b': 'terminated' });
    expect(w.terminated).toEqual(['i-0bbb']);
    expect(w.nodes.get('old-a')?.unschedulable).toBe(true);
    expect(w.events.find((e) => e.kind === 'node.kept')?.object).toBe('Node old-a');
    expect(w.calls).not.toContain('evict shop/lonely');

    const w2 = world();
    w2.addPod('shop', 'lonely', 'old-a', null);
    const s2 = await (await start(w2.ports(), plan({ shouldEvictStandAlonePods: true }))).run();
    expect(s2.status).toBe('Completed');
    expect(w2.calls).toContain('evict shop/lonely');
    expect(s2.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'terminated' });
    expect(w2.events.filter((e) => e.kind === 'pod.evicted').map((e) => e.object)).toContain('Pod shop/lonely');
    expect(s2.batches[0]?.evictedCount).toBe(s.batches[0]!.evictedCount + 1);
  });

  it('leaves drained nodes running when shouldTerminateDrainedNodes is off', async () => {
    const w = world();
    const s = await (await start(w.ports(), plan({ shouldTerminateDrainedNodes: false }))).run();
    expect(s.status).toBe('Completed');
    expect(w.terminated).toEqual([]);
    expect(w.calls.filter((c) => c.startsWith('delete-node'))).toEqual([]);
    expect(s.nodePhase).toEqual({ 'old-a': 'drained', 'old-b': 'drained' });
    expect(s.batches.map((b) => b.phase)).toEqual(['done', 'done']);
  });

  it('terminates a node without an instance id by removing its Node object, and tolerates a Node already gone', async () => {
    const w = world();
    const ports = withCluster(w, (base) => ({
      deleteNode: async (name) => {
        await base.deleteNode(name);
        if (name === 'old-b') throw new PortError('not-found', 'nodes "old-b" not found');
        throw new PortError('server', 'etcdserver: request timed out');
      },
    }));
    const p = plan();
    const noId: EnginePlan = { ...p, oldNodes: [{ name: 'old-a', instanceId: null }, p.oldNodes[1] as EnginePlan['oldNodes'][number]] };
    const s = await (await start(ports, noId)).run();
    expect(s.status).toBe('Completed');
    expect(w.terminated).toEqual(['i-0bbb']);
    expect(w.calls.filter((c) => c.startsWith('delete-node'))).toEqual(['delete-node old-a', 'delete-node old-b']);
    expect(w.events.filter((e) => e.kind === 'node.terminated').map((e) => e.detail)).toEqual([{ instanceId: null }, { instanceId: 'i-0bbb' }]);
  });

  it('retries a termination that failed transiently on the next reconcile', async () => {
    const w = world();
    const base = w.ports();
    let refusals = 1;
    const ports: Ports = {
      ...base,
      cloud: {
        terminateInstances: async (ids) => {
          if (refusals-- > 0) throw new PortError('throttled', 'Request limit exceeded.', 'RequestLimitExceeded');
          return base.cloud.terminateInstances(ids);
        },
      },
    };
    const s = await (await start(ports)).run();
    expect(s.status).toBe('Completed');
    expect(w.terminated).toEqual(['i-0aaa', 'i-0bbb']);
  });

  it('ignores a failure to record a Kubernetes Event', async () => {
    const w = world();
    const ports = withCluster(w, () => ({ recordEvent: () => Promise.reject(new PortError('forbidden', 'events is forbidden')) }));
    const s = await (await start(ports)).run();
    expect(s.status).toBe('Completed');
  });
});

describe('stopping', () => {
  it('waits, within the drain threshold, for evicted pods still pending before it uncordons', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    // Replacements stay Pending without a node.
    const ports = rewritten(w, (ps) => ps.map((p) => (/-r\d+$/.test(p.name) ? { ...p, nodeName: null, phase: 'Pending' as const, ready: false } : p)));
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const s = await (await start(ports, plan({ drainTimeThresholdSeconds: 100 }))).run();
    expect(s.status).toBe('Stopped');
    expect(s.stoppedAt).toBe(110);
    expect(w.events.find((e) => e.kind === 'node.uncordoned')).toEqual({ t: 110, kind: 'node.uncordoned', object: 'Node old-a' });
    expect(w.events.find((e) => e.kind === 'migration.stop-requested')).toEqual({
      t: 10,
      kind: 'migration.stop-requested',
      object: 'Migration m1',
      detail: { terminateDrained: false },
    });
  });

  it('terminates drained nodes when asked, and leaves nodes it never touched alone', async () => {
    const w = world();
    w.replacementReadySeconds = 1000;
    w.stop = { terminateDrained: true, requestedAt: 10 };
    w.stopAt = 10;
    const s = await (await start(w.ports())).run();
    expect(s.status).toBe('Stopped');
    expect(s.stoppedAt).toBe(10);
    expect(w.terminated).toEqual(['i-0aaa']);
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'waiting' });
    expect(w.calls.filter((c) => c.includes('old-b'))).toEqual([]);
  });

  it('leaves drained nodes cordoned when the stop does not terminate them', async () => {
    const w = world();
    w.replacementReadySeconds = 1000;
    w.stop = { terminateDrained: false, requestedAt: 10 };
    w.stopAt = 10;
    const s = await (await start(w.ports())).run();
    expect(s.status).toBe('Stopped');
    expect(w.terminated).toEqual([]);
    expect(s.nodePhase).toEqual({ 'old-a': 'drained', 'old-b': 'waiting' });
    expect(w.nodes.get('old-a')?.unschedulable).toBe(true);
  });

  it('marks a cordoned node that someone else already uncordoned as uncordoned, without a call', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const base = w.ports();
    const ports: Ports = {
      ...base,
      clock: {
        now: base.clock.now,
        sleep: async (sec) => {
          await base.clock.sleep(sec);
          const n = w.nodes.get('old-a');
          if (w.t === 20 && n) w.nodes.set('old-a', { ...n, unschedulable: false });
        },
      },
    };
    w.stop = { terminateDrained: false, requestedAt: 20 };
    w.stopAt = 20;
    const s = await (await start(ports)).run();
    expect(s.status).toBe('Stopped');
    expect(s.nodePhase['old-a']).toBe('uncordoned');
    expect(w.calls).not.toContain('uncordon old-a');
  });

  it('retries an uncordon that fails transiently, and fails with StopRescheduleFailed once the connectivity threshold has passed since the stop', async () => {
    const w = world();
    w.faults.pdbBlocked.add('shop/web-1');
    const ports = withCluster(w, () => ({
      uncordon: async (node) => {
        w.calls.push(`uncordon ${node}`);
        throw new PortError('server', 'the server is currently unable to handle the request');
      },
    }));
    w.stop = { terminateDrained: false, requestedAt: 30 };
    w.stopAt = 30;
    const s = await (await start(ports)).run();
    expect(s.failure?.code).toBe('StopRescheduleFailed');
    expect(s.erroredAt).toBe(335);
    expect(s.failure?.why).toBe('could not uncordon old-a while stopping (server: the server is currently unable to handle the request)');
    expect(w.calls.filter((c) => c === 'uncordon old-a').length).toBe(62);
  });
});

describe('what the engine reports', () => {
  it('traces a fresh start, and a resume with the status it resumes in', async () => {
    const w = world();
    const first = await start(w.ports());
    await first.step();
    expect(w.events[0]).toEqual({ t: 0, kind: 'migration.started', object: 'Migration m1', detail: { status: 'Running' } });
    const saved: MigrationState = { ...initialState('m1', plan(), 0), status: 'Stopping', stop: { terminateDrained: false, requestedAt: 0 } };
    w.saved = saved;
    w.events = [];
    const second = await start(w.ports());
    expect(w.events[0]).toEqual({ t: 0, kind: 'migration.resumed', object: 'Migration m1', detail: { status: 'Stopping' } });
    expect(second.current.status).toBe('Stopping');
  });

  it('cordons each node of a batch once, with a Kubernetes Event, and not a node that is already cordoned', async () => {
    const w = world();
    const n = w.nodes.get('old-b');
    if (n) w.nodes.set('old-b', { ...n, unschedulable: true });
    const events: string[] = [];
    const ports = withCluster(w, () => ({
      recordEvent: async (kind, namespace, name, reason, message) => void events.push(`${kind} ${namespace}/${name} ${reason}: ${message}`),
    }));
    const s = await (await start(ports)).run();
    expect(s.status).toBe('Completed');
    expect(w.calls.filter((c) => c.startsWith('cordon'))).toEqual(['cordon old-a']);
    expect(events).toEqual(['Node /old-a MigrationCordon: vngshift migration m1: cordoned for batch 1']);
    expect(w.events.filter((e) => e.kind === 'node.cordoned').map((e) => e.object)).toEqual(['Node old-a']);
  });

  it('marks, ahead of the cordons, only the batch\'s nodes that exist as cordoned', async () => {
    const w = world();
    w.nodes.delete('old-b');
    w.pods.delete('shop/web-2');
    const engine = await start(w.ports(), { ...plan(), batches: [{ nodes: ['old-a', 'old-b'] }] });
    await engine.step();
    expect(w.saved?.nodePhase).toEqual({ 'old-a': 'cordoned', 'old-b': 'waiting' });
    const s = await engine.run();
    expect(s.status).toBe('Completed');
    expect(s.nodePhase).toEqual({ 'old-a': 'terminated', 'old-b': 'terminated' });
    expect(w.calls.filter((c) => c.startsWith('delete-node'))).toEqual(['delete-node old-a']);
  });

  it('traces each eviction with its node and owner, and a pod already gone as gone', async () => {
    const w = world();
    const ports = withCluster(w, (base) => ({
      evict: async (ns, name) => (name === 'api-1' ? { kind: 'gone' as const } : base.evict(ns, name)),
    }));
    const engine = await start(ports);
    await engine.step();
    expect(w.events.filter((e) => e.kind.startsWith('pod.'))).toEqual([
      { t: 0, kind: 'pod.gone', object: 'Pod shop/api-1', detail: { node: 'old-a', owner: 'rs-api' } },
      { t: 0, kind: 'pod.evicted', object: 'Pod shop/web-1', detail: { node: 'old-a', owner: 'rs-web' } },
    ]);
    expect(engine.current.batches[0]?.evicted).toEqual([
      { pod: 'shop/api-1', ownerUid: 'rs-api' },
      { pod: 'shop/web-1', ownerUid: 'rs-web' },
    ]);
    expect(engine.current.lastEvictedAt).toEqual({ 'rs-api': 0, 'rs-web': 0 });
  });

  it('traces the batches and the end of the run', async () => {
    const w = world();
    const s = await (await start(w.ports())).run();
    const trace = w.events.filter((e) => e.kind.startsWith('batch.') || e.kind.startsWith('migration.'));
    expect(trace).toEqual([
      { t: 0, kind: 'migration.started', object: 'Migration m1', detail: { status: 'Running' } },
      { t: 0, kind: 'batch.started', object: 'Batch 1', detail: { nodes: 1 } },
      { t: 5, kind: 'batch.drained', object: 'Batch 1', detail: { evicted: 2 } },
      { t: 20, kind: 'batch.healthy', object: 'Batch 1', detail: { healthyPercent: 100, replaced: 2, evicted: 2 } },
      { t: 20, kind: 'batch.completed', object: 'Batch 1' },
      { t: 25, kind: 'batch.started', object: 'Batch 2', detail: { nodes: 1 } },
      { t: 30, kind: 'batch.drained', object: 'Batch 2', detail: { evicted: 1 } },
      { t: 45, kind: 'batch.healthy', object: 'Batch 2', detail: { healthyPercent: 100, replaced: 1, evicted: 1 } },
      { t: 45, kind: 'batch.completed', object: 'Batch 2' },
      { t: 50, kind: 'migration.completed', object: 'Migration m1' },
    ]);
    expect(s.batches.map((b) => [b.startedAt, b.drainedAt, b.finishedAt])).toEqual([
      [0, 5, 20],
      [25, 30, 45],
    ]);
    expect(w.events.filter((e) => e.kind === 'node.terminated').map((e) => [e.t, e.object, e.detail])).toEqual([
      [20, 'Node old-a', { instanceId: 'i-0aaa' }],
      [45, 'Node old-b', { instanceId: 'i-0bbb' }],
    ]);
  });

  it('writes a failure with its code\'s message and remedy, naming its objects and the moved pods not Ready yet, sorted, once each', async () => {
    const w = world();
    w.faults.terminateForbidden = true;
    w.replacementReadySeconds = 0;
    w.faults.neverReadyOwners.add('rs-web');
    const s = await (await start(w.ports(), plan({ batchMinHealthyPercentage: 50 }))).run();
    expect(s.failure).toEqual({
      code: 'TerminateFailed',
      message: 'The migration has stopped due to failure to terminate old instances.',
      why: 'could not terminate instance i-0aaa (UnauthorizedOperation: You are not authorized to perform this operation.)',
      remedy: s.failure?.remedy,
      objects: ['Instance i-0aaa', 'Node old-a', 'Pod shop/web-1-r2'],
      at: 5,
    });
    expect(s.failure?.remedy.length).toBeGreaterThan(0);
    expect(s.erroredAt).toBe(5);
    expect(w.events.filter((e) => e.kind === 'migration.failed')).toEqual([
      { t: 5, kind: 'migration.failed', object: 'Migration m1', detail: { code: 'TerminateFailed', why: s.failure?.why ?? '' } },
    ]);
  });
});
