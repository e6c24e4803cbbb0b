/**
 * Small helpers shared by realistic-migration.test.ts and pdb-blocked.test.ts: the CLI as a child process, polling, KWOK
 * old nodes, and cleanup by run label.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';

export const RUN_LABEL = 'vngshift.e2e/run';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, probe: () => Promise<{ value?: T; seen: string }>, timeoutMs = 120_000, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await probe();
    if (r.value !== undefined) return r.value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last seen: ${r.seen}`);
    await sleep(everyMs);
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

/** Runs bin/vngshift.js (the build of the code under test) and collects its output. */
export function cli(args: readonly string[], timeoutMs = 600_000): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/vngshift.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ms: Date.now() - started });
    });
  });
}

export const isReady = (conditions: readonly { type: string; status: string }[] | undefined): boolean =>
  conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export const runningReady = (p: k8s.V1Pod): boolean =>
  p.metadata?.deletionTimestamp === undefined && p.status?.phase === 'Running' && isReady(p.status.conditions);

export function describePods(pods: readonly k8s.V1Pod[]): string {
  const by: Record<string, number> = {};
  for (const p of pods) {
    const k = `${p.status?.phase ?? '?'}${p.spec?.nodeName ? '' : '/unbound'}${runningReady(p) ? '' : '/notready'}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  return JSON.stringify(by);
}

export interface OldNodeSpec {
  readonly name: string;
  readonly zone: string;
  readonly instanceType: string;
  readonly capacity: { cpu: string; memory: string; pods: string };
  readonly allocatable: { cpu: string; memory: string; pods: string };
  readonly labels: Record<string, string>;
}

/** A KWOK node (annotation kwok.x-k8s.io/node=fake) with the well-known labels and an EC2-like providerID. */
export async function createKwokNode(core: k8s.CoreV1Api, n: OldNodeSpec): Promise<string> {
  const id = `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
  await core.createNode({
    body: {
      metadata: {
        name: n.name,
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: {
          type: 'kwok',
          'kubernetes.io/hostname': n.name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': n.instanceType,
          'topology.kubernetes.io/zone': n.zone,
          'topology.kubernetes.io/region': 'us-east-1',
          ...n.labels,
        },
      },
      spec: { providerID: `aws:///${n.zone}/${id}` },
      status: { capacity: n.capacity, allocatable: n.allocatable },
    },
  });
  return id;
}

/** The namespace, once its default ServiceAccount exists (pods cannot be created before). */
export async function createNamespace(core: k8s.CoreV1Api, name: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } });
  await waitFor(`ServiceAccount ${name}/default`, async () => {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return { value: true, seen: 'present' };
    } catch {
      return { seen: 'absent' };
    }
  });
}

/** Deletes the namespaces and every node carrying the run label. */
export async function cleanup(core: k8s.CoreV1Api | undefined, run: string, namespaces: readonly string[]): Promise<void> {
  if (!core) return;
  for (const ns of namespaces) await core.deleteNamespace({ name: ns }).catch(() => undefined);
  const nodes = (await core.listNode({ labelSelector: `${RUN_LABEL}=${run}` }).catch(() => null))?.items ?? [];
  for (const n of nodes) await core.deleteNode({ name: n.metadata?.name ?? '' }).catch(() => undefined);
}
