/**
 * `vngshift run --capacity ec2` end to end: vngshift launches the new nodes itself with RunInstances in moto's EC2, from
 * a launch template created there, into moto's subnets; the old nodes are KWOK nodes carrying the pods. A small
 * registrar plays kubelet: it polls moto for the instances tagged with the migration id and creates a KWOK Node for each
 * (named by its private DNS name, providerID aws:///zone/id, the VNG's labels as the kwok provider's manifest has them),
 * so kube-scheduler binds the pods waiting for it. EC2 is reached through the error-injecting proxy: the first launch
 * gets InsufficientInstanceCapacity and the run falls back to the VNG's other type; with every launch refused, the run
 * ends InsufficientCapacity once the capacity grace has passed (--capacity-grace 60s here; 300 s by default).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateLaunchTemplateCommand, DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { kwokNodeManifest } from '../../src/live/capacity-kwok.js';
import type { Vng } from '../../src/model/types.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import { startFaultProxy, type FaultProxy } from './harness/aws-fault-proxy.js';
import { resetMoto } from './harness/moto.js';
import { AMI, awsEnv, MotoKit, REGION } from './helpers/aws-kit.js';
import {
  cleanup,
  cli,
  connect,
  createDeployment,
  createKwokNode,
  createNamespace,
  M5_LARGE,
  RUN_LABEL,
  sleep,
  statusCode,
  waitForWith,
  waitOldNodesReady,
  waitPodsReady,
} from './helpers/cluster-kit.js';

const RUN = `c${Date.now().toString(36)}`;
const NS1 = `e2e-ec2-${RUN}-1`;
const NS2 = `e2e-ec2-${RUN}-2`;
const STATE_NS = `vngshift-e2e-${RUN}`;
const CLUSTER = 'e2e-ec2';
const VNG = 'ec2-general';
const TYPES = ['c5.xlarge', 'm5.xlarge'];
const endpoint = inject('awsEndpoint');
const moto = new MotoKit(endpoint);
const POLL = { timeoutMs: 120_000, everyMs: 500 };
const waitFor = waitForWith(POLL);
/** Pods per old node: 6 x 300m fill an m5.large (2 CPUs), so a drained node's pods need new nodes. */
const PER_NODE = 6;
const ICE = 'We currently do not have sufficient capacity in the Availability Zone you requested.';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-ec2-'));
const vngsFile = join(dir, 'vngs.json');
const noTemplateFile = join(dir, 'vngs-no-template.json');
const catalog = loadCatalog();
let kubeconfig = '';
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let proxy: FaultProxy;
let env: NodeJS.ProcessEnv = {};
let templateId = '';
let subnets: string[] = [];
let vng: Vng;

/** The instances in moto tagged with the migration id. */
async function launchedBy(migration: string): Promise<Instance[]> {
  const r = await moto.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:vngshift.io/migration-id', Values: [migration] }] }));
  return (r.Reservations ?? []).flatMap((x) => x.Instances ?? []);
}

const tagsOf = (i: Instance): Record<string, string> => Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/**
 * Plays kubelet for the instances a migration launches: each running one becomes a KWOK Node named by its private DNS
 * name with the providerID naming it, the VNG's labels and the instance type's allocatable (the kwok provider's manifest).
 */
