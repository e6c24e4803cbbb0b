/**
 * The Spot API emulator and vngshift's client against the documented shapes (test/fixtures/spot-api, each naming its
 * source): every call the client makes (cluster, launch specs, migration create/status/list/stop, discovery) goes through
 * the real SpotClient to the emulator; the client's requests (bodies, the discovery's query) must use only documented
 * fields (or ones the fixture lists as vngshift's own), the emulator's answers must carry the documented fields with the
 * documented types, and its errors the documented error body.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpotClient, SpotApiError } from '../../../../src/live/spot/client.js';
import { readDiscovery } from '../../../../src/live/spot/discovery.js';
import { migrationRequest, OceanMigrations } from '../../../../src/live/spot/migration.js';
import { readOcean } from '../../../../src/live/spot/ocean-read.js';
import { shapeProblems, type ShapeFixture } from '../../../helpers/api-shape.js';
import { scriptedWorld, startSpotEmulator, type SpotEmulator } from '../../../helpers/spot-emulator.js';

const DIR = 'test/fixtures/spot-api';
const fixture = (name: string): ShapeFixture => JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as ShapeFixture;

interface Exchange {
  readonly method: string;
  readonly url: URL;
  readonly body: unknown;
  readonly status: number;
  readonly answer: unknown;
}

const CLUSTER = 'o-1a2b3c4d';
const exchanges: Exchange[] = [];
let api: SpotEmulator;
let client: SpotClient;

/** A fetch that keeps each request and the emulator's raw answer. */
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const text = await res.clone().text();
  const url = new URL(input instanceof Request ? input.url : String(input));
  exchanges.push({ method: init?.method ?? 'GET', url, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined, status: res.status, answer: text === '' ? null : JSON.parse(text) });
  return res;
};

const one = (method: string, path: RegExp): Exchange[] => exchanges.filter((e) => e.method === method && path.test(e.url.pathname));

beforeAll(async () => {
  const spec = fixture('launchspec-list.response').example as { response: { items: Record<string, unknown>[] } };
  const cluster = fixture('cluster-read.response').example as { response: { items: Record<string, unknown>[] } };
  api = await startSpotEmulator({
    token: 'secret',
    account: 'act-1',
    world: scriptedWorld({ readsToComplete: 2 }),
    clusters: {
      [CLUSTER]: {
        cluster: { ...cluster.response.items[0], id: CLUSTER },
        launchSpecs: spec.response.items.map((s) => ({ ...s, oceanId: CLUSTER })),
        nodes: [
          { instanceId: 'i-0a1b2c3d4e5f60718', name: 'ip-10-0-1-9.ec2.internal', instanceType: 'm5.large', labels: { team: 'shop' }, taints: [{ key: 'dedicated', value: 'shop', effect: 'NoSchedule' }], pods: ['web-1'] },
          { instanceId: 'i-0a1b2c3d4e5f60719', name: 'ip-10-0-1-8.ec2.internal', labels: { 'kubernetes.io/hostname': 'ip-10-0-1-8.ec2.internal' }, taints: [] },
          { instanceId: 'i-0a1b2c3d4e5f60710', name: 'ip-10-0-1-7.ec2.internal', labels: { pool: 'legacy' }, taints: [] },
        ],
      },
    },
  });
  client = new SpotClient({ baseUrl: api.url, credentials: { token: 'secret', account: 'act-1', source: 'test' }, fetch: recordingFetch, attempts: 1 });
  // Every call the client makes, once at least.
  await readOcean(client, CLUSTER);
  await readDiscovery(client, CLUSTER);
  const migrations = new OceanMigrations(client, CLUSTER);
  const params = { shouldEvictStandAlonePods: false, shouldTerminateDrainedNodes: true, forcePodEvictionOnPdbFailure: false, respectPdb: true, batchMinHealthyPercentage: 50 };
  const first = await migrations.create(migrationRequest(['i-0a1b2c3d4e5f60718'], params));
  await migrations.status(first);
  await migrations.status(first);
  await migrations.list();
  const second = await migrations.create(migrationRequest(['i-0a1b2c3d4e5f60719'], params));
  await migrations.stop(second, true);
  await migrations.status(second);
  // Errors: an unknown cluster, a wrong token.
  await expect(readOcean(client, 'o-ffffffff')).rejects.toBeInstanceOf(SpotApiError);
  const wrong = new SpotClient({ baseUrl: api.url, credentials: { token: 'wrong', account: 'act-1', source: 'test' }, fetch: recordingFetch, attempts: 1 });
  await expect(readDiscovery(wrong, CLUSTER)).rejects.toMatchObject({ status: 401 });
});
afterAll(() => api.close());

