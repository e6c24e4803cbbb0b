/**
 * `vngshift run --executor ocean` end to end: the Spot API emulator (test/helpers/spot-emulator.ts) stands for Ocean, and
 * the migrations it accepts are performed on the e2e control plane by vngshift's own engine through the live ports
 * (test/e2e/helpers/ocean-world.ts): cordon, evictions honouring PDBs, new KWOK nodes of the VNG, old nodes deleted. The
 * CLI reads the VNGs from the emulator (subnet zones from moto's EC2), plans, and hands each batch to the emulated Ocean.
 *
 * 1. A run SIGKILLed just after its first batch was submitted: the same command, started again, takes the Lease over,
 *    reads that migration instead of submitting it again, submits the second batch once the first is Completed, and
 *    ends Completed (old nodes gone, every pod Running and Ready on new nodes); `status` shows Ocean's migrations.
 * 2. Ocean fails a migration (a PDB allowing no disruption outlasts its batch time budget): the run ends Failed with
 *    Ocean's text mapped to TechnicalTimeout.
 * 3. `vngshift stop --terminate-drained` while Ocean's migration runs: the stop goes to Ocean's API, the run ends Stopped,
 *    no later migration is submitted, the old nodes are given back.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import type { MigrationState } from '../../src/engine/state.js';
import { FAILURE_MESSAGES } from '../../src/model/failures.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import { startSpotEmulator, type SpotEmulator } from '../helpers/spot-emulator.js';
import { awsEnv, MotoKit } from './helpers/aws-kit.js';
import {
  cleanup,
  connect,
  createDeployment,
  createKwokNode,
  createNamespace,
  M5_LARGE,
  RUN_LABEL,
  startCli,
  waitForWith,
  waitOldNodesReady,
  waitPodsReady,
  type CliResult,
  type RunningCli,
} from './helpers/cluster-kit.js';
import { startKubeWorld, type KubeWorld } from './helpers/ocean-world.js';

const RUN = `o${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const CLUSTER = 'o-e2e0ce4';
const ZONES = ['us-east-1a', 'us-east-1b'];
const SCENARIOS = ['resume', 'fail', 'stop'] as const;
type Scenario = (typeof SCENARIOS)[number];
const VERBOSE = process.env['VNGSHIFT_E2E_VERBOSE'] !== undefined;

const endpoint = inject('awsEndpoint');
const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-ocean-run-'));
let kubeconfig = '';
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let policy: k8s.PolicyV1Api;
let api: SpotEmulator;
let world: KubeWorld;
const WORLD_NS = `ocean-world-${RUN}`;
let env: NodeJS.ProcessEnv = {};

const POLL = { timeoutMs: 120_000, everyMs: 500 };
const waitFor = waitForWith(POLL);

const alive = new Set<ChildProcess>();
function start(args: readonly string[], timeoutMs = 240_000): RunningCli {
  const run = startCli(args, timeoutMs, env);
  alive.add(run.child);
  const forget = (): void => void alive.delete(run.child);
  void run.done.then(forget, forget);
  return run;
}
const cli = (args: readonly string[], timeoutMs = 240_000): Promise<CliResult> => start(args, timeoutMs).done;
const show = (what: string, r: CliResult): void => {
  if (VERBOSE) process.stderr.write(`--- ${what} (exit ${r.code})\n${r.out}${r.err}\n`);
};

const id = (s: Scenario): string => `${RUN}-${s}`;
const ns = (s: Scenario): string => `e2e-${id(s)}`;
const stateNs = (s: Scenario): string => `vngshift-${id(s)}`;
const oldNames = (s: Scenario, n: number): string[] => Array.from({ length: n }, (_, i) => `old-${id(s)}-${i}`);

function runArgs(s: Scenario, extra: readonly string[] = []): string[] {
  return [
    'run',
    '--kubeconfig',
    kubeconfig,
    '--executor',
    'ocean',
    '--ocean-cluster',
    CLUSTER,
    '--spot-api-url',
    api.url,
    '--ocean-poll-interval',
    '1s',
    '--nodes',
    `pool=old,${RUN_LABEL}=${id(s)}`,
    '--namespace',
    stateNs(s),
    '--migration-id',
    `mig-${s}`,
    ...extra,
  ];
}
const statusArgs = (s: Scenario): string[] => ['status', '--kubeconfig', kubeconfig, '--namespace', stateNs(s), '--migration-id', `mig-${s}`];

/**
 * Old KWOK nodes of a scenario, and a Deployment (optionally under a PDB allowing `maxUnavailable`) Running on them, spread
 * over them by hostname: softly where pods must be able to move, strictly (every node holds some) where a PDB allowing no
 * disruption keeps them in place, so that the first batch's node surely has pods to hold.
 */
