/**
 * `--ocean-cluster` with the subnets' zones from EC2: the Spot API emulator holds an Ocean cluster whose launch specs name
 * subnets of moto's EC2; `ocean export` writes their zones as DescribeSubnets gives them, and a subnet EC2 does not know is
 * one line naming it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSpotEmulator, type SpotEmulator } from '../helpers/spot-emulator.js';
import { resetMoto } from './harness/moto.js';
import { awsEnv, MotoKit } from './helpers/aws-kit.js';
import { cli } from './helpers/cluster-kit.js';

const endpoint = inject('awsEndpoint');
const moto = new MotoKit(endpoint);
const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-ocean-'));
let api: SpotEmulator;
let zones: Record<string, string> = {};

beforeAll(async () => {
  await resetMoto(endpoint);
  const subnets = (await moto.ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  zones = Object.fromEntries(subnets.slice(0, 3).map((s) => [s.SubnetId ?? '', s.AvailabilityZone ?? '']));
  const [a, b, c] = Object.keys(zones);
  api = await startSpotEmulator({
    token: 'secret',
    account: null,
    clusters: {
      'o-e2e1': {
        cluster: { id: 'o-e2e1', name: 'e2e', region: 'us-east-1', compute: { subnetIds: [a, b], instanceTypes: { whitelist: ['m5.large', 'm5.xlarge'] } } },
        launchSpecs: [
          { id: 'ols-a', oceanId: 'o-e2e1', name: 'default-subnets' },
          { id: 'ols-b', oceanId: 'o-e2e1', name: 'own-subnet', subnetIds: [c], instanceTypes: ['m5.xlarge'] },
        ],
        // Ocean's discovery of the nodes of test/fixtures/plan/two-nodes-gpu-missing.yaml: old-a with no labels of its own
        // (Default), old-b with pool=old (the first VNG, which asks for no label, matches it).
        nodes: [
          { instanceId: 'i-0aaaaaaaaaaaaaaa1', name: 'old-a', labels: { 'kubernetes.io/hostname': 'old-a', 'topology.kubernetes.io/zone': 'us-east-1a' }, taints: [] },
          { instanceId: 'i-0aaaaaaaaaaaaaaa2', name: 'old-b', labels: { 'kubernetes.io/hostname': 'old-b', pool: 'old' }, taints: [] },
        ],
      },
      'o-e2e2': {
        cluster: { id: 'o-e2e2', name: 'e2e', region: 'us-east-1', compute: { subnetIds: ['subnet-00000000000000000'] } },
        launchSpecs: [{ id: 'ols-c', oceanId: 'o-e2e2', name: 'lost', instanceTypes: ['m5.large'] }],
      },
    },
  });
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ocean export with subnet zones from EC2 (moto)', () => {
  it("writes each VNG's subnets with the zones EC2 gives", async () => {
    const out = join(dir, 'vngs.json');
    const r = await cli(['ocean', 'export', '--ocean-cluster', 'o-e2e1', '--spot-api-url', api.url, '-o', out], 60_000, { ...awsEnv(endpoint), SPOTINST_TOKEN: 'secret' });
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { subnetZones: Record<string, string>; response: { items: { name: string; subnetIds: string[] }[] } };
    expect(doc.subnetZones).toEqual(zones);
    const [a, b, c] = Object.keys(zones);
    expect(doc.response.items.map((s) => [s.name, s.subnetIds])).toEqual([
      ['default-subnets', [a, b]],
      ['own-subnet', [c]],
    ]);
  });

  it('a subnet EC2 does not know is one line naming it', async () => {
    const r = await cli(['ocean', 'export', '--ocean-cluster', 'o-e2e2', '--spot-api-url', api.url], 60_000, { ...awsEnv(endpoint), SPOTINST_TOKEN: 'secret' });
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe("vngshift: error: flag --ocean-cluster: EC2 in us-east-1 does not know the subnet(s) subnet-00000000000000000 of the Ocean cluster's VNGs");
  });
});

describe("plan with Ocean's discovery (VNGs and zones through the emulator and moto)", () => {
  it("shows Ocean's VNG per old node beside the planner's placement and flags where they differ", async () => {
    const r = await cli(['plan', '--cluster', 'test/fixtures/plan/two-nodes-gpu-missing.yaml', '--ocean-cluster', 'o-e2e1', '--spot-api-url', api.url, '-o', 'json'], 60_000, { ...awsEnv(endpoint), SPOTINST_TOKEN: 'secret' });
    expect(r.err).not.toContain('error');
    const plan = JSON.parse(r.out) as {
      oceanDiscovery: { nodes: { node: string; ocean: { kind: string; vngId?: string; vng?: string }; planner: string[]; unplacedPods: number; differs: boolean; why: string | null }[]; differing: number };
    };
    const rows = plan.oceanDiscovery.nodes;
    expect(rows.map((n) => [n.node, n.ocean, n.differs])).toEqual([
      ['old-a', { kind: 'default' }, false],
      ['old-b', { kind: 'vng', vngId: 'ols-a', vng: 'default-subnets' }, true],
    ]);
    // The planner places old-a's pods on the cluster's VNGs, none of which has labels or taints of its own: as Ocean's
    // Default. old-b holds the GPU pod no VNG can host, so the planner's placement differs from Ocean's suggestion.
    expect(rows[0]?.planner.length).toBeGreaterThan(0);
    expect(rows[0]?.planner.every((v) => ['default-subnets', 'own-subnet'].includes(v))).toBe(true);
    expect(rows[1]?.unplacedPods).toBe(1);
    expect(rows[1]?.why).toMatch(/the planner found no VNG for 1 of its pods$/);
    expect(plan.oceanDiscovery.differing).toBe(1);
    expect(api.requests.filter((q) => q.path === '/ocean/aws/k8s/cluster/o-e2e1/migration/discovery').map((q) => q.query['shouldFetchPods'])).toEqual(['false']);
  });
});
