/**
 * A chaos sweep beyond one machine, end to end on the e2e control plane: `vngshift chaos --emit-job` gives an Indexed Job of
 * 4 shards over 20,000 seeds (CHAOS_SWEEP_RUNS to change), the Job controller creates its pods, kube-scheduler places them
 * on a KWOK node that offers as many CPUs as this machine has (so as many shards run at once as there are cores: each pod
 * asks for one), KWOK starts them, and the local pod runner (helpers/local-pod-runner.ts) runs each pod's command with its
 * JOB_COMPLETION_INDEX, keeps its output as the pod's log and writes its terminal status from the exit code. The Job must
 * complete with every index; the four logs, as `kubectl logs` would return them, merge with `vngshift chaos --merge` into
 * one report of every seed once, no violation, and each shard's runs per second; a few seeds run again alone give the
 * records the shards reported.
 */
import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { load as parse } from 'js-yaml';
import { cleanup, cli, connect, createNamespace, RUN_LABEL, waitFor, waitOldNodesReady } from './helpers/cluster-kit.js';
import { startPodRunner, type PodRunner } from './helpers/local-pod-runner.js';

const RUN = `chaos-sweep-${Date.now().toString(36)}`;
const NS = RUN;
const NODE = `kwok-${RUN}`;
const RUNNER_LABEL = 'vngshift.e2e/chaos-runner';
const JOB = 'sweep';
const RUNS = Number(process.env['CHAOS_SWEEP_RUNS'] ?? 20_000);
const SHARDS = 4;
/** Seeds of their own: the chaos budget of the default tier runs 1,000,000-1,001,499 and 1,500,000-1,500,499. */
const SEED = 3_000_000;
/** Wall-clock limit of the sweep: generous on a loaded 2-core machine; the figures are printed, not asserted. */
const SWEEP_TIMEOUT_MS = 40 * 60_000;

const logDir = mkdtempSync(join(tmpdir(), 'vngshift-chaos-sweep-'));
let core: k8s.CoreV1Api;
let batch: k8s.BatchV1Api;
let runner: PodRunner | null = null;

