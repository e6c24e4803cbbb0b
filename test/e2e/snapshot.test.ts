/**
 * `vngshift snapshot --kubeconfig` on the shared control plane: a small cluster (KWOK nodes, a Deployment's pods and a pod
 * bound by name, all with env values, a PDB, a Secret, a ConfigMap) is snapshotted page by page from the watch cache; the
 * file holds none of the secrets, and `plan --cluster SNAPSHOT` is byte for byte `plan --kubeconfig` (but the line naming
 * the source).
 *
 * Other e2e files share the control plane, and both reads take the whole cluster: the comparison is made on a pair of reads
 * with an unchanged snapshot before and after the live plan (retried a few times if something moved in between).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanup, cli, connect, createKwokNode, createNamespace, M5_LARGE, RUN_LABEL, runningReady, waitFor, writeNewPoolVngs } from './helpers/cluster-kit.js';

const RUN = `sn${Date.now().toString(36)}`;
const NS = `e2e-snap-${RUN}`;
const NODES = [`old-${RUN}-0`, `old-${RUN}-1`];
const PODS = 6;
const SECRETS = ['e2e-env-value-hunter2', 'ZTJlLXNlY3JldC1kYXRh', 'e2e-configmap-data', 'e2e-secret-volume-ref'];

const dir = mkdtempSync(join(tmpdir(), 'vngshift-e2e-snap-'));
const vngsFile = join(dir, 'vngs.json');
let kubeconfig = '';
let core: k8s.CoreV1Api | undefined;

/** The pod spec of the Deployment's pods, and of one stand-alone pod bound to a node by name. */
function podSpec(nodeName?: string): k8s.V1PodSpec {
  return {
    ...(nodeName !== undefined ? { nodeName } : { nodeSelector: { [RUN_LABEL]: RUN } }),
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'app',
        image: 'registry.invalid/app:1',
        env: [
          { name: 'PASSWORD', value: 'e2e-env-value-hunter2' },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'db', key: 'token' } } },
        ],
        resources: { requests: { cpu: '200m', memory: '256Mi' } },
      },
    ],
    volumes: [{ name: 'creds', secret: { secretName: 'e2e-secret-volume-ref', optional: true } }],
  };
}

beforeAll(async () => {
  kubeconfig = inject('kubeconfigPath');
  const { core: c, apps, policy } = connect(kubeconfig);
  core = c;
  writeNewPoolVngs(vngsFile, 'general', RUN);
  for (const [i, name] of NODES.entries()) {
    await createKwokNode(c, { ...M5_LARGE, name, zone: i === 0 ? 'us-east-1a' : 'us-east-1b', labels: { [RUN_LABEL]: RUN, 'vngshift.io/migrate': 'true' } });
  }
  await createNamespace(c, NS);
  await c.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'db' }, data: { token: 'ZTJlLXNlY3JldC1kYXRh' } } });
  await c.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'app' }, data: { 'app.yaml': 'e2e-configmap-data' } } });
  await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name: 'web' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } } });
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: PODS,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' }, annotations: { 'example.com/notes': 'not kept' } }, spec: podSpec() },
      },
    },
  });
  await c.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'debug', labels: { app: 'debug' } }, spec: podSpec(NODES[0]) } });
  await waitFor(`${PODS + 1} pods Running and Ready`, async () => {
    const pods = (await c.listNamespacedPod({ namespace: NS })).items;
    const ok = pods.filter(runningReady).length;
    return { value: ok === PODS + 1 ? true : undefined, seen: `${ok}/${pods.length}` };
  });
  await waitFor('the PDB to count the healthy pods', async () => {
    const s = (await policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace: NS })).status;
    return { value: s?.currentHealthy === PODS ? true : undefined, seen: JSON.stringify(s ?? {}) };
  });
}, 120_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cleanup(core, RUN, [NS]);
}, 120_000);

/** The snapshot's objects (its lines after the header, which holds the time it was taken). */
const objectsOf = (file: string): string => {
  const text = readFileSync(file, 'utf8');
  return text.slice(text.indexOf('\n'));
};

/** A plan's JSON without the line naming its source. */
const withoutSource = (json: string): string => json.replace(/\n\s*"cluster": "[^"]*",/, '');

describe('snapshot of a live cluster', () => {
  it('holds the cluster without its secrets, and plans byte for byte like plan --kubeconfig', async () => {
    const flags = ['--vngs', vngsFile, '--nodes', `${RUN_LABEL}=${RUN}`, '-o', 'json'];
    let attempt = 0;
    for (;;) {
      attempt++;
      const before = join(dir, `before-${attempt}.json`);
      const after = join(dir, `after-${attempt}.json`);
      const s1 = await cli(['snapshot', '--kubeconfig', kubeconfig, '--context', 'e2e', '--page-size', '3', '-o', before]);
      expect(s1.code, s1.err).toBe(0);
      const live = await cli(['plan', '--kubeconfig', kubeconfig, ...flags]);
      const s2 = await cli(['snapshot', '--kubeconfig', kubeconfig, '-o', after]);
      expect(s2.code, s2.err).toBe(0);
      if (objectsOf(before) !== objectsOf(after) && attempt < 5) continue;
      expect(objectsOf(after)).toBe(objectsOf(before));

      const text = readFileSync(before, 'utf8');
      expect(text).toMatch(/^\{"apiVersion":"vngshift\.io\/v2","kind":"ClusterSnapshot","metadata":\{"createdAt":"[^"]+","source":"context e2e"/);
      for (const name of NODES) expect(text).toContain(`"name":"${name}"`);
      expect(text).toContain(`"name":"debug","namespace":"${NS}"`);
      // The Deployment's pods share one set of fields; each carries its node and its service account token's volume.
      const webLines = text.match(new RegExp(`"kind":"Pod","shared":\\d+,"metadata":\\{"name":"web-[^"]+","namespace":"${NS}"[^\\n]*`, 'g')) ?? [];
      expect(webLines).toHaveLength(PODS);
      expect(new Set(webLines.map((l) => /"shared":(\d+)/.exec(l)?.[1])).size).toBe(1);
      for (const l of webLines) expect(l).toMatch(/"spec":\{"nodeName":"[^"]+","volumes":\[\{"name":"creds"\},\{"name":"kube-api-access-[a-z0-9]+"\}\]\}\}/);
      expect(text).toContain(`{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web","namespace":"${NS}"}`);
      for (const s of SECRETS) expect(text).not.toContain(s);
      for (const word of ['managedFields', '"Secret"', '"ConfigMap"', 'example.com/notes', '"env"', 'kwok.x-k8s.io/node":"fake']) expect(text).not.toContain(word);

      const fromSnapshot = await cli(['plan', '--cluster', before, ...flags]);
      expect(live.code, live.err).toBe(fromSnapshot.code);
      expect(JSON.parse(live.out)).toMatchObject({ summary: { movingPods: PODS } });
      expect(withoutSource(fromSnapshot.out)).toBe(withoutSource(live.out));
      break;
    }
  }, 120_000);
});
