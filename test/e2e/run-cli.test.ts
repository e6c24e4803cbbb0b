/**
 * `vngshift run` end to end against the real control plane (test/e2e/harness): 6 KWOK old nodes carrying 60 pods of two
 * Deployments (one under a PDB), a VNG whose nodes the kwok capacity provider creates. `plan --kubeconfig` reads it live,
 * `run --dry-run` changes nothing; a run stopped by SIGTERM after its first batch started exits 4 with the state persisted;
 * then two executors start at once: exactly one takes the Lease and resumes the migration to the end (old nodes gone, every
 * pod Running and Ready on new nodes), the other waits on the Lease, then finds the migration Completed. `status` prints it
 * as Ocean's console would.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const RUN = `r${Date.now().toString(36)}`;
const RUN_LABEL = 'vngshift.e2e/run';
const NS = `e2e-run-${RUN}`;
const STATE_NS = `vngshift-e2e-${RUN}`;
const MIGRATION = 'e2e';
const OLD = Array.from({ length: 6 }, (_, i) => `old-${RUN}-${i}`);
const ZONES = ['us-east-1a', 'us-east-1b'];
const WORKLOADS = [
  { name: 'web', replicas: 36 },
  { name: 'api', replicas: 24 },
];
const TOTAL = WORKLOADS.reduce((a, w) => a + w.replicas, 0);

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-run-'));
const vngsFile = join(dir, 'vngs.json');
let kubeconfig = '';
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let policy: k8s.PolicyV1Api;
let coordination: k8s.CoordinationV1Api;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<{ value?: T; seen: string }>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await probe();
    if (r.value !== undefined) return r.value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last seen: ${r.seen}`);
    await sleep(500);
  }
}

interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

interface Running {
  readonly child: ReturnType<typeof spawn>;
  readonly done: Promise<CliResult>;
  out(): string;
}

function start(args: string[], timeoutMs = 600_000): Running {
  const child = spawn(process.execPath, ['bin/vngshift.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
  return { child, done, out: () => out };
}

const cli = (args: string[], timeoutMs = 600_000): Promise<CliResult> => start(args, timeoutMs).done;

const ready = (conditions: { type: string; status: string }[] | undefined): boolean => conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const runningReady = (p: k8s.V1Pod): boolean => p.metadata?.deletionTimestamp === undefined && p.status?.phase === 'Running' && ready(p.status.conditions);
const podsOf = async (): Promise<k8s.V1Pod[]> => (await core.listNamespacedPod({ namespace: NS })).items;
const describePods = (pods: k8s.V1Pod[]): string => {
  const by: Record<string, number> = {};
  for (const p of pods) {
    const k = `${p.spec?.nodeName ?? '-'}:${p.status?.phase ?? '?'}${runningReady(p) ? '' : '/notready'}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  return JSON.stringify(by);
};

const runArgs = [
  '--vngs',
  vngsFile,
  '--capacity',
  'kwok',
  '--nodes',
  `pool=old,${RUN_LABEL}=${RUN}`,
  '--batch-size-percentage',
  '34',
  '--namespace',
  STATE_NS,
  '--migration-id',
  MIGRATION,
];

beforeAll(async () => {
  kubeconfig = inject('kubeconfigPath');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  policy = kc.makeApiClient(k8s.PolicyV1Api);
  coordination = kc.makeApiClient(k8s.CoordinationV1Api);

  writeFileSync(
    vngsFile,
    JSON.stringify({
      launchSpecs: [
        {
          name: 'new-general',
          instanceTypes: ['m5.xlarge'],
          subnetIds: ['subnet-a', 'subnet-b'],
          labels: [
            { key: 'pool', value: 'new' },
            { key: RUN_LABEL, value: RUN },
          ],
          resourceLimits: { maxInstanceCount: 10 },
        },
      ],
      subnetZones: { 'subnet-a': ZONES[0], 'subnet-b': ZONES[1] },
    }),
  );

  // Six old m5.large nodes that KWOK runs.
  for (const [i, name] of OLD.entries()) {
    const zone = ZONES[i % 2] as string;
    const capacity = { cpu: '2', memory: '8Gi', pods: '29' };
    await core.createNode({
      body: {
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake' },
          labels: {
            pool: 'old',
            [RUN_LABEL]: RUN,
            type: 'kwok',
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'node.kubernetes.io/instance-type': 'm5.large',
            'topology.kubernetes.io/zone': zone,
            'topology.kubernetes.io/region': 'us-east-1',
          },
        },
        spec: { providerID: `aws:///${zone}/i-${randomBytes(9).toString('hex').slice(0, 17)}` },
        status: { capacity, allocatable: capacity },
      },
    });
  }
  await waitFor('6 Ready old nodes', async () => {
    const list = (await core.listNode({ labelSelector: `pool=old,${RUN_LABEL}=${RUN}` })).items;
    const n = list.filter((x) => ready(x.status?.conditions)).length;
    return { value: n === OLD.length ? true : undefined, seen: `${n}/${list.length}` };
  });

  await core.createNamespace({ body: { metadata: { name: NS } } });
  await waitFor(`ServiceAccount ${NS}/default`, async () => {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: NS });
      return { value: true, seen: 'present' };
    } catch {
      return { seen: 'absent' };
    }
  });
  for (const w of WORKLOADS) {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: w.name },
        spec: {
          replicas: w.replicas,
          selector: { matchLabels: { app: w.name } },
          template: {
            metadata: { labels: { app: w.name } },
            spec: {
              nodeSelector: { [RUN_LABEL]: RUN },
              terminationGracePeriodSeconds: 1,
              containers: [{ name: 'app', image: 'registry.invalid/app:1', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
            },
          },
        },
      },
    });
  }
  await policy.createNamespacedPodDisruptionBudget({
    namespace: NS,
    body: { metadata: { name: 'web' }, spec: { maxUnavailable: '40%', selector: { matchLabels: { app: 'web' } } } },
  });
  await waitFor(`${TOTAL} pods Running and Ready on the old nodes`, async () => {
    const pods = await podsOf();
    const ok = pods.filter((p) => runningReady(p) && OLD.includes(p.spec?.nodeName ?? ''));
    return { value: ok.length === TOTAL && pods.length === TOTAL ? true : undefined, seen: describePods(pods) };
  });
  await waitFor('the PDB status', async () => {
    const s = (await policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace: NS })).status;
    return { value: s?.expectedPods === 36 ? true : undefined, seen: JSON.stringify(s) };
  });
}, 300_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await core?.deleteNamespace({ name: NS }).catch(() => undefined);
  await core?.deleteNamespace({ name: STATE_NS }).catch(() => undefined);
  const nodes = (await core?.listNode({ labelSelector: `${RUN_LABEL}=${RUN}` }).catch(() => null))?.items ?? [];
  for (const n of nodes) await core.deleteNode({ name: n.metadata?.name ?? '' }).catch(() => undefined);
});

describe('vngshift run against a real control plane', () => {
  it('plan and simulate --kubeconfig read the cluster live: feasible, and the rehearsal completes', async () => {
    // plan and simulate read the whole cluster: wait until the pods other e2e files left behind (namespaces still being
    // deleted, pods of deleted nodes the pod garbage collector has not removed yet) are gone, so the rehearsal sees only
    // this file's world.
    await waitFor('pods of other e2e files to be gone', async () => {
      const foreign = (await core.listPodForAllNamespaces()).items.filter((p) => p.metadata?.namespace !== NS && p.metadata?.namespace !== 'kube-system');
      return foreign.length === 0 ? { value: true, seen: '' } : { seen: foreign.slice(0, 5).map((p) => `${p.metadata?.namespace}/${p.metadata?.name} on ${p.spec?.nodeName ?? '-'}`).join(', ') };
    }, 180_000);
    const r = await cli(['plan', '--kubeconfig', kubeconfig, '--vngs', vngsFile, '--nodes', `pool=old,${RUN_LABEL}=${RUN}`, '-o', 'json']);
    expect(r.code, r.err).toBe(0);
    const plan = JSON.parse(r.out) as { feasible: boolean; oldNodes: { name: string }[]; pods: unknown[] };
    expect(plan.feasible).toBe(true);
    expect(plan.oldNodes.map((n) => n.name).sort()).toEqual([...OLD].sort());
    expect(plan.pods).toHaveLength(TOTAL);
    const sim = await cli(['simulate', '--kubeconfig', kubeconfig, '--vngs', vngsFile, '--nodes', `pool=old,${RUN_LABEL}=${RUN}`, '--seed', '3', '-o', 'json']);
    expect(sim.code, `${sim.err}\n${sim.out.slice(0, 3000)}`).toBe(0);
    expect((JSON.parse(sim.out) as { status: string }).status).toBe('Completed');
  });

  it('run refuses an infeasible plan: exit 2, one line, nothing done', async () => {
    const tainted = join(dir, 'vngs-tainted.json');
    writeFileSync(
      tainted,
      JSON.stringify({
        launchSpecs: [{ name: 'gpu-only', instanceTypes: ['m5.xlarge'], subnetIds: ['subnet-a'], taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }],
        subnetZones: { 'subnet-a': ZONES[0] },
      }),
    );
    const args = runArgs.map((a) => (a === vngsFile ? tainted : a));
    const r = await cli(['run', '--kubeconfig', kubeconfig, ...args]);
    expect(r.code, r.err + r.out).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^vngshift: refusing to start: the plan is not feasible \(NOT FEASIBLE: 60 of 60 moving pods fit no VNG\); --allow-infeasible runs it anyway/);
    const nodes = (await core.listNode({ labelSelector: `pool=old,${RUN_LABEL}=${RUN}` })).items;
    expect(nodes.filter((n) => n.spec?.unschedulable === true)).toEqual([]);
    await expect(coordination.readNamespacedLease({ name: `vngshift-${MIGRATION}`, namespace: STATE_NS })).rejects.toMatchObject({ code: 404 });
  });

  it('run --dry-run says what it would do and changes nothing', async () => {
    const r = await cli(['run', '--kubeconfig', kubeconfig, ...runArgs, '--dry-run']);
    if (process.env['VNGSHIFT_E2E_VERBOSE']) process.stderr.write(`--- dry run (exit ${r.code})\n${r.out}${r.err}\n`);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/dry run: would cordon Node old-/);
    expect(r.out).toMatch(/dry run: would evict Pod /);
    const nodes = (await core.listNode({ labelSelector: `pool=old,${RUN_LABEL}=${RUN}` })).items;
    expect(nodes.filter((n) => n.spec?.unschedulable === true)).toEqual([]);
    expect((await podsOf()).filter(runningReady)).toHaveLength(TOTAL);
    const status = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', MIGRATION]);
    expect(status.code).toBe(1);
    expect(status.err).toContain(`no migration "${MIGRATION}"`);
  });

  it('SIGTERM stops the executor at a safe point: exit 4, state persisted Running, Lease released', async () => {
    const r = start(['run', '--kubeconfig', kubeconfig, ...runArgs]);
    await waitFor('batch 1 to start', () => Promise.resolve({ value: /batch 1\/\d+: started/.test(r.out()) ? true : undefined, seen: r.out() }), 120_000);
    r.child.kill('SIGTERM');
    const res = await r.done;
    expect(res.code, res.out + res.err).toBe(4);
    expect(res.out).toMatch(/SIGTERM: stopping at the next safe point/);
    expect(res.out).toMatch(/interrupted at a safe point; run the same command to resume/);
    const status = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', MIGRATION, '-o', 'json']);
    expect(status.code, status.err).toBe(0);
    expect((JSON.parse(status.out) as { status: string }).status).toBe('Running');
    const lease = await coordination.readNamespacedLease({ name: `vngshift-${MIGRATION}`, namespace: STATE_NS });
    expect(lease.spec?.holderIdentity ?? '').toBe('');
  }, 300_000);

  it('two executors at once: one holds the Lease and resumes the migration, the other waits; old nodes gone, every pod on new nodes', async () => {
    const [a, b] = await Promise.all([cli(['run', '--kubeconfig', kubeconfig, ...runArgs]), cli(['run', '--kubeconfig', kubeconfig, ...runArgs])]);
    const both = `--- A (exit ${a.code})\n${a.out}${a.err}\n--- B (exit ${b.code})\n${b.out}${b.err}`;
    if (process.env['VNGSHIFT_E2E_VERBOSE']) process.stderr.write(`${both}\n`);
    expect(a.code, both).toBe(0);
    expect(b.code, both).toBe(0);
    const acted = [a, b].filter((r) => /migration resumed/.test(r.out) && /batch \d+\/\d+: done/.test(r.out));
    const waited = [a, b].filter((r) => /waiting for the Lease/.test(r.out));
    expect(acted, both).toHaveLength(1);
    expect(waited, both).toHaveLength(1);
    expect(acted[0]).not.toBe(waited[0]);
    expect(acted[0]?.out).toMatch(/resuming migration e2e from its persisted state \(Running, batch 1 of \d+\)/);
    expect(acted[0]?.out).toMatch(/migration completed/);
    expect(acted[0]?.out).toMatch(/Migration e2e: Completed/);
    // The one that waited took the Lease after the first released it, and found the migration over.
    expect(waited[0]?.out).not.toMatch(/batch \d+\/\d+: (started|drained|done)/);
    expect(waited[0]?.out).toMatch(/Migration e2e: Completed/);

    const old = (await core.listNode({ labelSelector: `pool=old,${RUN_LABEL}=${RUN}` })).items;
    expect(old.map((n) => n.metadata?.name)).toEqual([]);
    const fresh = new Set((await core.listNode({ labelSelector: `pool=new,${RUN_LABEL}=${RUN}` })).items.map((n) => n.metadata?.name));
    expect(fresh.size).toBeGreaterThan(0);
    const pods = await waitFor(`${TOTAL} pods Running and Ready on new nodes`, async () => {
      const all = await podsOf();
      const ok = all.filter((p) => runningReady(p) && fresh.has(p.spec?.nodeName ?? ''));
      return { value: ok.length === TOTAL && all.length === TOTAL ? ok : undefined, seen: describePods(all) };
    }, 60_000);
    expect(pods).toHaveLength(TOTAL);
  }, 900_000);

  it('status prints the migration as Completed, in text and JSON', async () => {
    const text = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', MIGRATION]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^Migration e2e: Completed/);
    expect(text.out).toMatch(/new instances\s+\d+/);
    expect(text.out).toMatch(/pods remaining\s+0/);
    const json = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', MIGRATION, '-o', 'json']);
    const v = JSON.parse(json.out) as { status: string; counts: { newInstances: number; podsRemaining: number; unscheduledPods: number }; oldInstances: { state: string }[] };
    expect(v.status).toBe('Completed');
    expect(v.counts.podsRemaining).toBe(0);
    expect(v.counts.unscheduledPods).toBe(0);
    expect(v.counts.newInstances).toBeGreaterThan(0);
    expect(v.oldInstances.map((i) => i.state)).toEqual(Array.from({ length: OLD.length }, () => 'terminated'));
    const stop = await cli(['stop', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', MIGRATION]);
    expect(stop.code, stop.err).toBe(0);
    expect(stop.out).toContain('has already ended: Completed');
  });

  it('run on an ended migration prints it and, with --idle-after-end (the Deployment), stays up until signalled', async () => {
    const r = start(['run', '--kubeconfig', kubeconfig, ...runArgs, '--idle-after-end']);
    await waitFor('idling', () => Promise.resolve({ value: /idling until signalled/.test(r.out()) ? true : undefined, seen: r.out() }), 60_000);
    expect(r.out()).toMatch(/migration e2e has already ended: Completed/);
    expect(r.out()).toMatch(/Migration e2e: Completed/);
    r.child.kill('SIGTERM');
    const res = await r.done;
    expect(res.code, res.out + res.err).toBe(0);
  });
});
