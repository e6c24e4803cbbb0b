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

const RUN = `mig-${Date.now().toString(36)}`;
const NS = RUN;
const STATE_NS = `${RUN}-state`;
const POOL = 'vngshift.e2e/app-pool';
const OLD = ['a', 'b'].map((s) => `kwok-${RUN}-old-${s}`);
const IDS = OLD.map(() => `i-${randomBytes(9).toString('hex').slice(0, 17)}`);
const REPLICAS = 4;

const catalog = loadCatalog();
const vng: Vng = {
  id: null,
  name: `new-${RUN}`,
  labels: { [POOL]: RUN, 'vngshift.e2e/generation': 'new' },
  taints: [],
  instanceTypes: ['m5.large'],
  zones: ['us-east-1a'],
  subnetIds: [],
  minInstanceCount: 0,
  maxInstanceCount: 4,
  maxVCpu: null,
  maxMemoryGiB: null,
  rootVolumeSizeGiB: null,
  preferredSpotTypes: [],
};

let core: k8s.CoreV1Api;
let world: LiveWorld;
const trace: EngineEvent[] = [];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, seen: () => Promise<string> = async () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${await seen()}`);
    await sleep(300);
  }
}

const isReady = (conditions: { type: string; status: string }[] | undefined): boolean => conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Polls `read` until it answers 404 (at most 90 s). */
async function waitGone(read: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      await read();
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 404) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(inject('kubeconfigPath'));
  core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const policy = kc.makeApiClient(k8s.PolicyV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const [i, name] of OLD.entries()) {
    const capacity = { cpu: '2', memory: '8Gi', pods: '29' };
    await core.createNode({
      body: {
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake' },
          labels: {
            type: 'kwok',
            [POOL]: RUN,
            'vngshift.e2e/generation': 'old',
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'node.kubernetes.io/instance-type': 'm5.large',
            'topology.kubernetes.io/zone': 'us-east-1a',
            'topology.kubernetes.io/region': 'us-east-1',
          },
        },
        spec: { providerID: `aws:///us-east-1a/${IDS[i] ?? ''}` },
        status: { capacity, allocatable: capacity },
      },
    });
  }
  await waitFor('ServiceAccount default', async () =>
    core.readNamespacedServiceAccount({ name: 'default', namespace: NS }).then(
      () => true,
      () => undefined,
    ),
  );
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: 'api' },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            // 800m each on 2-CPU nodes: two per node, old or new.
            nodeSelector: { [POOL]: RUN },
            containers: [{ name: 'app', image: 'registry.invalid/api:1', resources: { requests: { cpu: '800m', memory: '512Mi' } } }],
          },
        },
      },
    },
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
  await core?.deleteNamespace({ name: NS }).catch(() => undefined);
  await core?.deleteNamespace({ name: STATE_NS }).catch(() => undefined);
  // Wait until the namespaces are gone, so the next test files read a cluster without this file's objects.
  if (core !== undefined) for (const name of [NS, STATE_NS]) await waitGone(() => core.readNamespace({ name }));
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
