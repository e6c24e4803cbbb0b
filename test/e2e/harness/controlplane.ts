/**
 * A real, local Kubernetes control plane for the e2e tier: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, and the KWOK controller faking the kubelet of every node annotated kwok.x-k8s.io/node=fake.
 * The binaries come from scripts/controlplane/build.sh (.tools/bin). Everything the processes write (certificates,
 * etcd data, logs, the admin kubeconfig) goes to one temporary folder that stop() removes.
 *
 *   const cp = await startControlPlane();
 *   try { ...use cp.kubeconfigPath... } finally { await cp.stop(); }
 *
 * Processes are killed on stop(), on this process's exit and signals, and by a small watchdog (`tail --pid`) if this
 * process dies without running its handlers (SIGKILL). Set VNGSHIFT_E2E_KEEP_DIR=1 to keep the folder (and its logs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCerts, type ClusterCerts } from './certs.js';
import { kwokConfigYaml } from './kwok-config.js';
import { controlPlaneBinDir } from './paths.js';
import { freePorts, httpGet, startProcess, stopProcess, waitReady, type ManagedProcess, type TlsOptions } from './process.js';

export interface ControlPlane {
  /** An admin kubeconfig (client certificate in system:masters, certificates embedded). */
  readonly kubeconfigPath: string;
  /** The API server's URL, https://127.0.0.1:PORT. */
  readonly server: string;
  /** The temporary folder holding certificates, etcd data, logs and the kubeconfig. */
  readonly dir: string;
  /** Log file of each process, by process name. */
  readonly logs: Readonly<Record<string, string>>;
  /** The API server's audit log (JSON lines, level Metadata) when started with `audit: true`, else null. */
  readonly auditLogPath: string | null;
  /** Stops every process and removes the folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Where the binaries are; default .tools/bin of the repo (or $VNGSHIFT_CONTROLPLANE_BIN). */
  binDir?: string;
  /** How long each process may take to become ready; default 120 s (the machine may be busy). */
  readyTimeoutMs?: number;
  /** Keep the temporary folder after stop(); default from VNGSHIFT_E2E_KEEP_DIR=1. */
  keepDir?: boolean;
  /** Progress lines; default none. */
  log?: (line: string) => void;
  /** Write an audit log of every request (metadata only: user, user agent, verb, resource, code, times); default false. */
  audit?: boolean;
}

