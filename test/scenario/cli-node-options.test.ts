/** The built CLI's node options: --max-pods, and a VNG file whose VNGs need the Ocean cluster's instance types. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-cli-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vngshift.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CLUSTER = ['--cluster', 'test/fixtures/plan/two-nodes-gpu-missing.yaml'];
const FEASIBLE = ['--no-respect-pdb', '--node-names', 'old-a'];

describe('vngshift CLI: node options', () => {
  it('plan --max-pods sets max pods of every new node and the plan says the flag was the source', () => {
    const r = cli(['plan', ...CLUSTER, '--vngs', 'test/fixtures/plan/vngs-general.json', ...FEASIBLE, '--max-pods', '58', '-o', 'json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as { allocatable: unknown; newNodes: { maxPods: number; maxPodsSource: string }[] };
    expect(plan.allocatable).toEqual({ maxPods: 58 });
    expect(plan.newNodes.length).toBeGreaterThan(0);
    for (const n of plan.newNodes) expect([n.maxPods, n.maxPodsSource]).toEqual([58, 'flag']);
  });

  it('a bad --max-pods is one line naming the flag, exit 1 (plan and simulate)', () => {
    for (const cmd of ['plan', 'simulate']) {
      const r = cli([cmd, ...CLUSTER, '--vngs', 'test/fixtures/plan/vngs-general.json', '--max-pods', '0']);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain('flag --max-pods');
    }
  });

  it("a VNG with no instance types and no Ocean cluster list is refused, naming the file, the VNG and instanceTypes", () => {
    const file = join(dir, 'no-types.json');
    writeFileSync(file, JSON.stringify({ launchSpecs: [{ name: 'general' }] }));
    const r = cli(['plan', ...CLUSTER, '--vngs', file]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(file);
    expect(r.err).toContain('launchSpecs[0] (general)');
    expect(r.err).toContain('instanceTypes');
  });
});
