/** Child processes of the e2e control plane: started with their output in a log file, probed until ready, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export class ControlPlaneStartError extends Error {
  constructor(
    readonly processName: string,
    reason: string,
    readonly logPath: string,
  ) {
    super(`${processName} failed to start: ${reason}\n--- last lines of ${logPath} ---\n${tailOf(logPath)}`);
    this.name = 'ControlPlaneStartError';
  }
}

/** The last `lines` lines of a log file ('' if it does not exist). */
export function tailOf(logPath: string, lines = 40): string {
  if (!existsSync(logPath)) return '(no log file)';
  const text = readFileSync(logPath, 'utf8').trimEnd();
  return text.split('\n').slice(-lines).join('\n');
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  /** Resolves with the exit code (or the signal name) once the process ended. */
  readonly exited: Promise<number | string>;
  /** Set once the process ended. */
  exitStatus(): number | string | undefined;
}

/** Starts `bin args`, stdout and stderr appended to `logPath`, in the caller's process group. */
export function startProcess(name: string, bin: string, args: string[], logPath: string, cwd: string): ManagedProcess {
  const fd = openSync(logPath, 'a');
  let status: number | string | undefined;
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { cwd, stdio: ['ignore', fd, fd], env: { ...process.env } });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err) => {
      status ??= `spawn error: ${err.message}`;
      resolve(status);
    });
    child.once('exit', (code, signal) => {
      status ??= code ?? signal ?? 'unknown';
      resolve(status);
    });
  });
  return { name, child, logPath, exited, exitStatus: () => status };
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(p: ManagedProcess, graceMs = 10_000): Promise<void> {
  if (p.exitStatus() !== undefined || p.child.pid === undefined) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  try {
    await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `ready` every 250 ms until it returns true. Throws ControlPlaneStartError (with the log's tail) if the process
 * exits first or `timeoutMs` passes.
 */
export async function waitReady(p: ManagedProcess, what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    const status = p.exitStatus();
    if (status !== undefined) throw new ControlPlaneStartError(p.name, `exited (${status}) before ${what}`, p.logPath);
    try {
      if (await ready()) return;
      lastError = '';
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new ControlPlaneStartError(
        p.name,
        `not ${what} after ${Math.round(timeoutMs / 1000)}s${lastError ? ` (last probe: ${lastError})` : ''}`,
        p.logPath,
      );
    }
    await sleep(250);
  }
}

export interface TlsOptions {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** GETs `url` (http or https) and returns the status and body; rejects on network errors or after 5 s. */
export function httpGet(url: string, tls?: TlsOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const req =
      u.protocol === 'https:'
        ? https.get(u, { ca: tls?.ca, cert: tls?.cert, key: tls?.key, timeout: 5000 }, onResponse)
        : http.get(u, { timeout: 5000 }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`timeout GET ${url}`)));
    req.on('error', reject);
  });
}

/** `count` distinct free TCP ports on 127.0.0.1 (held open together while choosing, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const addr = server.address();
      if (addr === null || typeof addr === 'string') throw new Error('could not read a listening port');
      ports.push(addr.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
