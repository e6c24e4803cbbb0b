/**
 * The built CLI as a child process for the chaos tests, awaited without blocking the test's worker (a worker blocked in
 * spawnSync for long cannot answer vitest's calls, and a busy machine makes chaos runs take a while).
 */
import { spawn } from 'node:child_process';

export interface ChaosCliResult {
  /** The exit code (null if killed by a signal). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/vngshift.js ARGS` with extra environment variables and collects both streams. */
export function vngshift(args: readonly string[], env: Record<string, string> = {}): Promise<ChaosCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/vngshift.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}
