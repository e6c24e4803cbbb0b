/**
 * The live adapters (src/live) against the real control plane of test/e2e/harness: the ClusterPort's snapshot from watch
 * caches, cordon and uncordon, evictions (201, refused by a PDB, 500 for a pod under two PDBs), deletes, the state ConfigMap
 * with its optimistic concurrency and stop key, node annotations, Events, the KWOK capacity provider launching nodes that
 * turn Ready and take the pods kube-scheduler could not place, and the KWOK cloud port.
 */
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { PortError, type PodView } from '../../src/engine/ports.js';
import { initialState, type MigrationState } from '../../src/engine/state.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import type { Vng } from '../../src/model/types.js';
import { vng as makeVng } from '../helpers/sched.js';
import { launchResources } from '../../src/planner/scale-up.js';
import { makeClusterPort } from '../../src/live/cluster-port.js';
import { makeContext } from '../../src/live/context.js';
import { EventRecorder } from '../../src/live/events.js';
import { openLiveWorld, readState, requestStop, type LiveWorld } from '../../src/live/index.js';
import { readClusterLive } from '../../src/live/read-cluster.js';
import { StateStore } from '../../src/live/state-store.js';
import { connect, createDeployment, createKwokNode, deleteNamespacesAndWait, M5_LARGE, RUN_LABEL, sleep, waitDefaultServiceAccount, waitForWith, waitNotFound } from './helpers/cluster-kit.js';

const RUN = `live-${Date.now().toString(36)}`;
const NS = RUN;
const STATE_NS = `${RUN}-state`;
const OLD_LABEL = 'vngshift.e2e/old';
const POOL_LABEL = 'vngshift.e2e/pool';
const OLD_NODES = ['a', 'b'].map((s) => `kwok-${RUN}-${s}`);
const OLD_IDS = OLD_NODES.map(() => `i-${randomBytes(9).toString('hex').slice(0, 17)}`);

const catalog = loadCatalog();
const vng: Vng = makeVng({ name: `e2e-${RUN}`, labels: { [POOL_LABEL]: RUN }, instanceTypes: ['m5.large', 'm5.xlarge'], zones: ['us-east-1a', 'us-east-1b'], maxInstanceCount: 4 });

let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let policy: k8s.PolicyV1Api;
let world: LiveWorld;
const logLines: string[] = [];

const POLL = { timeoutMs: 60_000, everyMs: 300 };
const waitFor = waitForWith(POLL);

function podsOf(app: string): PodView[] {
  return world.ports.cluster.snapshot().pods.filter((p) => p.namespace === NS && p.name.startsWith(`${app}-`));
}

const describePods = (pods: readonly PodView[]): string =>
  pods.map((p) => `${p.name}@${p.nodeName ?? '-'}:${p.phase}/${p.ready ? 'ready' : 'notready'}${p.terminating ? '/terminating' : ''}`).join(', ') || 'no pods';

async function deployment(name: string, replicas: number, nodeSelector: Record<string, string>, cpu: string): Promise<void> {
  await createDeployment(apps, NS, { name, replicas, nodeSelector, requests: { cpu, memory: '256Mi' } });
}

async function runningPods(app: string, count: number, timeoutMs = 90_000): Promise<PodView[]> {
  return waitFor(
    `${count} Running and Ready ${app} pods`,
    () => {
      const all = podsOf(app);
      const ok = all.filter((p) => p.phase === 'Running' && p.ready && !p.terminating);
      return { value: ok.length === count && all.length === count ? ok : undefined, seen: describePods(all) };
    },
    timeoutMs,
  );
}

function migrationState(id: string): MigrationState {
  return initialState(id, { oldNodes: OLD_NODES.map((name, i) => ({ name, instanceId: OLD_IDS[i] ?? null })), batches: [{ nodes: OLD_NODES }], params: DEFAULT_PARAMS, boundSeconds: 3600 }, Date.now() / 1000);
}

