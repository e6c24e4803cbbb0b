/**
 * `vngshift run --cloud aws` end to end: the old nodes are KWOK nodes on the real control plane whose providerIDs name
 * instances in moto's EC2 (two in an Auto Scaling group, one stand-alone, all tagged for the cluster, and one stand-alone
 * instance tagged for another cluster), named by their private DNS names as on EKS. A dry run lists each instance's
 * termination path and refuses a selection that holds the foreign instance; a run drains the three good nodes and
 * terminates their instances the way the old world manages them (the group ends wanting none, nothing is replaced); a run
 * over the foreign node fails with TerminateFailed after draining it and leaves its instance running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  cleanup,
  cli,
  connect,
  createDeployment,
  createKwokNode,
  createNamespace,
  M5_LARGE,
  RUN_LABEL,
  waitForWith,
  waitOldNodesReady,
  waitPodsReady,
  writeNewPoolVngs,
} from './helpers/cluster-kit.js';
import { resetMoto } from './harness/moto.js';
import { awsEnv, MotoKit, ZONE } from './helpers/aws-kit.js';

const RUN = `a${Date.now().toString(36)}`;
const NS = `e2e-aws-${RUN}`;
const STATE_NS = `vngshift-e2e-${RUN}`;
const CLUSTER = 'e2e-aws';
const endpoint = inject('awsEndpoint');
const moto = new MotoKit(endpoint);
const AWS_ENV = awsEnv(endpoint);
const POLL = { timeoutMs: 120_000, everyMs: 500 };
const waitFor = waitForWith(POLL);
const PODS = 16;

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-aws-'));
const vngsFile = join(dir, 'vngs.json');
let kubeconfig = '';
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
/** Instance id -> node name, for the good instances (group members first) and the foreign one. */
const good: { id: string; node: string }[] = [];
let foreign = { id: '', node: '' };

async function instanceStates(ids: readonly string[]): Promise<Record<string, string>> {
  const states = await moto.states(ids);
  return Object.fromEntries(ids.map((id, i) => [id, states[i] ?? 'missing']));
}

const desired = async (): Promise<number> => (await moto.groupFacts('old-ng')).desired;

/** A stand-alone instance tagged for `cluster`, with the node name it gets (its private DNS name). */
async function standAlone(cluster: string): Promise<{ id: string; node: string }> {
  const id = await moto.standAlone({ key: `kubernetes.io/cluster/${cluster}`, value: 'owned' });
  return { id, node: (await moto.instances([id])).get(id)?.PrivateDnsName ?? '' };
}

const runArgs = (selector: string, migration: string): string[] => [
  'run',
  '--kubeconfig',
  kubeconfig,
  '--vngs',
  vngsFile,
  '--capacity',
  'kwok',
  '--cloud',
  'aws',
  '--cluster-name',
  CLUSTER,
  '--nodes',
  selector,
  '--batch-size-percentage',
  '50',
  '--namespace',
  STATE_NS,
  '--migration-id',
  migration,
];
const GOOD = `pool=old,${RUN_LABEL}=${RUN},aws-good=yes`;
const FOREIGN = `pool=old,${RUN_LABEL}=${RUN},aws-good=no`;

beforeAll(async () => {
  kubeconfig = inject('kubeconfigPath');
  ({ core, apps } = connect(kubeconfig));
  await resetMoto(endpoint);
  writeNewPoolVngs(vngsFile, 'new-general', RUN);

  const members = await moto.group('old-ng', CLUSTER, 0, 2);
  const described = await moto.instances(members);
  for (const id of members) good.push({ id, node: described.get(id)?.PrivateDnsName ?? '' });
  good.push(await standAlone(CLUSTER));
  foreign = await standAlone('another-cluster');
  expect(good).toHaveLength(3);

  for (const [n, ok] of [...good.map((g) => [g, 'yes'] as const), [foreign, 'no'] as const]) {
    await createKwokNode(core, { ...M5_LARGE, name: n.node, zone: ZONE, instanceId: n.id, labels: { pool: 'old', [RUN_LABEL]: RUN, 'aws-good': ok } });
  }
  await waitOldNodesReady(core, `pool=old,${RUN_LABEL}=${RUN}`, 4, POLL);
  await createNamespace(core, NS, POLL);
  await createDeployment(apps, NS, { name: 'web', replicas: PODS, nodeSelector: { [RUN_LABEL]: RUN }, terminationGracePeriodSeconds: 1, requests: { cpu: '100m', memory: '128Mi' } });
  const oldNames = new Set([...good, foreign].map((g) => g.node));
  await waitPodsReady(core, NS, PODS, (n) => oldNames.has(n), `${PODS} pods Running and Ready on the old nodes`, POLL);
}, 300_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cleanup(core, RUN, [NS, STATE_NS]);
});

