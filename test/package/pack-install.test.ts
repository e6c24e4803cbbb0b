/**
 * The published package works where it is installed: `npm pack` (of the dist/ that test/global-setup.ts just built), the
 * tarball installed into an empty folder with its dependencies from the registry, then `plan` of the example, `simulate
 * --scenario` and `chaos --runs 3` run from that folder through node_modules/.bin/vngshift. Nothing of the repository is on
 * the path but the input files a user would bring (copied into the folder). About a minute, most of it the install.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve('.');
let dir = '';
let app = '';

function run(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, VNGSHIFT_DEBUG: '' } });
}

function vngshift(...args: string[]): SpawnSyncReturns<string> {
  return run(join(app, 'node_modules', '.bin', 'vngshift'), args, app);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vngshift-pack-'));
  // --ignore-scripts: the prepack build already ran in the global setup.
  const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], repo);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tgz === undefined) throw new Error('npm pack wrote no tarball');
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "private": true }\n');
  const install = run('npm', ['install', '--no-audit', '--no-fund', join(dir, tgz)], app);
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
  // The user's own input files: the example cluster and VNGs, and a scenario with the VNG file it names.
  cpSync(join(repo, 'examples'), join(app, 'examples'), { recursive: true });
  mkdirSync(join(app, 'scenarios'));
  cpSync(join(repo, 'scenarios', 'chaos-recovers.yaml'), join(app, 'scenarios', 'chaos-recovers.yaml'));
  cpSync(join(repo, 'scenarios', 'vngs'), join(app, 'scenarios', 'vngs'), { recursive: true });
}, 300_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('the packed and installed package', () => {
  it('ships bin, dist and data only', () => {
    const root = join(app, 'node_modules', 'vngshift');
    expect(readdirSync(root).sort()).toEqual(['README.md', 'bin', 'data', 'dist', 'package.json'].sort());
    expect(readdirSync(join(root, 'data', 'vngs')).sort()).toEqual(['full.json', 'general.json']);
  });

  it('prints its version from package.json', () => {
    const r = vngshift('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('plans the example: FEASIBLE, exit 0', () => {
    const r = vngshift('plan', '--cluster', 'examples/cluster.yaml', '--vngs', 'examples/vngs.json', '--force-pod-eviction-on-pdb-failure', '-o', 'json');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { verdict: string }).verdict).toBe('FEASIBLE');
  });

  it('simulates a scenario to its expected end, exit 0', () => {
    const r = vngshift('simulate', '--scenario', 'scenarios/chaos-recovers.yaml', '--no-progress');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^vngshift simulate: Completed after /);
  });

  it('runs chaos from a folder without the repository (VNG sets from data/), exit 0', () => {
    const r = vngshift('chaos', '--runs', '3', '--log-format', 'json');
    expect(r.stderr).not.toMatch(/ENOENT|internal error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^vngshift chaos: 3 run\(s\)/);
    expect(r.stdout).toMatch(/no violation/);
  });
});
