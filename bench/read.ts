/**
 * `npm run bench:read`: reading a large live cluster. Loads the e2e control plane (scripts/controlplane/build.sh) with N
 * KWOK nodes and 30 pods a node, created straight through the API (pods bound with spec.nodeName, owned by objects of a
 * small custom resource so that they are moving pods with no controller acting on them, a PDB on every third owner), then
 * measures, printed and never asserted:
 * - creation: nodes, nodes Ready, pods, pods Running (KWOK plays the kubelet);
 * - `plan --kubeconfig` end to end (wall, peak RSS), and in process split into list (pages from the watch cache, fields
 *   kept as pages arrive), parse and plan; the list also as a consistent read, with larger pages, and as the typed client
 *   read the whole objects before this change;
 * - `snapshot --kubeconfig` (wall, peak RSS, size against the API's own JSON of the same objects) and `plan --cluster` of
 *   the snapshot.
 *
 * Options: --nodes N (default 500) --pods-per-node P (30) --page-size S (500) --unmanaged (nodes KWOK does not run: Ready
 * when created, no heartbeats, pods bound but Pending and tolerating the unreachable taint the node-lifecycle controller
 * puts on such nodes; for sizes KWOK's heartbeats and leases would swamp) --keep (leave the control plane
 * running, also after an error) --kubeconfig FILE (measure a cluster loaded before, with --keep) --repeat R (CLI runs, best
 * of R; default 2)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../test/e2e/harness/controlplane.js';
import { fmtMiB, fmtMs, linkData, printTable, repoRoot, resultsDir } from './util.js';

linkData();
const { loadCatalog } = await import('../src/catalog/catalog.js');
const { listClusterObjects } = await import('../src/live/read-cluster.js');
const { keepAliveAgent, rawPageGetter } = await import('../src/live/raw-list.js');
const { listPaged } = await import('../src/live/paged-list.js');
const { listAll } = await import('../src/live/informers.js');
const { ApiEtiquette } = await import('../src/live/etiquette.js');
const { parseClusterObjects } = await import('../src/model/kube/index.js');
const { buildPlan } = await import('../src/planner/plan.js');
const { parseParams } = await import('../src/model/params.js');
const { parseVngText } = await import('../src/model/vng/parse-vngs.js');

interface Options {
  nodes: number;
  podsPerNode: number;
  pageSize: number;
  unmanaged: boolean;
  keep: boolean;
  kubeconfig: string | null;
  repeat: number;
}

function options(argv: readonly string[]): Options {
  const o: Options = { nodes: 500, podsPerNode: 30, pageSize: 500, unmanaged: false, keep: false, kubeconfig: null, repeat: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => argv[++i] ?? '';
    if (a === '--nodes') o.nodes = Number(next());
    else if (a === '--pods-per-node') o.podsPerNode = Number(next());
    else if (a === '--page-size') o.pageSize = Number(next());
    else if (a === '--unmanaged') o.unmanaged = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--kubeconfig') o.kubeconfig = next();
    else if (a === '--repeat') o.repeat = Number(next());
    else throw new Error(`bench:read: unknown option ${a ?? ''}`);
  }
  return o;
}

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const MIGRATE = 'vngshift.io/migrate';
const GROUP = 'bench.vngshift.io';
const PODS_PER_OWNER = 50;
const NAMESPACES = 10;
const IN_FLIGHT = 24;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => void process.stderr.write(`bench:read: ${line}\n`);

// ---- raw API calls (JSON in, JSON out, one keep-alive connection pool) --------------------------------------------------

class Api {
  private constructor(
    private readonly kc: k8s.KubeConfig,
    private readonly agent: http.Agent | null,
  ) {}

  static async open(kc: k8s.KubeConfig): Promise<Api> {
    return new Api(kc, await keepAliveAgent(kc));
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const server = (this.kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
    const url = new URL(`${server}${path}`);
    const opts: https.RequestOptions = { method, headers: { Accept: 'application/json', 'Content-Type': 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    if (this.agent !== null) opts.agent = this.agent;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'http:' ? http : https).request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text === '' ? null : JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Creates an object; retries on 429/5xx/transport errors; 409 (exists) counts as done. Returns the object. */
  async create(path: string, body: unknown): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.call('POST', path, body);
        if (r.status === 201 || r.status === 200) return r.json as Record<string, unknown>;
        if (r.status === 409) return (await this.call('GET', `${path}/${String((body as { metadata: { name: string } }).metadata.name)}`)).json as Record<string, unknown>;
        if ((r.status !== 429 && r.status < 500) || attempt >= 8) throw new Error(`POST ${path}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
      } catch (e) {
        if (attempt >= 8 || (e instanceof Error && e.message.startsWith('POST '))) throw e;
      }
      await sleep(250 * 2 ** Math.min(attempt, 5));
    }
  }

  destroy(): void {
    this.agent?.destroy();
  }
}

/** Runs `work(i)` for i in [0, n) with at most IN_FLIGHT at once, logging progress now and then. */
async function pool(what: string, n: number, work: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  let done = 0;
  let lastLog = started;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      await work(i);
      done++;
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`${what}: ${done}/${n} (${(done / ((lastLog - started) / 1000)).toFixed(0)}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, n) }, worker));
  return performance.now() - started;
}

