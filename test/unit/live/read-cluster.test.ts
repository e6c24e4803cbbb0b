/**
 * Reading a live cluster page by page: the paging loop against a fake page getter (resourceVersion=0 on the first page only,
 * the continue token followed, an expired token restarting the list), and the whole read against a fake API server over
 * HTTP (every kind listed, pages of the given size, fields pruned as pages arrive, errors as PortErrors).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { PortError } from '../../../src/engine/ports.js';
import { ApiEtiquette } from '../../../src/live/etiquette.js';
import { listPaged, type ListPageMeta, type ListRequest } from '../../../src/live/paged-list.js';
import { KIND_PATHS, listClusterObjects, readClusterLive } from '../../../src/live/read-cluster.js';
import { parseClusterObjects } from '../../../src/model/kube/index.js';
import { startFakeListServer, type FakeListServer } from '../../helpers/fake-list-server.js';

const noWait = (): ApiEtiquette => new ApiEtiquette({ qps: 1000, burst: 1000, retries: 0 }, async () => undefined);

/** A getter over `n` numbered items, pages of req.limit; `expire` continue requests answer 410 first. */
function fakeGetter(n: number, expire = 0): { get: (req: ListRequest, onItem: (item: unknown) => void) => Promise<ListPageMeta>; seen: ListRequest[] } {
  const seen: ListRequest[] = [];
  let left = expire;
  const get = async (req: ListRequest, onItem: (item: unknown) => void): Promise<ListPageMeta> => {
    seen.push(req);
    if (req.continue !== undefined && left > 0) {
      left--;
      throw Object.assign(new Error('Gone'), { code: 410, body: '{"kind":"Status","code":410,"reason":"Expired"}' });
    }
    const from = req.continue !== undefined ? Number(req.continue) : 0;
    const to = Math.min(n, from + req.limit);
    for (let i = from; i < to; i++) onItem({ n: i });
    return { metadata: to < n ? { continue: String(to) } : {} };
  };
  return { get, seen };
}

