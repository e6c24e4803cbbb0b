/** Where the e2e control plane's pieces live, computed from this file's location (no machine-specific paths). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/e2e/harness/paths.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok into .tools/bin (no-op when cached). */
export const buildScript = path.join(repoRoot, 'scripts', 'controlplane', 'build.sh');

/** The binaries build.sh writes; VNGSHIFT_CONTROLPLANE_BIN points elsewhere if set. */
export function controlPlaneBinDir(): string {
  return process.env['VNGSHIFT_CONTROLPLANE_BIN'] ?? path.join(repoRoot, '.tools', 'bin');
}
