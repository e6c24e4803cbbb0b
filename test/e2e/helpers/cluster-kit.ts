/**
 * Helpers shared by the e2e test files: API clients from the harness's kubeconfig, polling, the CLI as a child process,
 * KWOK old nodes, namespaces (ready once their default ServiceAccount exists), small Deployments, waiting for objects to
 * be gone, and cleanup by run label.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';

export const RUN_LABEL = 'vngshift.e2e/run';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- API clients ---------------------------------------------------------------------------------------------------------

export interface Clients {
  readonly kc: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly policy: k8s.PolicyV1Api;
  readonly coordination: k8s.CoordinationV1Api;
  readonly batch: k8s.BatchV1Api;
}

/** The kubeconfig at `path` and the API clients the e2e files use (making a client sends no request). */
export function connect(path: string): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    policy: kc.makeApiClient(k8s.PolicyV1Api),
    coordination: kc.makeApiClient(k8s.CoordinationV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
  };
}

/** The HTTP status of an API error; undefined for any other error. */
export const statusCode = (err: unknown): number | undefined => (err instanceof k8s.ApiException ? err.code : undefined);

// ---- polling -------------------------------------------------------------------------------------------------------------

/** What a probe of waitFor answers: a value once the wait is over, and what it saw (for the timeout's message). */
export interface Seen<T> {
  readonly value?: T;
  readonly seen: string;
}

export type Probe<T> = () => Promise<Seen<T>> | Seen<T>;

/** How long a wait may take and how often it polls; waitFor's defaults (120 s, every second) where left out. */
export interface Poll {
  readonly timeoutMs?: number;
  readonly everyMs?: number;
}

/** Polls `probe` until it answers a value; on timeout the error says what was last seen. */
export async function waitFor<T>(what: string, probe: Probe<T>, timeoutMs = 120_000, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await probe();
    if (r.value !== undefined) return r.value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last seen: ${r.seen}`);
    await sleep(everyMs);
  }
}

/** waitFor with other defaults, for a file that polls at its own pace. */
export function waitForWith(defaults: Required<Poll>): <T>(what: string, probe: Probe<T>, timeoutMs?: number, everyMs?: number) => Promise<T> {
  return (what, probe, timeoutMs = defaults.timeoutMs, everyMs = defaults.everyMs) => waitFor(what, probe, timeoutMs, everyMs);
}

/** Polls `read` until it answers 404 (other errors are thrown); `stillThere` says what it found meanwhile. */
export async function waitNotFound<T>(what: string, read: () => Promise<T>, poll: Poll = {}, stillThere: (found: T) => string = () => 'still there'): Promise<void> {
  await waitFor(
    what,
    async () => {
      try {
        return { seen: stillThere(await read()) };
      } catch (err) {
        if (statusCode(err) === 404) return { value: true, seen: 'gone' };
        throw err;
      }
    },
    poll.timeoutMs,
    poll.everyMs,
  );
}

/** Best effort, for cleanup: polls `read` every 500 ms until it answers 404, for at most `timeoutMs`, and returns either way. */
export async function waitGone(read: () => Promise<unknown>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await read();
    } catch (err) {
      if (statusCode(err) === 404) return;
    }
    await sleep(500);
  }
}

// ---- the CLI as a child process ------------------------------------------------------------------------------------------

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  readonly startedAt: number;
  /** Its standard output so far. */
  out(): string;
}

/** Starts bin/vngshift.js (the build of the code under test), collecting its output; SIGKILLed after `timeoutMs`. */
export function startCli(args: readonly string[], timeoutMs = 600_000, env?: NodeJS.ProcessEnv): RunningCli {
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['bin/vngshift.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, ms: Date.now() - startedAt });
    });
  });
  return { child, done, startedAt, out: () => out };
}

/** Runs bin/vngshift.js to its end and collects its output; `env` adds to this process's environment. */
export function cli(args: readonly string[], timeoutMs = 600_000, env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return startCli(args, timeoutMs, env).done;
}

// ---- pods ----------------------------------------------------------------------------------------------------------------

export const isReady = (conditions: readonly { type: string; status: string }[] | undefined): boolean =>
  conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export const runningReady = (p: k8s.V1Pod): boolean =>
  p.metadata?.deletionTimestamp === undefined && p.status?.phase === 'Running' && isReady(p.status.conditions);

/** Pods counted by phase, unbound and not ready. */
export function describePods(pods: readonly k8s.V1Pod[]): string {
  const by: Record<string, number> = {};
  for (const p of pods) {
    const k = `${p.status?.phase ?? '?'}${p.spec?.nodeName ? '' : '/unbound'}${runningReady(p) ? '' : '/notready'}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  return JSON.stringify(by);
}