describe('listPaged', () => {
  it('asks the watch cache on the first page only, then follows the continue token', async () => {
    const { get, seen } = fakeGetter(12);
    const r = await listPaged(noWait(), 'list x', get, { limit: 5, fromCache: true }, (item) => item);
    expect(r.items).toHaveLength(12);
    expect(r.pages).toBe(3);
    expect(seen).toEqual([{ limit: 5, resourceVersion: '0' }, { limit: 5, continue: '5' }, { limit: 5, continue: '10' }]);
  });

  it('makes a consistent read without resourceVersion', async () => {
    const { get, seen } = fakeGetter(3);
    await listPaged(noWait(), 'list x', get, { limit: 2, fromCache: false }, (item) => item);
    expect(seen).toEqual([{ limit: 2 }, { limit: 2, continue: '2' }]);
  });

  it('starts the list again when a continue token expired (410 Gone), without duplicates', async () => {
    const { get, seen } = fakeGetter(12, 2);
    const restarts: number[] = [];
    const r = await listPaged(noWait(), 'list x', get, { limit: 5, fromCache: true, onRestart: (n) => restarts.push(n) }, (item) => (item as { n: number }).n);
    expect(r.items).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(r.restarts).toBe(2);
    expect(restarts).toEqual([1, 2]);
    expect(seen.filter((q) => q.continue === undefined)).toHaveLength(3);
    expect(seen.filter((q) => q.continue === undefined).every((q) => q.resourceVersion === '0')).toBe(true);
  });

  it('gives up after maxRestarts, with the 410', async () => {
    const { get } = fakeGetter(12, 10);
    await expect(listPaged(noWait(), 'list x', get, { limit: 5, fromCache: true, maxRestarts: 2 }, (i) => i)).rejects.toMatchObject({ code: 410 });
  });

  it('does not restart on a 410 of the first page, nor on other errors', async () => {
    let calls = 0;
    const gone = async (): Promise<ListPageMeta> => {
      calls++;
      throw Object.assign(new Error('Gone'), { code: 410 });
    };
    await expect(listPaged(noWait(), 'list x', gone, { limit: 5, fromCache: true }, (i) => i)).rejects.toMatchObject({ code: 410 });
    expect(calls).toBe(1);
  });

  it('keeps no item of an attempt that failed midway and was tried again', async () => {
    let calls = 0;
    const flaky = async (_req: ListRequest, onItem: (item: unknown) => void): Promise<ListPageMeta> => {
      calls++;
      onItem({ n: 0 });
      if (calls === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      onItem({ n: 1 });
      return {};
    };
    const api = new ApiEtiquette({ qps: 1000, burst: 1000, retries: 2, backoffBaseSeconds: 0 }, async () => undefined);
    const r = await listPaged(api, 'list x', flaky, { limit: 5, fromCache: true }, (i) => i);
    expect(r.items).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it('reads page by page without the watch cache when its answer fails, without trying that answer again', async () => {
    const seen: ListRequest[] = [];
    const get = async (req: ListRequest, onItem: (item: unknown) => void): Promise<ListPageMeta> => {
      seen.push(req);
      if (req.resourceVersion === '0') {
        onItem({ n: 0 });
        throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      }
      return fakeGetter(7).get(req, onItem);
    };
    const fallbacks: unknown[] = [];
    const api = new ApiEtiquette({ qps: 1000, burst: 1000, retries: 4, backoffBaseSeconds: 0 }, async () => undefined);
    const r = await listPaged(api, 'list x', get, { limit: 5, fromCache: true, onFallback: (e) => fallbacks.push(e) }, (i) => i);
    expect(r.items).toHaveLength(7);
    expect(r.fellBack).toBe(true);
    expect(fallbacks).toHaveLength(1);
    expect(seen).toEqual([{ limit: 5, resourceVersion: '0' }, { limit: 5 }, { limit: 5, continue: '5' }]);
  });

  it('does not fall back on a refusal of the watch-cache read (403): that is an answer', async () => {
    const get = async (): Promise<ListPageMeta> => {
      throw Object.assign(new Error('Forbidden'), { code: 403 });
    };
    await expect(listPaged(noWait(), 'list x', get, { limit: 5, fromCache: true }, (i) => i)).rejects.toMatchObject({ code: 403 });
  });

  it('drops the items keep() answers null for, page by page', async () => {
    const { get } = fakeGetter(10);
    const r = await listPaged(noWait(), 'list x', get, { limit: 3, fromCache: true }, (item) => ((item as { n: number }).n % 2 === 0 ? item : null));
    expect(r.items).toHaveLength(5);
  });
});

// ---- against a fake API server ----------------------------------------------------------------------------------------

function kubeconfig(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'u' }],
    currentContext: 'fake',
  });
  return kc;
}

const node = (i: number): unknown => ({
  metadata: { name: `node-${i}`, uid: `n${i}`, labels: { 'node.kubernetes.io/instance-type': 'm5.large' }, managedFields: [{ manager: 'kubelet' }] },
  spec: { providerID: `aws:///us-east-1a/i-0${String(i).padStart(16, '0')}` },
  status: { capacity: { cpu: '2', memory: '8Gi', pods: '29' }, allocatable: { cpu: '2', memory: '8Gi', pods: '29' }, conditions: [{ type: 'Ready', status: 'True' }], images: [{ names: ['x'] }] },
});

