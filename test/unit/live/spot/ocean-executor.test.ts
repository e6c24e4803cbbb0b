/**
 * `run --executor ocean` below the CLI: the OceanExecutor against the Spot API emulator and its scripted world, through the
 * real SpotClient. One Ocean migration per batch (exactly its instances, batchSizePercentage 100, the plan's parameters),
 * the next only after Ocean reported the previous Completed; Ocean's failure texts map to the seven codes; a stop goes to
 * Ocean and no later batch is submitted; a run killed after or even during a submission resumes without submitting again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../src/engine/ports.js';
import { PortError } from '../../../../src/engine/ports.js';
import { initialState, oceanExecution, type MigrationState, type StopRequest } from '../../../../src/engine/state.js';
import { oceanMigrationStatus } from '../../../../src/engine/status.js';
import { SpotClient } from '../../../../src/live/spot/client.js';
import { OceanMigrations, parseMigrationStatus } from '../../../../src/live/spot/migration.js';
import { OceanExecutor, type OceanMigrationApi, type OceanNodeCordon } from '../../../../src/live/spot/ocean-executor.js';
import { FAILURE_CODES, FAILURE_MESSAGES, failureCodeOfMessage } from '../../../../src/model/failures.js';
import { parseParams } from '../../../../src/model/params.js';
import { scriptedWorld, startSpotEmulator, type ScriptedWorld, type SpotEmulator } from '../../../helpers/spot-emulator.js';

const CLUSTER = 'o-1a2b3c';
const credentials = { token: 'secret', account: 'act-1', source: 'test' };
const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const IDS: Record<string, string> = { n1: 'i-01', n2: 'i-02', n3: 'i-03', n4: 'i-04', n5: 'i-05' };
const BATCHES = [['n1', 'n2'], ['n3', 'n4'], ['n5']];

let api: SpotEmulator;
let world: ScriptedWorld;

beforeEach(async () => {
  world = scriptedWorld({ nodeName: (id) => Object.keys(IDS).find((k) => IDS[k] === id) ?? id });
  api = await startSpotEmulator({ token: 'secret', account: 'act-1', clusters: { [CLUSTER]: { cluster: { id: CLUSTER }, launchSpecs: [] } }, world });
});
afterEach(() => api.close());

function freshState(params: Record<string, unknown> = {}): MigrationState {
  const s = initialState(
    'm1',
    {
      oldNodes: NODES.map((name) => ({ name, instanceId: IDS[name] ?? null })),
      batches: BATCHES.map((nodes) => ({ nodes })),
      params: parseParams({ forcePodEvictionOnPdbFailure: true, batchMinHealthyPercentage: 80, ...params }, 'test'),
      boundSeconds: 3600,
    },
    1000,
  );
  s.ocean = oceanExecution(CLUSTER, api.url, s.batches.length);
  return s;
}

/** The state store: the saved text, as the ConfigMap would hold it, and a stop request to hand out. */
class MemoryStore {
  saved: string | null = null;
  saves = 0;
  stop: StopRequest | null = null;
  saveState(s: MigrationState): Promise<void> {
    this.saved = JSON.stringify(s);
    this.saves += 1;
    return Promise.resolve();
  }
  stopRequest(): Promise<StopRequest | null> {
    return Promise.resolve(this.stop);
  }
  load(): MigrationState {
    if (this.saved === null) throw new Error('nothing saved');
    return JSON.parse(this.saved) as MigrationState;
  }
}

class TestClock {
  t = 1000;
  now(): number {
    return this.t;
  }
  sleep(s: number): Promise<void> {
    this.t += s;
    return Promise.resolve();
  }
}

function setup(state: MigrationState, resumed = false, apiOverride?: OceanMigrationApi) {
  const store = new MemoryStore();
  const clock = new TestClock();
  const events: EngineEvent[] = [];
  const client = new SpotClient({ baseUrl: api.url, credentials, sleep: () => Promise.resolve(), attempts: 2 });
  const oceanApi = apiOverride ?? new OceanMigrations(client, CLUSTER);
  const executor = new OceanExecutor({ api: oceanApi, store, clock, trace: { record: (e) => events.push(e) } }, state, resumed);
  return { store, clock, events, executor, oceanApi, client };
}

async function runToEnd(executor: OceanExecutor, clock: TestClock, max = 100): Promise<void> {
  for (let i = 0; i < max && !['Completed', 'Failed', 'Stopped'].includes(executor.current.status); i++) {
    await executor.step();
    await clock.sleep(10);
  }
  await executor.finish();
}

