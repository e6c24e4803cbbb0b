import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConnections } from '../../../src/live/connection-pool.js';

/** A stand-in API server that answers every GET with an empty NamespaceList and counts the connections it was opened. */
let server: Server;
let connections = 0;
let requests = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function kubeconfig(): KubeConfig {
  const kc = new KubeConfig();
  const port = (server.address() as AddressInfo).port;
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function tenCalls(kc: KubeConfig): Promise<{ connections: number; requests: number }> {
  const c0 = connections;
  const r0 = requests;
  const core = kc.makeApiClient(CoreV1Api);
  for (let i = 0; i < 10; i++) await core.listNamespace();
  return { connections: connections - c0, requests: requests - r0 };
}

describe('poolConnections', () => {
  it('client-node alone opens a connection per request (the reason for the pool)', async () => {
    const seen = await tenCalls(kubeconfig());
    expect(seen.requests).toBe(10);
    expect(seen.connections).toBe(10);
  });

  it('reuses one kept-alive connection for calls made one after the other, for clients made before or after', async () => {
    const kc = kubeconfig();
    const before = kc.makeApiClient(CoreV1Api);
    poolConnections(kc);
    const c0 = connections;
    await before.listNamespace();
    const seen = await tenCalls(kc);
    expect(seen.requests).toBe(10);
    expect(connections - c0).toBe(1);
  });

  it('is idempotent: pooling twice keeps one pool', async () => {
    const kc = poolConnections(poolConnections(kubeconfig()));
    const seen = await tenCalls(kc);
    expect(seen.connections).toBe(1);
  });
});