const pod = (i: number): unknown => ({
  metadata: { name: `p-${i}`, namespace: 'shop', uid: `p${i}`, labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'secret-ish' } },
  spec: { nodeName: `node-${i % 7}`, containers: [{ name: 'c', image: 'img', env: [{ name: 'PASSWORD', value: 'hunter2' }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

const COLLECTIONS = {
  '/api/v1/nodes': Array.from({ length: 7 }, (_, i) => node(i)),
  '/api/v1/pods': Array.from({ length: 23 }, (_, i) => pod(i)),
  '/apis/policy/v1/poddisruptionbudgets': [{ metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } }],
  '/api/v1/namespaces': [{ metadata: { name: 'shop' } }],
};

let server: FakeListServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('listClusterObjects against an API server', () => {
  it('lists every kind the model reads, pages of pageSize, the first from the watch cache, and keeps only the read fields', async () => {
    server = await startFakeListServer({ collections: COLLECTIONS });
    const kinds: string[] = [];
    const objects = await listClusterObjects(kubeconfig(server.url), { api: noWait(), pageSize: 5, fromCache: true, keepFields: true, onKind: (k) => kinds.push(k) });
    expect(kinds).toEqual(KIND_PATHS.map((k) => k.kind));
    expect(new Set(server.requests.map((r) => r.path))).toEqual(new Set(KIND_PATHS.map((k) => k.path)));
    const pods = server.requests.filter((r) => r.path === '/api/v1/pods');
    expect(pods.map((r) => r.query)).toEqual([
      { limit: '5', resourceVersion: '0' },
      { limit: '5', continue: '0:5' },
      { limit: '5', continue: '0:10' },
      { limit: '5', continue: '0:15' },
      { limit: '5', continue: '0:20' },
    ]);
    expect(objects).toHaveLength(7 + 23 + 1 + 1);
    const text = JSON.stringify(objects);
    for (const gone of ['hunter2', 'managedFields', 'images', 'last-applied', '"image"']) expect(text).not.toContain(gone);
    expect(objects[0]).toMatchObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-0' } });
  });

  it('reads the same cluster as whole objects would give (consistent read, no pruning, by default)', async () => {
    server = await startFakeListServer({ collections: COLLECTIONS });
    const kc = kubeconfig(server.url);
    const whole = await listClusterObjects(kc, { api: noWait(), pageSize: 4 });
    expect(server.requests.every((r) => r.query['resourceVersion'] === undefined)).toBe(true);
    expect(JSON.stringify(whole)).toContain('hunter2');
    const pruned = await readClusterLive(kc, { api: noWait(), pageSize: 4, fromCache: true, keepFields: true });
    const full = parseClusterObjects(whole, 'whole');
    expect(pruned).toEqual({ ...full, pods: full.pods.map((p) => ({ ...p, annotations: {} })) });
  });

  it('starts a kind again when its continue token expires', async () => {
    server = await startFakeListServer({ collections: COLLECTIONS, expireContinues: 1 });
    const objects = await listClusterObjects(kubeconfig(server.url), { api: noWait(), pageSize: 10, fromCache: true, keepFields: true });
    expect(objects.filter((o) => (o as { kind: string }).kind === 'Node')).toHaveLength(7);
    const nodeRequests = server.requests.filter((r) => r.path === '/api/v1/nodes').map((r) => r.query);
    expect(nodeRequests).toEqual([{ limit: '10', resourceVersion: '0' }]);
    const podRequests = server.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.query);
    expect(podRequests).toEqual([
      { limit: '10', resourceVersion: '0' },
      { limit: '10', continue: '0:10' },
      { limit: '10', resourceVersion: '0' },
      { limit: '10', continue: '1:10' },
      { limit: '10', continue: '1:20' },
    ]);
    expect(objects.filter((o) => (o as { kind: string }).kind === 'Pod')).toHaveLength(23);
  });

  it('takes a server that answers the watch-cache list in one page, ignoring the limit', async () => {
    server = await startFakeListServer({ collections: COLLECTIONS, ignoreLimitFromCache: true });
    const objects = await listClusterObjects(kubeconfig(server.url), { api: noWait(), pageSize: 5, fromCache: true });
    expect(objects).toHaveLength(32);
    expect(server.requests.filter((r) => r.path === '/api/v1/pods')).toHaveLength(1);
  });

  it('lists page by page, consistently, when the server cuts the watch-cache answer off', async () => {
    server = await startFakeListServer({ collections: COLLECTIONS, abortFromCache: true });
    const kinds: { kind: string; fellBack: boolean }[] = [];
    const objects = await listClusterObjects(kubeconfig(server.url), { api: noWait(), pageSize: 10, fromCache: true, keepFields: true, onKind: (kind, st) => kinds.push({ kind, fellBack: st.fellBack }) });
    expect(objects).toHaveLength(32);
    expect(kinds.find((k) => k.kind === 'Pod')?.fellBack).toBe(true);
    const pods = server.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.query);
    expect(pods).toEqual([{ limit: '10', resourceVersion: '0' }, { limit: '10' }, { limit: '10', continue: '0:10' }, { limit: '10', continue: '0:20' }]);
  });

  it('turns a refusal into a PortError naming the kind', async () => {
    server = await startFakeListServer({ collections: COLLECTIONS, failing: { '/api/v1/pods': 403 } });
    const err = await listClusterObjects(kubeconfig(server.url), { api: noWait(), pageSize: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortError);
    expect((err as PortError).kind).toBe('forbidden');
    expect((err as PortError).message).toMatch(/^list Pod objects: pods is forbidden/);
  });
});
