/**
 * `--ocean-cluster` on plan and simulate, and `vngshift ocean export`, against the Spot API emulator: the VNGs read from
 * Ocean plan exactly as the same launch specs in a file; the export is a file --vngs takes; refusals of the API and bad
 * flags are one line, exit 1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-child.js';
import { withoutProgress } from '../helpers/progress-lines.js';
import { startSpotEmulator, type SpotEmulator } from '../helpers/spot-emulator.js';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-cli-ocean-'));
const CLUSTER = 'test/fixtures/plan/two-nodes-gpu-missing.yaml';
const SPEC = { name: 'general', instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.xlarge', 'r5.large'], labels: [{ key: 'team', value: 'shop' }], resourceLimits: { maxInstanceCount: 10 } };
const ENV = { SPOTINST_TOKEN: 'secret', SPOTINST_ACCOUNT: 'act-1', SPOTINST_CREDENTIALS_FILE: join(dir, 'none') };
let api: SpotEmulator;
let flags: string[] = [];

beforeAll(async () => {
  api = await startSpotEmulator({
    token: 'secret',
    account: 'act-1',
    clusters: {
      'o-1a2b3c': {
        cluster: { id: 'o-1a2b3c', name: 'shop', region: 'us-east-1', controllerClusterId: 'shop', compute: { instanceTypes: { whitelist: ['m5.large'] } } },
        launchSpecs: [{ id: 'ols-1', oceanId: 'o-1a2b3c', imageId: 'ami-1', createdAt: '2026-01-01T00:00:00.000Z', ...SPEC }],
        // Ocean's discovery: old-a's own label pool=old matches no VNG; old-b carries team=shop, the VNG's label; a third
        // node is not one the plan migrates.
        nodes: [
          { instanceId: 'i-0aaaaaaaaaaaaaaa1', name: 'old-a', labels: { 'kubernetes.io/hostname': 'old-a', pool: 'old' }, taints: [] },
          { instanceId: 'i-0aaaaaaaaaaaaaaa2', name: 'old-b', labels: { 'kubernetes.io/hostname': 'old-b', pool: 'old', team: 'shop' }, taints: [] },
          { instanceId: 'i-0bbbbbbbbbbbbbbb1', name: 'system-1', labels: { 'kubernetes.io/hostname': 'system-1' }, taints: [] },
        ],
      },
    },
  });
  flags = ['--ocean-cluster', 'o-1a2b3c', '--spot-api-url', api.url];
  writeFileSync(join(dir, 'vngs.json'), JSON.stringify({ launchSpecs: [SPEC] }));
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A plan's JSON without what tells where the VNGs came from (and, from Ocean, its discovery). */
const withoutSources = (json: string): unknown => {
  const plan = JSON.parse(json) as Record<string, unknown>;
  delete plan['sources'];
  delete plan['oceanDiscovery'];
  return plan;
};

