/** The built CLI as a user runs it (test/global-setup.ts builds it once). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withoutProgress } from '../helpers/progress-lines.js';

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

  it('plan exits 3 when every pod fits but a failure is predicted, and says so in its first line', () => {
    // The PDB shop/api allows no disruption: with the GPU node out of the selection, everything fits, yet batch 1 times out.
    const r = cli(['plan', ...GPU, '--node-names', 'old-a']);
    expect(r.code, r.err).toBe(3);
    expect(r.out.split('\n')[0]).toBe(
      'vngshift plan: FAILURE PREDICTED: all 4 moving pods fit the VNGs, but the migration is expected to stop with TechnicalTimeout in batch 1',
    );
    const json = cli(['plan', ...GPU, '--node-names', 'old-a', '-o', 'json']);
    expect(json.code).toBe(3);
    expect((JSON.parse(json.out) as { verdict: string }).verdict).toBe('FAILURE_PREDICTED');
  });

  it('plan exits 2 with NOT FEASIBLE first when a pod fits no VNG', () => {
    const r = cli(['plan', ...GPU]);
    expect(r.code).toBe(2);
    expect(r.out.split('\n')[0]).toMatch(/^vngshift plan: NOT FEASIBLE: 1 of \d+ moving pods fit no VNG/);
  });

  describe('empty or mismatched input is an error (exit 1, one line, nothing on stdout), not a green plan', () => {
    const VNGS = 'test/fixtures/plan/vngs-general.json';
    const CLUSTER = 'test/fixtures/plan/two-nodes-gpu-missing.yaml';
    const cases: [string, string[], string][] = [
      ['a label selector that matches no node', ['--nodes', 'pool=new'], 'flag --nodes: label selector "pool=new" matches none of the cluster\'s 2 node(s)'],
      ['node names that do not exist, named', ['--node-names', 'old-a,old-z,old-y'], "flag --node-names: 2 node name(s) are not in the cluster's 2 node(s): old-y, old-z"],
      ['instance ids that no node has', ['--instance-ids', 'i-0aaaaaaaaaaaaaaa1,i-0123456789abcdef0'], "flag --instance-ids: 1 instance id(s) match no node's spec.providerID: i-0123456789abcdef0"],
    ];
    for (const [what, flags, message] of cases) {
      it(`plan and simulate: ${what}`, () => {
        for (const command of ['plan', 'simulate']) {
          const r = cli([command, '--cluster', CLUSTER, '--vngs', VNGS, ...flags]);
          expect(r.code, r.err).toBe(1);
          expect(r.err.trim()).toBe(`vngshift: error: ${message}`);
          expect(r.out).toBe('');
        }
      });
    }

    it('a selection from a --params file names the file and the field', () => {
      const params = join(dir, 'params.yaml');
      writeFileSync(params, 'nodeNames: [old-q]\n');
      const r = cli(['plan', '--cluster', CLUSTER, '--vngs', VNGS, '--params', params]);
      expect(r.code).toBe(1);
      expect(r.err.trim()).toBe(`vngshift: error: ${params}: migration parameters: nodeNames: 1 node name(s) are not in the cluster's 2 node(s): old-q`);
    });

    it('a cluster input with no nodes', () => {
      const empty = join(dir, 'no-nodes.yaml');
      writeFileSync(empty, 'apiVersion: v1\nkind: List\nitems: []\n');
      const r = cli(['plan', '--cluster', empty, '--vngs', VNGS]);
      expect(r.code).toBe(1);
      expect(r.err.trim()).toBe(`vngshift: error: ${empty}: cluster: items: no Node objects found: a plan needs the old nodes (kubectl get nodes,pods,... -A -o json)`);
    });

    it('a VNG set with no VNG, for plan and simulate', () => {
      const none = join(dir, 'no-vngs.json');
      writeFileSync(none, '{"launchSpecs": []}');
      for (const command of ['plan', 'simulate']) {
        const r = cli([command, '--cluster', CLUSTER, '--vngs', none]);
        expect(r.code).toBe(1);
        expect(r.err.trim()).toBe(`vngshift: error: ${none}: launchSpecs: expected at least one launch spec; found none`);
      }
    });
  });

  it('objects of kinds the planner skips are counted on stderr, so a typo in a kind shows', () => {
    const withExtras = join(dir, 'with-extras.yaml');
    const base = readFileSync('test/fixtures/plan/two-nodes-gpu-missing.yaml', 'utf8');
    const extras = [
      '- {apiVersion: v1, kind: Secret, metadata: {name: s1, namespace: shop}}',
      '- {apiVersion: v1, kind: Secret, metadata: {name: s2, namespace: shop}}',
      '- {apiVersion: v1, kind: Nodes, metadata: {name: typo}}',
    ].join('\n');
    writeFileSync(withExtras, `${base.trimEnd()}\n${extras}\n`);
    const r = cli(['plan', '--cluster', withExtras, '--vngs', 'test/fixtures/plan/vngs-general.json', '--no-respect-pdb', '--node-names', 'old-a']);
    expect(r.code, r.err).toBe(0);
    expect(withoutProgress(r.err).trim()).toBe(`vngshift: ${withExtras}: skipped 1 Nodes (unknown kind), 2 Secret`);
    const clean = cli(['plan', ...GPU, '--no-respect-pdb', '--node-names', 'old-a']);
    expect(withoutProgress(clean.err)).toBe('');
    expect(clean.err).toMatch(/ plan: plan made: /);
  });

  it('simulate exits 3 on a failed rehearsal and prints the replay command', () => {
    const r = cli(['simulate', '--scenario', 'scenarios/terminate-failed.yaml']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('Failure: TerminateFailed');
    expect(r.out).toContain('Replay: vngshift simulate --scenario scenarios/terminate-failed.yaml --seed 1');
  });

  it('simulate --capacity-grace: InsufficientCapacity comes after the grace the flag sets, and the replay keeps it', () => {
    const failedAt = (args: string[]) => {
      const r = cli(['simulate', '--scenario', 'scenarios/insufficient-capacity.yaml', ...args, '-o', 'json']);
      expect(r.code).toBe(3);
      const j = JSON.parse(r.out) as { failure: { code: string }; durationSeconds: number; options: { engineSettings: { capacityGraceSeconds: number } }; replay: string };
      expect(j.failure.code).toBe('InsufficientCapacity');
      return j;
    };
    const byDefault = failedAt([]);
    const short = failedAt(['--capacity-grace', '2m']);
    expect(byDefault.options.engineSettings.capacityGraceSeconds).toBe(300);
    expect(short.options.engineSettings.capacityGraceSeconds).toBe(120);
    // The failure comes the difference of the graces earlier, to the engine's reconcile interval (5 s).
    const earlier = byDefault.durationSeconds - short.durationSeconds;
    expect(earlier).toBeGreaterThanOrEqual(175);
    expect(earlier).toBeLessThanOrEqual(185);
    expect(short.replay).toContain('--capacity-grace 2m');
    for (const bad of ['5s', 'soon', '25h']) {
      const r = cli(['simulate', '--scenario', 'scenarios/insufficient-capacity.yaml', '--capacity-grace', bad]);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`flag --capacity-grace: expected a duration from 10s to 24h; found "${bad}"`);
    }
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

  it('simulate --trace-out writes the trace as JSON lines, the same events -o json carries inline, and leaves them out of the JSON', () => {
    const inline = JSON.parse(cli(['simulate', ...GPU, '--no-respect-pdb', '--node-names', 'old-a', '--seed', '9', '-o', 'json']).out) as { events: unknown[] };
    const file = join(dir, 'trace.jsonl');
    const r = cli(['simulate', ...GPU, '--no-respect-pdb', '--node-names', 'old-a', '--seed', '9', '-o', 'json', '--trace-out', file]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { events?: unknown; trace: { file: string; events: number } };
    expect(out.events).toBeUndefined();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(out.trace).toEqual({ file, events: lines.length });
    expect(lines).toEqual(inline.events);
    const bad = cli(['simulate', ...GPU, '--trace-out', join(dir, 'no-such-dir', 'trace.jsonl')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^vngshift: .*--trace-out.*cannot write/m);
  });
});