// ---- the cluster -------------------------------------------------------------------------------------------------------

const nodeName = (i: number): string => `old-${String(i).padStart(5, '0')}`;

function nodeBody(i: number, unmanaged: boolean): unknown {
  const name = nodeName(i);
  const zone = ZONES[i % ZONES.length] as string;
  const resources = { cpu: '8', memory: '32036Mi', pods: '58', 'ephemeral-storage': '20Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      ...(unmanaged ? {} : { annotations: { 'kwok.x-k8s.io/node': 'fake' } }),
      labels: {
        [MIGRATE]: 'true',
        'kubernetes.io/hostname': name,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm5.2xlarge',
        'topology.kubernetes.io/zone': zone,
        'topology.kubernetes.io/region': 'us-east-1',
        'eks.amazonaws.com/nodegroup': 'old',
        type: 'kwok',
      },
    },
    spec: { providerID: `aws:///${zone}/i-0c${String(i).padStart(15, '0')}` },
    status: {
      capacity: resources,
      allocatable: { ...resources, cpu: '7910m', memory: '31000Mi' },
      ...(unmanaged ? { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'bench' }] } : {}),
    },
  };
}

function podBody(k: number, nodes: number, owner: { name: string; uid: string }, unmanaged: boolean): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${owner.name}-${String(k % PODS_PER_OWNER).padStart(2, '0')}`,
      labels: { app: owner.name, bench: 'read' },
      annotations: { 'example.com/build': `build-${k % 97}` },
      ownerReferences: [{ apiVersion: `${GROUP}/v1`, kind: 'BenchWorkload', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: nodeName(k % nodes),
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'app',
          image: 'registry.invalid/app:1',
          env: [{ name: 'MODE', value: 'bench' }],
          ports: [{ containerPort: 8080, name: 'http' }],
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        },
      ],
      // Nodes no kubelet runs turn Unknown once their grace period ends and get the unreachable NoExecute taint; the
      // default toleration (300 s) would then have the taint manager delete the pods while the rest are still loading.
      ...(unmanaged ? { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] } : {}),
      ...(k % 5 === 0 ? { topologySpreadConstraints: [{ maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: owner.name } } }] } : {}),
    },
  };
}

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `benchworkloads.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'benchworkloads', singular: 'benchworkload', kind: 'BenchWorkload' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

interface Figures {
  [k: string]: number | string;
}

/** Polls `probe` (null: done) at a pace that grows with its own cost, logging what it sees every minute or so. */
async function waitUntil(what: string, probe: () => Promise<string | null>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  let lastLog = started;
  for (;;) {
    const t = performance.now();
    const seen = await probe();
    if (seen === null) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`bench:read: timed out waiting for ${what} (${seen})`);
    if (performance.now() - lastLog > 60_000) {
      lastLog = performance.now();
      log(`${what}: ${seen} after ${fmtMs(lastLog - started)}`);
    }
    await sleep(Math.max(5000, 2 * (performance.now() - t)));
  }
}

