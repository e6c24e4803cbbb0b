/**
 * The timing model calibrated on a real run (test/e2e/harness's control plane): 4 KWOK old nodes carrying 48 pods of two
 * Deployments (one under a PDB) are snapshotted, then moved by `run --capacity kwok --trace-out`; `calibrate` fits the
 * timing model to the run's trace; a second rehearsal of the same world (the snapshot taken before the run) with that
 * timing file must predict the run's duration within 20%. The run prints an ETA after each batch, and `status` shows it
 * (text and JSON) once the migration has ended.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  waitForeignPodsGone,
  waitForWith,
  waitOldNodesReady,
  waitPodsReady,
  writeNewPoolVngs,
} from './helpers/cluster-kit.js';

const RUN = `c${Date.now().toString(36)}`;
const NS = `e2e-cal-${RUN}`;
const STATE_NS = `vngshift-e2e-${RUN}`;
const OLD = Array.from({ length: 4 }, (_, i) => `old-${RUN}-${i}`);
const ZONES = ['us-east-1a', 'us-east-1b'];
const WORKLOADS = [
  { name: 'web', replicas: 28 },
  { name: 'api', replicas: 20 },
];
const TOTAL = WORKLOADS.reduce((a, w) => a + w.replicas, 0);
const SELECT = `pool=old,${RUN_LABEL}=${RUN}`;

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-calibrate-'));
const vngsFile = join(dir, 'vngs.json');
const snapshot = join(dir, 'before.snapshot.json');
const traceFile = join(dir, 'trace.jsonl');
const timingFile = join(dir, 'timing.json');
let kubeconfig = '';
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let policy: k8s.PolicyV1Api;

const POLL = { timeoutMs: 120_000, everyMs: 500 };
const waitFor = waitForWith(POLL);

beforeAll(async () => {
  kubeconfig = inject('kubeconfigPath');
  ({ core, apps, policy } = connect(kubeconfig));
  writeNewPoolVngs(vngsFile, 'new-general', RUN);
  for (const [i, name] of OLD.entries()) {
    await createKwokNode(core, { ...M5_LARGE, name, zone: ZONES[i % 2] as string, labels: { pool: 'old', [RUN_LABEL]: RUN } });
  }
  await waitOldNodesReady(core, SELECT, OLD.length, POLL);
  await createNamespace(core, NS, POLL);
  for (const w of WORKLOADS) {
    await createDeployment(apps, NS, { ...w, nodeSelector: { [RUN_LABEL]: RUN }, terminationGracePeriodSeconds: 1, requests: { cpu: '100m', memory: '128Mi' } });
  }
  await policy.createNamespacedPodDisruptionBudget({
    namespace: NS,
    body: { metadata: { name: 'web' }, spec: { maxUnavailable: '25%', selector: { matchLabels: { app: 'web' } } } },
  });
  await waitPodsReady(core, NS, TOTAL, (n) => OLD.includes(n), `${TOTAL} pods Running and Ready on the old nodes`, POLL);
  await waitFor('the PDB status', async () => {
    const s = (await policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace: NS })).status;
    return { value: s?.expectedPods === 28 ? true : undefined, seen: JSON.stringify(s) };
  });
}, 300_000);

afterAll(async () => {
  // VNGSHIFT_E2E_KEEP_DIR=1 keeps the snapshot, the trace and the timing file (as it keeps the control plane's folder).
  if (process.env['VNGSHIFT_E2E_KEEP_DIR'] === '1') process.stderr.write(`run-calibrate: kept ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
  await cleanup(core, RUN, [NS, STATE_NS]);
});

describe('a timing model calibrated on a real run', () => {
  it('run --trace-out, calibrate, and a second rehearsal of the same world within 20% of the real run', async () => {
    // The world as it is before the run (only this file's pods: others' leftovers would be rehearsed too).
    await waitForeignPodsGone(core, [NS]);
    const snap = await cli(['snapshot', '--kubeconfig', kubeconfig, '-o', snapshot]);
    expect(snap.code, snap.err).toBe(0);

    const run = await cli(['run', '--kubeconfig', kubeconfig, '--vngs', vngsFile, '--capacity', 'kwok', '--nodes', SELECT, '--batch-size-percentage', '25', '--namespace', STATE_NS, '--migration-id', 'cal', '--trace-out', traceFile, '--qps', '20', '--burst', '40']);
    expect(run.code, `${run.err}\n${run.out}`).toBe(0);
    // An ETA after every batch but the last, learnt from the batches done.
    const etas = run.out.split('\n').filter((l) => / ETA .* from \d+ of 4 batches done/.test(l));
    expect(etas.length, run.out).toBeGreaterThanOrEqual(3);

    // The trace starts with the executor's settings, and records the run from start to end.
    const lines = readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: number; kind: string; detail?: Record<string, unknown> });
    expect(lines.find((e) => e.kind === 'executor.settings')?.detail).toMatchObject({ qps: 20, burst: 40, capacity: 'kwok' });
    const started = lines.find((e) => e.kind === 'migration.started')?.t ?? NaN;
    const ended = lines.find((e) => e.kind === 'migration.completed')?.t ?? NaN;
    const real = ended - started;
    expect(real).toBeGreaterThan(0);

    const cal = await cli(['calibrate', '--trace', traceFile, '--base', 'kwok', '-o', timingFile]);
    expect(cal.code, cal.err).toBe(0);
    expect(cal.err).toMatch(/^calibrate: 4 batch\(es\)/);
    const timing = JSON.parse(readFileSync(timingFile, 'utf8')) as { kind: string; timing: Record<string, number>; spread: number };
    expect(timing.kind).toBe('TimingModel');
    expect(timing.timing['clientQps']).toBe(20);

    const sim = await cli(['simulate', '--cluster', snapshot, '--vngs', vngsFile, '--nodes', SELECT, '--batch-size-percentage', '25', '--timing', timingFile, '--capacity', 'kwok', '--seed', '1', '-o', 'json']);
    expect(sim.code, sim.err).toBe(0);
    const rehearsal = JSON.parse(sim.out) as { status: string; durationSeconds: number; batches: { startedAt?: number }[] };
    expect(rehearsal.status).toBe('Completed');
    expect(rehearsal.batches).toHaveLength(4);
    const off = (rehearsal.durationSeconds - real) / real;
    process.stderr.write(`run-calibrate: real run ${real.toFixed(1)} s, calibrated rehearsal ${rehearsal.durationSeconds.toFixed(1)} s (${(off * 100).toFixed(1)} %)\n`);
    // On failure, what each side did: the batches' starts and the fitted figures.
    const realStarts = lines.filter((e) => e.kind === 'batch.started').map((e) => (e.t - started).toFixed(1));
    const simStarts = rehearsal.batches.map((b) => (b.startedAt ?? NaN).toFixed(1));
    expect(Math.abs(off), `real ${real} s (batches at ${realStarts.join(', ')}), rehearsal ${rehearsal.durationSeconds} s (batches at ${simStarts.join(', ')}); ${cal.err.trim()}`).toBeLessThanOrEqual(0.2);

    // The plan with the same timing file states its time as a range.
    const plan = await cli(['plan', '--cluster', snapshot, '--vngs', vngsFile, '--nodes', SELECT, '--batch-size-percentage', '25', '--timing', timingFile, '-o', 'json']);
    expect(plan.code, plan.err).toBe(0);
    const range = (JSON.parse(plan.out) as { estimatedRange: { lowSeconds: number; expectedSeconds: number; highSeconds: number; spread: number } }).estimatedRange;
    expect(range.spread).toBe(timing.spread);
    expect(range.lowSeconds).toBeLessThanOrEqual(range.expectedSeconds);
    expect(range.highSeconds).toBeGreaterThanOrEqual(range.expectedSeconds);

    // status shows the ETA (the migration has ended) in text and JSON.
    const text = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', 'cal']);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^ended after \d/m);
    const json = await cli(['status', '--kubeconfig', kubeconfig, '--namespace', STATE_NS, '--migration-id', 'cal', '-o', 'json']);
    expect((JSON.parse(json.out) as { eta: { basis: string; batchesDone: number } }).eta).toMatchObject({ basis: 'ended', batchesDone: 4 });
  }, 300_000);

  it('bad timing input is one line naming the file and the field', async () => {
    const bad = join(dir, 'bad-timing.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'apiVersion: vngshift.io/v1alpha1\nkind: TimingModel\ntiming:\n  podStartSeconds: fast\n');
    const r = await cli(['simulate', '--cluster', snapshot, '--vngs', vngsFile, '--nodes', SELECT, '--timing', bad]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/bad-timing\.yaml: TimingModel: timing\.podStartSeconds: /);
    const c = await cli(['calibrate', '--trace', join(dir, 'missing.jsonl')]);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/missing\.jsonl: no such file/);
  });
});