const posts = (): { migration: Record<string, unknown> }[] =>
  api.requests.filter((r) => r.method === 'POST').map((r) => r.body as { migration: Record<string, unknown> });

describe('OceanExecutor', () => {
  it('submits each batch as one Ocean migration of exactly its instances, the next once the previous is Completed', async () => {
    const { executor, clock, events, store } = setup(freshState());
    // Each POST must come after Ocean answered Completed for the previous migration.
    await runToEnd(executor, clock);
    const s = executor.current;
    expect(s.status).toBe('Completed');
    expect(posts().map((b) => b.migration['instanceIds'])).toEqual([['i-01', 'i-02'], ['i-03', 'i-04'], ['i-05']]);
    for (const b of posts()) {
      expect(b.migration).toMatchObject({
        batchSizePercentage: 100,
        respectPdb: true,
        forcePodEvictionOnPdbFailure: true,
        shouldEvictStandAlonePods: false,
        shouldTerminateDrainedNodes: true,
        batchMinHealthyPercentage: 80,
      });
    }
    const order = api.requests.map((r) => (r.method === 'POST' ? 'POST' : r.method === 'GET' ? `GET ${r.path.split('/').pop() ?? ''}` : r.method));
    const migrationIds = api.migrations.map((m) => m.id);
    expect(migrationIds).toHaveLength(3);
    for (let i = 1; i < migrationIds.length; i++) {
      const postAt = order.indexOf('POST', order.indexOf(`GET ${migrationIds[i - 1] ?? ''}`));
      const lastRead = order.lastIndexOf(`GET ${migrationIds[i - 1] ?? ''}`);
      expect(lastRead).toBeLessThan(postAt);
    }
    expect(api.migrations.every((m) => m.last?.status === 'Completed')).toBe(true);
    expect(Object.values(s.nodePhase)).toEqual(['terminated', 'terminated', 'terminated', 'terminated', 'terminated']);
    expect(s.batches.map((b) => b.phase)).toEqual(['done', 'done', 'done']);
    expect(s.ocean?.batches.map((b) => b.migrationId)).toEqual(migrationIds);
    const kinds = events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'batch.started')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'batch.drained')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'batch.completed')).toHaveLength(3);
    expect(kinds.at(-1)).toBe('migration.completed');
    expect(store.load().status).toBe('Completed');
    // The status in the own executor's shape, from what Ocean said.
    const view = oceanMigrationStatus(store.load(), { nodes: [], pods: [] });
    expect(view.status).toBe('Completed');
    expect(view.oldInstances.map((i) => i.state)).toEqual(['Terminated', 'Terminated', 'Terminated', 'Terminated', 'Terminated']);
    expect(view.counts).toEqual({ newInstances: 3, podsLaunched: 10, podsRemaining: 0, unscheduledPods: 0 });
    expect(view.ocean.migrations.map((m) => m.status)).toEqual(['Completed', 'Completed', 'Completed']);
  });

  it('sends the plan parameters as they are (no terminate, stand-alone pods, PDBs not respected)', async () => {
    const { executor, clock } = setup(freshState({ shouldTerminateDrainedNodes: false, shouldEvictStandAlonePods: true, respectPdb: false, forcePodEvictionOnPdbFailure: false }));
    await runToEnd(executor, clock);
    expect(executor.current.status).toBe('Completed');
    expect(posts()[0]?.migration).toMatchObject({ shouldTerminateDrainedNodes: false, shouldEvictStandAlonePods: true, respectPdb: false, forcePodEvictionOnPdbFailure: false });
    expect(Object.values(executor.current.nodePhase)).toEqual(['drained', 'drained', 'drained', 'drained', 'drained']);
  });

  it.each(FAILURE_CODES)("Ocean's %s message fails the run with that code, and no later batch is submitted", async (code) => {
    world.failAt(2, 2, FAILURE_MESSAGES[code], ['shop/web-1']);
    const { executor, clock } = setup(freshState());
    await runToEnd(executor, clock);
    const s = executor.current;
    expect(s.status).toBe('Failed');
    expect(s.failure?.code).toBe(code);
    expect(s.failure?.message).toBe(FAILURE_MESSAGES[code]);
    expect(s.failure?.objects).toContain('Pod shop/web-1');
    expect(s.current).toBe(1);
    expect(posts()).toHaveLength(2);
  });

  it('a failure text it does not know is read as TechnicalTimeout, the text kept', async () => {
    world.failAt(1, 2, 'Something else went wrong');
    const { executor, clock } = setup(freshState());
    await runToEnd(executor, clock);
    expect(executor.current.failure).toMatchObject({ code: 'TechnicalTimeout', message: 'Something else went wrong' });
    expect(executor.current.failure?.why).toMatch(/does not know/);
  });

  it('a run killed after a submission resumes from the saved state and reads that migration instead of submitting it', async () => {
    const first = setup(freshState());
    await first.executor.step(); // submits batch 1 and reads it once
    expect(posts()).toHaveLength(1);
    const saved = first.store.load();
    expect(saved.ocean?.batches[0]?.migrationId).toBe(api.migrations[0]?.id);
    const second = setup(saved, true);
    await runToEnd(second.executor, second.clock);
    expect(second.executor.current.status).toBe('Completed');
    expect(posts()).toHaveLength(3);
    expect(second.events[0]?.kind).toBe('migration.resumed');
  });

  it('a run killed between its write-ahead and the answer of the create finds that migration among Ocean\'s', async () => {
    // The create reaches Ocean, but the process dies before it reads the answer.
    const client = new SpotClient({ baseUrl: api.url, credentials, attempts: 1 });
    const real = new OceanMigrations(client, CLUSTER);
    const dying: OceanMigrationApi = {
      clusterId: CLUSTER,
      create: async (req) => {
        await real.create(req);
        throw new Error('killed');
      },
      status: (id) => real.status(id),
      list: () => real.list(),
      stop: (id, t) => real.stop(id, t),
    };
    const first = setup(freshState(), false, dying);
    await expect(first.executor.step()).rejects.toThrow('killed');
    const saved = first.store.load();
    expect(saved.ocean?.batches[0]).toMatchObject({ migrationId: null, submittingAt: 1000 });
    const second = setup(saved, true);
    await runToEnd(second.executor, second.clock);
    expect(second.executor.current.status).toBe('Completed');
    expect(posts()).toHaveLength(3);
    expect(second.events.some((e) => e.kind === 'ocean.adopted' && e.detail?.['migrationId'] === api.migrations[0]?.id)).toBe(true);
  });

  it('a stop goes to Ocean with terminate-drained as asked; the run ends Stopped and submits nothing more', async () => {
    const { executor, clock, store, events } = setup(freshState());
    await executor.step(); // batch 1 submitted, its nodes cordoned; the next read shows them drained
    store.stop = { terminateDrained: true, requestedAt: clock.now() };
    await runToEnd(executor, clock);
    expect(executor.current.status).toBe('Stopped');
    const puts = api.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.path).toBe(`/ocean/aws/k8s/cluster/${CLUSTER}/migration/${api.migrations[0]?.id ?? ''}`);
    expect(puts[0]?.body).toEqual({ migration: { state: 'STOPPED', shouldTerminateDrainedNodes: true } });
    expect(posts()).toHaveLength(1);
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['migration.stop-requested', 'migration.stopping', 'ocean.stop-sent', 'migration.stopped']));
    expect(executor.current.nodePhase['n1']).toBe('terminated');
    expect(executor.current.nodePhase['n3']).toBe('waiting');
  });

  it('a stop with nothing in flight at Ocean ends the run Stopped without a call to stop', async () => {
    const { executor, clock, store } = setup(freshState());
    store.stop = { terminateDrained: false, requestedAt: clock.now() };
    await runToEnd(executor, clock);
    expect(executor.current.status).toBe('Stopped');
    expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('Spot API throttling is retried at the next reconcile; a refusal fails the run with ConnectivityLost naming the call', async () => {
    const { executor, clock, events } = setup(freshState());
    api.fail(/\/migration\//, 503, 'SERVICE_UNAVAILABLE', 4);
    await runToEnd(executor, clock);
    expect(executor.current.status).toBe('Completed');
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['api.lost', 'api.restored']));

    const other = setup(freshState());
    api.fail(/\/migration$/, 403, 'ACCESS_DENIED', 1);
    await runToEnd(other.executor, other.clock);
    expect(other.executor.current.failure?.code).toBe('ConnectivityLost');
    expect(other.executor.current.failure?.why).toMatch(/Spot API POST \/ocean\/aws\/k8s\/cluster\/o-1a2b3c\/migration: 403 ACCESS_DENIED/);
  });

  it('a state-store error that is not transient fails the run; a transient one is retried', async () => {
    const { executor, store } = setup(freshState());
    let calls = 0;
    store.stopRequest = () => {
      calls += 1;
      return Promise.reject(calls === 1 ? new PortError('server', 'etcd hiccup') : new PortError('forbidden', 'configmaps is forbidden'));
    };
    await executor.step();
    expect(executor.current.status).toBe('Running');
    await executor.step();
    expect(executor.current.failure?.code).toBe('ConnectivityLost');
  });
});