describe('vngshift run --cloud aws (moto EC2 and Auto Scaling, KWOK nodes)', () => {
  it('refuses --cloud aws without --cluster-name, and --region without --cloud aws, before touching anything', async () => {
    const args = runArgs(GOOD, 'aws-0').filter((a, i, all) => a !== '--cluster-name' && all[i - 1] !== '--cluster-name');
    const r = await cli(args, 60_000, AWS_ENV);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/^vngshift: error: flag --cluster-name: required with --cloud aws/);
    const stray = await cli(['run', '--kubeconfig', kubeconfig, '--vngs', vngsFile, '--region', 'us-east-1'], 60_000, AWS_ENV);
    expect(stray.code).toBe(1);
    expect(stray.err).toContain('flag --region: only with --cloud aws');
  });

  it('a dry run names each instance\'s path, and refuses a selection holding an instance of another cluster', async () => {
    const ok = await cli([...runArgs(GOOD, 'aws-1'), '--dry-run'], 120_000, AWS_ENV);
    expect(ok.code, ok.out + ok.err).toBe(0);
    for (const g of good.slice(0, 2)) expect(ok.out).toMatch(new RegExp(`dry run: would terminate instance ${g.id} \\(node ${g.node}\\): TerminateInstanceInAutoScalingGroup.*Auto Scaling group old-ng`));
    expect(ok.out).toContain(`dry run: would terminate instance ${good[2]?.id} (node ${good[2]?.node}): TerminateInstances (stand-alone instance)`);
    const bad = await cli([...runArgs(`pool=old,${RUN_LABEL}=${RUN}`, 'aws-1'), '--dry-run'], 120_000, AWS_ENV);
    expect(bad.code, bad.out + bad.err).toBe(3);
    expect(bad.out).toContain(`terminating them would fail: RefusedByGuardRail: refusing to terminate`);
    expect(bad.out).toContain(`${foreign.id} carries neither kubernetes.io/cluster/${CLUSTER}`);
    expect(Object.values(await instanceStates([...good.map((g) => g.id), foreign.id]))).toEqual(['running', 'running', 'running', 'running']);
    expect(await desired()).toBe(2);
  });

  it('a run drains the good nodes and terminates their instances as their owners manage them; nothing is replaced', async () => {
    const r = await cli(runArgs(GOOD, 'aws-2'), 600_000, AWS_ENV);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Migration aws-2: Completed/);
    expect(r.out).toMatch(/TerminateInstanceInAutoScalingGroup, desired capacity lowered by one/);
    const states = await instanceStates([...good.map((g) => g.id), foreign.id]);
    expect(good.map((g) => states[g.id])).toEqual(['terminated', 'terminated', 'terminated']);
    expect(states[foreign.id]).toBe('running');
    expect(await desired()).toBe(0);
    await waitFor('the good old nodes gone', async () => {
      const left = (await core.listNode({ labelSelector: GOOD })).items.length;
      return { value: left === 0 ? true : undefined, seen: `${left} left` };
    });
  }, 700_000);

  it('a run over the node of another cluster drains it, then stops with TerminateFailed and leaves its instance running', async () => {
    const r = await cli([...runArgs(FOREIGN, 'aws-3'), '--allow-predicted-failure'], 600_000, AWS_ENV);
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.out).toMatch(/Migration aws-3: Failed/);
    expect(r.out).toMatch(/TerminateFailed/);
    expect(r.out).toContain(`${foreign.id} carries neither kubernetes.io/cluster/${CLUSTER}`);
    expect((await instanceStates([foreign.id]))[foreign.id]).toBe('running');
    // Its pods found new nodes before the termination was refused.
    const fresh = new Set((await core.listNode({ labelSelector: `pool=new,${RUN_LABEL}=${RUN}` })).items.map((n) => n.metadata?.name));
    await waitPodsReady(core, NS, PODS, (n) => fresh.has(n), `${PODS} pods Running and Ready on new nodes`, POLL);
  }, 700_000);
});