/** Audit policy: every request at level Metadata, logged once when answered. */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
`;

export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
const SERVICE_CIDR = '10.96.0.0/16';
const KUBERNETES_SERVICE_IP = '10.96.0.1';
const ALWAYS_ALLOW = '/healthz,/readyz,/livez,/metrics';

// ---- cleanup on exit -------------------------------------------------------------------------------------------------

interface Live {
  processes: ManagedProcess[];
  dir: string;
  keepDir: boolean;
}
const live = new Set<Live>();
let handlersInstalled = false;

function killNow(l: Live): void {
  for (const p of l.processes) if (p.exitStatus() === undefined) p.child.kill('SIGKILL');
  if (!l.keepDir) rmSync(l.dir, { recursive: true, force: true });
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const l of live) killNow(l);
    live.clear();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      for (const l of live) killNow(l);
      live.clear();
      // If nobody else handles the signal, restore its default action (terminate) and deliver it again.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** A detached watchdog that outlives a SIGKILLed parent: once this process is gone it kills the pids and removes dir. */
function startWatchdog(dir: string, keepDir: boolean): ChildProcess {
  const script = [
    'parent="$1"; dir="$2"; keep="$3"',
    'tail --pid="$parent" -f /dev/null 2>/dev/null || while kill -0 "$parent" 2>/dev/null; do sleep 2; done',
    '[ -f "$dir/pids" ] && kill -9 $(cat "$dir/pids") 2>/dev/null',
    '[ "$keep" = 1 ] || rm -rf "$dir"',
  ].join('\n');
  const child = spawn('bash', ['-c', script, 'vngshift-e2e-watchdog', String(process.pid), dir, keepDir ? '1' : '0'], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

// ---- files -----------------------------------------------------------------------------------------------------------

function kubeconfig(server: string, certs: ClusterCerts): string {
  const b64 = (file: string): string => readFileSync(file).toString('base64');
  // JSON is YAML, and every kubeconfig reader accepts it.
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority-data': b64(certs.caCert) } }],
      users: [
        {
          name: 'e2e-admin',
          user: { 'client-certificate-data': b64(certs.adminCert), 'client-key-data': b64(certs.adminKey) },
        },
      ],
      contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e-admin', namespace: 'default' } }],
      'current-context': 'e2e',
    },
    null,
    2,
  );
}

// ---- start -----------------------------------------------------------------------------------------------------------

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binDir = options.binDir ?? controlPlaneBinDir();
  const timeout = options.readyTimeoutMs ?? 120_000;
  const keepDir = options.keepDir ?? process.env['VNGSHIFT_E2E_KEEP_DIR'] === '1';
  const log = options.log ?? ((): void => {});
  const bin = (name: (typeof BINARIES)[number]): string => path.join(binDir, name);
  const missing = BINARIES.filter((b) => !existsSync(bin(b)));
  if (missing.length > 0) {
    throw new Error(`control plane binaries missing in ${binDir}: ${missing.join(', ')}; run bash scripts/controlplane/build.sh`);
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'vngshift-e2e-'));
  const logDir = path.join(dir, 'logs');
  mkdirSync(logDir);
  mkdirSync(path.join(dir, 'certs'));
  const state: Live = { processes: [], dir, keepDir };
  installExitHandlers();
  live.add(state);
  const watchdog = startWatchdog(dir, keepDir);
  const logs: Record<string, string> = {};

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const [etcd, apiserver, ...rest] = state.processes;
      await Promise.all(rest.map((p) => stopProcess(p)));
      if (apiserver) await stopProcess(apiserver);
      if (etcd) await stopProcess(etcd);
      watchdog.kill('SIGKILL');
      live.delete(state);
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const run = (name: string, binary: string, args: string[]): ManagedProcess => {
    const logPath = path.join(logDir, `${name}.log`);
    logs[name] = logPath;
    appendFileSync(logPath, `$ ${binary} ${args.join(' ')}\n`);
    const p = startProcess(name, binary, args, logPath, dir);
    state.processes.push(p);
    if (p.child.pid !== undefined) appendFileSync(path.join(dir, 'pids'), `${p.child.pid}\n`);
    return p;
  };

  try {
    const started = Date.now();
    const certs = generateCerts(path.join(dir, 'certs'), KUBERNETES_SERVICE_IP);
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort, kwokPort] = await freePorts(6);
    if (
      etcdClient === undefined || etcdPeer === undefined || apiPort === undefined ||
      kcmPort === undefined || schedPort === undefined || kwokPort === undefined
    ) {
      throw new Error('could not find free ports');
    }
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfigPath = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(server, certs), { mode: 0o600 });
    const adminTls: TlsOptions = {
      ca: readFileSync(certs.caCert),
      cert: readFileSync(certs.adminCert),
      key: readFileSync(certs.adminKey),
    };
    const caOnly: TlsOptions = { ca: adminTls.ca };
    const ok = async (url: string, tls?: TlsOptions): Promise<boolean> => (await httpGet(url, tls)).status === 200;

    // etcd
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    const etcd = run('etcd', bin('etcd'), [
      '--name=e2e',
      `--data-dir=${path.join(dir, 'etcd-data')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=e2e=${peerUrl}`,
      '--initial-cluster-state=new',
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitReady(etcd, 'healthy (/health)', async () => {
      const r = await httpGet(`${etcdUrl}/health`);
      return r.status === 200 && r.body.includes('"health":"true"');
    }, timeout);
    log(`etcd ready on ${etcdUrl} (${Date.now() - started} ms)`);

    // kube-apiserver
    const auditLogPath = options.audit === true ? path.join(dir, 'logs', 'audit.log') : null;
    const auditArgs: string[] = [];
    if (auditLogPath !== null) {
      const policy = path.join(dir, 'audit-policy.yaml');
      writeFileSync(policy, AUDIT_POLICY);
      auditArgs.push(`--audit-policy-file=${policy}`, `--audit-log-path=${auditLogPath}`, '--audit-log-maxsize=0', '--audit-log-format=json', '--audit-log-mode=blocking');
    }
    const apiserver = run('kube-apiserver', bin('kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dir, 'certs', 'apiserver')}`,
      `--tls-cert-file=${certs.servingCert}`,
      `--tls-private-key-file=${certs.servingKey}`,
      `--client-ca-file=${certs.caCert}`,
      // Published in kube-system/extension-apiserver-authentication, where the controller manager and the scheduler
      // look for it (they log errors every few seconds without it); nothing here authenticates through a front proxy.
      `--requestheader-client-ca-file=${certs.caCert}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${certs.serviceAccountPub}`,
      `--service-account-signing-key-file=${certs.serviceAccountKey}`,
      '--authorization-mode=Node,RBAC',
      '--allow-privileged=true',
      // The kubernetes Service's endpoints would be 127.0.0.1, which Endpoints validation rejects; nothing here needs them.
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      '--v=1',
      ...auditArgs,
    ]);
    await waitReady(apiserver, 'ready (/readyz)', () => ok(`${server}/readyz`, adminTls), timeout);
    log(`kube-apiserver ready on ${server} (${Date.now() - started} ms)`);

    // the rest, started together
    const common = [
      `--kubeconfig=${kubeconfigPath}`,
      `--authentication-kubeconfig=${kubeconfigPath}`,
      `--authorization-kubeconfig=${kubeconfigPath}`,
      `--authorization-always-allow-paths=${ALWAYS_ALLOW}`,
      '--bind-address=127.0.0.1',
      `--tls-cert-file=${certs.servingCert}`,
      `--tls-private-key-file=${certs.servingKey}`,
      '--leader-elect=false',
      '--v=1',
    ];
    const kcm = run('kube-controller-manager', bin('kube-controller-manager'), [
      ...common,
      `--secure-port=${kcmPort}`,
      `--root-ca-file=${certs.caCert}`,
      `--service-account-private-key-file=${certs.serviceAccountKey}`,
      '--use-service-account-credentials=true',
      `--cluster-signing-cert-file=${certs.caCert}`,
      `--cluster-signing-key-file=${certs.caKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--controllers=*',
    ]);
    const scheduler = run('kube-scheduler', bin('kube-scheduler'), [...common, `--secure-port=${schedPort}`]);
    const kwokConfig = path.join(dir, 'kwok.yaml');
    writeFileSync(kwokConfig, kwokConfigYaml());
    const kwok = run('kwok', bin('kwok'), [
      `--kubeconfig=${kubeconfigPath}`,
      `--config=${kwokConfig}`,
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      `--server-address=127.0.0.1:${kwokPort}`,
      '--node-lease-duration-seconds=40',
      '--cidr=10.244.0.0/16',
      '--node-ip=10.255.0.1',
    ]);
    await Promise.all([
      waitReady(kcm, 'healthy (/healthz)', () => ok(`https://127.0.0.1:${kcmPort}/healthz`, caOnly), timeout),
      waitReady(scheduler, 'ready (/readyz)', () => ok(`https://127.0.0.1:${schedPort}/readyz`, caOnly), timeout),
      waitReady(kwok, 'healthy (/healthz)', () => ok(`http://127.0.0.1:${kwokPort}/healthz`), timeout),
    ]);
    // The service-account controllers have run once the default namespace has its "default" ServiceAccount; until then
    // pods cannot be created there.
    await waitReady(kcm, 'creating service accounts (default/default)', () =>
      ok(`${server}/api/v1/namespaces/default/serviceaccounts/default`, adminTls), timeout);
    log(`control plane ready in ${Date.now() - started} ms; logs in ${logDir}`);

    return { kubeconfigPath, server, dir, logs, auditLogPath, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
