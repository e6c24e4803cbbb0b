/**
 * The fixed chaos budget of every test run: 2,000 seeded runs through the built `vngshift chaos` command (1,500 swarm, 500
 * lite), on worker processes, checked against invariants 1-6 and 9. A violation fails the test with the command's report:
 * every failing seed with its replay command, and the first failures shrunk to minimal scenario files (written to a temporary
 * folder here, whose content is printed). CHAOS_SEED moves the seed ranges to explore beyond the fixed budget.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BASE = Number(process.env['CHAOS_SEED'] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'vngshift-chaos-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Summary {
  runs: number;
  outcomes: { byStatus: Record<string, number>; byFailure: Record<string, number>; timedOut: number };
  faultKinds: Record<string, number>;
  violations: { seed: number; invariant: number; message: string; replay: string }[];
  errors: { seed: number; message: string }[];
  shrunk: { seed: number; summary: string; replay: string }[];
  runsPerSecond: number;
}

/** The CLI as a child process, awaited without blocking this worker (a blocked worker cannot answer vitest's calls). */
function runCli(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/vngshift.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

async function sweep(profile: 'swarm' | 'lite', seed: number, runs: number): Promise<{ summary: Summary; report: string }> {
  const out = await runCli(['chaos', '--runs', String(runs), '--seed', String(seed), '--profile', profile, '-o', 'json', '--shrink', '2', '--shrink-runs', '60', '--regressions-dir', dir]);
  const summary = JSON.parse(out.stdout) as Summary;
  const files = readdirSync(dir).map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8')}`);
  const report = [
    `chaos ${profile} seeds ${seed}-${seed + runs - 1}: exit ${out.status}`,
    ...summary.violations.slice(0, 20).map((v) => `seed ${v.seed} invariant ${v.invariant}: ${v.message}\n  replay: ${v.replay}`),
    ...summary.errors.slice(0, 20).map((e) => `seed ${e.seed} threw: ${e.message}`),
    ...summary.shrunk.map((s) => `shrunk seed ${s.seed}: ${s.summary}\n  replay: ${s.replay}`),
    ...files,
    out.stderr.split('\n').slice(-5).join('\n'),
  ].join('\n');
  expect(out.status, report).toBe(0);
  return { summary, report };
}

describe('chaos budget: 2,000 seeded runs per test run', () => {
  it('1,500 swarm runs: no invariant violation, no thrown error, every ending and every fault kind reached', async () => {
    const { summary, report } = await sweep('swarm', BASE, 1500);
    expect(summary.runs).toBe(1500);
    expect(summary.violations, report).toEqual([]);
    expect(summary.errors, report).toEqual([]);
    for (const status of ['Completed', 'Failed', 'Stopped']) expect(summary.outcomes.byStatus[status] ?? 0, status).toBeGreaterThan(0);
    expect(Object.keys(summary.faultKinds).length).toBe(14);
    // Faults heal at the end of the safety window, so every run ends: none is cut at the simulator's horizon.
    expect(summary.outcomes.timedOut).toBe(0);
  }, 1_800_000);

  it('500 lite runs (short, mild faults a sound migration rides out): no violation, and most complete', async () => {
    const { summary, report } = await sweep('lite', BASE + 500_000, 500);
    expect(summary.runs).toBe(500);
    expect(summary.violations, report).toEqual([]);
    expect(summary.errors, report).toEqual([]);
    expect(summary.outcomes.byStatus['Completed'] ?? 0).toBeGreaterThan(250);
  }, 900_000);
});
