/**
 * moto's server, the AWS emulator the e2e tier tests the AWS adapters against (EC2, Auto Scaling): installed once into
 * .tools/moto by scripts/moto/install.sh, started on 127.0.0.1 for the whole run, stopped after. Tests reach it through
 * the SDK's own endpoint setting (`endpoint` in code, AWS_ENDPOINT_URL for the CLI) with dummy credentials.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';
import { freePorts, httpGet, startProcess, stopProcess, waitReady } from './process.js';

export interface Moto {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly logPath: string;
  stop(): Promise<void>;
}

const installScript = path.join(repoRoot, 'scripts', 'moto', 'install.sh');

/** Installs moto if needed and returns the path of moto_server. */
export async function installMoto(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [installScript], { cwd: repoRoot, maxBuffer: 1 << 20 });
  const bin = stdout.trim().split('\n').pop();
  if (bin === undefined || bin === '') throw new Error(`${installScript} printed no moto_server path`);
  return bin;
}

export async function startMoto(log: (line: string) => void): Promise<Moto> {
  const bin = await installMoto();
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no free port for moto');
  const logPath = path.join(mkdtempSync(path.join(tmpdir(), 'vngshift-moto-')), 'moto.log');
  const p = startProcess('moto', bin, ['-H', '127.0.0.1', '-p', String(port)], logPath, repoRoot);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitReady(p, 'serving', async () => (await httpGet(`${endpoint}/moto-api/data.json`)).status === 200, 60_000);
  log(`moto ${endpoint} (log ${logPath})`);
  return { endpoint, logPath, stop: () => stopProcess(p, 5_000) };
}

/** Forgets every resource moto holds (its own reset endpoint): each test file starts from an empty account. */
export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset: HTTP ${res.status}`);
}