async function createScenario(s: Scenario, nodes: number, replicas: number, maxUnavailable: number | string | null, spread: 'soft' | 'strict'): Promise<string[]> {
  const names = oldNames(s, nodes);
  for (const [i, name] of names.entries()) {
    await createKwokNode(core, { ...M5_LARGE, name, zone: ZONES[i % 2] as string, labels: { pool: 'old', [RUN_LABEL]: id(s) } });
  }
  await waitOldNodesReady(core, `pool=old,${RUN_LABEL}=${id(s)}`, nodes, POLL);
  await createNamespace(core, ns(s), POLL);
  await createDeployment(apps, ns(s), {
    name: 'app',
    replicas,
    nodeSelector: { [RUN_LABEL]: id(s) },
    terminationGracePeriodSeconds: 1,
    requests: { cpu: '100m', memory: '128Mi' },
    pod: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: spread === 'soft' ? 'ScheduleAnyway' : 'DoNotSchedule', labelSelector: { matchLabels: { app: 'app' } } }] },
  });
  if (maxUnavailable !== null) {
    await policy.createNamespacedPodDisruptionBudget({ namespace: ns(s), body: { metadata: { name: 'app' }, spec: { maxUnavailable, selector: { matchLabels: { app: 'app' } } } } });
  }
  await waitPodsReady(core, ns(s), replicas, (n) => names.includes(n), `${replicas} pods Running and Ready on the old nodes`, POLL);
  if (maxUnavailable !== null) {
    await waitFor('the PDB status', async () => {
      const st = (await policy.readNamespacedPodDisruptionBudget({ name: 'app', namespace: ns(s) })).status;
      return { value: st?.expectedPods === replicas ? true : undefined, seen: JSON.stringify(st) };
    });
  }
  return names;
}

async function persisted(s: Scenario): Promise<MigrationState | null> {
  try {
    const cm = await core.readNamespacedConfigMap({ name: `vngshift-mig-${s}`, namespace: stateNs(s) });
    const text = cm.data?.['state'];
    return text === undefined ? null : (JSON.parse(text) as MigrationState);
  } catch (e) {
    if (e instanceof k8s.ApiException && e.code === 404) return null;
    throw e;
  }
}

/** The instance ids (from providerID) of nodes. */
async function instanceIdsOf(names: readonly string[]): Promise<string[]> {
  const nodes = (await core.listNode()).items.filter((n) => names.includes(n.metadata?.name ?? ''));
  return nodes.map((n) => /\/(i-[0-9a-f]+)$/.exec(n.spec?.providerID ?? '')?.[1] ?? '').sort();
}

