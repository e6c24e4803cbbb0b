/**
 * The same migration against a kind cluster (scripts/kind/up.sh: two old workers labelled vngshift.io/migrate=true, two
 * workers that play a VNG's nodes). The run uses the `external` capacity provider, since kind's nodes already exist: pods
 * move off the old workers onto the general ones, which stay cordoned-and-drained (no instance to terminate in kind).
 *
 * kind needs its CLI and a Docker engine; where either is missing the test is skipped and its title says which.
 */
import { spawnSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, sleep } from './helpers/cluster-kit.js';

function kindMissing(): string | null {
  if (spawnSync('kind', ['version'], { encoding: 'utf8' }).status !== 0) return 'kind not found on PATH';
  if (spawnSync('docker', ['info'], { encoding: 'utf8' }).status !== 0) return 'no Docker engine answers docker info';
  return null;
}

const missing = kindMissing();
const NS = 'vngshift-kind-e2e';
const KUBECONFIG = '.tools/kind/kubeconfig';

function cli(args: readonly string[]) {
  return spawnSync(process.execPath, ['bin/vngshift.js', ...args], { encoding: 'utf8', timeout: 900_000 });
}

describe('kind e2e', () => {
  afterAll(() => {
    if (missing === null && process.env['VNGSHIFT_KIND_KEEP'] !== '1') spawnSync('bash', ['scripts/kind/down.sh'], { stdio: 'inherit' });
  });

  it.skipIf(missing !== null)(`migrates a Deployment off the old kind workers${missing !== null ? ` (skipped: ${missing})` : ''}`, async () => {
    const up = spawnSync('bash', ['scripts/kind/up.sh', KUBECONFIG], { encoding: 'utf8' });
    expect(up.status, up.stderr).toBe(0);
    const { core, apps, policy } = connect(KUBECONFIG);
    const nodes = (await core.listNode()).items;
    const general = nodes.filter((n) => n.metadata?.labels?.['node-group'] === 'general').map((n) => n.metadata?.name ?? '');
    const old = nodes.filter((n) => n.metadata?.labels?.['vngshift.io/migrate'] === 'true').map((n) => n.metadata?.name ?? '');
    expect(general).toHaveLength(2);
    expect(old).toHaveLength(2);
    const setUnschedulable = (name: string, value: boolean) =>
      core.patchNode({ name, body: { spec: { unschedulable: value } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));

    // The workload starts on the old workers only.
    for (const n of general) await setUnschedulable(n, true);
    await core.createNamespace({ body: { metadata: { name: NS } } }).catch(() => undefined);
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 8,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '50m', memory: '32Mi' } } }] },
          },
        },
      },
    });
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name: 'web' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } } } });
    for (let i = 0; i < 120; i++) {
      const pods = (await core.listNamespacedPod({ namespace: NS })).items;
      if (pods.length === 8 && pods.every((p) => p.status?.phase === 'Running')) break;
      await sleep(2000);
    }
    for (const n of general) await setUnschedulable(n, false);

    const run = cli(['run', '--kubeconfig', KUBECONFIG, '--vngs', 'scripts/kind/vngs.json', '--nodes', 'vngshift.io/migrate=true', '--capacity', 'external', '--no-should-terminate-drained-nodes', '--batch-size-percentage', '50', '--allow-infeasible']);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const pods = (await core.listNamespacedPod({ namespace: NS })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
    expect(pods.map((p) => p.spec?.nodeName).every((n) => n !== undefined && general.includes(n))).toBe(true);
    const status = cli(['status', '--kubeconfig', KUBECONFIG]);
    expect(status.stdout).toMatch(/Completed/);
  });
});
