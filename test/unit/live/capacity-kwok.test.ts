/**
 * The KWOK capacity provider's decisions with the API faked: which nodes it creates for Unschedulable pods (through the
 * planner's scale-up), that it does not launch twice for pods already waiting for a booting node, and that a pod no VNG can
 * hold is reported unplaceable.
 */
import type { CoreV1Api, KubeConfig, V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { KwokCapacity } from '../../../src/live/capacity-kwok.js';
import type { LiveContext } from '../../../src/live/context.js';
import { ApiEtiquette } from '../../../src/live/etiquette.js';
import type { WatchedCache } from '../../../src/live/informers.js';
import { parseClusterObjects } from '../../../src/model/kube/index.js';
import type { Vng } from '../../../src/model/types.js';

const catalog = loadCatalog();
const vng: Vng = {
  id: null,
  name: 'general',
  labels: { pool: 'new' },
  taints: [],
  instanceTypes: ['m5.large', 'm5.xlarge'],
  zones: ['us-east-1a'],
  subnetIds: [],
  minInstanceCount: 0,
  maxInstanceCount: 10,
  maxVCpu: null,
  maxMemoryGiB: null,
  rootVolumeSizeGiB: null,
  preferredSpotTypes: [],
};

class FakeCache {
  constructor(public items: unknown[]) {}
  list(): readonly unknown[] {
    return this.items;
  }
  peek(): readonly unknown[] {
    return this.items;
  }
  get(): unknown {
    return undefined;
  }
}

function pendingPod(name: string, cpu: string, nodeSelector: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: '2026-11-25T10:00:00Z' },
    spec: { nodeSelector, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu, memory: '256Mi' } } }] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }] },
  };
}

function world(pods: unknown[]): { ctx: LiveContext; created: V1Node[]; nodes: FakeCache; pods: FakeCache; cap: KwokCapacity; reads: () => number } {
  const created: V1Node[] = [];
  const nodeCache = new FakeCache([
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'old-1', uid: 'n1', labels: { 'kubernetes.io/arch': 'amd64', 'topology.kubernetes.io/region': 'us-east-1' } },
      spec: { unschedulable: true },
      status: { capacity: { cpu: '2', memory: '8Gi', pods: '29' }, allocatable: { cpu: '2', memory: '8Gi', pods: '29' }, conditions: [{ type: 'Ready', status: 'True' }] },
    },
  ]);
  const podCache = new FakeCache(pods);
  const core = {
    createNode: async (p: { body: V1Node }): Promise<V1Node> => {
      created.push(p.body);
      return p.body;
    },
  };
  const ctx: LiveContext = {
    kc: {} as KubeConfig,
    core: core as unknown as CoreV1Api,
    api: new ApiEtiquette({}, async () => undefined),
    nodes: nodeCache as unknown as WatchedCache,
    pods: podCache as unknown as WatchedCache,
    dryRun: false,
    log: () => undefined,
  };
  let n = 0;
  const cap = new KwokCapacity(ctx, {
    vngs: [vng],
    catalog,
    readCluster: async (nodes, ps) => {
      n += 1;
      return parseClusterObjects([...nodes, ...ps], 'fake');
    },
  });
  return { ctx, created, nodes: nodeCache, pods: podCache, cap, reads: () => n };
}

describe('KwokCapacity', () => {
  it('creates VNG nodes for Unschedulable pods, once: pods waiting for a booting node do not launch more', async () => {
    const w = world([pendingPod('a', '1500m', { pool: 'new' }), pendingPod('b', '1500m', { pool: 'new' }), pendingPod('c', '1500m', { pool: 'new' })]);
    await w.cap.reconcile();
    expect(w.created.length).toBeGreaterThan(0);
    expect(w.created.length).toBeLessThanOrEqual(3);
    for (const n of w.created) {
      expect(n.metadata?.labels?.['pool']).toBe('new');
      expect(n.metadata?.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
      expect(['m5.large', 'm5.xlarge']).toContain(n.metadata?.labels?.['node.kubernetes.io/instance-type']);
    }
    // Together the new nodes hold the three pods (1.5 CPU each).
    const cpu = w.created.reduce((sum, n) => sum + Number((n.status?.allocatable?.['cpu'] ?? '0m').replace('m', '')), 0);
    expect(cpu).toBeGreaterThanOrEqual(4500);
    expect(w.cap.signal()).toEqual({ unplaceable: [], launchErrors: [] });

    // Nothing changed: no new read, no new node.
    const count = w.created.length;
    await w.cap.reconcile();
    expect(w.created.length).toBe(count);
    expect(w.reads()).toBe(1);

    // A new pod arrives while the nodes boot: it is solved against the booting nodes plus new ones, never relaunching for a, b, c.
    w.pods.items.push(pendingPod('d', '100m', { pool: 'new' }));
    await w.cap.reconcile();
    expect(w.reads()).toBe(2);
    expect(w.created.length).toBeLessThanOrEqual(count + 1);
  });

  it('reports a pod no VNG node type can hold, with the reason, and launches nothing for it', async () => {
    const w = world([pendingPod('huge', '500', { pool: 'new' }), pendingPod('elsewhere', '100m', { pool: 'gpu' })]);
    await w.cap.reconcile();
    expect(w.created).toEqual([]);
    const u = w.cap.signal().unplaceable;
    expect(u.map((x) => x.pod)).toEqual(['shop/elsewhere', 'shop/huge']);
    expect(u.find((x) => x.pod === 'shop/huge')?.reason).toMatch(/Insufficient cpu/);
    expect(u.find((x) => x.pod === 'shop/elsewhere')?.reason).toMatch(/node affinity\/selector/);
    // Once the pods are gone, so is the verdict.
    w.pods.items = [];
    await w.cap.reconcile();
    expect(w.cap.signal().unplaceable).toEqual([]);
  });
});
