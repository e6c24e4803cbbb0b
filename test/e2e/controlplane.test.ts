/**
 * Smoke test of the e2e control plane (test/e2e/harness): the real API server, scheduler, controllers and KWOK work
 * together the way vngshift's live mode will rely on. KWOK nodes get Ready, the scheduler binds pods within node capacity,
 * KWOK runs them, the disruption controller fills a PDB's status, the API server refuses an eviction the PDB forbids, and
 * a deleted pod goes away (KWOK's pod-delete stage) and is replaced on the node that has room.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, createDeployment, createNamespace, isReady, RUN_LABEL, runningReady, statusCode, waitForWith, waitNotFound } from './helpers/cluster-kit.js';

const NS = `smoke-${Date.now().toString(36)}`;
const NODES = ['a', 'b', 'c'].map((s) => `kwok-${NS}-${s}`);
const APP = 'smoke';
const REPLICAS = 6;

let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let policy: k8s.PolicyV1Api;

const POLL = { timeoutMs: 60_000, everyMs: 300 };
const waitFor = waitForWith(POLL);

async function appPods(): Promise<k8s.V1Pod[]> {
  return (await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${APP}` })).items;
}

function perNode(pods: k8s.V1Pod[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of pods) {
    const n = p.spec?.nodeName ?? '(unbound)';
    counts[n] = (counts[n] ?? 0) + 1;
  }
  return counts;
}

const describePods = (pods: k8s.V1Pod[]): string =>
  pods.map((p) => `${p.metadata?.name}@${p.spec?.nodeName ?? '-'}:${p.status?.phase}/${isReady(p.status?.conditions) ? 'ready' : 'notready'}`).join(', ') || 'no pods';

beforeAll(async () => {
  const clients = connect(inject('kubeconfigPath'));
  expect(clients.kc.getCurrentCluster()?.server).toBe(inject('kubeServer'));
  ({ core, apps, policy } = clients);
  // Pods cannot be created in a namespace before the service-account controller gave it its "default" ServiceAccount.
  await createNamespace(core, NS, { ...POLL, notFoundOnly: true });
});

afterAll(async () => {
  // Best effort: the control plane is torn down after the run anyway.
  await core?.deleteNamespace({ name: NS }).catch(() => undefined);
  for (const name of NODES) await core?.deleteNode({ name }).catch(() => undefined);
});

describe('e2e control plane', () => {
  it('KWOK initializes annotated nodes as Ready with the capacity they were created with', async () => {
    for (const name of NODES) {
      const capacity = { cpu: '2', memory: '8Gi', pods: '110' };
      await core.createNode({
        body: {
          metadata: {
            name,
            annotations: { 'kwok.x-k8s.io/node': 'fake' },
            labels: { type: 'kwok', [RUN_LABEL]: NS, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' },
          },
          status: { capacity, allocatable: capacity },
        },
      });
    }
    // Ready (KWOK's node-initialize stage), then untainted: a node is created with node.kubernetes.io/not-ready:NoSchedule,
    // which the node-lifecycle controller removes once it sees the node Ready.
    const nodes = await waitFor('3 Ready, untainted KWOK nodes', async () => {
      const list = (await core.listNode({ labelSelector: `${RUN_LABEL}=${NS}` })).items;
      const ready = list.filter((n) => isReady(n.status?.conditions));
      const untainted = ready.filter((n) => (n.spec?.taints ?? []).length === 0);
      return {
        value: untainted.length === NODES.length ? untainted : undefined,
        seen: `${ready.length}/${list.length} ready, ${untainted.length} untainted`,
      };
    });
    for (const n of nodes) {
      expect(n.status?.allocatable?.['cpu']).toBe('2');
      expect(n.status?.capacity?.['pods']).toBe('110');
      expect(n.status?.addresses?.some((a) => a.type === 'InternalIP' && a.address !== '')).toBe(true);
      expect(n.status?.nodeInfo?.kubeletVersion).toMatch(/^kwok-/);
      expect(n.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('False');
    }
  });

  it('kube-scheduler binds all 6 pods within node capacity and KWOK runs them', async () => {
    await createDeployment(apps, NS, {
      name: APP,
      replicas: REPLICAS,
      nodeSelector: { type: 'kwok', [RUN_LABEL]: NS },
      image: 'registry.invalid/smoke:1',
      // 1 CPU each on 2-CPU nodes: exactly two fit per node, so the placement is forced.
      requests: { cpu: '1', memory: '1Gi' },
    });
    const pods = await waitFor(`${REPLICAS} Running and Ready pods`, async () => {
      const all = await appPods();
      const ok = all.filter(runningReady);
      return { value: ok.length === REPLICAS && all.length === REPLICAS ? ok : undefined, seen: describePods(all) };
    }, 120_000);
    expect(perNode(pods)).toEqual(Object.fromEntries(NODES.map((n) => [n, 2])));
    for (const p of pods) {
      expect(p.status?.podIP).toMatch(/^10\.244\./);
      expect(p.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
      expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    }
    // The deployment and replicaset controllers see the readiness KWOK reported.
    await waitFor('deployment status 6 available', async () => {
      const d = await apps.readNamespacedDeployment({ name: APP, namespace: NS });
      const s = d.status;
      return { value: s?.availableReplicas === REPLICAS && s.readyReplicas === REPLICAS ? true : undefined, seen: JSON.stringify(s) };
    });
  });

  it('a PDB with maxUnavailable 0 gets disruptionsAllowed 0 and the API server refuses an eviction with 429', async () => {
    const created = await policy.createNamespacedPodDisruptionBudget({
      namespace: NS,
      body: { metadata: { name: APP }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: APP } } } },
    });
    const generation = created.metadata?.generation;
    expect(generation).toBeGreaterThan(0);
    const status = await waitFor('PDB status from the disruption controller', async () => {
      const pdb = await policy.readNamespacedPodDisruptionBudget({ name: APP, namespace: NS });
      const s = pdb.status;
      const done = s !== undefined && s.observedGeneration === pdb.metadata?.generation && s.expectedPods === REPLICAS;
      return { value: done ? s : undefined, seen: JSON.stringify(s) };
    });
    expect(status.disruptionsAllowed).toBe(0);
    expect(status.currentHealthy).toBe(REPLICAS);
    expect(status.desiredHealthy).toBe(REPLICAS);

    const victim = (await appPods())[0]?.metadata?.name;
    if (victim === undefined) throw new Error('no pod to evict');
    let caught: unknown;
    try {
      await core.createNamespacedPodEviction({
        name: victim,
        namespace: NS,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim, namespace: NS } },
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(k8s.ApiException);
    expect(statusCode(caught)).toBe(429);
    const rawBody: unknown = (caught as k8s.ApiException<unknown>).body;
    const body = (typeof rawBody === 'string' ? JSON.parse(rawBody) : rawBody) as k8s.V1Status;
    expect(body.reason).toBe('TooManyRequests');
    expect(body.details?.causes?.map((c) => c.reason)).toContain('DisruptionBudget');
    expect(body.message).toMatch(/disruption budget/i);

    // Refused means untouched.
    const after = await core.readNamespacedPod({ name: victim, namespace: NS });
    expect(after.metadata?.deletionTimestamp).toBeUndefined();
    expect(runningReady(after)).toBe(true);
  });

  it('a deleted pod disappears (KWOK pod-delete stage) and its replacement lands on the node with room', async () => {
    const pods = await appPods();
    const victim = pods[0];
    const name = victim?.metadata?.name;
    const node = victim?.spec?.nodeName;
    if (name === undefined || node === undefined) throw new Error('no bound pod to delete');
    // Default 30 s grace period: the API server only marks the pod; the fake kubelet must finish the deletion.
    await core.deleteNamespacedPod({ name, namespace: NS });
    await waitNotFound(`pod ${name} gone`, () => core.readNamespacedPod({ name, namespace: NS }), { ...POLL, timeoutMs: 20_000 }, (p) => `still there, deletionTimestamp=${String(p.metadata?.deletionTimestamp)}`);
    const replaced = await waitFor(`${REPLICAS} running pods again`, async () => {
      const all = await appPods();
      const ok = all.filter(runningReady);
      return { value: ok.length === REPLICAS && all.length === REPLICAS ? ok : undefined, seen: describePods(all) };
    }, 120_000);
    const replacement = replaced.find((p) => !pods.some((q) => q.metadata?.uid === p.metadata?.uid));
    expect(replacement?.spec?.nodeName).toBe(node);
    expect(perNode(replaced)).toEqual(Object.fromEntries(NODES.map((n) => [n, 2])));
  });
});