/** The old nodes through a fake Kubernetes API: their cordon, and each call with the Spot API requests made before it. */
class FakeNodes implements OceanNodeCordon {
  readonly cordoned = new Set<string>();
  readonly calls: { call: string; spotRequestsBefore: number }[] = [];
  failUncordon: string | null = null;
  constructor(
    private readonly names: readonly string[],
    cordonedAlready: readonly string[] = [],
  ) {
    for (const n of cordonedAlready) this.cordoned.add(n);
  }
  private note(call: string): void {
    this.calls.push({ call, spotRequestsBefore: api.requests.filter((r) => r.method === 'POST').length });
  }
  unschedulable(node: string): Promise<boolean | null> {
    return Promise.resolve(this.names.includes(node) ? this.cordoned.has(node) : null);
  }
  cordon(node: string): Promise<void> {
    this.note(`cordon ${node}`);
    this.cordoned.add(node);
    return Promise.resolve();
  }
  uncordon(node: string): Promise<void> {
    this.note(`uncordon ${node}`);
    if (this.failUncordon === node) return Promise.reject(new PortError('forbidden', `nodes "${node}" is forbidden`));
    this.cordoned.delete(node);
    return Promise.resolve();
  }
}

function setupWithNodes(state: MigrationState, nodes: OceanNodeCordon) {
  const store = new MemoryStore();
  const clock = new TestClock();
  const events: EngineEvent[] = [];
  const client = new SpotClient({ baseUrl: api.url, credentials, sleep: () => Promise.resolve(), attempts: 2 });
  const executor = new OceanExecutor({ api: new OceanMigrations(client, CLUSTER), store, clock, trace: { record: (e) => events.push(e) }, nodes }, state, false);
  return { store, clock, events, executor };
}

