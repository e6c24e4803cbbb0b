/**
 * `vngshift run`, `status`, `stop` and the live inputs of `plan`/`simulate` refuse bad input with one line and exit 1 before
 * they touch the cluster: the kubeconfig points at a local HTTP server that counts every request it gets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeKubeconfig } from '../helpers/cli-child.js';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-cli-run-'));
let server: Server;
let requests = 0;
let kubeconfig = '';
const VNGS = 'test/fixtures/plan/vngs-general.json';
const CLUSTER = 'test/fixtures/plan/two-nodes-gpu-missing.yaml';

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'test server', code: 500 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const cli = runCli;

/** Exit 1, exactly one line on stderr containing `text`, nothing on stdout, and no request reached the cluster. */
async function refused(args: string[], text: string | RegExp): Promise<string> {
  const before = requests;
  const r = await cli(args);
  expect(r.code, r.err).toBe(1);
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^vngshift: error: /);
  if (typeof text === 'string') expect(lines[0]).toContain(text);
  else expect(lines[0]).toMatch(text);
  expect(r.out).toBe('');
  expect(requests - before, 'the cluster was contacted').toBe(0);
  return lines[0] ?? '';
}

describe('vngshift run: validation before touching the cluster', () => {
  it('--help lists run, status and stop', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/run\s+\S.*live cluster/);
    expect(r.out).toMatch(/status\s+\S/);
    expect(r.out).toMatch(/stop\s+\S/);
  });

  it('a kubeconfig that does not exist', async () => {
    const line = await refused(['run', '--kubeconfig', join(dir, 'nope.yaml'), '--vngs', VNGS], 'no such file');
    expect(line).toContain('nope.yaml');
  });

  it('--capacity ec2 needs --cluster-name, and a launch template and subnets on every VNG (one line naming the VNG)', async () => {
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--capacity', 'gcp'], 'flag --capacity');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--capacity', 'ec2'], 'flag --cluster-name: required with --capacity ec2');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--capacity', 'ec2', '--cluster-name', 'prod'], /vngs-general\.json: VNG \S+: launchTemplate: required with --capacity ec2/);
    const noSubnets = join(dir, 'vngs-no-subnets.json');
    writeFileSync(noSubnets, JSON.stringify([{ name: 'lt-only', instanceTypes: ['m5.large'], launchTemplate: { id: 'lt-0123456789abcdef0' } }]));
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', noSubnets, '--capacity', 'ec2', '--cluster-name', 'prod'], 'VNG lt-only: subnetIds: required with --capacity ec2');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', noSubnets, '--capacity', 'ec2', '--cluster-name', 'prod', '--allow-lower-min-size'], 'flag --allow-lower-min-size: only with --cloud aws');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', noSubnets, '--capacity', 'ec2', '--cluster-name', 'prod', '--region', 'mars'], 'flag --region: not an AWS region');
    await refused(['run', '--kubeconfig', kubeconfig, '--plan', join(dir, 'nope.json'), '--capacity', 'ec2', '--cluster-name', 'prod'], 'flag --vngs: required with --capacity ec2');
  });

  it('--vngs is required without --plan, and with --capacity kwok', async () => {
    await refused(['run', '--kubeconfig', kubeconfig], 'flag --vngs: required');
  });

  it('--plan and --cluster are exclusive; a plan file fixes the parameters', async () => {
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, '{}');
    await refused(['run', '--kubeconfig', kubeconfig, '--plan', plan, '--cluster', CLUSTER, '--vngs', VNGS], 'flag --plan');
    await refused(['run', '--kubeconfig', kubeconfig, '--plan', plan, '--batch-size-percentage', '50'], 'flag --batch-size-percentage: the plan file fixes');
  });

  it('a plan file that is not a plan', async () => {
    const plan = join(dir, 'not-a-plan.json');
    writeFileSync(plan, JSON.stringify({ apiVersion: 'vngshift.io/v1alpha1', kind: 'MigrationPlan', feasible: true }));
    await refused(['run', '--kubeconfig', kubeconfig, '--plan', plan, '--vngs', VNGS], /not-a-plan\.json: MigrationPlan: params: .*plan --plan-out/);
  });

  it('a valid plan file passes every check: the first request is the read of the persisted state', async () => {
    const plan = join(dir, 'plan-ok.json');
    const p = await cli(['plan', '--cluster', CLUSTER, '--vngs', VNGS, '--no-respect-pdb', '--node-names', 'old-a', '--plan-out', plan]);
    expect(p.code, p.err).toBe(0);
    const before = requests;
    const r = await cli(['run', '--kubeconfig', kubeconfig, '--plan', plan, '--capacity', 'external']);
    expect(r.code, r.err).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('reading the state of migration default in vngshift-system: InternalError');
    expect(requests).toBeGreaterThan(before);
    await refused(['run', '--kubeconfig', kubeconfig, '--plan', plan, '--capacity', 'kwok'], 'flag --vngs: required with --capacity kwok');
  });

  it('bad migration flags, ids, namespaces and contexts', async () => {
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--batch-size-percentage', '140'], 'flag --batch-size-percentage');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--migration-id', 'Not_An_Id'], 'flag --migration-id');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--capacity-grace', '0s'], 'flag --capacity-grace: expected a duration from 10s to 24h');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--namespace', 'UPPER'], 'flag --namespace');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--context', 'elsewhere'], 'context elsewhere: no such context (it has: test)');
    await refused(['run', '--kubeconfig', kubeconfig, '--vngs', join(dir, 'missing.json')], 'missing.json: no such file');
  });

  it('a kubeconfig that is not one', async () => {
    const bad = join(dir, 'bad-kubeconfig');
    writeFileSync(bad, 'clusters: [this is: not: yaml');
    await refused(['run', '--kubeconfig', bad, '--vngs', VNGS], 'not a valid kubeconfig');
  });

  it('status and stop validate their flags the same way', async () => {
    await refused(['status', '--kubeconfig', join(dir, 'nope.yaml')], 'no such file');
    await refused(['status', '--kubeconfig', kubeconfig, '--migration-id', '-x'], 'flag --migration-id');
    await refused(['stop', '--kubeconfig', kubeconfig, '--namespace', 'a_b'], 'flag --namespace');
  });

  it('plan and simulate: --kubeconfig and --cluster are exclusive, and flags are checked before the cluster is read', async () => {
    await refused(['plan', '--kubeconfig', kubeconfig, '--cluster', CLUSTER, '--vngs', VNGS], 'give either --cluster FILE or --kubeconfig');
    await refused(['plan', '--kubeconfig', kubeconfig, '--vngs', VNGS, '--batch-size-percentage', '0'], 'flag --batch-size-percentage');
    await refused(['plan', '--context', 'x', '--cluster', CLUSTER, '--vngs', VNGS], 'flag --context: needs --kubeconfig');
    await refused(['simulate', '--kubeconfig', join(dir, 'nope.yaml'), '--vngs', VNGS], 'no such file');
    await refused(['simulate', '--kubeconfig', kubeconfig, '--scenario', 'scenarios/terminate-failed.yaml'], 'flag --scenario');
  });
});

describe('vngshift plan --kubeconfig: an unreachable or failing API is one line, exit 1', () => {
  it('connection refused', async () => {
    // A port nothing listens on: take one from a server and close it.
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const cfg = join(dir, 'kubeconfig-refused');
    writeKubeconfig(cfg, `http://127.0.0.1:${port}`);
    const r = await cli(['plan', '--kubeconfig', cfg, '--vngs', VNGS]);
    expect(r.code, r.err).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^vngshift: error: kubeconfig .*: reading the cluster: cannot reach the API server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('a server error', async () => {
    const r = await cli(['status', '--kubeconfig', kubeconfig]);
    expect(r.code, r.err).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('reading the state of migration default in vngshift-system');
  });
});