beforeAll(async () => {
  ({ kc, core, apps, policy } = connect(inject('kubeconfigPath')));
  await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const [i, name] of OLD_NODES.entries()) {
    await createKwokNode(core, { ...M5_LARGE, name, zone: 'us-east-1a', labels: { [RUN_LABEL]: RUN, [OLD_LABEL]: RUN }, instanceId: OLD_IDS[i] ?? '' });
  }
  await waitDefaultServiceAccount(core, NS, { ...POLL, notFoundOnly: true });
  world = await openLiveWorld({
    kubeconfig: inject('kubeconfigPath'),
    namespace: STATE_NS,
    migrationId: RUN,
    capacity: 'kwok',
    vngs: [vng],
    catalog,
    dryRun: false,
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  const created = world === undefined ? [] : [...(world.kwok?.created ?? [])];
  await world?.close();
  // Wait until the namespaces are gone, so the next test files read a cluster without this file's objects.
  await deleteNamespacesAndWait(core, [NS, STATE_NS]);
  for (const name of [...OLD_NODES, ...created]) await core?.deleteNode({ name }).catch(() => undefined);
});

describe('live ClusterPort', () => {
  it('snapshots nodes from the watch cache: instance id from providerID, Ready once KWOK initialized them', async () => {
    const nodes = await waitFor('both old nodes Ready in the snapshot', () => {
      const mine = world.ports.cluster.snapshot().nodes.filter((n) => OLD_NODES.includes(n.name));
      return { value: mine.length === 2 && mine.every((n) => n.ready) ? mine : undefined, seen: JSON.stringify(mine) };
    });
    expect(nodes.map((n) => n.instanceId)).toEqual(OLD_IDS);
    expect(nodes[0]?.labels['node.kubernetes.io/instance-type']).toBe('m5.large');
    expect(nodes[0]?.createdAt).toBeGreaterThan(Date.now() / 1000 - 600);
  });

  it('cordons and uncordons a node (merge patch of spec.unschedulable), seen through the watch', async () => {
    const name = OLD_NODES[0] as string;
    const flag = (): boolean | undefined => world.ports.cluster.snapshot().nodes.find((n) => n.name === name)?.unschedulable;
    await world.ports.cluster.cordon(name);
    expect((await core.readNode({ name })).spec?.unschedulable).toBe(true);
    await waitFor('cordon in the snapshot', () => ({ value: flag() === true ? true : undefined, seen: String(flag()) }), 10_000);
    await world.ports.cluster.uncordon(name);
    expect((await core.readNode({ name })).spec?.unschedulable).toBeUndefined();
    await waitFor('uncordon in the snapshot', () => ({ value: flag() === false ? true : undefined, seen: String(flag()) }), 10_000);
    // Cordoning a node that does not exist is not-found.
    await expect(world.ports.cluster.cordon(`${RUN}-missing`)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('a dry-run world writes nothing (dryRun=All)', async () => {
    const dry = await openLiveWorld({ kubeconfig: kc, namespace: STATE_NS, migrationId: `${RUN}-dry`, capacity: 'external', vngs: [], catalog, dryRun: true, log: () => undefined });
    try {
      const name = OLD_NODES[1] as string;
      await dry.ports.cluster.cordon(name);
      expect((await core.readNode({ name })).spec?.unschedulable).toBeUndefined();
      await dry.ports.cluster.saveState(migrationState(`${RUN}-dry`));
      expect(await readState(kc, STATE_NS, `${RUN}-dry`)).toBeNull();
    } finally {
      await dry.close();
    }
  });

  it('evicts a pod (201); the pod goes and its ReplicaSet replaces it; pods carry their controller', async () => {
    await deployment('web', 2, { [OLD_LABEL]: RUN }, '100m');
    const pods = await runningPods('web', 2);
    expect(pods.every((p) => p.ownerKind === 'ReplicaSet' && p.ownerUid !== null && !p.isDaemonSet && !p.isMirror)).toBe(true);
    const victim = pods[0] as PodView;
    expect(await world.ports.cluster.evict(NS, victim.name)).toEqual({ kind: 'evicted' });
    await waitFor(`${victim.name} gone`, () => {
      const still = podsOf('web').find((p) => p.uid === victim.uid);
      return { value: still === undefined ? true : undefined, seen: still ? describePods([still]) : 'gone' };
    });
    await runningPods('web', 2);
    // Evicting it again: 404, gone.
    expect(await world.ports.cluster.evict(NS, victim.name)).toEqual({ kind: 'gone' });
  });

  it('an eviction a PDB with maxUnavailable 0 forbids is blocked-by-pdb, with the budget named', async () => {
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name: 'web-pdb' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } } });
    await waitFor('PDB status', async () => {
      const pdb = await policy.readNamespacedPodDisruptionBudget({ name: 'web-pdb', namespace: NS });
      const s = pdb.status;
      return { value: s?.observedGeneration === pdb.metadata?.generation && s?.expectedPods === 2 ? true : undefined, seen: JSON.stringify(s) };
    });
    const victim = (await runningPods('web', 2))[0] as PodView;
    const out = await world.ports.cluster.evict(NS, victim.name);
    expect(out.kind).toBe('blocked-by-pdb');
    expect(out.kind === 'blocked-by-pdb' ? out.message : '').toMatch(/web-pdb/);
    expect(podsOf('web').find((p) => p.uid === victim.uid)?.terminating).toBe(false);
  });

  it('a pod under two PDBs: the API answers 500, a transient server error', async () => {
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name: 'web-pdb-2' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } } });
    const victim = (await runningPods('web', 2))[0] as PodView;
    const err = await world.ports.cluster.evict(NS, victim.name).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PortError);
    expect((err as PortError).kind).toBe('server');
    expect((err as PortError).transient).toBe(true);
    await policy.deleteNamespacedPodDisruptionBudget({ name: 'web-pdb-2', namespace: NS });
  });

  it('deletes pods and nodes; 404 is success', async () => {
    await expect(world.ports.cluster.deletePod(NS, 'no-such-pod')).resolves.toBeUndefined();
    await expect(world.ports.cluster.deleteNode(`${RUN}-no-such-node`)).resolves.toBeUndefined();
    const victim = (await runningPods('web', 2))[0] as PodView;
    await world.ports.cluster.deletePod(NS, victim.name);
    await waitFor('deleted pod gone', () => {
      const still = podsOf('web').some((p) => p.uid === victim.uid);
      return { value: still ? undefined : true, seen: String(still) };
    });
  });

  it('refuses to snapshot before its caches synced (connectivity), and an unreachable API is connectivity', async () => {
    const dead = new k8s.KubeConfig();
    dead.loadFromOptions({
      clusters: [{ name: 'dead', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 'x' }],
      contexts: [{ name: 'dead', cluster: 'dead', user: 'u' }],
      currentContext: 'dead',
    });
    const ctx = makeContext(dead, { etiquette: { retries: 0 } });
    const port = makeClusterPort(ctx, new StateStore(ctx.core, ctx.api, { namespace: STATE_NS }), new EventRecorder(ctx));
    expect(() => port.snapshot()).toThrowError(PortError);
    await expect(ctx.nodes.start(1500)).rejects.toMatchObject({ kind: 'connectivity' });
    await expect(port.cordon('x')).rejects.toMatchObject({ kind: 'connectivity', code: 'ECONNREFUSED' });
    try {
      port.snapshot();
    } catch (e) {
      expect((e as PortError).kind).toBe('connectivity');
    }
    await ctx.nodes.stop();
    await ctx.pods.stop();
  });
});