describe('cordonAllAtStart through Ocean', () => {
  it('cordons the old nodes of the later batches before the first batch goes to Ocean; each pod moves once', async () => {
    const nodes = new FakeNodes(NODES);
    const { executor, clock, events, store } = setupWithNodes(freshState(), nodes);
    await executor.step();
    // n1, n2 are the first batch's: Ocean cordons them. The others were cordoned before any create call.
    expect(nodes.calls).toEqual(['n3', 'n4', 'n5'].map((n) => ({ call: `cordon ${n}`, spotRequestsBefore: 0 })));
    expect(posts()).toHaveLength(1);
    expect(executor.current.cordonedAllAt).not.toBeNull();
    expect(store.load().nodePhase).toMatchObject({ n3: 'cordoned', n4: 'cordoned', n5: 'cordoned' });
    await runToEnd(executor, clock);
    expect(executor.current.status).toBe('Completed');
    expect(nodes.calls.filter((c) => c.call.startsWith('uncordon'))).toEqual([]);
    expect(events.filter((e) => e.kind === 'migration.cordoned-all').map((e) => e.detail)).toEqual([{ nodes: 3, laterBatches: true }]);
  });

  it('without the parameter nothing is cordoned by vngshift', async () => {
    const nodes = new FakeNodes(NODES);
    const { executor, clock } = setupWithNodes(freshState({ cordonAllAtStart: false }), nodes);
    await runToEnd(executor, clock);
    expect(executor.current.status).toBe('Completed');
    expect(nodes.calls).toEqual([]);
  });

  it('a node an operator cordoned is not the migration\'s: left alone, and not uncordoned when the run stops', async () => {
    const nodes = new FakeNodes(NODES, ['n4']);
    const { executor, clock, store } = setupWithNodes(freshState(), nodes);
    await executor.step();
    expect(nodes.calls.map((c) => c.call)).toEqual(['cordon n3', 'cordon n5']);
    expect(executor.current.nodePhase['n4']).toBe('waiting');
    store.stop = { terminateDrained: false, requestedAt: clock.now() };
    await runToEnd(executor, clock);
    expect(executor.current.status).toBe('Stopped');
    // The batches that never went to Ocean are given back; the operator's node stays cordoned.
    expect(nodes.calls.map((c) => c.call)).toEqual(['cordon n3', 'cordon n5', 'uncordon n3', 'uncordon n5']);
    expect([...nodes.cordoned]).toEqual(['n4']);
    expect(store.load().nodePhase).toMatchObject({ n3: 'uncordoned', n4: 'waiting', n5: 'uncordoned' });
  });

  it('a failed run gives back the nodes of the batches Ocean never had; an uncordon refused is traced and the node stays cordoned', async () => {
    world.failAt(2, 2, FAILURE_MESSAGES.TechnicalTimeout);
    const nodes = new FakeNodes(NODES);
    nodes.failUncordon = 'n5';
    const { executor, clock, events } = setupWithNodes(freshState(), nodes);
    await runToEnd(executor, clock);
    expect(executor.current.failure?.code).toBe('TechnicalTimeout');
    // Batch 2 (n3, n4) was Ocean's migration: Ocean decides what becomes of its instances. Batch 3 (n5) never went.
    expect(nodes.calls.map((c) => c.call)).toEqual(['cordon n3', 'cordon n4', 'cordon n5', 'uncordon n5']);
    expect(executor.current.nodePhase['n5']).toBe('cordoned');
    expect(events.find((e) => e.kind === 'node.uncordon-failed')?.object).toBe('Node n5');
  });

  it('a stop after a submission that never reached Ocean gives back that batch\'s nodes too', async () => {
    // Batch 2's create is saved (write-ahead) but the process dies before the request leaves: Ocean never has it.
    const nodes = new FakeNodes(NODES);
    const store = new MemoryStore();
    const clock = new TestClock();
    const client = new SpotClient({ baseUrl: api.url, credentials, sleep: () => Promise.resolve(), attempts: 2 });
    const real = new OceanMigrations(client, CLUSTER);
    let creates = 0;
    const dying: OceanMigrationApi = {
      clusterId: CLUSTER,
      create: (req) => {
        creates += 1;
        return creates === 1 ? real.create(req) : Promise.reject(new Error('killed'));
      },
      status: (id) => real.status(id),
      list: () => real.list(),
      stop: (id, t) => real.stop(id, t),
    };
    const first = new OceanExecutor({ api: dying, store, clock, trace: { record: () => undefined }, nodes }, freshState(), false);
    await expect(runToEnd(first, clock)).rejects.toThrow('killed');
    const saved = store.load();
    expect(saved.ocean?.batches[1]).toMatchObject({ migrationId: null });
    expect(saved.ocean?.batches[1]?.submittingAt).not.toBeNull();
    expect(posts()).toHaveLength(1);
    // The operator stops the migration; the run resumes, finds nothing at Ocean for batch 2, and ends Stopped.
    const store2 = new MemoryStore();
    store2.stop = { terminateDrained: false, requestedAt: clock.now() };
    const events: EngineEvent[] = [];
    const resumed = new OceanExecutor({ api: real, store: store2, clock, trace: { record: (e) => events.push(e) }, nodes }, saved, true);
    await runToEnd(resumed, clock);
    expect(resumed.current.status).toBe('Stopped');
    expect(posts()).toHaveLength(1);
    // Batch 2 (n3, n4) never went to Ocean: its nodes, cordoned by vngshift at the start, are given back with batch 3's.
    expect(nodes.calls.map((c) => c.call).filter((c) => c.startsWith('uncordon')).sort()).toEqual(['uncordon n3', 'uncordon n4', 'uncordon n5']);
    expect([...nodes.cordoned]).toEqual([]);
    expect(resumed.current.nodePhase).toMatchObject({ n3: 'uncordoned', n4: 'uncordoned', n5: 'uncordoned' });
  });

  it('a run killed after marking the nodes and before cordoning them cordons them when it resumes', async () => {
    const nodes = new FakeNodes(NODES);
    const first = setupWithNodes(freshState(), nodes);
    // The first save (the write-ahead marks) lands; the run dies at the first cordon call.
    nodes.cordon = () => Promise.reject(new Error('killed'));
    await expect(first.executor.step()).rejects.toThrow('killed');
    const saved = first.store.load();
    expect(saved.nodePhase).toMatchObject({ n3: 'cordoned', n4: 'cordoned', n5: 'cordoned' });
    expect(saved.cordonedAllAt).toBeNull();
    const again = new FakeNodes(NODES);
    const store = new MemoryStore();
    const client = new SpotClient({ baseUrl: api.url, credentials, sleep: () => Promise.resolve(), attempts: 2 });
    const resumed = new OceanExecutor({ api: new OceanMigrations(client, CLUSTER), store, clock: new TestClock(), trace: { record: () => undefined }, nodes: again }, saved, true);
    await resumed.step();
    expect(again.calls.map((c) => c.call)).toEqual(['cordon n3', 'cordon n4', 'cordon n5']);
    expect(resumed.current.cordonedAllAt).not.toBeNull();
  });
});

