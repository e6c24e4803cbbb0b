/** The built CLI as a child process, and a kubeconfig that points it at a local test server. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface CliResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** Runs `bin/vngshift.js` with these arguments (and `env` added to this process's environment), without blocking the test's worker. */
export function runCli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    const options = { encoding: 'utf8' as const, timeout: 60_000, ...(env ? { env: { ...process.env, ...env } } : {}) };
    execFile(process.execPath, ['bin/vngshift.js', ...args], options, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

/** A kubeconfig with one context `test` for a plain-HTTP server (TLS checks off, a dummy token). */
export function writeKubeconfig(file: string, server: string): void {
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: test',
      '  cluster:',
      `    server: ${server}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: test',
      '  user:',
      '    token: not-a-real-token',
      'contexts:',
      '- name: test',
      '  context:',
      '    cluster: test',
      '    user: test',
      'current-context: test',
      '',
    ].join('\n'),
  );
}
