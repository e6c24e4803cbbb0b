/**
 * `vngshift run` end to end against the real control plane (test/e2e/harness): 6 KWOK old nodes carrying 60 pods of two
 * Deployments (one under a PDB), a VNG whose nodes the kwok capacity provider creates. `plan --kubeconfig` reads it live,
 * `run --dry-run` changes nothing; a run stopped by SIGTERM after its first batch started exits 4 with the state persisted;
 * then two executors start at once: exactly one takes the Lease and resumes the migration to the end (old nodes gone, every
 * pod Running and Ready on new nodes), the other waits on the Lease, then finds the migration Completed. `status` prints it
 * as Ocean's console would.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
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
  runningReady,
  startCli,
  waitForWith,
  waitForeignPodsGone,
  waitOldNodesReady,
  waitPodsReady,
  writeNewPoolVngs,
} from './helpers/cluster-kit.js';

const RUN = `r${Date.now().toString(36)}`;
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

const POLL = { timeoutMs: 120_000, everyMs: 500 };
const waitFor = waitForWith(POLL);

const podsOf = async (): Promise<k8s.V1Pod[]> => (await core.listNamespacedPod({ namespace: NS })).items;

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
  ({ core, apps, policy, coordination } = connect(kubeconfig));

  writeNewPoolVngs(vngsFile, 'new-general', RUN);

  // Six old m5.large nodes that KWOK runs.
  for (const [i, name] of OLD.entries()) {
    await createKwokNode(core, { ...M5_LARGE, name, zone: ZONES[i % 2] as string, labels: { pool: 'old', [RUN_LABEL]: RUN } });
  }
  await waitOldNodesReady(core, `pool=old,${RUN_LABEL}=${RUN}`, OLD.length, POLL);

  await createNamespace(core, NS, POLL);
  for (const w of WORKLOADS) {
    await createDeployment(apps, NS, { ...w, nodeSelector: { [RUN_LABEL]: RUN }, terminationGracePeriodSeconds: 1, requests: { cpu: '100m', memory: '128Mi' } });
  }
  await policy.createNamespacedPodDisruptionBudget({
    namespace: NS,
    body: { metadata: { name: 'web' }, spec: { maxUnavailable: '40%', selector: { matchLabels: { app: 'web' } } } },
  });
  await waitPodsReady(core, NS, TOTAL, (n) => OLD.includes(n), `${TOTAL} pods Running and Ready on the old nodes`, POLL);
  await waitFor('the PDB status', async () => {
    const s = (await policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace: NS })).status;
    return { value: s?.expectedPods === 36 ? true : undefined, seen: JSON.stringify(s) };
  });
}, 300_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cleanup(core, RUN, [NS, STATE_NS]);
});

describe('vngshift run against a real control plane', () => {
  it('plan and simulate --kubeconfig read the cluster live: feasible, and the rehearsal completes', async () => {
    // plan and simulate read the whole cluster: wait until the pods other e2e files left behind (namespaces still being
    // deleted, pods of deleted nodes the pod garbage collector has not removed yet) are gone, so the rehearsal sees only
    // this file's world.
    await waitForeignPodsGone(core, [NS]);
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
    expect(r.err).toMatch(/^vngshift: refusing to start: the plan is NOT FEASIBLE: 60 of 60 moving pods fit no VNG; the migration is expected to stop with InsufficientCapacity in batch \d+; --allow-infeasible runs it anyway/);
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
    const r = startCli(['run', '--kubeconfig', kubeconfig, ...runArgs]);
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
    const pods = await waitPodsReady(core, NS, TOTAL, (n) => fresh.has(n), `${TOTAL} pods Running and Ready on new nodes`, { ...POLL, timeoutMs: 60_000 });
    expect(pods).toHaveLength(TOTAL);
  }, 900_000);

  it('status prints the migration as Completed, in text and JSON, and writes it as HTML', async () => {
    const text = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', MIGRATION]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^Migration e2e: Completed/);
    expect(text.out).toMatch(/new instances\s+\d+/);
    expect(text.out).toMatch(/pods remaining\s+0/);
    const htmlFile = join(dir, 'status.html');
    const json = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', MIGRATION, '-o', 'json', '--html-out', htmlFile]);
    const v = JSON.parse(json.out) as { status: string; batches: number; counts: { newInstances: number; podsRemaining: number; unscheduledPods: number }; oldInstances: { state: string }[] };
    // The HTML report: the status first, a finished bar per batch on the timeline, every instance listed.
    const html = readFileSync(htmlFile, 'utf8');
    expect(html).toContain('data-verdict="Completed"');
    expect(html.match(/<g class="batch" data-batch="\d+" data-start="[\d.]+" data-end="[\d.]+" data-phase="done"/g)).toHaveLength(v.batches);
    expect(html.match(/<tr data-node="[^"]+" data-state="terminated"/g)).toHaveLength(OLD.length);
    expect(html.match(/<table class="new-instances">[\s\S]*?<\/table>/)?.[0].match(/<tr data-node=/g)).toHaveLength(v.counts.newInstances);
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
    const r = startCli(['run', '--kubeconfig', kubeconfig, ...runArgs, '--idle-after-end']);
    await waitFor('idling', () => Promise.resolve({ value: /idling until signalled/.test(r.out()) ? true : undefined, seen: r.out() }), 60_000);
    expect(r.out()).toMatch(/migration e2e has already ended: Completed/);
    expect(r.out()).toMatch(/Migration e2e: Completed/);
    r.child.kill('SIGTERM');
    const res = await r.done;
    expect(res.code, res.out + res.err).toBe(0);
  });
});