describe('the fixtures', () => {
  it('each names its source, and its example satisfies its own shape strictly, required fields included', () => {
    const names = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const n of names) {
      const f = JSON.parse(readFileSync(join(DIR, n), 'utf8')) as ShapeFixture;
      expect(f.$source, n).toMatch(/spotinst-sdk-(go|python)|Spot's/);
      expect(shapeProblems(f.example, f, true), n).toEqual([]);
    }
  });

  it('the checker finds a wrong type, a missing required field, an undocumented field and a value out of the list', () => {
    const stop = fixture('migration-stop.request');
    expect(shapeProblems({ migration: { state: 'stopped', shouldTerminateDrainedNodes: 'yes', force: true } }, stop, true)).toEqual([
      'migration.state: "stopped" is not one of STOPPED',
      'migration.shouldTerminateDrainedNodes: expected boolean, found string',
      'migration.force: not in the reference',
    ]);
    expect(shapeProblems({ request: { id: 'x' }, response: { items: [{ status: 'Running' }] } }, fixture('migration-status.response'))).toEqual(['response.items[].Id: missing']);
  });
});

describe("the client's requests", () => {
  it('create: only the documented migration fields, and the two the reference does not show (listed in the fixture)', () => {
    const creates = one('POST', /\/migration$/);
    expect(creates).toHaveLength(2);
    for (const c of creates) expect(shapeProblems(c.body, fixture('migration-create.request'), true)).toEqual([]);
    expect(Object.keys((creates[0]?.body as { migration: object }).migration).sort()).toEqual(
      ['batchMinHealthyPercentage', 'batchSizePercentage', 'forcePodEvictionOnPdbFailure', 'instanceIds', 'respectPdb', 'shouldEvictStandAlonePods', 'shouldTerminateDrainedNodes'],
    );
  });

  it('stop: the documented state STOPPED and shouldTerminateDrainedNodes', () => {
    const stops = one('PUT', /\/migration\/[^/]+$/);
    expect(stops).toHaveLength(1);
    expect(shapeProblems(stops[0]?.body, fixture('migration-stop.request'), true)).toEqual([]);
    expect(stops[0]?.status).toBe(200);
  });

  it('discovery: the shouldFetchPods query parameter (beside the account)', () => {
    const d = one('GET', /\/migration\/discovery$/)[0];
    const query = Object.fromEntries([...(d?.url.searchParams ?? [])].filter(([k]) => k !== 'accountId'));
    expect(shapeProblems(query, fixture('migration-discovery.request'), true)).toEqual([]);
  });

  it('launch specs: listed by the oceanId query parameter', () => {
    expect(one('GET', /^\/ocean\/aws\/k8s\/launchSpec$/)[0]?.url.searchParams.get('oceanId')).toBe(CLUSTER);
  });
});

describe("the emulator's answers", () => {
  const check = (method: string, path: RegExp, name: string, expected: number): void => {
    const ok = one(method, path).filter((e) => e.status === 200);
    expect(ok.length, name).toBe(expected);
    for (const e of ok) expect(shapeProblems(e.answer, fixture(name)), `${name}: ${JSON.stringify(e.answer)}`).toEqual([]);
  };

  it('cluster and launch specs', () => {
    check('GET', /^\/ocean\/aws\/k8s\/cluster\/[^/]+$/, 'cluster-read.response', 1);
    check('GET', /^\/ocean\/aws\/k8s\/launchSpec$/, 'launchspec-list.response', 1);
  });

  it('migration create, status (running, completed, stopped), list', () => {
    check('POST', /\/migration$/, 'migration-create.response', 2);
    check('GET', /\/migration\/mig-[^/]+$/, 'migration-status.response', 3);
    check('GET', /\/migration$/, 'migration-list.response', 1);
  });

  it("discovery, with Ocean's VNG per node: an id, Default, null", () => {
    check('GET', /\/migration\/discovery$/, 'migration-discovery.response', 1);
    const d = one('GET', /\/migration\/discovery$/).find((e) => e.status === 200);
    const items = (d?.answer as { response: { items: { launchSpecId: string | null }[] } }).response.items;
    expect(items.map((i) => i.launchSpecId)).toEqual(['ols-1a2b3c4d', 'Default', null]);
  });

  it('errors: the documented error body, with the status code', () => {
    const errors = exchanges.filter((e) => e.status !== 200);
    expect(errors.map((e) => e.status).sort()).toEqual([400, 401]);
    for (const e of errors) expect(shapeProblems(e.answer, fixture('error.response')), JSON.stringify(e.answer)).toEqual([]);
  });
});
