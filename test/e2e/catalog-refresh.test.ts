/**
 * `vngshift catalog refresh` against moto's EC2 (its instance types, zone offerings, Spot prices and default subnets), then
 * `plan --catalog` with the file: the VNG's subnet zone comes from the catalog, a type moto does not offer in that zone is
 * never launched there, a VNG with only such types says why its pods fit nowhere, and the cost carries moto's Spot price
 * beside on-demand. A refused call, injected by a small proxy in front of moto answering in EC2's error format, is one
 * line naming the call and the IAM action, exit 1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Plan } from '../../src/planner/plan.js';
import { cli } from './helpers/cluster-kit.js';
import { resetMoto } from './harness/moto.js';
import { withoutProgress } from '../helpers/progress-lines.js';

const endpoint = inject('awsEndpoint');
const REGION = 'us-east-1';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const ec2 = new EC2Client({ region: REGION, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const env = (url: string): NodeJS.ProcessEnv => ({ AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: REGION });

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-catalog-'));
const catalogFile = join(dir, 'catalog.json');
const clusterFile = join(dir, 'cluster.json');
let subnetE = '';

/** Two m5.large nodes in us-east-1a and 1b running three replicas of one Deployment. */
function clusterList(): unknown {
  const node = (name: string, zone: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'm5.large', 'topology.kubernetes.io/zone': zone, 'topology.kubernetes.io/region': REGION } },
    spec: { providerID: `aws:///${zone}/i-0${name.length}${zone.slice(-1)}000000000000` },
    status: { capacity: { cpu: '2', memory: '7934860Ki', pods: '29' }, allocatable: { cpu: '1930m', memory: '7244684Ki', pods: '29' }, conditions: [{ type: 'Ready', status: 'True' }] },
  });
  const pod = (i: number, nodeName: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-5c7d8-p${i}`, namespace: 'shop', uid: `pod-${i}`, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5c7d8', uid: 'rs-web', controller: true }] },
    spec: { nodeName, containers: [{ name: 'app', image: 'shop/web:1', resources: { requests: { cpu: '500m', memory: '512Mi' } } }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      node('old-a', 'us-east-1a'),
      node('old-b', 'us-east-1b'),
      pod(0, 'old-a'),
      pod(1, 'old-a'),
      pod(2, 'old-b'),
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5c7d8', namespace: 'shop', uid: 'rs-web', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'dep-web', controller: true }] }, spec: { replicas: 3 } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'dep-web' }, spec: { replicas: 3 } },
    ],
  };
}

/** One VNG on moto's us-east-1e subnet, with no subnetZones: its zone comes from the catalog. */
function vngsFile(name: string, types: readonly string[]): string {
  const file = join(dir, `${name}.json`);
  const spec = { id: `ols-${name}`, oceanId: 'o-e2e', name, instanceTypes: types, subnetIds: [subnetE], labels: [], taints: [], resourceLimits: { minInstanceCount: 0, maxInstanceCount: 20 } };
  writeFileSync(file, JSON.stringify({ launchSpecs: [spec] }));
  return file;
}

beforeAll(async () => {
  await resetMoto(endpoint);
  const subnets = await ec2.send(new DescribeSubnetsCommand({}));
  subnetE = subnets.Subnets?.find((s) => s.AvailabilityZone === 'us-east-1e')?.SubnetId ?? '';
  expect(subnetE).toMatch(/^subnet-/);
  writeFileSync(clusterFile, JSON.stringify(clusterList()));
});

afterAll(() => {
  ec2.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('catalog refresh against moto', () => {
  it("writes a catalog of moto's instance types, zone offerings, Spot prices and the VNG's subnet zone", async () => {
    const r = await cli(['catalog', 'refresh', '--vngs', vngsFile('edge', ['m5.large', 'm4.large']), '-o', catalogFile], 120_000, env(endpoint));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // moto 5.2.6: 1395 types (9 of them mac* or without an x86_64/arm64 architecture), offered in us-east-1a to 1f, one
    // Spot price per offered type and zone (0.00001, timestamped 2006-01-02).
    expect(r.out).toContain(`wrote ${catalogFile}: 1386 instance types of us-east-1 (9 left out), offered in 6 zone(s) (us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f)`);
    expect(r.out).toContain('6416 Spot price(s) by type and zone, latest from 2006-01-02T15:04:05.000Z; 1 subnet zone(s)');
    const doc = JSON.parse(readFileSync(catalogFile, 'utf8')) as {
      region: string;
      refreshedAt: string;
      prices: { onDemand: { region: string; date: string }; spot: { source: string; region: string; date: string } };
      subnetZones: Record<string, string>;
      instanceTypes: { name: string; [k: string]: unknown }[];
    };
    expect(doc.region).toBe(REGION);
    expect(doc.subnetZones).toEqual({ [subnetE]: 'us-east-1e' });
    expect(doc.prices.onDemand).toMatchObject({ region: 'us-east-1', date: '2026-07-20' });
    expect(doc.prices.spot).toEqual({ source: 'ec2:DescribeSpotPriceHistory, the latest Linux/UNIX price per type and zone', region: REGION, date: doc.refreshedAt });
    const row = (n: string) => doc.instanceTypes.find((t) => t.name === n);
    expect(row('m5.large')).toMatchObject({
      vcpu: 2,
      memoryMiB: 8192,
      architecture: 'amd64',
      defaultCardMaxEnis: 3,
      ipv4PerEni: 10,
      eksMaxPods: 29,
      maxPodsFormulaDefaultCardEnis: 29,
      onDemandUsdPerHourUsEast1: 0.096,
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1f'],
      spotUsdPerHour: { 'us-east-1a': 0.00001, 'us-east-1b': 0.00001, 'us-east-1c': 0.00001, 'us-east-1d': 0.00001, 'us-east-1f': 0.00001 },
    });
    expect(row('m4.large')?.['zones']).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
    expect(row('a1.medium')).toMatchObject({ architecture: 'arm64', eksMaxPods: 8, zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
    expect(row('mac2.metal')).toBeUndefined();
  });

  it('plan --catalog: the zone comes from the catalog and a type not offered there is never launched there', async () => {
    const r = await cli(['plan', '--cluster', clusterFile, '--vngs', vngsFile('edge', ['m5.large', 'm4.large']), '--catalog', catalogFile, '-o', 'json'], 120_000);
    expect(withoutProgress(r.err)).toBe('');
    const plan = JSON.parse(r.out) as Plan;
    expect(plan.verdict).toBe('FEASIBLE');
    expect(plan.summary.vngNodeTypes).toBe(1);
    const launched = [...new Set([...plan.newNodes, ...plan.packingLowerBound.newNodes].map((n) => `${n.instanceType}@${n.zone ?? ''}`))];
    expect(launched).toEqual(['m4.large@us-east-1e']);
    expect(plan.catalog).toMatchObject({ file: catalogFile, region: REGION, onDemand: { region: 'us-east-1', date: '2026-07-20' } });
    const n = plan.newNodes.length;
    expect(plan.cost.spot?.perVng).toEqual([{ vng: 'edge', newNodes: n, onDemandUsdPerHour: Math.round(n * 0.1 * 10000) / 10000, spotUsdPerHour: Math.round(n * 0.00001 * 10000) / 10000, spotUnpriced: [] }]);
    expect(plan.cost.newNodesUsdPerHour).toBeCloseTo(n * 0.1, 4);
    const text = await cli(['plan', '--cluster', clusterFile, '--vngs', vngsFile('edge', ['m5.large', 'm4.large']), '--catalog', catalogFile], 120_000);
    expect(text.out).toContain(`Catalog: ${catalogFile} (EC2 us-east-1, refreshed ${plan.catalog?.refreshedAt ?? ''})`);
    expect(text.out).toMatch(/On-demand and Spot per VNG .*ec2:DescribeSpotPriceHistory/);
  });

  it('plan --catalog: a VNG whose only type is not offered in its zone fits nothing, with the offerings reason', async () => {
    const r = await cli(['plan', '--cluster', clusterFile, '--vngs', vngsFile('only-m5', ['m5.large']), '--catalog', catalogFile, '-o', 'json'], 120_000);
    const plan = JSON.parse(r.out) as Plan;
    expect(plan.verdict).toBe('NOT_FEASIBLE');
    expect(plan.newNodes).toEqual([]);
    for (const p of plan.pods) {
      expect(p.reasons).toEqual([{ plugin: 'InstanceTypeOffering', message: 'node type(s) would fit but EC2 does not offer the instance type in the zone', count: 1 }]);
    }
    expect(plan.predictedFailure?.why).toContain("only because EC2 does not offer their instance types in the VNGs' zones");
  });

  it('a refused call is one line naming the call and the IAM action to grant, exit 1', async () => {
    const proxy = await refusingProxy(endpoint, 'DescribeSpotPriceHistory');
    try {
      const r = await cli(['catalog', 'refresh', '-o', join(dir, 'refused.json')], 120_000, env(proxy.url));
      expect(r.code).toBe(1);
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^vngshift: error: ec2:DescribeSpotPriceHistory was refused \(.*not authorized.*\): grant the IAM action ec2:DescribeSpotPriceHistory to the credentials vngshift runs with$/);
      expect(r.out).toBe('');
    } finally {
      await proxy.close();
    }
  });
});

/** An HTTP proxy to moto that answers one EC2 action with UnauthorizedOperation (403, EC2's XML error body). */
async function refusingProxy(target: string, action: string): Promise<{ url: string; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (new URLSearchParams(body.toString('utf8')).get('Action') === action) {
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>e2e-refused</RequestID></Response>`);
        return;
      }
      const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
