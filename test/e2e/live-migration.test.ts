/**
 * The engine itself (src/engine) driving the live ports (src/live) on the real control plane: two old KWOK nodes carrying a
 * Deployment under a PDB (maxUnavailable 1) are migrated batch by batch onto nodes the KWOK capacity provider launches for a
 * VNG. Evictions the PDB refuses are retried, replacements turn Ready on the new nodes, the old nodes are terminated (their
 * Node objects deleted), and the persisted state says Completed.
 */
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { MigrationEngine } from '../../src/engine/engine.js';
import type { EngineEvent, Ports } from '../../src/engine/ports.js';
import { DEFAULT_ENGINE_SETTINGS, initialState } from '../../src/engine/state.js';
import { openLiveWorld, readState, type LiveWorld } from '../../src/live/index.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import type { Vng } from '../../src/model/types.js';
import { vng as makeVng } from '../helpers/sched.js';
import { connect, createDeployment, createKwokNode, deleteNamespacesAndWait, M5_LARGE, isReady, sleep, waitDefaultServiceAccount } from './helpers/cluster-kit.js';

const RUN = `mig-${Date.now().toString(36)}`;
const NS = RUN;
const STATE_NS = `${RUN}-state`;
const POOL = 'vngshift.e2e/app-pool';
const OLD = ['a', 'b'].map((s) => `kwok-${RUN}-old-${s}`);
const IDS = OLD.map(() => `i-${randomBytes(9).toString('hex').slice(0, 17)}`);
const REPLICAS = 4;

const catalog = loadCatalog();
const vng: Vng = makeVng({ name: `new-${RUN}`, labels: { [POOL]: RUN, 'vngshift.e2e/generation': 'new' }, instanceTypes: ['m5.large'], zones: ['us-east-1a'], maxInstanceCount: 4 });

let core: k8s.CoreV1Api;
let world: LiveWorld;
const trace: EngineEvent[] = [];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, seen: () => Promise<string> = async () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${await seen()}`);
    await sleep(300);
  }
}

beforeAll(async () => {
  const { kc, core: c, apps, policy } = connect(inject('kubeconfigPath'));
  core = c;
  await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const [i, name] of OLD.entries()) {
    await createKwokNode(core, { ...M5_LARGE, name, zone: 'us-east-1a', labels: { [POOL]: RUN, 'vngshift.e2e/generation': 'old' }, instanceId: IDS[i] ?? '' });
  }
  await waitDefaultServiceAccount(core, NS, { timeoutMs: 60_000, everyMs: 300 });
  await createDeployment(apps, NS, {
    name: 'api',
    replicas: REPLICAS,
    // 800m each on 2-CPU nodes: two per node, old or new.
    nodeSelector: { [POOL]: RUN },
    image: 'registry.invalid/api:1',
    requests: { cpu: '800m', memory: '512Mi' },
  });
  await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name: 'api' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } } } });
  // Both old nodes carry pods, all Running and Ready, and the PDB status is current.
  await waitFor('the Deployment running on the old nodes', async () => {
    const pods = (await core.listNamespacedPod({ namespace: NS })).items;
    const ok = pods.filter((p) => p.status?.phase === 'Running' && isReady(p.status.conditions) && OLD.includes(p.spec?.nodeName ?? ''));
    return ok.length === REPLICAS && new Set(ok.map((p) => p.spec?.nodeName)).size === 2 ? true : undefined;
  }, 120_000, async () =>
    (await core.listNamespacedPod({ namespace: NS })).items
      .map((p) => `${p.metadata?.name}@${p.spec?.nodeName ?? '-'}:${p.status?.phase}/${isReady(p.status?.conditions) ? 'ready' : 'notready'} ${p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? ''}`)
      .join(', '));
  await waitFor('PDB status', async () => {
    const pdb = await policy.readNamespacedPodDisruptionBudget({ name: 'api', namespace: NS });
    return pdb.status?.observedGeneration === pdb.metadata?.generation && pdb.status?.currentHealthy === REPLICAS ? true : undefined;
  });
  world = await openLiveWorld({ kubeconfig: kc, namespace: STATE_NS, migrationId: RUN, capacity: 'kwok', vngs: [vng], catalog, dryRun: false, log: () => undefined });
});

afterAll(async () => {
  const created = [...(world?.kwok?.created ?? [])];
  await world?.close();
  // Wait until the namespaces are gone, so the next test files read a cluster without this file's objects.
  await deleteNamespacesAndWait(core, [NS, STATE_NS]);
  for (const name of [...OLD, ...created]) await core?.deleteNode({ name }).catch(() => undefined);
});

describe('a live migration on KWOK', () => {
  it('moves the pods onto new VNG nodes batch by batch, respecting the PDB, and terminates the old nodes', async () => {
    const ports: Ports = { ...world.ports, trace: { record: (e) => void trace.push(e) } };
    const fresh = initialState(
      RUN,
      { oldNodes: OLD.map((name, i) => ({ name, instanceId: IDS[i] ?? null })), batches: OLD.map((n) => ({ nodes: [n] })), params: { ...DEFAULT_PARAMS, nodes: { kind: 'nodeNames', names: OLD } }, boundSeconds: 1800 },
      world.ports.clock.now(),
      { ...DEFAULT_ENGINE_SETTINGS, intervalSeconds: 1, evictionBackoffSeconds: 1, evictionBackoffMaxSeconds: 4 },
    );
    const engine = await MigrationEngine.resumeOrStart(ports, fresh);
    const ended = await Promise.race([engine.run(), sleep(150_000).then(() => null)]);
    const kinds = trace.map((e) => `${e.kind} ${e.object}`);
    expect(ended, `the migration did not end in time; trace: ${kinds.join('\n')}`).not.toBeNull();
    expect(ended?.status, `trace: ${kinds.join('\n')}; failure: ${JSON.stringify(ended?.failure)}`).toBe('Completed');

    // Every old node was cordoned, drained and terminated; its Node object is gone.
    for (const name of OLD) {
      expect(kinds).toContain(`node.cordoned Node ${name}`);
      expect(kinds).toContain(`node.terminated Node ${name}`);
      await expect(core.readNode({ name })).rejects.toMatchObject({ code: 404 });
    }
    expect(trace.filter((e) => e.kind === 'pod.evicted').length).toBeGreaterThanOrEqual(REPLICAS);
    // maxUnavailable 1: the second pod of a node is refused (429 DisruptionBudget) until the first one's replacement is Ready.
    expect(trace.some((e) => e.kind === 'pod.evict-blocked' && String(e.detail?.['message'] ?? '').includes('disruption budget'))).toBe(true);
    // The Deployment runs on the new nodes only.
    const pods = (await core.listNamespacedPod({ namespace: NS })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
    const created = world.kwok?.created ?? [];
    expect(pods.length).toBe(REPLICAS);
    for (const p of pods) {
      expect(created).toContain(p.spec?.nodeName);
      expect(p.status?.phase).toBe('Running');
    }
    const persisted = await readState(world.context.kc, STATE_NS, RUN);
    expect(persisted?.status).toBe('Completed');
    expect(persisted?.nodePhase).toEqual(Object.fromEntries(OLD.map((n) => [n, 'terminated'])));
  });
});
