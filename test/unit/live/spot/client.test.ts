import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpotApiError, SpotClient } from '../../../../src/live/spot/client.js';
import { readOcean, oceanSubnetIds, oceanVngDocument } from '../../../../src/live/spot/ocean-read.js';
import { startSpotEmulator, type SpotEmulator } from '../../../helpers/spot-emulator.js';

let api: SpotEmulator;
const credentials = { token: 'secret', account: 'act-12345678', source: 'test' };
const noWait = (): Promise<void> => Promise.resolve();

beforeAll(async () => {
  api = await startSpotEmulator({
    token: 'secret',
    account: 'act-12345678',
    clusters: {
      'o-abc123': {
        cluster: { id: 'o-abc123', name: 'prod', region: 'us-east-1', compute: { subnetIds: ['subnet-1', 'subnet-2'], instanceTypes: { whitelist: ['m5.large'] } } },
        launchSpecs: [
          { id: 'ols-2', oceanId: 'o-abc123', name: 'zeta', subnetIds: ['subnet-3'] },
          { id: 'ols-1', oceanId: 'o-abc123', name: 'alpha' },
        ],
      },
    },
  });
});
afterAll(() => api.close());

describe('Spot API client', () => {
  it('reads a cluster and its launch specs with the token as Bearer and the account as accountId', async () => {
    const client = new SpotClient({ baseUrl: api.url, credentials });
    const o = await readOcean(client, 'o-abc123');
    expect(o.cluster['name']).toBe('prod');
    expect(o.launchSpecs.map((s) => s['name'])).toEqual(['alpha', 'zeta']);
    const last = api.requests.slice(-2);
    expect(last.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /ocean/aws/k8s/cluster/o-abc123', 'GET /ocean/aws/k8s/launchSpec']);
    expect(last.every((r) => r.authorization === 'Bearer secret' && r.query['accountId'] === 'act-12345678')).toBe(true);
    expect(last[1]?.query['oceanId']).toBe('o-abc123');
    expect(oceanSubnetIds(o)).toEqual(['subnet-1', 'subnet-2', 'subnet-3']);
    // A launch spec without subnets takes the cluster's, as Ocean does.
    const doc = oceanVngDocument(o, { 'subnet-1': 'us-east-1a' }) as { response: { items: { name: string; subnetIds: string[] }[] }; subnetZones: Record<string, string> };
    expect(doc.response.items.map((s) => [s.name, s.subnetIds])).toEqual([
      ['alpha', ['subnet-1', 'subnet-2']],
      ['zeta', ['subnet-3']],
    ]);
    expect(doc.subnetZones).toEqual({ 'subnet-1': 'us-east-1a' });
  });

  it('a refusal is one error naming the call, the status and the API code, and is not retried', async () => {
    const before = api.requests.length;
    const bad = new SpotClient({ baseUrl: api.url, credentials: { ...credentials, token: 'wrong' }, sleep: noWait });
    const e = await bad.get('/ocean/aws/k8s/cluster/o-abc123').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SpotApiError);
    expect((e as SpotApiError).message).toMatch(/^Spot API GET \/ocean\/aws\/k8s\/cluster\/o-abc123: 401 UNAUTHORIZED: Unauthorized: invalid token \(request [0-9a-f-]+\)$/);
    expect(api.requests.length - before).toBe(1);
    const other = new SpotClient({ baseUrl: api.url, credentials: { ...credentials, account: 'act-other' }, sleep: noWait });
    await expect(other.get('/ocean/aws/k8s/cluster/o-abc123')).rejects.toMatchObject({ status: 403, code: 'ACCESS_DENIED' });
    const client = new SpotClient({ baseUrl: api.url, credentials, sleep: noWait });
    await expect(client.get('/ocean/aws/k8s/cluster/o-nothere')).rejects.toMatchObject({ status: 400, code: 'CLUSTER_DOES_NOT_EXIST', transient: false });
  });

  it('throttling and server errors are tried again, with the server\'s Retry-After, up to the attempts', async () => {
    const waits: number[] = [];
    const client = new SpotClient({ baseUrl: api.url, credentials, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    api.fail(/launchSpec/, 429, 'TOO_MANY_REQUESTS', 2, 3);
    const items = await client.get('/ocean/aws/k8s/launchSpec', { oceanId: 'o-abc123' });
    expect(items).toHaveLength(2);
    expect(waits).toEqual([3000, 3000]);
    api.fail(/launchSpec/, 503, 'SERVICE_UNAVAILABLE', 10);
    const e = await client.get('/ocean/aws/k8s/launchSpec').catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', transient: true });
    expect(waits.slice(2)).toEqual([500, 1000, 2000]);
  });

  it('an unreachable API is a transient error naming the call', async () => {
    // A port nothing listens on: taken, then given back.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new SpotClient({ baseUrl: `http://127.0.0.1:${port}`, credentials, sleep: noWait, attempts: 2 });
    const e = await client.get('/ocean/aws/k8s/cluster/o-abc123').catch((x: unknown) => x);
    expect(e).toMatchObject({ status: null, code: 'ECONNREFUSED', transient: true });
    expect((e as Error).message).toMatch(/^Spot API GET \/ocean\/aws\/k8s\/cluster\/o-abc123: unreachable \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
  });
});
