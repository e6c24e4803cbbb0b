/**
 * Global setup of the "e2e" vitest project: builds the control plane binaries (scripts/controlplane/build.sh, a no-op
 * when .tools/bin matches scripts/controlplane/versions.env), starts one control plane for the whole run, hands its
 * kubeconfig path and server URL to the tests (`inject('kubeconfigPath')`, `inject('kubeServer')`), and stops it after
 * the last e2e test file. It also starts moto's server (the AWS emulator, moto.ts) and hands its URL over as
 * `inject('awsEndpoint')`.
 */
import { spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startControlPlane } from './controlplane.js';
import { startMoto, type Moto } from './moto.js';
import { buildScript, repoRoot } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin kubeconfig of the e2e control plane. */
    kubeconfigPath: string;
    /** Its API server URL, https://127.0.0.1:PORT. */
    kubeServer: string;
    /** moto's server (AWS emulator), http://127.0.0.1:PORT. */
    awsEndpoint: string;
  }
}

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its progress goes to the terminal: a cold build takes tens of minutes.
    const child = spawn('bash', [buildScript], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${buildScript} failed (${code ?? signal ?? 'unknown'})`)),
    );
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build();
  const cp = await startControlPlane({ log: (line) => process.stderr.write(`[e2e control plane] ${line}\n`) });
  project.provide('kubeconfigPath', cp.kubeconfigPath);
  project.provide('kubeServer', cp.server);
  let moto: Moto;
  try {
    moto = await startMoto((line) => process.stderr.write(`[e2e moto] ${line}\n`));
  } catch (e) {
    await cp.stop();
    throw e;
  }
  project.provide('awsEndpoint', moto.endpoint);
  const started = moto;
  return async () => {
    await Promise.all([cp.stop(), started.stop()]);
  };
}