function startRegistrar(migration: string): { stop: () => Promise<void>; registered: Set<string> } {
  const registered = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const i of await launchedBy(migration).catch(() => [])) {
        const id = i.InstanceId ?? '';
        if (registered.has(id) || i.State?.Name !== 'running') continue;
        const manifest = kwokNodeManifest(
          { name: i.PrivateDnsName ?? id, instanceId: id, vng, instanceType: i.InstanceType ?? '', zone: i.Placement?.AvailabilityZone ?? '', region: REGION },
          catalog,
          new Map(),
        );
        if (manifest === null) continue;
        try {
          await core.createNode({ body: manifest });
        } catch (e) {
          if (statusCode(e) !== 409) continue;
        }
        registered.add(id);
      }
      await sleep(1000);
    }
  })();
  return {
    registered,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const runArgs = (set: string, migration: string, file = vngsFile): string[] => [
  'run',
  '--kubeconfig',
  kubeconfig,
  '--vngs',
  file,
  '--capacity',
  'ec2',
  '--cluster-name',
  CLUSTER,
  '--nodes',
  `pool=old,${RUN_LABEL}=${RUN},set=${set}`,
  '--batch-size-percentage',
  '50',
  '--namespace',
  STATE_NS,
  '--migration-id',
  migration,
];

/** Two full old nodes of set `set` and a Deployment of their pods in `ns`. */
async function oldNodesWithPods(set: string, ns: string): Promise<string[]> {
  const names = [0, 1].map((i) => `old-${RUN}-${set}-${i}`);
  for (const [i, name] of names.entries()) {
    await createKwokNode(core, { ...M5_LARGE, name, zone: i === 0 ? 'us-east-1a' : 'us-east-1b', labels: { pool: 'old', [RUN_LABEL]: RUN, set } });
  }
  await waitOldNodesReady(core, `pool=old,${RUN_LABEL}=${RUN},set=${set}`, 2, POLL);
  await createNamespace(core, ns, POLL);
  await createDeployment(apps, ns, { name: 'web', replicas: 2 * PER_NODE, nodeSelector: { [RUN_LABEL]: RUN }, terminationGracePeriodSeconds: 1, requests: { cpu: '300m', memory: '128Mi' } });
  const on = new Set(names);
  await waitPodsReady(core, ns, 2 * PER_NODE, (n) => on.has(n), `${2 * PER_NODE} pods Running and Ready on the old nodes of set ${set}`, POLL);
  return names;
}

beforeAll(async () => {
  kubeconfig = inject('kubeconfigPath');
  ({ core, apps } = connect(kubeconfig));
  await resetMoto(endpoint);
  proxy = await startFaultProxy(endpoint);
  env = awsEnv(proxy.endpoint);
  const lt = await moto.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `nodes-${RUN}`, LaunchTemplateData: { ImageId: AMI } }));
  templateId = lt.LaunchTemplate?.LaunchTemplateId ?? '';
  subnets = [await moto.subnet('us-east-1a'), await moto.subnet('us-east-1b')];
  expect(templateId).toMatch(/^lt-/);
  expect(subnets.every((s) => s.startsWith('subnet-'))).toBe(true);
  const spec = {
    name: VNG,
    instanceTypes: TYPES,
    subnetIds: subnets,
    labels: [
      { key: 'pool', value: 'new' },
      { key: RUN_LABEL, value: RUN },
    ],
    resourceLimits: { maxInstanceCount: 8 },
    launchTemplate: { id: templateId, version: '$Default' },
  };
  writeFileSync(vngsFile, JSON.stringify({ launchSpecs: [spec] }));
  writeFileSync(noTemplateFile, JSON.stringify({ launchSpecs: [{ ...spec, launchTemplate: undefined }] }));
  const parsed = parseVngText(JSON.stringify({ launchSpecs: [spec] }), vngsFile, catalog).vngs[0];
  if (parsed === undefined) throw new Error('no VNG parsed');
  vng = parsed;
  await oldNodesWithPods('1', NS1);
}, 300_000);

afterAll(async () => {
  await proxy?.close();
  rmSync(dir, { recursive: true, force: true });
  await cleanup(core, RUN, [NS1, NS2, STATE_NS]);
});