/** Counts the objects of a collection (`/api/v1/pods`) that pass `ok`, reading pages of 5000 from the watch cache. */
async function countWhere(kc: k8s.KubeConfig, path: string, ok: (o: Record<string, unknown>) => boolean): Promise<{ all: number; ok: number }> {
  const agent = await keepAliveAgent(kc);
  try {
    const r = await listPaged(new ApiEtiquette({ qps: 1000, burst: 1000 }), `list ${path}`, rawPageGetter(kc, path, agent ?? undefined), { limit: 5000, fromCache: true }, (o) => (ok(o as Record<string, unknown>) ? 1 : 0));
    return { all: r.items.length, ok: r.items.reduce((a: number, b: number) => a + b, 0) };
  } finally {
    agent?.destroy();
  }
}

const readyCondition = (o: Record<string, unknown>): boolean => {
  const conditions = ((o['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
};

async function load(kc: k8s.KubeConfig, o: Options, figures: Figures): Promise<void> {
  const api = await Api.open(kc);
  try {
    const pods = o.nodes * o.podsPerNode;
    const owners = Math.ceil(pods / PODS_PER_OWNER);
    log(`creating ${o.nodes} nodes (${o.unmanaged ? 'not run by KWOK' : 'run by KWOK'}), ${owners} owners, ${pods} pods`);
    await api.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
    for (let n = 0; n < NAMESPACES; n++) await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${n}` } });
    await waitUntil('the custom resource and the default ServiceAccounts', async () => {
      const crd = await api.call('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/benchworkloads.${GROUP}`);
      const established = ((crd.json as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
      for (let n = 0; n < NAMESPACES; n++) if ((await api.call('GET', `/api/v1/namespaces/bench-${n}/serviceaccounts/default`)).status !== 200) return `namespace bench-${n}`;
      return established ? null : 'CRD not established';
    }, 120_000);

    const started = performance.now();
    figures['nodesCreateMs'] = await pool('nodes', o.nodes, async (i) => {
      await api.create('/api/v1/nodes', nodeBody(i, o.unmanaged));
    });
    figures['nodesReadyMs'] = await waitUntil('nodes Ready', async () => {
      const c = await countWhere(kc, '/api/v1/nodes', readyCondition);
      return c.ok >= o.nodes ? null : `${c.ok}/${o.nodes} Ready`;
    }, 1_800_000);

    const ownerRefs: { name: string; uid: string; ns: string }[] = [];
    figures['ownersCreateMs'] = await pool('owners', owners, async (w) => {
      const ns = `bench-${w % NAMESPACES}`;
      const name = `app-${String(w).padStart(5, '0')}`;
      const created = await api.create(`/apis/${GROUP}/v1/namespaces/${ns}/benchworkloads`, { apiVersion: `${GROUP}/v1`, kind: 'BenchWorkload', metadata: { name }, spec: { replicas: PODS_PER_OWNER } });
      ownerRefs[w] = { name, uid: String((created['metadata'] as { uid?: string }).uid), ns };
      if (w % 3 === 0) {
        await api.create(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name },
          spec: { minAvailable: PODS_PER_OWNER - 5, selector: { matchLabels: { app: name } } },
        });
      }
    });
    figures['podsCreateMs'] = await pool('pods', pods, async (k) => {
      const owner = ownerRefs[Math.floor(k / PODS_PER_OWNER)];
      if (owner === undefined) throw new Error('bench:read: owner missing');
      await api.create(`/api/v1/namespaces/${owner.ns}/pods`, podBody(k, o.nodes, owner, o.unmanaged));
    });
    if (!o.unmanaged) {
      figures['podsRunningMs'] = await waitUntil('pods Running and Ready', async () => {
        const c = await countWhere(kc, '/api/v1/pods', (p) => (p['status'] as { phase?: string } | undefined)?.phase === 'Running' && readyCondition(p));
        return c.ok >= pods ? null : `${c.ok}/${pods} Running`;
      }, 3_600_000);
    }
    figures['loadMs'] = performance.now() - started;
    log(`cluster loaded in ${fmtMs(figures['loadMs'])}`);
  } finally {
    api.destroy();
  }
}