beforeAll(async () => {
  kubeconfig = inject('kubeconfigPath');
  ({ core, apps, policy } = connect(kubeconfig));
  const moto = new MotoKit(endpoint);
  const subnets = (await moto.ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  const subnetIds = ZONES.map((z) => subnets.find((x) => x.AvailabilityZone === z)?.SubnetId ?? '');
  const subnetZones = Object.fromEntries(subnetIds.map((sid, i) => [sid, ZONES[i] as string]));
  // One VNG per scenario, its nodes labelled for it: each scenario's pods land only on its own new nodes.
  const launchSpecs = SCENARIOS.map((s) => ({
    id: `ols-${s}`,
    oceanId: CLUSTER,
    name: `new-${s}`,
    instanceTypes: ['m5.xlarge'],
    subnetIds,
    labels: [
      { key: 'pool', value: 'new' },
      { key: RUN_LABEL, value: id(s) },
    ],
    resourceLimits: { maxInstanceCount: 10 },
  }));
  const vngs = parseVngText(JSON.stringify({ launchSpecs, subnetZones }), 'the emulated Ocean cluster', loadCatalog()).vngs;
  world = await startKubeWorld({ kubeconfig, namespace: WORLD_NS, vngs, catalog: loadCatalog() });
  api = await startSpotEmulator({
    token: 'secret',
    account: null,
    clusters: { [CLUSTER]: { cluster: { id: CLUSTER, name: 'e2e', region: 'us-east-1', compute: { subnetIds } }, launchSpecs } },
    world,
  });
  env = { ...awsEnv(endpoint), SPOTINST_TOKEN: 'secret', SPOTINST_CREDENTIALS_FILE: join(dir, 'none') };
}, 120_000);

afterAll(async () => {
  for (const child of alive) child.kill('SIGKILL');
  await world?.close();
  await api?.close();
  for (const s of SCENARIOS) await cleanup(core, id(s), [ns(s), stateNs(s)]);
  await core?.deleteNamespace({ name: WORLD_NS }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('run --executor ocean against the emulated Ocean, which migrates on the control plane', () => {
  it('SIGKILL after the first submission: the rerun reads that migration, submits the second batch, and completes', async () => {
    const s: Scenario = 'resume';
    const old = await createScenario(s, 4, 16, '40%', 'soft');
    const ids = await instanceIdsOf(old);
    // Ocean's status answers are 503 for now: the run submits batch 1 (and saves its id) but cannot follow it, so it is
    // killed in the middle of that batch, whatever pace the emulated Ocean keeps.
    api.fail(/\/migration\/mig-/, 503, 'SERVICE_UNAVAILABLE', 1_000_000);
    const first = start(runArgs(s, ['--batch-size-percentage', '50']));
    await waitFor('batch 1 to be submitted to Ocean', () => Promise.resolve({ value: /batch 1\/\d+: submitted to Ocean as migration mig-/.test(first.out()) ? true : undefined, seen: first.out() }));
    await waitFor('the run to find Ocean unreachable', () => Promise.resolve({ value: /API unreachable \(Spot API GET/.test(first.out()) ? true : undefined, seen: first.out() }));
    first.child.kill('SIGKILL');
    api.clearFailures();
    const killed = await first.done;
    show('killed run', killed);
    expect(killed.signal).toBe('SIGKILL');
    const saved = await persisted(s);
    const inFlight = saved?.ocean?.batches[0]?.migrationId;
    expect(inFlight).toMatch(/^mig-/);
    const mine = (): typeof api.migrations => api.migrations.filter((m) => m.request.instanceIds.every((i) => ids.includes(i)));
    expect(mine().map((m) => m.id)).toEqual([inFlight]);

    const again = await cli(runArgs(s, ['--batch-size-percentage', '50']));
    show('resumed run', again);
    expect(again.code, again.out + again.err).toBe(0);
    const batches = Number(/resuming migration mig-resume from its persisted state \(Running, batch 1 of (\d+)\)/.exec(again.out)?.[1]);
    expect(batches, again.out).toBeGreaterThan(1);
    expect(again.out).not.toMatch(/batch 1\/\d+: submitted/);
    expect(again.out).toMatch(new RegExp(`batch 1/${batches}: Ocean says Completed \\(migration ${inFlight ?? ''}\\)`));
    expect(again.out).toMatch(new RegExp(`batch ${batches}/${batches}: submitted to Ocean as migration mig-`));
    expect(again.out).toMatch(/migration completed/);
    expect(again.out).toMatch(/Migration mig-resume: Completed/);
    // One migration per batch, each of exactly its instances, the plan's parameters as asked.
    const migrations = mine();
    expect(migrations).toHaveLength(batches);
    expect(migrations.flatMap((m) => m.request.instanceIds).sort()).toEqual(ids);
    expect(migrations.every((m) => m.request.batchSizePercentage === 100 && m.request.respectPdb && m.request.shouldTerminateDrainedNodes)).toBe(true);
    expect((await persisted(s))?.ocean?.batches.map((b) => b.migrationId)).toEqual(migrations.map((m) => m.id));

    expect((await core.listNode({ labelSelector: `pool=old,${RUN_LABEL}=${id(s)}` })).items).toEqual([]);
    const fresh = new Set((await core.listNode({ labelSelector: `pool=new,${RUN_LABEL}=${id(s)}` })).items.map((n) => n.metadata?.name));
    expect(fresh.size).toBeGreaterThan(0);
    await waitPodsReady(core, ns(s), 16, (n) => fresh.has(n), '16 pods Running and Ready on new nodes', { ...POLL, timeoutMs: 60_000 });

    const text = await cli(statusArgs(s));
    show('status', text);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^Migration mig-resume: Completed/);
    expect(text.out).toMatch(new RegExp(`Executed by Ocean \\(cluster o-e2e0ce4\\): ${batches} migrations? submitted`));
    const json = await cli([...statusArgs(s), '-o', 'json']);
    const v = JSON.parse(json.out) as {
      status: string;
      counts: { podsRemaining: number; newInstances: number };
      oldInstances: { state: string }[];
      ocean: { migrations: { status: string }[] };
    };
    expect(v.status).toBe('Completed');
    expect(v.oldInstances.map((i) => i.state)).toEqual(['Terminated', 'Terminated', 'Terminated', 'Terminated']);
    expect(v.counts.podsRemaining).toBe(0);
    expect(v.counts.newInstances).toBeGreaterThan(0);
    expect(v.ocean.migrations.map((m) => m.status)).toEqual(Array.from({ length: batches }, () => 'Completed'));
  }, 240_000);

  it("Ocean's failure text ends the run Failed with its code (TechnicalTimeout: a PDB allowing no disruption)", async () => {
    const s: Scenario = 'fail';
    await createScenario(s, 2, 6, 0, 'strict');
    world.settings = { batchTimeBudgetSeconds: 6, drainTimeThresholdSeconds: 600 };
    // A dry run prints each batch's create call and calls nothing.
    const before = api.requests.length;
    const dry = await cli(runArgs(s, ['--batch-size-percentage', '100', '--allow-predicted-failure', '--dry-run']));
    show('dry run', dry);
    expect(dry.code, dry.out + dry.err).toBe(0);
    expect(dry.out).toMatch(/dry run: batch 1\/\d+ would be POST \/ocean\/aws\/k8s\/cluster\/o-e2e0ce4\/migration \{"migration":\{"instanceIds":\["i-[0-9a-f]+"\],"batchSizePercentage":100,/);
    expect(api.requests.slice(before).filter((q) => q.path.includes('/migration'))).toEqual([]);
    expect(await persisted(s)).toBeNull();
    const r = await cli(runArgs(s, ['--batch-size-percentage', '100', '--allow-predicted-failure']));
    show('failing run', r);
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.out).toMatch(/batch 1\/\d+: Ocean says Failed/);
    expect(r.out).toMatch(/migration failed: TechnicalTimeout: Ocean reported migration mig-\w+ of batch 1 Failed: The migration has stopped due to technical timeout\./);
    expect(r.out).toMatch(/Failure: TechnicalTimeout/);
    const json = await cli([...statusArgs(s), '-o', 'json']);
    const v = JSON.parse(json.out) as { status: string; failure: { code: string; message: string } };
    expect(v.status).toBe('Failed');
    expect(v.failure).toMatchObject({ code: 'TechnicalTimeout', message: FAILURE_MESSAGES.TechnicalTimeout });
  }, 180_000);

  it('stop --terminate-drained stops Ocean\'s migration through the API; the run ends Stopped and submits nothing more', async () => {
    const s: Scenario = 'stop';
    const old = await createScenario(s, 2, 6, 0, 'strict');
    world.settings = { batchTimeBudgetSeconds: 600, drainTimeThresholdSeconds: 600 };
    const before = api.migrations.length;
    const run = start(runArgs(s, ['--batch-size-percentage', '50', '--allow-predicted-failure']));
    await waitFor('Ocean to run batch 1', () => Promise.resolve({ value: /batch 1\/\d+: Ocean says Running/.test(run.out()) ? true : undefined, seen: run.out() }));
    // cordonAllAtStart: vngshift cordoned the old node of the later batch before batch 1 went to Ocean.
    expect(run.out()).toMatch(/1 old node\(s\) of the later batches cordoned at the start/);
    const later = (await persisted(s))?.batches[1]?.nodes ?? [];
    expect(later).toHaveLength(1);
    const cordoned = (await core.listNode({ labelSelector: `pool=old,${RUN_LABEL}=${id(s)}` })).items.filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata?.name);
    expect(cordoned).toEqual(expect.arrayContaining([...later]));
    const stop = await cli(['stop', '--kubeconfig', kubeconfig, '--namespace', stateNs(s), '--migration-id', `mig-${s}`, '--terminate-drained']);
    show('stop', stop);
    expect(stop.code, stop.err).toBe(0);
    expect(stop.out).toMatch(/^stop sent to Ocean for migration mig-\w+ \(batch 1 of \d+, Ocean cluster o-e2e0ce4\); drained old nodes will be terminated/);
    const r = await run.done;
    show('stopped run', r);
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.out).toMatch(/migration stopped/);
    expect(r.out).toMatch(/Migration mig-stop: Stopped/);
    expect(api.migrations.length - before).toBe(1);
    const put = api.requests.filter((q) => q.method === 'PUT');
    expect(put.at(-1)?.body).toEqual({ migration: { state: 'STOPPED', shouldTerminateDrainedNodes: true } });
    // Ocean (the engine) gave back the old nodes of its migration it did not drain, and vngshift the later batch's: nothing
    // stays cordoned.
    const nodes = (await core.listNode({ labelSelector: `pool=old,${RUN_LABEL}=${id(s)}` })).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(old);
    expect(nodes.filter((n) => n.spec?.unschedulable === true)).toEqual([]);
    const json = await cli([...statusArgs(s), '-o', 'json']);
    expect((JSON.parse(json.out) as { status: string }).status).toBe('Stopped');
  }, 180_000);
});