describe('vngshift run --capacity ec2 (moto EC2 through the fault proxy, KWOK nodes registered by a test registrar)', () => {
  it('refuses a VNG without a launch template in one line naming it; a dry run asks EC2 with DryRun and launches nothing', async () => {
    const bad = await cli(runArgs('1', 'ec2-0', noTemplateFile), 60_000, env);
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toContain(`VNG ${VNG}: launchTemplate: required with --capacity ec2`);

    const dry = await cli([...runArgs('1', 'ec2-0'), '--dry-run'], 120_000, env);
    expect(dry.code, dry.out + dry.err).toBe(0);
    // The VNG's first type and first subnet (the parser sorts both).
    const firstSubnet = [...subnets].sort()[0] ?? '';
    const zone = firstSubnet === subnets[0] ? 'us-east-1a' : 'us-east-1b';
    expect(dry.out).toContain(`dry run: RunInstances from launch template ${templateId} version $Default for VNG ${VNG} (c5.xlarge, subnet ${firstSubnet} in ${zone}): EC2 would launch it (DryRunOperation)`);
    expect(proxy.seen.get('RunInstances')).toBe(1);
    expect(await launchedBy('ec2-0')).toEqual([]);
  });

  it('a run launches from the launch template; the first launch refused for capacity, it falls back to the other type, and completes', async () => {
    proxy.clear();
    // The type of the first launch is short everywhere: every call for it is refused (EC2 answers 500, so the SDK's
    // retries ask again first, with the same ClientToken), and the run has to fall back to the other type.
    let first: string | null = null;
    const shortOf = (p: URLSearchParams): boolean => {
      const t = p.get('InstanceType');
      first ??= t;
      return t === first;
    };
    proxy.inject({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', message: ICE, status: 500, when: shortOf });
    const registrar = startRegistrar('ec2-1');
    let r;
    try {
      r = await cli(runArgs('1', 'ec2-1'), 600_000, env);
    } finally {
      await registrar.stop();
    }
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Migration ec2-1: Completed/);
    expect(proxy.refused.length).toBeGreaterThan(0);
    const refusedType = proxy.refused[0]?.params.get('InstanceType') ?? '';
    expect(TYPES).toContain(refusedType);
    expect(new Set(proxy.refused.map((x) => x.params.get('InstanceType')))).toEqual(new Set([refusedType]));
    // The SDK's retries of one call carry one ClientToken.
    expect(new Set(proxy.refused.map((x) => x.params.get('ClientToken'))).size).toBeLessThan(proxy.refused.length);
    expect(r.out).toMatch(new RegExp(`could not launch EC2 instance from launch template ${templateId} version \\$Default \\(${VNG} ${refusedType.replace('.', '\\.')} us-east-1[ab], subnet subnet-\\w+\\): InsufficientInstanceCapacity`));
    expect(r.out).toMatch(/launched i-\w+ \(ip-[\d-]+\.ec2\.internal\): EC2 instance from launch template/);

    const launched = await launchedBy('ec2-1');
    expect(launched.length).toBeGreaterThan(0);
    for (const i of launched) {
      const tags = tagsOf(i);
      expect(tags).toMatchObject({ [`kubernetes.io/cluster/${CLUSTER}`]: 'owned', 'vngshift.io/migration-id': 'ec2-1', 'vngshift.io/vng': VNG });
      // Launched from the template: its image, and the tags EC2 puts on instances launched from one.
      expect(i.ImageId).toBe(AMI);
      expect(tags['aws:ec2launchtemplate:id']).toBe(templateId);
      // The fallback: the other type of the VNG, in one of its subnets, one instance per call, each with its own token.
      expect(TYPES.filter((t) => t !== refusedType)).toContain(i.InstanceType);
      expect(subnets).toContain(i.SubnetId);
      expect(i.ClientToken).toMatch(/^vngshift-[0-9a-f]{48}$/);
    }
    expect(new Set(launched.map((i) => i.ClientToken)).size).toBe(launched.length);
    // The pods run on the registered nodes; the old nodes are gone.
    const fresh = new Set(launched.map((i) => i.PrivateDnsName ?? ''));
    await waitPodsReady(core, NS1, 2 * PER_NODE, (n) => fresh.has(n), `${2 * PER_NODE} pods Running and Ready on the launched nodes`, POLL);
    await waitFor('the old nodes of set 1 gone', async () => {
      const left = (await core.listNode({ labelSelector: `pool=old,${RUN_LABEL}=${RUN},set=1` })).items.length;
      return { value: left === 0 ? true : undefined, seen: `${left} left` };
    });
  }, 700_000);

  it('every launch refused for capacity: the run ends InsufficientCapacity naming the launch errors, and nothing is launched', async () => {
    // A clean slate: the first run's pods and nodes go, and fresh old nodes carry new pods.
    await core.deleteNamespace({ name: NS1 });
    for (const n of (await core.listNode({ labelSelector: `pool=new,${RUN_LABEL}=${RUN}` })).items) await core.deleteNode({ name: n.metadata?.name ?? '' });
    await oldNodesWithPods('2', NS2);
    proxy.clear();
    proxy.inject({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', message: ICE, status: 500 });
    const r = await cli([...runArgs('2', 'ec2-2'), '--capacity-grace', '60s'], 300_000, env);
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.out).toMatch(/Migration ec2-2: Failed/);
    expect(r.out).toMatch(/InsufficientCapacity/);
    // The why names the launch errors: as the pods' reason (no type or zone left), or as the launch errors themselves when
    // a backoff has just ended and the type is being asked for again.
    expect(r.out).toMatch(/Why: .*InsufficientInstanceCapacity: (c5|m5)\.xlarge in us-east-1[ab] \(VNG ec2-general\)/);
    expect(new Set(proxy.refused.map((x) => x.params.get('InstanceType')))).toEqual(new Set(TYPES));
    expect(await launchedBy('ec2-2')).toEqual([]);
  }, 400_000);
});