beforeAll(async () => {
  ({ core, batch } = connect(inject('kubeconfigPath')));
  await createNamespace(core, NS);
  // A KWOK node only this Job's pods may use (taint and label), with this machine's CPUs as its capacity.
  await core.createNode({
    body: {
      metadata: {
        name: NODE,
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: { type: 'kwok', 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', [RUN_LABEL]: RUN, [RUNNER_LABEL]: RUN },
      },
      spec: { taints: [{ key: RUNNER_LABEL, value: RUN, effect: 'NoSchedule' }] },
      status: {
        capacity: { cpu: String(availableParallelism()), memory: '16Gi', pods: '110' },
        allocatable: { cpu: String(availableParallelism()), memory: '16Gi', pods: '110' },
      },
    },
  });
  await waitOldNodesReady(core, `${RUNNER_LABEL}=${RUN}`, 1);
});

afterAll(async () => {
  await runner?.stop({ kill: true }).catch(() => undefined);
  await cleanup(core, RUN, [NS]);
  rmSync(logDir, { recursive: true, force: true });
});

interface Merged {
  runs: number;
  seed: number;
  violations: unknown[];
  errors: unknown[];
  results: { seed: number }[];
  shards: { shard: { index: number; of: number } | null; seed: number; runs: number; runsPerSecond: number; elapsedSeconds: number; workers: number }[];
  missingShards: number[];
}

/** The Job `vngshift chaos --emit-job` prints for these flags, sent to the runner node. */
async function emitJob(name: string, flags: readonly string[]): Promise<k8s.V1Job> {
  const emitted = await cli(['chaos', ...flags, '--emit-job', '--image', 'registry.invalid/vngshift:e2e', '--job-name', name, '--namespace', NS]);
  expect(emitted.code, emitted.err).toBe(0);
  const job = parse(emitted.out) as k8s.V1Job;
  const pod = job.spec?.template.spec;
  if (!pod) throw new Error('the emitted Job has no pod template');
  // Where the pods go is the cluster's business: these go to the runner node.
  pod.nodeSelector = { [RUNNER_LABEL]: RUN };
  pod.tolerations = [{ key: RUNNER_LABEL, operator: 'Equal', value: RUN, effect: 'NoSchedule' }];
  return job;
}

/** Runs the Job's pods with the local pod runner until the Job ends (Complete or Failed). */
async function runJob(job: k8s.V1Job, timeoutMs: number): Promise<{ job: k8s.V1Job; type: string; seconds: number; runner: PodRunner }> {
  const name = job.metadata?.name ?? '';
  const r = startPodRunner({
    core,
    namespace: NS,
    labelSelector: `app.kubernetes.io/instance=${name}`,
    node: NODE,
    logDir,
    // The image's `vngshift` is the built CLI of this checkout.
    resolveCommand: ([cmd, ...args]) => (cmd === 'vngshift' ? [process.execPath, 'bin/vngshift.js', ...args] : [cmd ?? '', ...args]),
  });
  runner = r;
  const started = Date.now();
  await batch.createNamespacedJob({ namespace: NS, body: job });
  const done = await waitFor(
    `Job ${NS}/${name} to end`,
    async () => {
      const j = await batch.readNamespacedJob({ name, namespace: NS });
      const ended = j.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
      const seen = `succeeded ${j.status?.succeeded ?? 0}, failed ${j.status?.failed ?? 0}, active ${j.status?.active ?? 0}; runner: ${r.runs.map((x) => `${x.index}:${x.exitCode ?? 'running'}`).join(' ')}`;
      return { value: ended ? { job: j, type: ended.type } : undefined, seen };
    },
    timeoutMs,
    2000,
  );
  const seconds = (Date.now() - started) / 1000;
  await r.stop();
  runner = null;
  return { ...done, seconds, runner: r };
}

describe(`a chaos sweep of ${RUNS} seeds over ${SHARDS} shards as an Indexed Job`, () => {
  it(
    'the Job completes every index, and the pod logs merge into one report with each shard\'s runs per second',
    async () => {
      const job = await emitJob(JOB, ['--runs', String(RUNS), '--seed', String(SEED), '--shards', String(SHARDS)]);
      const done = await runJob(job, SWEEP_TIMEOUT_MS);
      const seconds = done.seconds;

      const runs = [...done.runner.runs].sort((a, b) => Number(a.index) - Number(b.index));
      expect(runs.map((r) => [r.index, r.exitCode])).toEqual(Array.from({ length: SHARDS }, (_, i) => [String(i), 0]));
      expect(done.type).toBe('Complete');
      expect(done.job.status?.succeeded).toBe(SHARDS);
      expect(done.job.status?.completedIndexes).toBe(`0-${SHARDS - 1}`);

      const logs = runs.map((r) => r.logFile);
      const json = await cli(['chaos', '--merge', ...logs, '-o', 'json']);
      expect(json.code, json.err).toBe(0);
      const merged = JSON.parse(json.out) as Merged;
      expect(merged.runs).toBe(RUNS);
      expect(merged.seed).toBe(SEED);
      expect(merged.violations).toEqual([]);
      expect(merged.errors).toEqual([]);
      expect(merged.results.map((r) => r.seed)).toEqual(Array.from({ length: RUNS }, (_, i) => SEED + i));
      expect(merged.missingShards).toEqual([]);
      expect(merged.shards.map((s) => s.shard?.index)).toEqual(Array.from({ length: SHARDS }, (_, i) => i));
      for (const s of merged.shards) expect(s.runsPerSecond).toBeGreaterThan(0);

      const text = await cli(['chaos', '--merge', ...logs]);
      expect(text.code, text.err).toBe(0);
      for (let i = 0; i < SHARDS; i++) expect(text.out).toMatch(new RegExp(`shard ${i}/${SHARDS} seeds \\d+-\\d+: \\d+ run\\(s\\) in [\\d.]+ s on 1 worker\\(s\\): [\\d.]+ runs/s`));
      expect(text.out).toMatch(new RegExp(`${RUNS} run\\(s\\) merged from ${SHARDS} file\\(s\\)`));

      // The shards ran what a run of one seed alone gives: the first seed, one in the middle, the last.
      for (const seed of [SEED, SEED + Math.floor(RUNS / 2), SEED + RUNS - 1]) {
        const one = await cli(['chaos', '--runs', '1', '--seed', String(seed), '--workers', '1', '-o', 'json']);
        expect(one.code, one.err).toBe(0);
        const alone = (JSON.parse(one.out) as { results: { seed: number }[] }).results[0];
        expect(merged.results.find((r) => r.seed === seed)).toEqual(alone);
      }

      const perShard = merged.shards.map((s) => `shard ${s.shard?.index}: ${s.runs} runs in ${s.elapsedSeconds.toFixed(1)} s, ${s.runsPerSecond.toFixed(1)} runs/s`);
      process.stdout.write(`chaos sweep: ${RUNS} seeds, ${SHARDS} shards, Job complete in ${seconds.toFixed(0)} s on ${availableParallelism()} core(s)\n  ${perShard.join('\n  ')}\n`);
    },
    SWEEP_TIMEOUT_MS + 5 * 60_000,
  );

  it('shards that exit non-zero fail their index and the Job (its pod failure policy, on the exit codes the runner reports)', async () => {
    const job = await emitJob('broken', ['--runs', '4', '--seed', String(SEED), '--shards', '2']);
    const c = job.spec?.template.spec?.containers[0];
    if (!c?.args) throw new Error('the emitted Job has no container arguments');
    // A profile that does not exist: each pod's command exits 1 (bad input), which the policy turns into FailIndex.
    c.args = [...c.args, '--profile', 'storm'];
    const done = await runJob(job, 5 * 60_000);
    expect(done.runner.runs.map((r) => r.exitCode)).toEqual([1, 1]);
    expect(done.type).toBe('Failed');
    expect(done.job.status?.failedIndexes).toBe('0,1');
    expect(done.job.status?.succeeded ?? 0).toBe(0);
  });
});