describe('state, stop and events', () => {
  it('saves and loads the state in a ConfigMap, annotates the nodes it cordons and uncordons, and keeps saving past a stop request', async () => {
    const port = world.ports.cluster;
    expect(await port.loadState(RUN)).toBeNull();
    const s = migrationState(RUN);
    await port.saveState(s);
    s.nodePhase[OLD_NODES[0] as string] = 'cordoned';
    s.batches[0]!.phase = 'draining';
    await port.saveState(s);
    expect(await readState(kc, STATE_NS, RUN)).toEqual(s);
    const name = OLD_NODES[0] as string;
    // Saving does not touch the node; the cordon's patch annotates it, the uncordon's says so.
    expect((await core.readNode({ name })).metadata?.annotations?.['vngshift.io/phase']).toBeUndefined();
    await port.cordon(name);
    const cordoned = await core.readNode({ name });
    expect(cordoned.spec?.unschedulable).toBe(true);
    expect(cordoned.metadata?.annotations?.['vngshift.io/migration']).toBe(RUN);
    expect(cordoned.metadata?.annotations?.['vngshift.io/phase']).toBe('cordoned');
    await port.uncordon(name);
    const back = await core.readNode({ name });
    expect(back.spec?.unschedulable).toBeFalsy();
    expect(back.metadata?.annotations?.['vngshift.io/phase']).toBe('uncordoned');

    expect(await port.stopRequest(RUN)).toBeNull();
    const stop = await requestStop(kc, STATE_NS, RUN, true);
    expect(await port.stopRequest(RUN)).toEqual(stop);
    s.status = 'Stopping';
    await port.saveState(s);
    const cm = await core.readNamespacedConfigMap({ name: `vngshift-${RUN}`, namespace: STATE_NS });
    expect(Object.keys(cm.data ?? {}).sort()).toEqual(['state', 'stop']);
    expect((await readState(kc, STATE_NS, RUN))?.status).toBe('Stopping');
  });

  it('a second writer of the same migration makes the next save a conflict', async () => {
    const other = new StateStore(world.context.core, world.context.api, { namespace: STATE_NS });
    const theirs = await other.loadState(RUN);
    expect(theirs?.status).toBe('Stopping');
    await other.saveState({ ...(theirs as MigrationState), current: 7 });
    const mine = (await readState(kc, STATE_NS, RUN)) as MigrationState;
    const err = await world.ports.cluster.saveState({ ...mine, current: 1, status: 'Stopped' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PortError);
    expect((err as PortError).kind).toBe('conflict');
  });

  it('saves a state larger than one ConfigMap in parts the API server takes, reads it back whole, and drops the parts when it shrinks', async () => {
    const id = `${RUN}-big`;
    const store = new StateStore(world.context.core, world.context.api, { namespace: STATE_NS });
    expect(await store.loadState(id)).toBeNull();
    const s = migrationState(id);
    await store.saveState(s);
    // A running batch of 40,000 evicted pods with random controller uids: about 1.7 MB compressed.
    const b = s.batches[0]!;
    b.phase = 'draining';
    for (let i = 0; i < 40_000; i++) {
      const h = randomBytes(21).toString('hex');
      b.evicted.push({ pod: `${NS}/web-${h.slice(0, 10)}`, ownerUid: `${h.slice(10, 18)}-${h.slice(18, 22)}-${h.slice(22, 26)}-${h.slice(26, 30)}-${h.slice(30, 42)}` });
    }
    b.evictedCount = b.evicted.length;
    await store.saveState(s);
    const selector = `vngshift.io/state-part=true,vngshift.io/migration=${id}`;
    const parts = (await core.listNamespacedConfigMap({ namespace: STATE_NS, labelSelector: selector })).items;
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const head = await core.readNamespacedConfigMap({ name: `vngshift-${id}`, namespace: STATE_NS });
    for (const part of parts) {
      expect(part.immutable).toBe(true);
      expect(part.metadata?.ownerReferences?.[0]?.uid).toBe(head.metadata?.uid);
    }
    expect(head.data?.['state']?.startsWith('parts:')).toBe(true);
    expect(await readState(kc, STATE_NS, id)).toEqual(s);
    // The batch done, its list goes: one ConfigMap again, the parts deleted.
    b.phase = 'done';
    b.evicted = [];
    await store.saveState(s);
    expect((await core.listNamespacedConfigMap({ namespace: STATE_NS, labelSelector: selector })).items).toEqual([]);
    expect(await readState(kc, STATE_NS, id)).toEqual(s);
  });

  it('records Events kubectl shows: on the node (in default, with its uid) and counted when repeated', async () => {
    const name = OLD_NODES[0] as string;
    const uid = (await core.readNode({ name })).metadata?.uid;
    const message = `vngshift migration ${RUN}: cordoned for batch 1`;
    await world.ports.cluster.recordEvent('Node', '', name, 'MigrationCordon', message);
    await world.ports.cluster.recordEvent('Node', '', name, 'MigrationCordon', message);
    const events = (await core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` })).items;
    const ev = events.find((e) => e.reason === 'MigrationCordon');
    expect(ev?.message).toBe(message);
    expect(ev?.involvedObject.uid).toBe(uid);
    expect(ev?.involvedObject.kind).toBe('Node');
    expect(ev?.type).toBe('Normal');
    expect(ev?.count).toBe(2);
    expect(ev?.source?.component).toBe('vngshift');
    expect(ev?.reportingComponent).toBe('vngshift');
  });
});

describe('KWOK capacity and cloud', () => {
  it('reads the live cluster into the same model a kubectl list gives', async () => {
    const cluster = await readClusterLive(kc);
    const a = cluster.nodes.find((n) => n.name === OLD_NODES[0]);
    expect(a?.instanceId).toBe(OLD_IDS[0]);
    expect(a?.allocatable['cpu']).toBe(2000);
    expect(cluster.pdbs.some((p) => p.namespace === NS && p.name === 'web-pdb')).toBe(true);
    const web = cluster.pods.find((p) => p.namespace === NS && p.name.startsWith('web-'));
    expect(web?.workload?.kind).toBe('Deployment');
    expect(web?.requests['cpu']).toBe(100);
    expect(cluster.namespaces.some((n) => n.name === NS)).toBe(true);
  });

  it('launches KWOK nodes of the VNG for pods kube-scheduler could not place; they turn Ready and the pods bind', async () => {
    // Three pods of 1.5 CPU that only the VNG's nodes can take.
    await deployment('batch', 3, { [POOL_LABEL]: RUN }, '1500m');
    await waitFor('3 pods marked Unschedulable', () => {
      const pods = podsOf('batch');
      return { value: pods.length === 3 && pods.every((p) => p.phase === 'Pending' && p.nodeName === null) ? true : undefined, seen: describePods(pods) };
    });
    const created = world.kwok?.created ?? [];
    const deadline = Date.now() + 120_000;
    let pods: PodView[] = [];
    for (;;) {
      await world.ports.capacity.reconcile();
      pods = podsOf('batch');
      if (pods.length === 3 && pods.every((p) => p.phase === 'Running' && p.ready)) break;
      if (Date.now() > deadline) throw new Error(`pods not running on new nodes: ${describePods(pods)}; created ${created.join(', ')}; log: ${logLines.join(' | ')}`);
      await sleep(1000);
    }
    expect(world.ports.capacity.signal()).toEqual({ unplaceable: [], launchErrors: [] });
    expect(created.length).toBeGreaterThan(0);
    expect(created.length).toBeLessThanOrEqual(3);
    for (const p of pods) expect(created).toContain(p.nodeName);
    for (const name of created) {
      const n = await core.readNode({ name });
      expect(n.metadata?.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
      expect(n.metadata?.labels?.[POOL_LABEL]).toBe(RUN);
      expect(vng.instanceTypes).toContain(n.metadata?.labels?.['node.kubernetes.io/instance-type']);
      expect(vng.zones).toContain(n.metadata?.labels?.['topology.kubernetes.io/zone']);
      expect(n.metadata?.labels?.['kubernetes.io/arch']).toBe('amd64');
      expect(n.spec?.providerID).toMatch(/^aws:\/\/\/us-east-1[ab]\/i-[0-9a-f]{17}$/);
      // Allocatable: what the old m5.large nodes report for that type (observed wins), else the EKS formula.
      const type = n.metadata?.labels?.['node.kubernetes.io/instance-type'] ?? '';
      const want = type === 'm5.large' ? 2000 : launchResources(vng, type, catalog, new Map())?.allocatable['cpu'];
      const cpu = n.status?.allocatable?.['cpu'] ?? '';
      expect(cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000).toBe(want);
    }
    // Nothing more is launched once the pods run.
    const before = created.length;
    await world.ports.capacity.reconcile();
    expect(created.length).toBe(before);
  });

  it('reports a pod no VNG node type can hold as unplaceable, with the reason', async () => {
    await deployment('huge', 1, { [POOL_LABEL]: RUN }, '500');
    const key = await waitFor('the huge pod Unschedulable', () => {
      const p = podsOf('huge')[0];
      return { value: p && p.phase === 'Pending' ? `${NS}/${p.name}` : undefined, seen: describePods(podsOf('huge')) };
    });
    const unplaceable = await waitFor('an unplaceable verdict', async () => {
      await world.ports.capacity.reconcile();
      const u = world.ports.capacity.signal().unplaceable.find((x) => x.pod === key);
      return { value: u, seen: JSON.stringify(world.ports.capacity.signal()) };
    });
    expect(unplaceable.reason).toMatch(/Insufficient cpu/);
    await apps.deleteNamespacedDeployment({ name: 'huge', namespace: NS });
  });

  it('terminates an old instance by deleting the Node its providerID names; an unknown id is already gone', async () => {
    const name = OLD_NODES[1] as string;
    await world.ports.cloud.terminateInstances([OLD_IDS[1] as string, 'i-00000000000000000']);
    await waitNotFound(`node ${name} deleted`, () => core.readNode({ name }), POLL);
  });
});
