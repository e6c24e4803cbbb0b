import { configDefaults, defineConfig } from 'vitest/config';

// Two projects, both run by `vitest run` (and so by `npm test`); pick one with `vitest run --project e2e`.
// - default: every tier but e2e (unit, property, scenario).
// - e2e: tests against a real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, KWOK) that
//   test/e2e/harness/global-setup.ts builds once (scripts/controlplane/build.sh) and starts once per run. Its files run
//   one after another in a single fork (per-project form of fileParallelism: false; that option is root-only in vitest 3).
export default defineConfig({
  test: {
    // Stopping the control plane (SIGTERM, then SIGKILL after 10 s) must not be cut short.
    teardownTimeout: 30_000,
    projects: [
      {
        test: {
          name: 'default',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          testTimeout: 60_000,
          pool: 'forks',
          setupFiles: ['test/setup.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          setupFiles: ['test/setup.ts'],
          globalSetup: ['test/global-setup.ts', 'test/e2e/harness/global-setup.ts'],
        },
      },
    ],
  },
});
