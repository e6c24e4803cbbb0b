/**
 * The Indexed Job `vngshift chaos --emit-job` prints is accepted by a real API server: created in a namespace of the e2e
 * control plane, it reads back as an Indexed Job with its completions, parallelism and the shard arguments its pods run.
 * (Its pods never start here: the e2e cluster has no image registry and no kubelet that runs containers; chaos-sweep.test.ts
 * runs a sweep's pods with a local pod runner.)
 */
import { spawnSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { load as parse } from 'js-yaml';
import { connect } from './helpers/cluster-kit.js';

const NS = `chaos-job-${Date.now().toString(36)}`;
let core: k8s.CoreV1Api;
let batch: k8s.BatchV1Api;

beforeAll(async () => {
  ({ core, batch } = connect(inject('kubeconfigPath')));
  await core.createNamespace({ body: { metadata: { name: NS } } });
});

afterAll(async () => {
  await core?.deleteNamespace({ name: NS }).catch(() => undefined);
});

describe('chaos --emit-job against the real API server', () => {
  it('creates an Indexed Job the API server validates and stores as emitted', async () => {
    const out = spawnSync(
      process.execPath,
      ['bin/vngshift.js', 'chaos', '--runs', '5000', '--seed', '100', '--shards', '10', '--parallelism', '3', '--emit-job', '--image', 'registry.example/vngshift:0.1.0', '--job-name', 'sweep', '--namespace', NS],
      { encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    const manifest = parse(out.stdout) as k8s.V1Job;
    // Server-side dry run first: full validation and admission, nothing stored.
    const dry = await batch.createNamespacedJob({ namespace: NS, body: manifest, dryRun: 'All' });
    expect(dry.spec?.completionMode).toBe('Indexed');
    await expect(batch.readNamespacedJob({ name: 'sweep', namespace: NS })).rejects.toMatchObject({ code: 404 });

    const created = await batch.createNamespacedJob({ namespace: NS, body: manifest });
    expect(created.metadata?.uid).toBeTruthy();
    const job = await batch.readNamespacedJob({ name: 'sweep', namespace: NS });
    expect(job.spec?.completionMode).toBe('Indexed');
    expect(job.spec?.completions).toBe(10);
    expect(job.spec?.parallelism).toBe(3);
    expect(job.spec?.backoffLimitPerIndex).toBe(0);
    expect(job.spec?.podFailurePolicy?.rules).toHaveLength(2);
    const c = job.spec?.template.spec?.containers[0];
    expect(c?.args).toEqual(expect.arrayContaining(['--shards', '10', '--shard-index-env', 'JOB_COMPLETION_INDEX']));

    // A broken manifest is refused: the API server does validate what we send.
    const broken = { ...manifest, spec: { ...manifest.spec, completionMode: 'Sideways' } } as k8s.V1Job;
    await expect(batch.createNamespacedJob({ namespace: NS, body: { ...broken, metadata: { name: 'broken' } }, dryRun: 'All' })).rejects.toMatchObject({ code: 422 });
  });
});
