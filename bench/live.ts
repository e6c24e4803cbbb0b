/**
 * `npm run bench:live`: a real migration on the local control plane (etcd, kube-apiserver, controller-manager, scheduler and
 * KWOK, from scripts/controlplane/build.sh). N old KWOK nodes (default 100, m5.xlarge-sized) run P pods (default 3,000, from
 * 30 Deployments, a third of them under a PDB with maxUnavailable 10%); `vngshift run --capacity kwok` moves them onto nodes
 * of one VNG. Printed, never asserted:
 * - wall time of the run, and the simulator's prediction for the same cluster: under the KWOK timing model (sim/timing-file.ts:
 *   nodes Ready in about a second, pods Ready at once, the executor's client-side rate limit), under the same model without
 *   the rate limit (the model before it was modelled), under a timing file given with --timing (e.g. one calibrated on an
 *   earlier, smaller run), under the model calibrated on this very run's trace (vngshift calibrate), and under the default
 *   (EC2) timing model;
 * - the ETA the run printed after its third batch, against the run's actual end;
 * - API requests the executor made (counted by the API server's own audit log, by user agent, between the run's start and
 *   end), per migrated pod (target <= 5), by verb and resource;
 * - the executor's CPU time (user + system, from /usr/bin/time) as a share of the wall time.
 *
 * Options: --nodes N --pods P --batch PCT --timing FILE --keep (leave the control plane running and print its kubeconfig)
 * --save DIR (copy the run's trace, the API server's audit log and the cluster as read to DIR, for bench/live-audit.ts)
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startControlPlane } from '../test/e2e/harness/controlplane.js';
import { linkData, printTable, repoRoot, resultsDir } from './util.js';

linkData();
const { loadCatalog } = await import('../src/catalog/catalog.js');
const { readClusterLive } = await import('../src/live/read-cluster.js');
const { buildPlan } = await import('../src/planner/plan.js');
const { parseParams } = await import('../src/model/params.js');
const { parseVngText } = await import('../src/model/vng/parse-vngs.js');
const { simulate } = await import('../sim/simulate.js');
const { KWOK_SIM_TIMING, loadTiming } = await import('../sim/timing-file.js');
const { fitTiming, parseTrace } = await import('../sim/calibrate.js');
const { resolveTiming } = await import('../sim/timing.js');

interface Options {
  nodes: number;
  pods: number;
  batch: number;
  keep: boolean;
  timing: string | null;
  save: string | null;
}

function options(argv: readonly string[]): Options {
  const o: Options = { nodes: 100, pods: 3000, batch: 20, keep: false, timing: null, save: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): number => Number(argv[++i]);
    if (a === '--nodes') o.nodes = next();
    else if (a === '--pods') o.pods = next();
    else if (a === '--batch') o.batch = next();
    else if (a === '--keep') o.keep = true;
    else if (a === '--timing') o.timing = argv[++i] ?? null;
    else if (a === '--save') o.save = argv[++i] ?? null;
    else throw new Error(`bench:live: unknown option ${a ?? ''}`);
  }
  return o;
}

/** The KWOK model as it was before the rate limit and the kwok provider's reaction were modelled (for the comparison). */
const KWOK_TIMING_BEFORE = { ...KWOK_SIM_TIMING, apiLatencySeconds: 0.01, evictLatencySeconds: 0.01, autoscalerIntervalSeconds: 10, clientQps: 1e9, clientBurst: 1e9 };

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const NS = 'bench';
const MIGRATE = 'vngshift.io/migrate';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function oldNode(i: number): k8s.V1Node {
  const name = `old-${String(i).padStart(3, '0')}`;
  const zone = ZONES[i % ZONES.length] as string;
  const resources = { cpu: '4', memory: '15803Mi', pods: '58', 'ephemeral-storage': '20Gi' };
  return {
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
      labels: {
        [MIGRATE]: 'true',
        'kubernetes.io/hostname': name,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm5.xlarge',
        'topology.kubernetes.io/zone': zone,
        'topology.kubernetes.io/region': 'us-east-1',
        type: 'kwok',
      },
    },
    spec: { providerID: `aws:///${zone}/i-0b${String(i).padStart(15, '0')}` },
    status: { capacity: resources, allocatable: { ...resources, cpu: '3920m', memory: '14162Mi' } },
  };
}