describe('--ocean-cluster', () => {
  it('plan reads the VNGs from the Spot API and plans as from the same launch specs in a file', async () => {
    const fromOcean = await runCli(['plan', '--cluster', CLUSTER, ...flags, '-o', 'json'], ENV);
    const fromFile = await runCli(['plan', '--cluster', CLUSTER, '--vngs', join(dir, 'vngs.json'), '-o', 'json']);
    expect(withoutProgress(fromOcean.err)).toBe(withoutProgress(fromFile.err));
    expect(fromOcean.code).toBe(fromFile.code);
    expect(withoutSources(fromOcean.out)).toEqual(withoutSources(fromFile.out));
    expect((JSON.parse(fromOcean.out) as { sources: { vngs: string } }).sources.vngs).toBe('Ocean cluster o-1a2b3c');
    const calls = api.requests.slice(-3).map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(['GET /ocean/aws/k8s/cluster/o-1a2b3c', 'GET /ocean/aws/k8s/launchSpec', 'GET /ocean/aws/k8s/cluster/o-1a2b3c/migration/discovery']);
    expect(api.requests.at(-1)?.query).toEqual({ shouldFetchPods: 'false', accountId: 'act-1' });
    expect(JSON.parse(fromFile.out)).not.toHaveProperty('oceanDiscovery');
  });

  it("plan shows Ocean's discovery beside the planner's placement, the differing nodes flagged, in text, Markdown and JSON", async () => {
    const json = await runCli(['plan', '--cluster', CLUSTER, ...flags, '-o', 'json'], ENV);
    const d = (JSON.parse(json.out) as { oceanDiscovery: Record<string, unknown> }).oceanDiscovery;
    expect(d).toEqual({
      clusterId: 'o-1a2b3c',
      nodes: [
        {
          node: 'old-a',
          instanceId: 'i-0aaaaaaaaaaaaaaa1',
          ocean: { kind: 'none' },
          planner: ['general'],
          movingPods: 4,
          unplacedPods: 0,
          differs: true,
          why: "no VNG matches the node's labels and taints for Ocean; the planner places its pods on general",
        },
        {
          node: 'old-b',
          instanceId: 'i-0aaaaaaaaaaaaaaa2',
          ocean: { kind: 'vng', vngId: 'ols-1', vng: 'general' },
          planner: ['general'],
          movingPods: 4,
          unplacedPods: 1,
          differs: true,
          why: 'the planner found no VNG for 1 of its pods',
        },
      ],
      differing: 2,
      notInPlan: ['system-1'],
    });
    const text = await runCli(['plan', '--cluster', CLUSTER, ...flags], ENV);
    expect(text.out).toContain("Ocean's discovery: the VNG Ocean suggests per old node");
    expect(text.out).toMatch(/old-a +none \(no VNG matches\) +general +4 +DIFFERS/);
    expect(text.out).toMatch(/old-b +general \(ols-1\) +general; 1 pod on no VNG +4 +DIFFERS/);
    const md = await runCli(['plan', '--cluster', CLUSTER, ...flags, '-o', 'markdown'], ENV);
    expect(md.out).toContain("## Ocean's discovery");
    expect(md.out).toContain('| old-b | general (ols-1) | general; 1 pod on no VNG | 4 | **yes**: the planner found no VNG for 1 of its pods |');
    const html = await runCli(['plan', '--cluster', CLUSTER, ...flags, '-o', 'html'], ENV);
    expect(html.out).toContain('<section id="ocean-discovery">');
    expect(html.out).toContain('Ocean cluster o-1a2b3c: 2 of 2 old nodes differ; Ocean also lists 1 node not migrated by this plan: system-1.');
    expect(html.out).toContain('<tr><td>old-b</td><td>general (ols-1)</td><td>general; 1 pod on no VNG</td><td class="n">4</td><td>differs: the planner found no VNG for 1 of its pods</td></tr>');
  });

  it("a discovery the Spot API refuses does not stop the plan: one note, and the error in the JSON", async () => {
    api.fail(/migration\/discovery$/, 403, 'ACCESS_DENIED', 1);
    const r = await runCli(['plan', '--cluster', CLUSTER, ...flags, '-o', 'json'], ENV);
    // The plan's own exit code (2: this cluster's GPU pod fits no VNG), as without the discovery.
    expect(r.code).toBe(2);
    expect((JSON.parse(r.out) as { verdict: string }).verdict).toBe('NOT_FEASIBLE');
    expect(withoutProgress(r.err)).toMatch(/^vngshift: note: Ocean's discovery not shown: Spot API GET \/ocean\/aws\/k8s\/cluster\/o-1a2b3c\/migration\/discovery: 403 ACCESS_DENIED: injected ACCESS_DENIED \(request [0-9a-f-]+\)\n$/);
    const plan = JSON.parse(r.out) as Record<string, unknown>;
    expect(plan['oceanDiscovery']).toBeUndefined();
    expect(plan['oceanDiscoveryError']).toMatch(/403 ACCESS_DENIED/);
  });

  it('simulate takes it too', async () => {
    const r = await runCli(['simulate', '--cluster', CLUSTER, ...flags, '--seed', '2', '-o', 'json'], ENV);
    expect(r.err).not.toMatch(/error/);
    const out = JSON.parse(r.out) as { status: string; plan: { verdict: string } };
    expect(out.status).toMatch(/^(Completed|Failed)$/);
    expect(out.plan.verdict).toBeDefined();
  });

  it('ocean export writes a VNG file that --vngs takes, giving the same plan', async () => {
    const out = join(dir, 'exported.json');
    const r = await runCli(['ocean', 'export', ...flags, '-o', out], ENV);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe(`Ocean cluster o-1a2b3c: 1 VNG(s) written to ${out}\n`);
    const exported = JSON.parse(readFileSync(out, 'utf8')) as { response: { items: { name: string }[] }; cluster: { id: string } };
    expect(exported.response.items.map((s) => s.name)).toEqual(['general']);
    expect(exported.cluster.id).toBe('o-1a2b3c');
    const a = await runCli(['plan', '--cluster', CLUSTER, '--vngs', out, '-o', 'json']);
    const b = await runCli(['plan', '--cluster', CLUSTER, ...flags, '-o', 'json'], ENV);
    expect(withoutSources(a.out)).toEqual(withoutSources(b.out));
  });

  it('a refusal of the Spot API, an unknown cluster, missing credentials or bad flags: one line, exit 1', async () => {
    const one = async (args: string[], env: NodeJS.ProcessEnv, text: string | RegExp): Promise<void> => {
      const r = await runCli(args, env);
      expect(r.code, r.err).toBe(1);
      const lines = r.err.trim().split('\n');
      expect(lines, r.err).toHaveLength(1);
      if (typeof text === 'string') expect(lines[0]).toContain(text);
      else expect(lines[0]).toMatch(text);
      expect(r.out).toBe('');
    };
    await one(['plan', '--cluster', CLUSTER, ...flags], { ...ENV, SPOTINST_TOKEN: 'wrong' }, /^vngshift: error: flag --ocean-cluster: Spot API GET \/ocean\/aws\/k8s\/cluster\/o-1a2b3c: 401 UNAUTHORIZED/);
    await one(['plan', '--cluster', CLUSTER, '--ocean-cluster', 'o-ffff', '--spot-api-url', api.url], ENV, '400 CLUSTER_DOES_NOT_EXIST');
    await one(['plan', '--cluster', CLUSTER, ...flags], { SPOTINST_TOKEN: '', SPOTINST_CREDENTIALS_FILE: join(dir, 'none') }, 'no Spot token: set SPOTINST_TOKEN');
    await one(['plan', '--cluster', CLUSTER, '--ocean-cluster', 'cluster-1'], ENV, 'expected an Ocean cluster id like o-1a2b3c4d');
    await one(['plan', '--cluster', CLUSTER, ...flags, '--vngs', join(dir, 'vngs.json')], ENV, 'give either --vngs or --ocean-cluster, not both');
    await one(['plan', '--cluster', CLUSTER, '--vngs', join(dir, 'vngs.json'), '--spot-api-url', api.url], ENV, 'flag --spot-api-url: only with --ocean-cluster');
    await one(['ocean', 'export'], ENV, 'flag --ocean-cluster: required');
    api.fail(/cluster/, 503, 'SERVICE_UNAVAILABLE', 10);
    await one(['plan', '--cluster', CLUSTER, ...flags], ENV, '503 SERVICE_UNAVAILABLE');
  }, 120_000);
});

describe('run --executor', () => {
  it('ocean needs --ocean-cluster, refuses flags that are Ocean\'s to decide, and its poll interval goes only with it: one line, exit 1', async () => {
    const one = async (args: string[], text: string): Promise<void> => {
      const r = await runCli(['run', '--cluster', CLUSTER, ...args], ENV);
      expect(r.code, r.err).toBe(1);
      expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
      expect(r.err).toContain(text);
    };
    await one(['--executor', 'ocean', '--vngs', join(dir, 'vngs.json')], 'flag --executor: ocean needs --ocean-cluster o-...');
    await one(['--executor', 'ocean', ...flags, '--capacity', 'kwok'], 'flag --capacity: kwok does not go with --executor ocean');
    await one(['--executor', 'ocean', ...flags, '--cloud', 'aws', '--cluster-name', 'c'], 'flag --cloud: aws does not go with --executor ocean');
    await one(['--executor', 'ocean', ...flags, '--capacity-grace', '10m'], 'flag --capacity-grace: does not go with --executor ocean');
    await one(['--executor', 'ocean', ...flags, '--ocean-poll-interval', '0s'], 'flag --ocean-poll-interval: expected a duration from 1s to 10m');
    await one(['--vngs', join(dir, 'vngs.json'), '--ocean-poll-interval', '5s'], 'flag --ocean-poll-interval: only with --executor ocean');
    const r = await runCli(['run', '--cluster', CLUSTER, '--executor', 'ocean', ...flags], { SPOTINST_TOKEN: '', SPOTINST_CREDENTIALS_FILE: join(dir, 'none') });
    expect(r.err).toContain('flag --executor: ocean: no Spot token');
  }, 60_000);
});