/** Pods counted by node, phase and not ready. */
export function describePodsByNode(pods: readonly k8s.V1Pod[]): string {
  const by: Record<string, number> = {};
  for (const p of pods) {
    const k = `${p.spec?.nodeName ?? '-'}:${p.status?.phase ?? '?'}${runningReady(p) ? '' : '/notready'}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  return JSON.stringify(by);
}

/**
 * Waits until the namespace holds exactly `count` pods, all Running and Ready on nodes `on` accepts, and returns them;
 * `what` names the wait in the timeout's message.
 */
export async function waitPodsReady(core: k8s.CoreV1Api, namespace: string, count: number, on: (node: string) => boolean, what: string, poll: Poll = {}): Promise<k8s.V1Pod[]> {
  return waitFor(
    what,
    async () => {
      const all = (await core.listNamespacedPod({ namespace })).items;
      const ok = all.filter((p) => runningReady(p) && on(p.spec?.nodeName ?? ''));
      return { value: ok.length === count && all.length === count ? ok : undefined, seen: describePodsByNode(all) };
    },
    poll.timeoutMs,
    poll.everyMs,
  );
}

// ---- VNGs ----------------------------------------------------------------------------------------------------------------

/**
 * Writes a VNG file (the Ocean API's launchSpecs) with one VNG `name` of m5.xlarge over subnet-a and subnet-b
 * (us-east-1a and us-east-1b), at most 10 instances, whose nodes are labelled pool=new and RUN_LABEL=`run`.
 */
export function writeNewPoolVngs(file: string, name: string, run: string): void {
  writeFileSync(
    file,
    JSON.stringify({
      launchSpecs: [
        {
          name,
          instanceTypes: ['m5.xlarge'],
          subnetIds: ['subnet-a', 'subnet-b'],
          labels: [
            { key: 'pool', value: 'new' },
            { key: RUN_LABEL, value: run },
          ],
          resourceLimits: { maxInstanceCount: 10 },
        },
      ],
      subnetZones: { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1b' },
    }),
  );
}

// ---- nodes ---------------------------------------------------------------------------------------------------------------

export interface OldNodeSpec {
  readonly name: string;
  readonly zone: string;
  readonly instanceType: string;
  readonly capacity: { cpu: string; memory: string; pods: string };
  readonly allocatable: { cpu: string; memory: string; pods: string };
  readonly labels: Record<string, string>;
  /** The EC2 instance id in its providerID; a random one if not given. */
  readonly instanceId?: string;
}

/** An m5.large as the tests fake it: 2 CPUs, 8 GiB and 29 pods, all of it allocatable. */
export const M5_LARGE: Pick<OldNodeSpec, 'instanceType' | 'capacity' | 'allocatable'> = {
  instanceType: 'm5.large',
  capacity: { cpu: '2', memory: '8Gi', pods: '29' },
  allocatable: { cpu: '2', memory: '8Gi', pods: '29' },
};

/** A KWOK node (annotation kwok.x-k8s.io/node=fake) with the well-known labels and an EC2-like providerID. */
export async function createKwokNode(core: k8s.CoreV1Api, n: OldNodeSpec): Promise<string> {
  const id = n.instanceId ?? `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
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

/** Waits until `count` old nodes (those `labelSelector` matches) are Ready. */
export async function waitOldNodesReady(core: k8s.CoreV1Api, labelSelector: string, count: number, poll: Poll = {}): Promise<void> {
  await waitFor(
    `${count} Ready old nodes`,
    async () => {
      const list = (await core.listNode({ labelSelector })).items;
      const n = list.filter((x) => isReady(x.status?.conditions)).length;
      return { value: n === count ? true : undefined, seen: `${n}/${list.length}` };
    },
    poll.timeoutMs,
    poll.everyMs,
  );
}

// ---- namespaces and workloads --------------------------------------------------------------------------------------------

export interface ServiceAccountWait extends Poll {
  /** Only a 404 means "not yet"; any other error is thrown (by default every error means "not yet"). */
  readonly notFoundOnly?: boolean;
}

/** Waits for the namespace's default ServiceAccount, which the service-account controller creates: pods cannot be created before. */
export async function waitDefaultServiceAccount(core: k8s.CoreV1Api, namespace: string, opts: ServiceAccountWait = {}): Promise<void> {
  await waitFor(
    `ServiceAccount ${namespace}/default`,
    async () => {
      try {
        await core.readNamespacedServiceAccount({ name: 'default', namespace });
        return { value: true, seen: 'present' };
      } catch (err) {
        if (opts.notFoundOnly === true && statusCode(err) !== 404) throw err;
        return { seen: 'absent' };
      }
    },
    opts.timeoutMs,
    opts.everyMs,
  );
}

/** The namespace (with `labels`, if given), once its default ServiceAccount exists. */
export async function createNamespace(core: k8s.CoreV1Api, name: string, opts: ServiceAccountWait & { readonly labels?: Record<string, string> } = {}): Promise<void> {
  await core.createNamespace({ body: { metadata: { name, ...(opts.labels ? { labels: opts.labels } : {}) } } });
  await waitDefaultServiceAccount(core, name, opts);
}

/** A Deployment of pods labelled app=<name>, with one container "app" asking for `requests`. */
export interface DeploymentSpec {
  readonly name: string;
  readonly replicas: number;
  readonly nodeSelector: Record<string, string>;
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** registry.invalid/app:1 if not given (the e2e cluster runs no container: KWOK fakes them). */
  readonly image?: string;
  readonly terminationGracePeriodSeconds?: number;
  /** More of the pod spec (topologySpreadConstraints, ...). */
  readonly pod?: Omit<k8s.V1PodSpec, 'containers' | 'nodeSelector' | 'terminationGracePeriodSeconds'>;
}

export async function createDeployment(apps: k8s.AppsV1Api, namespace: string, d: DeploymentSpec): Promise<void> {
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: d.name },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: { app: d.name } },
        template: {
          metadata: { labels: { app: d.name } },
          spec: {
            nodeSelector: d.nodeSelector,
            ...d.pod,
            ...(d.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: d.terminationGracePeriodSeconds } : {}),
            containers: [{ name: 'app', image: d.image ?? 'registry.invalid/app:1', resources: { requests: { cpu: d.requests.cpu, memory: d.requests.memory } } }],
          },
        },
      },
    },
  });
}