function deployment(i: number, replicas: number): k8s.V1Deployment {
  const app = `app-${String(i).padStart(2, '0')}`;
  return {
    metadata: { name: app, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: {
          containers: [{ name: 'app', image: 'registry.example/app:1', resources: { requests: { cpu: '100m', memory: '256Mi' } } }],
          terminationGracePeriodSeconds: 1,
        },
      },
    },
  };
}

async function waitFor(what: string, probe: () => Promise<string | null>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  for (;;) {
    const r = await probe();
    if (r === null) return;
    seen = r;
    if (Date.now() > deadline) throw new Error(`bench:live: timed out waiting for ${what} (${seen})`);
    await sleep(1000);
  }
}

interface AuditEvent {
  stage?: string;
  userAgent?: string;
  verb?: string;
  objectRef?: { resource?: string; subresource?: string };
  requestReceivedTimestamp?: string;
  user?: { username?: string };
}

function auditEvents(path: string): AuditEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AuditEvent)
    .filter((e) => e.stage === 'ResponseComplete' || e.stage === 'ResponseStarted' || e.stage === 'Panic');
}

const o = options(process.argv.slice(2));
const root = repoRoot();
if (!existsSync(join(root, '.tools', 'bin', 'kube-apiserver'))) {
  const b = spawnSync('bash', [join(root, 'scripts', 'controlplane', 'build.sh')], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('bench:live: building the control plane failed');
}
const cp = await startControlPlane({ binDir: join(root, '.tools', 'bin'), audit: true, log: (l) => process.stderr.write(`${l}\n`) });
try {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const policy = kc.makeApiClient(k8s.PolicyV1Api);

  process.stderr.write(`bench:live: ${o.nodes} old nodes, ${o.pods} pods\n`);
  for (let i = 0; i < o.nodes; i++) await core.createNode({ body: oldNode(i) });
  await waitFor('old nodes Ready', async () => {
    const nodes = (await core.listNode()).items;
    const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !(n.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/not-ready'));
    return ready.length >= o.nodes ? null : `${ready.length}/${o.nodes}`;
  }, 300_000);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  const deployments = 30;
  for (let i = 0; i < deployments; i++) {
    const replicas = Math.floor(o.pods / deployments) + (i < o.pods % deployments ? 1 : 0);
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment(i, replicas) });
    if (i % 3 === 0) {
      await policy.createNamespacedPodDisruptionBudget({
        namespace: NS,
        body: { metadata: { name: `app-${String(i).padStart(2, '0')}` }, spec: { maxUnavailable: '10%', selector: { matchLabels: { app: `app-${String(i).padStart(2, '0')}` } } } },
      });
    }
  }
  await waitFor('every pod Running and Ready', async () => {
    const pods = (await core.listNamespacedPod({ namespace: NS })).items;
    const ready = pods.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length >= o.pods ? null : `${ready.length}/${o.pods}`;
  }, 900_000);

  const vngsFile = join(cp.dir, 'vngs.json');
  writeFileSync(
    vngsFile,
    JSON.stringify({
      launchSpecs: [{ name: 'general', labels: [{ key: 'vngshift.io/pool', value: 'general' }], instanceTypes: ['m5.2xlarge'], subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'], resourceLimits: { minInstanceCount: 0, maxInstanceCount: 1000 } }],
      subnetZones: { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1b', 'subnet-c': 'us-east-1c' },
    }),
  );

  if (o.save !== null) {
    // The cluster as the run starts from it, for rehearsals with other timing figures later (`simulate --cluster`).
    mkdirSync(o.save, { recursive: true });
    copyFileSync(vngsFile, join(o.save, 'vngs.json'));
    const snap = spawnSync(process.execPath, [join(root, 'bin', 'vngshift.js'), 'snapshot', '--kubeconfig', cp.kubeconfigPath, '-o', join(o.save, 'cluster.snapshot.json')], { stdio: 'inherit' });
    if (snap.status !== 0) throw new Error('bench:live: vngshift snapshot failed');
  }

  // The simulator's prediction for this very cluster, read live.
  const catalog = loadCatalog();
  const cluster = await readClusterLive(kc);
  const { vngs } = parseVngText(readFileSync(vngsFile, 'utf8'), vngsFile, catalog);
  const params = parseParams({ nodes: `${MIGRATE}=true`, batchSizePercentage: o.batch }, 'bench');
  const plan = buildPlan({ cluster, vngs, catalog, params });
  // The run launches through the kwok provider at its reconciles: the rehearsals of it do the same (capacity 'engine'),
  // but the model before, which had an autoscaler of its own.
  const simKwok = await simulate({ cluster, vngs, catalog, plan, seed: 1, timing: KWOK_SIM_TIMING, capacity: 'engine' });
  const simBefore = await simulate({ cluster, vngs, catalog, plan, seed: 1, timing: KWOK_TIMING_BEFORE });
  const given = o.timing !== null ? loadTiming(o.timing) : null;
  const simGiven = given !== null ? await simulate({ cluster, vngs, catalog, plan, seed: 1, timing: given.timing, capacity: 'engine' }) : null;
  const simEc2 = await simulate({ cluster, vngs, catalog, plan, seed: 1 });

  // The real run.
  const usageFile = join(cp.dir, 'usage.txt');
  const traceFile = join(cp.dir, 'trace.jsonl');
  const args = ['-f', '%U %S %e', '-o', usageFile, process.execPath, join(root, 'bin', 'vngshift.js'), 'run', '--kubeconfig', cp.kubeconfigPath, '--vngs', vngsFile, '--capacity', 'kwok', '--nodes', `${MIGRATE}=true`, '--batch-size-percentage', String(o.batch), '--migration-id', 'bench', '--trace-out', traceFile];
  const startedIso = new Date().toISOString();
  const started = performance.now();
  const child = spawn('/usr/bin/time', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    process.stderr.write(d);
  });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  const wall = (performance.now() - started) / 1000;
  const endedIso = new Date().toISOString();
  const usage = (readFileSync(usageFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
  const user = usage[0] ?? NaN;
  const sys = usage[1] ?? NaN;

  // Requests in the run's window, by user agent; the executor is the client-node user agent (nothing else of ours runs).
  const inWindow = auditEvents(cp.auditLogPath ?? '').filter((e) => (e.requestReceivedTimestamp ?? '') >= startedIso && (e.requestReceivedTimestamp ?? '') <= endedIso);
  const byAgent = new Map<string, number>();
  for (const e of inWindow) {
    const ua = (e.userAgent ?? '?').split(' ')[0] ?? '?';
    byAgent.set(ua, (byAgent.get(ua) ?? 0) + 1);
  }
  const isSystem = (ua: string): boolean => /^(kube-|kwok|kubelet)/.test(ua);
  const executor = inWindow.filter((e) => !isSystem(e.userAgent ?? ''));
  const byVerb = new Map<string, number>();
  for (const e of executor) {
    const k = `${e.verb ?? '?'} ${e.objectRef?.resource ?? '?'}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''}`;
    byVerb.set(k, (byVerb.get(k) ?? 0) + 1);
  }
  // The model calibrated on this run's own trace (what `vngshift calibrate --trace ... --base kwok` writes), rehearsed again.
  const { events } = parseTrace(readFileSync(traceFile, 'utf8'));
  const fit = fitTiming(events, resolveTiming(KWOK_SIM_TIMING));
  const calibrated = { ...KWOK_SIM_TIMING, ...fit.timing };
  writeFileSync(join(resultsDir(), 'live-timing.json'), JSON.stringify({ apiVersion: 'vngshift.io/v1alpha1', kind: 'TimingModel', source: `bench:live --nodes ${o.nodes} --pods ${o.pods}`, timing: calibrated, spread: fit.spread, fit: fit.evidence }, null, 2));
  const simCalibrated = await simulate({ cluster, vngs, catalog, plan, seed: 1, timing: calibrated, capacity: 'engine' });
  // The ETA the run printed after its third batch (or its last, with fewer), against the actual end.
  const endMs = Date.parse(endedIso);
  const etaAfter = [...out.matchAll(/^(\S+) ETA .*\(at (\d\d:\d\d:\d\d) UTC\), from (\d+) of (\d+)/gm)].map((m) => ({ at: m[1] ?? '', eta: m[2] ?? '', done: Number(m[3]), of: Number(m[4]) }));
  const eta3 = etaAfter.find((e) => e.done === 3) ?? etaAfter[etaAfter.length - 1];
  let etaError = '';
  if (eta3 !== undefined) {
    const day = eta3.at.slice(0, 10);
    const etaMs = Date.parse(`${day}T${eta3.eta}Z`);
    const remainingActual = (endMs - Date.parse(eta3.at)) / 1000;
    etaError = `after batch ${eta3.done}/${eta3.of}: ETA ${eta3.eta}, ended ${endedIso.slice(11, 19)}; off by ${((etaMs - endMs) / 1000).toFixed(0)} s of ${remainingActual.toFixed(0)} s left (${(((etaMs - endMs) / 1000 / Math.max(1, wall)) * 100).toFixed(1)} % of the run)`;
  }
  const off = (sim: number): string => `${(((sim - wall) / wall) * 100).toFixed(1)} %`;
  const pods = (await core.listNamespacedPod({ namespace: NS })).items;
  const onNew = pods.filter((p) => !(p.spec?.nodeName ?? '').startsWith('old-') && p.status?.phase === 'Running').length;
  const moved = plan.summary.movingPods;
  const perPod = executor.length / Math.max(1, moved);
  const cpuShare = (user + sys) / wall;

  printTable(
    `live migration on the local control plane: ${o.nodes} KWOK nodes, ${o.pods} pods, batches of ${o.batch}%`,
    ['figure', 'value', 'target'],
    [
      ['exit code of vngshift run', String(code), '0 (Completed)'],
      ['pods Running on new nodes at the end', `${onNew}/${pods.length}`, 'all'],
      ['wall time of the run', `${wall.toFixed(1)} s`, ''],
      ['simulator, KWOK timing model (--timing kwok --capacity kwok)', `${simKwok.durationSeconds.toFixed(1)} s (${simKwok.status}), ${off(simKwok.durationSeconds)}`, 'within 20 %'],
      ['simulator, KWOK model before (no rate limit, 10 ms requests, an autoscaler of its own)', `${simBefore.durationSeconds.toFixed(1)} s (${simBefore.status}), ${off(simBefore.durationSeconds)}`, ''],
      ...(simGiven !== null && given !== null ? [[`simulator, --timing ${given.source}`, `${simGiven.durationSeconds.toFixed(1)} s (${simGiven.status}), ${off(simGiven.durationSeconds)}`, 'within 20 %']] : []),
      ['simulator, calibrated on this run', `${simCalibrated.durationSeconds.toFixed(1)} s (${simCalibrated.status}), ${off(simCalibrated.durationSeconds)}`, ''],
      ['ETA printed by the run', etaError || 'none printed', 'within 15 %'],
      ['simulator, default EC2 timing model', `${simEc2.durationSeconds.toFixed(1)} s (${simEc2.status})`, ''],
      ['executor API requests', String(executor.length), ''],
      ['API requests per migrated pod', perPod.toFixed(2), '<= 5'],
      ['executor CPU (user + system)', `${(user + sys).toFixed(1)} s`, ''],
      ['executor CPU share of wall time', `${(cpuShare * 100).toFixed(1)} %`, ''],
    ],
  );
  printTable('executor requests by verb and resource', ['request', 'count'], [...byVerb].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, String(n)]));
  printTable('all requests in the window by user agent', ['user agent', 'count'], [...byAgent].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, String(n)]));
  writeFileSync(
    join(resultsDir(), 'live.json'),
    JSON.stringify({ options: o, exitCode: code, wallSeconds: wall, simKwokSeconds: simKwok.durationSeconds, simKwokBeforeSeconds: simBefore.durationSeconds, simGivenSeconds: simGiven?.durationSeconds ?? null, simCalibratedSeconds: simCalibrated.durationSeconds, calibrated: fit, eta: etaAfter, etaError, simEc2Seconds: simEc2.durationSeconds, executorRequests: executor.length, movedPods: moved, requestsPerPod: perPod, cpuSeconds: user + sys, cpuShare, byVerb: Object.fromEntries(byVerb), byAgent: Object.fromEntries(byAgent), newNodes: plan.newNodes.length }, null, 2),
  );
  if (o.save !== null) {
    mkdirSync(o.save, { recursive: true });
    copyFileSync(traceFile, join(o.save, 'trace.jsonl'));
    if (cp.auditLogPath !== null && cp.auditLogPath !== undefined) copyFileSync(cp.auditLogPath, join(o.save, 'audit.log'));
    writeFileSync(join(o.save, 'run.txt'), out);
    writeFileSync(join(o.save, 'live.json'), readFileSync(join(resultsDir(), 'live.json')));
  }
  if (!/Completed/.test(out)) process.stderr.write('bench:live: the run did not print Completed\n');
  if (o.keep) {
    process.stderr.write(`bench:live: control plane left running; kubeconfig ${cp.kubeconfigPath} (Ctrl-C to stop)\n`);
    await new Promise(() => undefined);
  }
} finally {
  if (!o.keep) await cp.stop();
}