// ---- measurements -------------------------------------------------------------------------------------------------------

interface TimeV {
  wallS: number;
  rssBytes: number;
  code: number;
}

/** Runs the CLI under /usr/bin/time -v; stdout goes to `stdoutFile` (or nowhere). */
function timeCli(args: readonly string[], stdoutFile: string | null): TimeV {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, join(repoRoot(), 'bin', 'vngshift.js'), ...args], { encoding: 'utf8', maxBuffer: 1024 ** 3 });
  if (stdoutFile !== null) writeFileSync(stdoutFile, r.stdout);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(r.stderr)?.[1] ?? '0';
  const parts = wall.split(':').map(Number);
  const wallS = parts.reduce((a, b) => a * 60 + b, 0);
  const rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? '0');
  const code = Number(/Exit status: (\d+)/.exec(r.stderr)?.[1] ?? '-1');
  if (code !== 0 && code !== 2 && code !== 3) log(`vngshift ${args[0] ?? ''} exited ${code}: ${r.stderr.split('\n').slice(0, 3).join(' | ')}`);
  return { wallS, rssBytes: rssKiB * 1024, code };
}

/** The fastest of `repeat` runs. */
function bestOf(repeat: number, args: readonly string[], stdoutFile: string | null): TimeV {
  let best: TimeV | null = null;
  for (let i = 0; i < Math.max(1, repeat); i++) {
    const r = timeCli(args, i === 0 ? stdoutFile : null);
    if (best === null || r.wallS < best.wallS) best = r;
  }
  return best as TimeV;
}

/** Runs one measurement; a failure is recorded (and logged) instead of ending the benchmark. */
async function step(figures: Figures, name: string, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    figures[`${name}Error`] = msg.slice(0, 200);
    log(`${name} failed: ${msg.split('\n')[0] ?? ''}`);
  }
}

/** The list of every kind as client-node's typed calls gave it before (whole objects, turned back into JSON). */
async function typedListMs(kc: k8s.KubeConfig): Promise<number> {
  const api = new ApiEtiquette({ qps: 1000, burst: 1000 });
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const started = performance.now();
  const page = (c: string | undefined): { limit: number; _continue?: string } => ({ limit: 500, ...(c ? { _continue: c } : {}) });
  await listAll(api, 'nodes', (c) => core.listNode(page(c)));
  await listAll(api, 'pods', (c) => core.listPodForAllNamespaces(page(c)));
  const policy = kc.makeApiClient(k8s.PolicyV1Api);
  await listAll(api, 'pdbs', (c) => policy.listPodDisruptionBudgetForAllNamespaces(page(c)));
  return performance.now() - started;
}

