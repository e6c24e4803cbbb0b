/** The built CLI as a user runs it (test/global-setup.ts builds it once). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['bin/vngshift.js', ...args], { encoding: 'utf8', input, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const GPU = ['--cluster', 'test/fixtures/plan/two-nodes-gpu-missing.yaml', '--vngs', 'test/fixtures/plan/vngs-general.json'];

describe('vngshift CLI', () => {
  it('--help lists every command with a description, and plan --help every flag', () => {
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/plan\s+\S.*feasibility/);
    expect(top.out).toMatch(/simulate\s+\S.*rehearsal/);
    const plan = cli(['plan', '--help']);
    for (const flag of ['--cluster', '--vngs', '--params', '--nodes', '--batch-size-percentage', '--respect-pdb', '--plan-out', '--output']) {
      expect(plan.out).toContain(flag);
    }
  });

  it('plan reads the cluster from standard input, writes the plan file, and exits 2 when infeasible', () => {
    const planFile = join(dir, 'plan.json');
    const r = cli(['plan', '--cluster', '-', '--vngs', 'test/fixtures/plan/vngs-general.json', '-o', 'json', '--plan-out', planFile], readFileSync('test/fixtures/plan/two-nodes-gpu-missing.yaml', 'utf8'));
    expect(r.code).toBe(2);
    const printed = JSON.parse(r.out) as { feasible: boolean; apiVersion: string };
    expect(printed.feasible).toBe(false);
    expect(JSON.parse(readFileSync(planFile, 'utf8'))).toEqual(printed);
    expect(printed.apiVersion).toBe('vngshift.io/v1alpha1');
  });

  it('plan exits 0 on a feasible plan and renders markdown', () => {
    const r = cli(['plan', ...GPU, '--no-respect-pdb', '--node-names', 'old-a', '-o', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Migration plan: FEASIBLE/);
    expect(r.out).toContain('| VNG | instance type | count |');
  });

  it('bad input: one line naming the file, object and field; exit 1; no stack trace', () => {
    const r = cli(['plan', ...GPU, '--batch-size-percentage', '140']);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('flag --batch-size-percentage');
    const missing = cli(['plan', '--cluster', 'nope.yaml', '--vngs', 'test/fixtures/plan/vngs-general.json']);
    expect(missing.code).toBe(1);
    expect(missing.err.trim()).toBe('vngshift: error: nope.yaml: no such file');
  });

  it('simulate exits 3 on a failed rehearsal and prints the replay command', () => {
    const r = cli(['simulate', '--scenario', 'scenarios/terminate-failed.yaml']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('Failure: TerminateFailed');
    expect(r.out).toContain('Replay: vngshift simulate --scenario scenarios/terminate-failed.yaml --seed 1');
  });

  it('simulate exits 0 when the rehearsal completes, and its JSON is the same for the same seed', () => {
    const a = cli(['simulate', ...GPU, '--no-respect-pdb', '--node-names', 'old-a', '--seed', '9', '-o', 'json']);
    const b = cli(['simulate', ...GPU, '--no-respect-pdb', '--node-names', 'old-a', '--seed', '9', '-o', 'json']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const r = JSON.parse(a.out) as { status: string; events: unknown[]; instances: { old: { nodeName: string; state: string }[] } };
    expect(r.status).toBe('Completed');
    expect(r.events.length).toBeGreaterThan(10);
    // Only the selected node moves: its instance is terminated, the other keeps running.
    expect(r.instances.old.map((i) => [i.nodeName, i.state])).toEqual([
      ['old-a', 'terminated'],
      ['old-b', 'running'],
    ]);
  });
});