// ---- cleanup -------------------------------------------------------------------------------------------------------------

/** Deletes the namespaces and every node carrying the run label. */
export async function cleanup(core: k8s.CoreV1Api | undefined, run: string, namespaces: readonly string[]): Promise<void> {
  if (!core) return;
  for (const ns of namespaces) await core.deleteNamespace({ name: ns }).catch(() => undefined);
  const nodes = (await core.listNode({ labelSelector: `${RUN_LABEL}=${run}` }).catch(() => null))?.items ?? [];
  for (const n of nodes) await core.deleteNode({ name: n.metadata?.name ?? '' }).catch(() => undefined);
}

/** Deletes the namespaces and waits (at most 90 s each) until they are gone, so later files see a cluster without them. */
export async function deleteNamespacesAndWait(core: k8s.CoreV1Api | undefined, names: readonly string[]): Promise<void> {
  if (!core) return;
  for (const name of names) await core.deleteNamespace({ name }).catch(() => undefined);
  for (const name of names) await waitGone(() => core.readNamespace({ name }));
}

/**
 * Waits until no pod outside `own` (and kube-system) is left in the cluster: plan and simulate --kubeconfig read the whole
 * cluster, and the pods other e2e files left behind (namespaces still being deleted, pods of deleted nodes the pod garbage
 * collector has not removed yet) would be part of the rehearsed world.
 */
export async function waitForeignPodsGone(core: k8s.CoreV1Api, own: readonly string[], timeoutMs = 180_000): Promise<void> {
  const mine = new Set([...own, 'kube-system']);
  await waitFor(
    'pods of other e2e files to be gone',
    async () => {
      const foreign = (await core.listPodForAllNamespaces()).items.filter((p) => !mine.has(p.metadata?.namespace ?? ''));
      return foreign.length === 0
        ? { value: true, seen: '' }
        : { seen: foreign.slice(0, 5).map((p) => `${p.metadata?.namespace}/${p.metadata?.name} on ${p.spec?.nodeName ?? '-'}`).join(', ') };
    },
    timeoutMs,
  );
}