async function measure(kubeconfigPath: string, o: Options, figures: Figures): Promise<void> {
  const dir = join(resultsDir(), 'work', `read-${o.nodes}n`);
  mkdirSync(dir, { recursive: true });
  const vngsFile = join(dir, 'vngs.json');
  writeFileSync(
    vngsFile,
    JSON.stringify({
      launchSpecs: [
        { name: 'general', labels: [{ key: 'vngshift.io/pool', value: 'general' }], instanceTypes: ['m5.2xlarge', 'm5.4xlarge', 'c5.4xlarge', 'r5.2xlarge'], subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'], resourceLimits: { maxInstanceCount: 20000 } },
      ],
      subnetZones: { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1b', 'subnet-c': 'us-east-1c' },
    }),
  );
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const noLimit = new ApiEtiquette({ qps: 1000, burst: 1000 });
  const planFlags = ['--vngs', vngsFile, '--nodes', `${MIGRATE}=true`, '-o', 'json'];

  // In process, as plan --kubeconfig reads: list (watch cache, pruned), parse, plan.
  await step(figures, 'inProcess', async () => {
    const pages: Record<string, number> = {};
    let t = performance.now();
    const objects = await listClusterObjects(kc, {
      fromCache: true,
      keepFields: true,
      pageSize: o.pageSize,
      onKind: (k, st) => {
        pages[k] = st.pages;
        if (st.fellBack) figures[`fellBack${k}`] = 'yes';
      },
    });
    figures['listMs'] = performance.now() - t;
    figures['podPages'] = pages['Pod'] ?? 0;
    t = performance.now();
    const cluster = parseClusterObjects(objects, 'live');
    figures['parseMs'] = performance.now() - t;
    figures['pods'] = cluster.pods.length;
    const catalog = loadCatalog();
    const { vngs } = parseVngText(readFileSync(vngsFile, 'utf8'), vngsFile, catalog);
    t = performance.now();
    const plan = buildPlan({ cluster, vngs, catalog, params: parseParams({ nodes: `${MIGRATE}=true` }, 'bench') });
    figures['planMs'] = performance.now() - t;
    figures['movingPods'] = plan.summary.movingPods;
    figures['newNodes'] = plan.newNodes.length;
  });

  // The same list other ways: a consistent read, larger pages, and whole objects as the typed client listed them before.
  await step(figures, 'listConsistent', async () => {
    const t = performance.now();
    await listClusterObjects(kc, { api: noLimit, fromCache: false, keepFields: true, pageSize: o.pageSize, onKind: (k, st) => (k === 'Pod' ? (figures['consistentPodPages'] = st.pages) : undefined) });
    figures['listConsistentMs'] = performance.now() - t;
  });
  await step(figures, 'listPage5000', async () => {
    const t = performance.now();
    await listClusterObjects(kc, { api: noLimit, fromCache: false, keepFields: true, pageSize: 5000 });
    figures['listPage5000Ms'] = performance.now() - t;
  });
  await step(figures, 'listWhole', async () => {
    const t = performance.now();
    const whole = await listClusterObjects(kc, { api: noLimit, fromCache: true, keepFields: false, pageSize: o.pageSize });
    figures['listWholeMs'] = performance.now() - t;
    let apiJsonBytes = 0;
    for (const x of whole) apiJsonBytes += Buffer.byteLength(JSON.stringify(x)) + 2;
    figures['apiJsonBytes'] = apiJsonBytes;
    whole.length = 0;
  });
  await step(figures, 'typed', async () => {
    figures['typedNodesPodsPdbsMs'] = await typedListMs(kc);
  });

  // The CLI, end to end (best of o.repeat).
  const planLive = bestOf(o.repeat, ['plan', '--kubeconfig', kubeconfigPath, ...planFlags], join(dir, 'plan-live.json'));
  figures['cliPlanLiveS'] = planLive.wallS;
  figures['cliPlanLiveRss'] = planLive.rssBytes;
  const snapFile = join(dir, 'snapshot.json');
  const snap = bestOf(o.repeat, ['snapshot', '--kubeconfig', kubeconfigPath, '-o', snapFile], null);
  figures['cliSnapshotS'] = snap.wallS;
  figures['cliSnapshotRss'] = snap.rssBytes;
  await step(figures, 'snapshotSize', () => {
    figures['snapshotBytes'] = statSync(snapFile).size;
  });
  const planSnap = bestOf(o.repeat, ['plan', '--cluster', snapFile, ...planFlags], join(dir, 'plan-snapshot.json'));
  figures['cliPlanSnapshotS'] = planSnap.wallS;
  figures['cliPlanSnapshotRss'] = planSnap.rssBytes;
  await step(figures, 'compare', () => {
    const same = (f: string): string => readFileSync(join(dir, f), 'utf8').replace(/\n\s*"cluster": "[^"]*",/, '');
    figures['plansIdentical'] = same('plan-live.json') === same('plan-snapshot.json') ? 'yes' : 'NO';
  });
}

// ---- main ---------------------------------------------------------------------------------------------------------------

const o = options(process.argv.slice(2));
const root = repoRoot();
const figures: Figures = { nodes: o.nodes, podsPerNode: o.podsPerNode, pageSize: o.pageSize, mode: o.unmanaged ? 'unmanaged' : 'kwok' };
let cp: ControlPlane | null = null;
try {
  let kubeconfigPath = o.kubeconfig;
  if (kubeconfigPath === null) {
    if (!existsSync(join(root, '.tools', 'bin', 'kube-apiserver'))) {
      const b = spawnSync('bash', [join(root, 'scripts', 'controlplane', 'build.sh')], { stdio: 'inherit' });
      if (b.status !== 0) throw new Error('bench:read: building the control plane failed');
    }
    cp = await startControlPlane({ binDir: join(root, '.tools', 'bin'), log: (l) => log(l) });
    kubeconfigPath = cp.kubeconfigPath;
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    await load(kc, o, figures);
  }
  log('measuring');
  await measure(kubeconfigPath, o, figures);
  const n = (k: string): number => Number(figures[k] ?? NaN);
  const s = (k: string): string => (figures[k] === undefined ? '-' : fmtMs(n(k)));
  const best = o.repeat > 1 ? `best of ${o.repeat}` : 'one run';
  printTable(
    `reading a live cluster: ${o.nodes} ${o.unmanaged ? 'unmanaged' : 'KWOK'} nodes, ${n('pods')} pods (page size ${o.pageSize}); loaded machine, one run each unless said`,
    ['figure', 'value'],
    [
      ['creation: nodes / Ready', `${s('nodesCreateMs')} / ${s('nodesReadyMs')}`],
      ['creation: owners + PDBs / pods / pods Running', `${s('ownersCreateMs')} / ${s('podsCreateMs')} / ${s('podsRunningMs')}`],
      ['creation in all (after the control plane is up)', s('loadMs')],
      ['list, watch cache, fields kept (as plan reads)', `${s('listMs')} (${n('podPages')} pod pages${figures['fellBackPod'] === 'yes' ? ', the cache answer cut off: read page by page' : ''})`],
      ['  parse / plan', `${s('parseMs')} / ${s('planMs')} (${n('movingPods')} moving pods, ${n('newNodes')} new nodes)`],
      ['list, consistent read (resourceVersion unset)', `${s('listConsistentMs')} (${n('consistentPodPages')} pod pages)`],
      ['list, consistent read, pages of 5000', s('listPage5000Ms')],
      ['list, whole objects', s('listWholeMs')],
      ['list of nodes, pods, PDBs by the typed client (before)', s('typedNodesPodsPdbsMs')],
      [`vngshift plan --kubeconfig (${best})`, `${n('cliPlanLiveS').toFixed(1)} s, peak RSS ${fmtMiB(n('cliPlanLiveRss'))}`],
      [`vngshift snapshot --kubeconfig (${best})`, `${n('cliSnapshotS').toFixed(1)} s, peak RSS ${fmtMiB(n('cliSnapshotRss'))}`],
      ['snapshot size / the API JSON of the same objects', `${(n('snapshotBytes') / 1e6).toFixed(1)} MB / ${(n('apiJsonBytes') / 1e6).toFixed(1)} MB (${((100 * n('snapshotBytes')) / n('apiJsonBytes')).toFixed(0)} %)`],
      [`vngshift plan --cluster SNAPSHOT (${best})`, `${n('cliPlanSnapshotS').toFixed(1)} s, peak RSS ${fmtMiB(n('cliPlanSnapshotRss'))}`],
      ['plan JSON from the snapshot = plan --kubeconfig', String(figures['plansIdentical'])],
    ],
  );
  writeFileSync(join(resultsDir(), `read-${o.nodes}n.json`), JSON.stringify(figures, null, 2));
} catch (e) {
  log(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
} finally {
  if (!o.keep) await cp?.stop();
}
if (o.keep && cp !== null) {
  log(`control plane left running; kubeconfig ${cp.kubeconfigPath} (Ctrl-C to stop)`);
  await new Promise(() => undefined);
}