describe('the emulated migration API', () => {
  it('refuses a bad body, a second migration while one runs, an unknown migration and a bad stop body', async () => {
    const client = new SpotClient({ baseUrl: api.url, credentials, attempts: 1 });
    const base = `/ocean/aws/k8s/cluster/${CLUSTER}/migration`;
    await expect(client.post(base, { migration: { instanceIds: [] } })).rejects.toMatchObject({ status: 400, code: 'INVALID_MIGRATION_PARAMETERS', detail: 'invalid field migration.instanceIds' });
    await expect(client.post(base, { migration: { instanceIds: ['i-01'], batchSizePercentage: 0 } })).rejects.toMatchObject({ code: 'INVALID_MIGRATION_PARAMETERS' });
    const m = new OceanMigrations(client, CLUSTER);
    const id = await m.create({ instanceIds: ['i-01'], batchSizePercentage: 100, shouldEvictStandAlonePods: false, shouldTerminateDrainedNodes: true, forcePodEvictionOnPdbFailure: false, respectPdb: true, batchMinHealthyPercentage: 50 });
    await expect(client.post(base, { migration: { instanceIds: ['i-02'] } })).rejects.toMatchObject({ status: 400, code: 'MIGRATION_ALREADY_RUNNING' });
    await expect(client.get(`${base}/mig-nothere`)).rejects.toMatchObject({ status: 400, code: 'MIGRATION_DOES_NOT_EXIST' });
    await expect(client.put(`${base}/${id}`, { migration: { state: 'running' } })).rejects.toMatchObject({ code: 'INVALID_MIGRATION_STATE' });
    // The status answer carries the fields of spotinst-sdk-go's MigrationStatus.
    const [raw] = await client.get(`${base}/${id}`);
    expect(Object.keys(raw as object)).toEqual(expect.arrayContaining(['Id', 'oceanId', 'status', 'oldInstances', 'newInstances', 'unscheduledPodIds', 'newUnscheduledPodIds', 'migrationConfig', 'createdAt']));
    const old = (raw as { oldInstances: Record<string, unknown>[] }).oldInstances[0];
    expect(Object.keys(old ?? {})).toEqual(['instanceId', 'k8sNodeName', 'state', 'runningPods', 'podDetails']);
    expect(await m.list()).toEqual([{ id, state: 'Running', createdAt: expect.any(String) as string }]);
    await m.stop(id, false);
    expect((await m.status(id)).phase).toBe('Stopped');
  });

  it('parses unscheduled pods given as a string or an array, and the status values whatever their case', () => {
    const a = parseMigrationStatus({ Id: 'm', status: 'COMPLETED', unscheduledPodIds: 'a/x, b/y', newUnscheduledPodIds: ['c/z'] }, 'm');
    expect(a.phase).toBe('Completed');
    expect(a.unscheduledPods).toEqual(['a/x', 'b/y', 'c/z']);
    expect(parseMigrationStatus({ status: 'failed', message: 'The migration has stopped due to technical timeout.' }, 'm2')).toMatchObject({ id: 'm2', phase: 'Failed', message: 'The migration has stopped due to technical timeout.' });
  });
});

describe('failureCodeOfMessage', () => {
  it("maps each of Ocean's seven texts to its code, loosely (case, spacing, final period)", () => {
    for (const code of FAILURE_CODES) {
      expect(failureCodeOfMessage(FAILURE_MESSAGES[code])).toBe(code);
      expect(failureCodeOfMessage(`  ${FAILURE_MESSAGES[code].toUpperCase().replace(/\.$/, '')} `)).toBe(code);
    }
    expect(failureCodeOfMessage('Failed to terminate instance i-1 during the stop process')).toBe('StopTerminateFailed');
    expect(failureCodeOfMessage('could not terminate i-1')).toBe('TerminateFailed');
    expect(failureCodeOfMessage('')).toBeNull();
    expect(failureCodeOfMessage('no idea')).toBeNull();
  });
});
