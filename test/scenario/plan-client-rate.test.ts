/**
 * `plan --qps/--burst`: the client rate of the run planned (run's own flags) paces the planned evictions, so a slower client
 * gives longer batch times; it lands in the plan's timing, over a --timing file's figures; bad values are refused before
 * anything is read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateClusterObjects } from '../../src/gen/cluster.js';
import { Prng } from '../../src/gen/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'vngshift-qps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PlanJson {
  readonly timing: { readonly clientQps: number; readonly clientBurst: number };
  readonly batches: readonly { readonly estimatedSeconds: number | null }[];
}

function plan(cluster: string, ...flags: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(
    process.execPath,
    ['bin/vngshift.js', 'plan', '--cluster', cluster, '--vngs', 'test/fixtures/plan/vngs-general.json', '--batch-size-percentage', '50', '--no-respect-pdb', ...flags, '-o', 'json'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('plan --qps/--burst', () => {
  const file = join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: generateClusterObjects({ nodes: 6, pods: 300, blockingPdbs: 0, pdbFraction: 0 }, new Prng(3)) }));
  const read = (...flags: string[]): PlanJson => {
    const r = plan(file, ...flags);
    expect(r.code === 0 || r.code === 2, r.err).toBe(true);
    return JSON.parse(r.out) as PlanJson;
  };
  const total = (p: PlanJson): number => p.batches.reduce((s, b) => s + (b.estimatedSeconds ?? 0), 0);

  it('paces the planned evictions at the run\'s client rate', () => {
    const usual = read();
    const slow = read('--qps', '1', '--burst', '1');
    expect(usual.timing).toMatchObject({ clientQps: 20, clientBurst: 40 });
    expect(slow.timing).toMatchObject({ clientQps: 1, clientBurst: 1 });
    // 300 pods' evictions at one request a second: minutes more than at 20.
    expect(total(slow)).toBeGreaterThan(total(usual) + 120);
    // Over a timing model: only the flag given changes.
    expect(read('--timing', 'kwok', '--qps', '5').timing).toMatchObject({ clientQps: 5, clientBurst: 40, apiLatencySeconds: 0.025 });
  });

  it('refuses a rate that is not one, in one line, before reading the cluster', () => {
    const r = plan(join(dir, 'missing.json'), '--qps', '0');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/flag --qps/);
  });
});
